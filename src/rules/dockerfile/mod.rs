//! Dockerfile rules (`DF`): one file per rule, one registration line each, and the small shared
//! helpers they need over the Dockerfile model.

mod add_instead_of_copy;
mod apk_no_cache;
mod apt_lists;
mod apt_recommends;
mod base_unpinned;
mod curl_pipe_shell;
mod no_healthcheck;
mod runs_as_root;
mod secret_env_arg;

use crate::model::dockerfile::{Args, Command, Dockerfile, Instruction, Stage};
use crate::source::{Span, Spanned};

use super::Rule;

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(runs_as_root::RunsAsRoot));
    rules.push(Box::new(no_healthcheck::NoHealthcheck));
    rules.push(Box::new(base_unpinned::BaseUnpinned));
    rules.push(Box::new(add_instead_of_copy::AddInsteadOfCopy));
    rules.push(Box::new(curl_pipe_shell::CurlPipeShell));
    rules.push(Box::new(secret_env_arg::SecretEnvArg));
    rules.push(Box::new(apt_recommends::AptRecommends));
    rules.push(Box::new(apt_lists::AptLists));
    rules.push(Box::new(apk_no_cache::ApkNoCache));
}

/// The stage a stage builds on (`FROM build AS final`), if its base names an earlier stage.
pub fn base_stage<'a>(df: &'a Dockerfile, stage: &Stage) -> Option<&'a Stage> {
    stage.base_stage.and_then(|i| df.stages.get(i))
}

/// Stages whose filesystem ships in the final image: the final stage and the chain it builds on.
pub fn shipped_stages(df: &Dockerfile) -> Vec<&Stage> {
    let mut out = Vec::new();
    let mut cur = df.final_stage();
    while let Some(s) = cur {
        if out.iter().any(|o: &&Stage| o.index == s.index) {
            break;
        }
        out.push(s);
        cur = base_stage(df, s);
    }
    out
}

/// Instructions of the shipped stages, in file order.
pub fn shipped_instructions(df: &Dockerfile) -> Vec<&Instruction> {
    let mut stages = shipped_stages(df);
    stages.sort_by_key(|s| s.index);
    stages.into_iter().flat_map(|s| df.stage_instructions(s)).collect()
}

/// A RUN instruction's shell text (exec form joined) and the span to point at.
pub fn run_text(i: &Instruction) -> Option<(String, Span)> {
    match &i.args {
        Args::Run { command, heredocs } => {
            let mut text = command.text();
            for h in heredocs {
                text.push('\n');
                text.push_str(&h.value);
            }
            Some((text, command.span()))
        }
        _ => None,
    }
}

/// Split a shell command line into simple commands (on `&&`, `||`, `;`, `|`, newlines and escaped
/// newlines), trimmed. Quotes are respected.
pub fn simple_commands(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                cur.push(c);
            }
            (None, '\\') if chars.peek() == Some(&'\n') => {
                chars.next();
                cur.push(' ');
            }
            (None, ';' | '\n') => out.push(std::mem::take(&mut cur)),
            (None, '&') if chars.peek() == Some(&'&') => {
                chars.next();
                out.push(std::mem::take(&mut cur));
            }
            (None, '|') => {
                if chars.peek() == Some(&'|') {
                    chars.next();
                }
                out.push(std::mem::take(&mut cur));
            }
            (None, c) => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
}

/// Words of a simple command, with a leading `sudo`/`env VAR=x` removed.
pub fn words(cmd: &str) -> Vec<&str> {
    let mut w: Vec<&str> = cmd.split_whitespace().collect();
    while let Some(first) = w.first() {
        if *first == "sudo" || *first == "env" || (first.contains('=') && !first.starts_with('-')) {
            w.remove(0);
        } else {
            break;
        }
    }
    w
}

/// Text of a CMD/ENTRYPOINT, if the instruction is one.
pub fn command_of(i: &Instruction) -> Option<&Command> {
    match &i.args {
        Args::Cmd(c) | Args::Entrypoint(c) => Some(c),
        _ => None,
    }
}

/// The value of the last USER instruction among `instrs`.
pub fn last_user<'a>(instrs: &[&'a Instruction]) -> Option<&'a Spanned<String>> {
    instrs.iter().rev().find_map(|i| match &i.args {
        Args::User(u) => Some(u),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_commands() {
        let c = simple_commands(
            "apt-get update && apt-get install -y curl \\\n  && rm -rf /var/lib/apt/lists/*; echo 'a && b' | sh",
        );
        assert_eq!(
            c,
            vec!["apt-get update", "apt-get install -y curl", "rm -rf /var/lib/apt/lists/*", "echo 'a && b'", "sh"]
        );
        assert_eq!(words("sudo DEBIAN_FRONTEND=noninteractive apt-get install x"), vec!["apt-get", "install", "x"]);
    }
}
