//! DF010: `sudo` in a RUN instruction.

use crate::finding::Severity;
use crate::model::dockerfile::{Args, Dockerfile};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{program, run_text, simple_commands};

pub struct Sudo;

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}

impl Rule for Sudo {
    fn id(&self) -> RuleId {
        RuleId::DF010
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        if df.instructions.is_empty() {
            return NA;
        }
        // The user each RUN runs as: the last USER before it in its stage.
        let mut user: Option<(usize, String)> = None;
        for i in &df.instructions {
            if let Args::User(u) = &i.args {
                user = i.stage.map(|s| (s, u.value.clone()));
                continue;
            }
            let Some((text, span)) = run_text(i) else { continue };
            let Some(cmd) = simple_commands(&text).into_iter().find(|c| program(c) == "sudo") else { continue };
            let as_user = user.as_ref().filter(|(s, u)| Some(*s) == i.stage && !is_root(u)).map(|(_, u)| u.clone());
            let shown: String = cmd.split_whitespace().take(4).collect::<Vec<_>>().join(" ");
            let message = match as_user {
                Some(u) => format!(
                    "`{shown}` runs as `USER {u}` with sudo rights: whoever runs code in the container as `{u}` can become root"
                ),
                None => format!("`{shown}`: the build already runs as root, and sudo in an image has no TTY and unpredictable signal and environment handling"),
            };
            let at = cx.find(span, "sudo");
            cx.report(at, message)
                .by_env(Severity::Medium, Severity::Low)
                .help("drop `sudo` (RUN is root until a `USER` line); switch with `USER root` … `USER app` around the step that needs root, or use `gosu`/`su-exec` in an entrypoint");
        }
        CHECKED
    }
}
