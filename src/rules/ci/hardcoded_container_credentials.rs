//! CI018: registry credentials written into a workflow's `container:` or `services:`.

use crate::finding::Severity;
use crate::index::mask::mask;
use crate::index::secrets::{classify_value, ValueClass};
use crate::model::workflow::Job;
use crate::model::Workflow;
use crate::parse::yaml::Node;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct HardcodedContainerCredentials;

fn check(cx: &mut Cx, job: &Job, what: &str, container: Node<'_>) {
    let Some(pw) = container.path(&["credentials", "password"]) else { return };
    let Some(v) = pw.as_str() else { return };
    if v.contains("${{")
        || matches!(classify_value(v), ValueClass::Reference | ValueClass::Empty | ValueClass::Placeholder)
    {
        cx.evidence_here(
            pw.span(),
            format!("{what} of job `{}` takes its registry password from a secret", job.id.value),
        );
        return;
    }
    cx.report(pw.span(), format!("{what} of job `{}` has its registry password (`{}`) written in the workflow: everyone who can read the repository can pull, and often push, those images", job.id.value, mask(v)))
        .by_env(Severity::Blocker, Severity::High)
        .secret(pw.span())
        .help("store it as an encrypted secret and write `password: ${{ secrets.REGISTRY_PASSWORD }}`; rotate the committed one");
}

impl Rule for HardcodedContainerCredentials {
    fn id(&self) -> RuleId {
        RuleId::CI018
    }

    fn workflow_job(&self, cx: &mut Cx, wf: &Workflow, job: &Job) -> Checked {
        let Some(doc) = wf.yaml.documents.first() else { return NA };
        let node = doc.node(job.node);
        let mut any = false;
        if let Some(c) = node.get("container").filter(|c| c.is_map()) {
            any = true;
            check(cx, job, "the job container", c);
        }
        for (name, svc) in node.get("services").map(|s| s.entries()).unwrap_or_default() {
            any = true;
            let what = format!("service `{}`", name.as_str().unwrap_or("?"));
            check(cx, job, &what, svc);
        }
        if any {
            CHECKED
        } else {
            NA
        }
    }
}
