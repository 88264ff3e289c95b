//! CI027: a deploy workflow without a `concurrency` group: two runs can deploy at the same time.

use crate::index::environment::deploy_target;
use crate::model::Workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct DeployConcurrency;

impl Rule for DeployConcurrency {
    fn id(&self) -> RuleId {
        RuleId::CI027
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        let deploys: Vec<_> = wf
            .jobs
            .iter()
            .filter(|j| deploy_target(&j.id.value, j.environment.as_ref().map(|e| e.value.as_str())).is_some())
            .collect();
        // A reusable workflow runs inside its caller's run: the caller serialises it.
        let reusable = !wf.on.is_empty() && wf.on.iter().all(|t| t.event.value == "workflow_call");
        if deploys.is_empty() || reusable {
            return NA;
        }
        if let Some(k) = wf.top_keys.iter().find(|k| k.value == "concurrency") {
            cx.evidence_here(k.span, "the deploy workflow serialises its runs with `concurrency:`");
            return CHECKED;
        }
        for job in deploys {
            if job.keys.iter().any(|k| k.value == "concurrency") {
                continue;
            }
            cx.report(job.id.span, format!("deploy job `{}` has no `concurrency:` group: two pushes in quick succession deploy at the same time, and the older run can finish last and leave the older version live", job.id.value))
                .help("add `concurrency: {group: deploy-${{ github.ref }}, cancel-in-progress: false}` to the job or the workflow");
        }
        CHECKED
    }
}
