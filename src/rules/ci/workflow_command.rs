//! CI014: workflow commands that GitHub disabled (`::set-env`, `::add-path`) or deprecated
//! (`::set-output`, `::save-state`), and `ACTIONS_ALLOW_UNSECURE_COMMANDS`, which re-enables
//! the disabled ones.

use super::validity_severity;
use crate::finding::Severity;
use crate::model::compose::EnvEntry;
use crate::model::workflow::{Job, Step};
use crate::model::Workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct WorkflowCommand;

fn unsecure(env: &[EnvEntry]) -> Option<&EnvEntry> {
    env.iter().find(|e| {
        e.key.value == "ACTIONS_ALLOW_UNSECURE_COMMANDS"
            && e.value.as_ref().is_some_and(|v| v.value.trim().eq_ignore_ascii_case("true"))
    })
}

impl Rule for WorkflowCommand {
    fn id(&self) -> RuleId {
        RuleId::CI014
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        let scopes = std::iter::once(&wf.env[..])
            .chain(wf.jobs.iter().map(|j| &j.env[..]))
            .chain(wf.jobs.iter().flat_map(|j| j.steps.iter().map(|s| &s.env[..])));
        for env in scopes {
            if let Some(e) = unsecure(env) {
                cx.report(e.key.span, "`ACTIONS_ALLOW_UNSECURE_COMMANDS: true` re-enables `::set-env` and `::add-path`: anything a step prints (a test name, a log line from a dependency) can set environment variables or the `PATH` of later steps and run code")
                    .severity(Severity::High)
                    .help("remove it and write to the environment files instead: `echo \"NAME=value\" >> \"$GITHUB_ENV\"`, `echo \"$DIR\" >> \"$GITHUB_PATH\"`");
            }
        }
        CHECKED
    }

    fn workflow_step(&self, cx: &mut Cx, wf: &Workflow, job: &Job, step: &Step) -> Checked {
        let Some(run) = &step.run else { return NA };
        let enabled = unsecure(&step.env).or_else(|| unsecure(&job.env)).or_else(|| unsecure(&wf.env)).is_some();
        for (cmd, replacement, disabled) in [
            ("::set-output", "echo \"name=value\" >> \"$GITHUB_OUTPUT\"", false),
            ("::save-state", "echo \"name=value\" >> \"$GITHUB_STATE\"", false),
            ("::set-env", "echo \"NAME=value\" >> \"$GITHUB_ENV\"", true),
            ("::add-path", "echo \"$DIR\" >> \"$GITHUB_PATH\"", true),
        ] {
            if !run.value.contains(cmd) {
                continue;
            }
            let span = cx.find(run.span, cmd);
            if disabled && !enabled {
                let sev = validity_severity(cx, wf);
                cx.report(span, format!("`{cmd}` has been disabled since 2020: the runner fails the step (\"The `{}` command is disabled\")", cmd.trim_start_matches(':')))
                    .severity(sev)
                    .help(format!("write to the environment file instead: `{replacement}`"));
            } else if !disabled {
                cx.report(
                    span,
                    format!("`{cmd}` is deprecated: GitHub prints a warning on every run and will make it fail"),
                )
                .severity(Severity::Medium)
                .help(format!("write to the environment file instead: `{replacement}`"));
            }
        }
        CHECKED
    }
}
