//! DF022: a RUN with a pipe and no `pipefail`: a failing first command does not fail the build.

use crate::model::dockerfile::{Args, Command, Dockerfile, Instruction};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct Pipefail;

/// Position of the first `|` that is a pipe (not `||`, not quoted, not escaped).
fn first_pipe(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
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
                return Some(i);
            }
            _ => {}
        }
        i += 1;
    }
    None
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
            let Some(p) = first_pipe(&text) else { continue };
            if sets_pipefail(&text) || safe_shell(df, i, idx) {
                continue;
            }
            let before: String = text
                .get(..p)
                .unwrap_or("")
                .rsplit(['\n', ';', '&'])
                .next()
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let shown =
                if before.is_empty() { "the command before the pipe".to_owned() } else { format!("`{before}`") };
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
    use super::first_pipe;

    #[test]
    fn pipes() {
        assert_eq!(first_pipe("curl x | tar xz"), Some(7));
        assert_eq!(first_pipe("a || b"), None);
        assert_eq!(first_pipe("echo 'a|b' && grep \"x|y\" f"), None);
        assert_eq!(first_pipe("echo a\\|b"), None);
        assert_eq!(first_pipe("# a | b\necho ok"), None);
    }
}
