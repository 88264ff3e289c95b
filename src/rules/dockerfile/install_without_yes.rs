//! DF027: a package install that waits for a confirmation the build cannot give.

use crate::finding::Severity;
use crate::model::dockerfile::Dockerfile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{run_text, simple_commands, words};

pub struct InstallWithoutYes;

/// The install command of `cmd` that lacks its non-interactive flag: (tool, flag to add).
fn interactive_install(cmd: &str, piped_yes: bool) -> Option<(&'static str, &'static str)> {
    let w = words(cmd);
    let first = w.first().map(|s| s.rsplit('/').next().unwrap_or(s)).unwrap_or("");
    let has =
        |flags: &[&str]| w.iter().any(|a| flags.contains(a) || a.starts_with("--assume-yes") || a.starts_with("--yes"));
    let combined_y = w.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('y'));
    let sub_install =
        |names: &[&str]| w.iter().skip(1).find(|a| !a.starts_with('-')).is_some_and(|s| names.contains(s));
    if piped_yes {
        return None;
    }
    match first {
        "apt-get" | "apt" if sub_install(&["install", "upgrade", "dist-upgrade", "remove", "purge", "autoremove"]) => {
            let quiet2 = w.iter().any(|a| *a == "-qq" || *a == "-qqy" || *a == "--quiet=2");
            let assume = w.iter().any(|a| a.contains("Assume-Yes=true") || a.contains("Assume-Yes=1"));
            (!(has(&["-y", "--yes", "--assume-yes"]) || combined_y || quiet2 || assume)).then_some(("apt-get", "-y"))
        }
        "yum" | "dnf" if sub_install(&["install", "update", "upgrade", "remove", "groupinstall", "reinstall"]) => {
            (!(has(&["-y", "--assumeyes"]) || combined_y)).then_some(if first == "yum" {
                ("yum", "-y")
            } else {
                ("dnf", "-y")
            })
        }
        "zypper" if sub_install(&["install", "in", "update", "up", "remove", "rm", "patch"]) => {
            (!(has(&["-y", "--no-confirm", "-n", "--non-interactive"]) || combined_y))
                .then_some(("zypper", "--non-interactive"))
        }
        _ => None,
    }
}

impl Rule for InstallWithoutYes {
    fn id(&self) -> RuleId {
        RuleId::DF027
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let mut seen = false;
        for i in &df.instructions {
            let Some((text, span)) = run_text(i) else { continue };
            let piped_yes = text.contains("yes |") || text.contains("yes|");
            for cmd in simple_commands(&text) {
                let w = words(&cmd);
                if matches!(w.first().copied(), Some("apt-get" | "apt" | "yum" | "dnf" | "zypper")) {
                    seen = true;
                }
                let Some((tool, flag)) = interactive_install(&cmd, piped_yes) else { continue };
                let shown: String = cmd.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
                let at = cx.find(span, w.first().copied().unwrap_or(tool));
                cx.report(
                    at,
                    format!("`{shown}` has no `{flag}`: the build has no terminal to answer the confirmation prompt, so the step aborts as soon as the install pulls in another package"),
                )
                .by_env(Severity::Medium, Severity::Low)
                .help(format!("add `{flag}`"));
            }
        }
        if seen {
            CHECKED
        } else {
            NA
        }
    }
}
