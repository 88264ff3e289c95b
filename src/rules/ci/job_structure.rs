//! CI012: a job or step GitHub cannot run: a job with neither `steps` nor `uses` (or both), a job
//! without `runs-on`, a step with both `run` and `uses` or neither.

use super::validity_severity;
use crate::model::workflow::Job;
use crate::model::Workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED};

pub struct JobStructure;

fn has(job: &Job, key: &str) -> bool {
    job.keys.iter().any(|k| k.value == key)
}

impl Rule for JobStructure {
    fn id(&self) -> RuleId {
        RuleId::CI012
    }

    fn workflow_job(&self, cx: &mut Cx, wf: &Workflow, job: &Job) -> Checked {
        let sev = validity_severity(cx, wf);
        let tail = "GitHub rejects the workflow and none of its jobs run";
        let id = &job.id.value;
        let steps = has(job, "steps");
        match (job.uses.is_some(), steps) {
            (false, false) => {
                cx.report(job.id.span, format!("job `{id}` has neither `steps:` nor `uses:`: {tail}"))
                    .severity(sev)
                    .help("give the job `runs-on:` and `steps:`, or call a reusable workflow with `uses:`");
            }
            (true, true) => {
                cx.report(
                    job.id.span,
                    format!("job `{id}` has both `uses:` (a reusable workflow call) and `steps:`: {tail}"),
                )
                .severity(sev)
                .help("split it into a job that calls the reusable workflow and a job with steps");
            }
            (false, true) if !has(job, "runs-on") => {
                cx.report(job.id.span, format!("job `{id}` has no `runs-on:`: {tail}"))
                    .severity(sev)
                    .help("add `runs-on: ubuntu-latest` (or the labels of your runners)");
            }
            _ => {}
        }
        for s in &job.steps {
            match (&s.run, &s.uses) {
                (Some(_), Some(u)) => {
                    cx.report(
                        u.span,
                        format!("step {} of job `{id}` has both `run:` and `uses:`: {tail}", s.index + 1),
                    )
                    .severity(sev)
                    .help("split it into two steps");
                }
                (None, None) => {
                    cx.report(
                        s.anchor(),
                        format!("step {} of job `{id}` has neither `run:` nor `uses:`: {tail}", s.index + 1),
                    )
                    .severity(sev)
                    .help("give the step a `run:` script or an action in `uses:`");
                }
                _ => {}
            }
        }
        CHECKED
    }
}
