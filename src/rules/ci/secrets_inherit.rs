//! CI021: a reusable workflow called with `secrets: inherit`.

use crate::model::workflow::Job;
use crate::model::Workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct SecretsInherit;

impl Rule for SecretsInherit {
    fn id(&self) -> RuleId {
        RuleId::CI021
    }

    fn workflow_job(&self, cx: &mut Cx, wf: &Workflow, job: &Job) -> Checked {
        let Some(uses) = &job.uses else { return NA };
        let Some(doc) = wf.yaml.documents.first() else { return NA };
        let Some(s) = doc.node(job.node).get("secrets") else { return CHECKED };
        if s.as_str() != Some("inherit") {
            return CHECKED;
        }
        cx.report(s.span(), format!("job `{}` passes every secret of the repository to `{}` (`secrets: inherit`): a compromise of that workflow, or of any action it uses, gets all of them", job.id.value, uses.value))
            .help("list only the secrets the called workflow declares: `secrets: {DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}}`");
        CHECKED
    }
}
