//! CI022: a self-hosted runner used by a workflow that outsiders can trigger.

use crate::model::workflow::Job;
use crate::model::Workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct SelfHostedRunner;

const EXTERNAL: &[&str] =
    &["pull_request", "pull_request_target", "issue_comment", "pull_request_review_comment", "discussion_comment"];

impl Rule for SelfHostedRunner {
    fn id(&self) -> RuleId {
        RuleId::CI022
    }

    fn workflow_job(&self, cx: &mut Cx, wf: &Workflow, job: &Job) -> Checked {
        let Some(runs_on) = &job.runs_on else { return NA };
        if !runs_on.value.split([',', ' ']).any(|l| l.trim().eq_ignore_ascii_case("self-hosted")) {
            return NA;
        }
        let Some(trigger) = EXTERNAL.iter().find(|t| wf.has_trigger(t)) else { return CHECKED };
        cx.report(runs_on.span, format!("job `{}` runs on a self-hosted runner and the workflow runs on `{trigger}`: in a public repository anyone who opens a pull request runs code on that machine, which keeps state between jobs and sits inside your network", job.id.value))
            .help("run untrusted events on GitHub-hosted runners; if self-hosted runners are needed, use ephemeral (just-in-time) runners and require approval for outside contributors");
        CHECKED
    }
}
