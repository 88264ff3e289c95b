//! DF022: a RUN with a pipe and no `pipefail`: a failing first command does not fail the build.

use crate::model::dockerfile::{Args, Command, Dockerfile, Instruction};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct Pipefail;

/// Positions of the `|`s that are pipes of the script itself (not `||`, not quoted or escaped,
/// not inside a `` `…` `` or `$(…)` command substitution, whose status the step never sees).
fn pipes(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut quote: Option<u8> = None;
    let mut subst = 0usize;
    let mut backtick = false;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if quote.is_none() {
            match c {
                b'`' => {
                    backtick = !backtick;
                    i += 1;
                    continue;
                }
                b'$' if b.get(i + 1) == Some(&b'(') => {
                    subst += 1;
                    i += 2;
                    continue;
                }
                b'(' if subst > 0 => subst += 1,
                b')' if subst > 0 => {
                    subst -= 1;
                    i += 1;
                    continue;
                }
                b'|' if backtick || subst > 0 => {
                    i += 1;
                    continue;
                }
                _ => {}
            }
        }
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(b'"'), b'\\') => i += 1,
            (Some(_), _) => {}
            (None, b'\\') => i += 1,
            (None, b'\'' | b'"') => quote = Some(c),
            (None, b'#') if i == 0 || b.get(i - 1).is_some_and(|p| p.is_ascii_whitespace()) => {
                // comment to end of line
                while b.get(i).is_some_and(|x| *x != b'\n') {
                    i += 1;
                }
            }
            (None, b'|') => {
                if b.get(i + 1) == Some(&b'|') {
                    i += 2;
                    continue;
                }
                if i > 0 && b.get(i - 1) == Some(&b'|') {
                    i += 1;
                    continue;
                }
                out.push(i);
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The simple command feeding the pipe at `p`, as written (`curl -fsSL https://…`), or `None`
/// when it cannot fail in a way that matters (`echo`, `printf`, `yes`, a group of those).
fn feeder(text: &str, p: usize) -> Option<String> {
    let before = text.get(..p).unwrap_or("");
    let start = ["&&", "||", ";", "\n", "(", "|"]
        .iter()
        .filter_map(|sep| before.rfind(sep).map(|i| i + sep.len()))
        .max()
        .unwrap_or(0);
    let seg: String = before.get(start..).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ");
    let first = seg.split_whitespace().next().unwrap_or("");
    if matches!(first, "echo" | "printf" | "yes" | "true") {
        return None;
    }
    if first == "}" {
        // `{ echo …; echo …; } | tool`: judge the group's commands.
        let open = before.rfind('{').unwrap_or(0);
        let group = before.get(open..).unwrap_or("");
        let only_echo = group
            .split([';', '\n'])
            .map(|c| c.trim().trim_start_matches('{').trim().trim_end_matches('\\').trim())
            .filter(|c| !c.is_empty() && *c != "}")
            .all(|c| c.starts_with("echo") || c.starts_with("printf"));
        return (!only_echo).then(|| "the command group".to_owned());
    }
    Some(if seg.is_empty() { "the command before the pipe".to_owned() } else { format!("`{seg}`") })
}

fn sets_pipefail(text: &str) -> bool {
    text.contains("pipefail")
}

/// A SHELL instruction in effect for `ins` that makes pipes safe (`-o pipefail`) or is not a
/// POSIX shell at all (PowerShell, cmd).
fn safe_shell(df: &Dockerfile, ins: &Instruction, idx: usize) -> bool {
    let mut stage = ins.stage;
    let mut guard = 0;
    while let Some(k) = stage {
        let Some(st) = df.stages.get(k) else { break };
        for &j in st.instructions.iter().rev() {
            if k == ins.stage.unwrap_or(usize::MAX) && j >= idx {
                continue;
            }
            if let Some(Instruction { args: Args::Shell(words), .. }) = df.instructions.get(j) {
                let joined: Vec<&str> = words.iter().map(|w| w.value.as_str()).collect();
                let first = joined.first().map(|s| s.to_ascii_lowercase()).unwrap_or_default();
                return joined.iter().any(|w| w.contains("pipefail"))
                    || first.contains("pwsh")
                    || first.contains("powershell")
                    || first.contains("cmd");
            }
        }
        stage = st.base_stage;
        guard += 1;
        if guard > 64 {
            break;
        }
    }
    false
}

impl Rule for Pipefail {
    fn id(&self) -> RuleId {
        RuleId::DF022
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let mut seen = false;
        for (idx, i) in df.instructions.iter().enumerate() {
            let Args::Run { command: Command::Shell(s), heredocs } = &i.args else { continue };
            seen = true;
            let text = heredocs.iter().fold(s.value.clone(), |mut acc, h| {
                acc.push('\n');
                acc.push_str(&h.value);
                acc
            });
            if sets_pipefail(&text) || safe_shell(df, i, idx) {
                continue;
            }
            let Some(shown) = pipes(&text).into_iter().find_map(|p| feeder(&text, p)) else { continue };
            let at = cx.find(s.span, "|");
            cx.report(
                at,
                format!("this `RUN` pipes without `pipefail`: if {shown} fails, the step still succeeds on the last command's status and the image is built with its output missing"),
            )
            .help("add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before it (or start the command with `set -o pipefail &&` where `/bin/sh` supports it)");
        }
        if seen {
            CHECKED
        } else {
            NA
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{feeder, pipes};

    #[test]
    fn finds_pipes() {
        assert_eq!(pipes("curl x | tar xz"), vec![7]);
        assert!(pipes("a || b").is_empty());
        assert!(pipes("echo 'a|b' && grep \"x|y\" f").is_empty());
        assert!(pipes("echo a\\|b").is_empty());
        assert!(pipes("# a | b\necho ok").is_empty());
        assert!(pipes("cd `ls | grep x` && make").is_empty());
        assert!(pipes("cd $(ls | grep x) && make").is_empty());
    }

    #[test]
    fn feeders() {
        let t = "apt-get update && curl -fsSL https://x/k.asc | gpg --dearmor";
        assert_eq!(feeder(t, t.find('|').unwrap_or(0)).as_deref(), Some("`curl -fsSL https://x/k.asc`"));
        let t = "echo deb x | tee /etc/apt/sources.list";
        assert_eq!(feeder(t, t.find('|').unwrap_or(0)), None);
        let t = "{ echo a; echo b; } | debconf-set-selections";
        assert_eq!(feeder(t, t.find('|').unwrap_or(0)), None);
    }
}
