//! DF014: shell-form CMD / ENTRYPOINT (PID 1 is `/bin/sh`, signals do not reach the process).

use crate::finding::Severity;
use crate::model::dockerfile::{Command, Dockerfile, Keyword};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{command_of, effective_command, simple_commands};

pub struct ShellFormCommand;

/// Shell text that hands PID 1 over to the process (`exec node server.js`).
fn execs(text: &str) -> bool {
    text.trim_start().starts_with("exec ")
}

fn shown(text: &str) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 60 {
        format!("{}…", one.chars().take(60).collect::<String>())
    } else {
        one
    }
}

impl Rule for ShellFormCommand {
    fn id(&self) -> RuleId {
        RuleId::DF014
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let (ep, cmd) = effective_command(cx.project, cx.path(), df);
        if ep.is_none() && cmd.is_none() {
            return NA;
        }
        let help = "write it in JSON (exec) form, `CMD [\"node\", \"server.js\"]`, or prefix the shell form with `exec`; wrap several steps in a script that ends with `exec \"$@\"`";
        // `CMD ["node", "server.js"` (broken JSON) silently becomes a shell command.
        for i in [ep, cmd].into_iter().flatten() {
            if let Some(Command::Shell(s)) = command_of(i) {
                if s.value.trim_start().starts_with('[') {
                    cx.report(
                        i.keyword_span,
                        format!("`{} {}` looks like exec form but is not valid JSON, so docker runs it as a shell command and the container fails to start", i.keyword.as_str(), shown(&s.value)),
                    )
                    .by_env(Severity::High, Severity::Medium)
                    .help("fix the JSON array: double quotes around every argument, commas between them, and the closing `]`");
                    return CHECKED;
                }
            }
        }
        if let Some(e) = ep {
            if let Some(Command::Shell(s)) = command_of(e) {
                if !execs(&s.value) {
                    cx.report(
                        e.keyword_span,
                        format!(
                            "`ENTRYPOINT {}` is in shell form: it runs as `/bin/sh -c`, so `CMD` and `docker run` arguments are ignored and `docker stop` signals reach the shell, not the process",
                            shown(&s.value)
                        ),
                    )
                    .by_env(Severity::Medium, Severity::Low)
                    .help(help);
                }
                return CHECKED;
            }
        }
        let Some(c) = cmd else { return CHECKED };
        let Some(Command::Shell(s)) = command_of(c) else { return CHECKED };
        if execs(&s.value) || c.keyword != Keyword::Cmd {
            return CHECKED;
        }
        let compound = simple_commands(&s.value).len() > 1;
        let text = shown(&s.value);
        if ep.is_some() {
            cx.report(
                c.keyword_span,
                format!("`CMD {text}` is in shell form: the exec-form `ENTRYPOINT` receives `/bin/sh -c {text}` as its arguments, and the shell, not the process, gets the stop signal"),
            )
            .by_env(Severity::Medium, Severity::Low)
            .help(help);
        } else if compound {
            cx.report(
                c.keyword_span,
                format!("`CMD {text}` runs several commands under `/bin/sh -c`: the shell stays PID 1 and does not forward SIGTERM, so every stop waits for the kill timeout and in-flight work is cut off"),
            )
            .by_env(Severity::Medium, Severity::Low)
            .help(help);
        } else {
            cx.report(
                c.keyword_span,
                format!("`CMD {text}` is in shell form: it runs as `/bin/sh -c`, and whether the process or the shell receives SIGTERM depends on the image's shell"),
            )
            .severity(Severity::Low)
            .help(help);
        }
        CHECKED
    }
}
