//! CI015: `actions/checkout` leaving the job's token on disk (`persist-credentials` not false).

use crate::finding::Severity;
use crate::model::workflow::{Job, Step};
use crate::model::Workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct PersistCredentials;

fn action(step: &Step) -> Option<(String, String)> {
    let u = step.uses.as_ref()?;
    let (a, r) = u.value.trim().rsplit_once('@')?;
    Some((a.to_ascii_lowercase(), r.to_owned()))
}

/// An upload step whose artifact includes the checkout's `.git` directory.
fn uploads_workspace(job: &Job) -> bool {
    job.steps.iter().any(|s| {
        action(s).is_some_and(|(a, _)| a == "actions/upload-artifact" || a == "actions/upload-pages-artifact")
            && s.with_value("path").is_some_and(|p| {
                p.value
                    .lines()
                    .any(|l| matches!(l.trim(), "." | "./" | "${{ github.workspace }}" | "**" | "./**" | "*"))
            })
    })
}

impl Rule for PersistCredentials {
    fn id(&self) -> RuleId {
        RuleId::CI015
    }

    fn workflow_step(&self, cx: &mut Cx, _wf: &Workflow, job: &Job, step: &Step) -> Checked {
        let Some((a, reference)) = action(step) else { return NA };
        if a != "actions/checkout" {
            return NA;
        }
        match step.with_value("persist-credentials") {
            Some(v) if v.value.trim() == "false" => {
                cx.evidence_here(v.span, "checkout does not persist the token");
                return CHECKED;
            }
            // Explicitly asked for (a later step pushes): a deliberate choice.
            Some(v) if v.value.trim() == "true" => return CHECKED,
            _ => {}
        }
        let Some(uses) = &step.uses else { return NA };
        let v6 = reference
            .trim_start_matches('v')
            .split('.')
            .next()
            .and_then(|m| m.parse::<u32>().ok())
            .is_some_and(|m| m >= 6);
        let (sev, tail) = if uploads_workspace(job) {
            (
                Severity::High,
                " and a later step of this job uploads the workspace as an artifact, token included".to_owned(),
            )
        } else if v6 {
            (
                Severity::Info,
                " (v6 keeps it under `$RUNNER_TEMP`, out of the workspace, which narrows the risk)".to_owned(),
            )
        } else {
            (Severity::Low, ": any later step, or an artifact or cache of the workspace, can carry it off".to_owned())
        };
        cx.report(uses.span, format!("`actions/checkout` stores the job's `GITHUB_TOKEN` in the checkout's git configuration{tail}"))
            .severity(sev)
            .help("add `with: {persist-credentials: false}` unless a later step pushes with git (then set it to `true` explicitly)");
        CHECKED
    }
}
