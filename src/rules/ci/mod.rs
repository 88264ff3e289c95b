//! CI rules (`CI`, GitHub Actions and GitLab CI): one file per rule, one registration line each.

mod action_not_pinned;
mod no_test_step;
mod permissions;
mod pr_target_checkout;
mod script_injection;
mod security_non_blocking;

use super::Rule;
use crate::index::environment::deploy_target;
use crate::model::gitlab::GitlabCi;
use crate::model::Workflow;

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(security_non_blocking::SecurityNonBlocking));
    rules.push(Box::new(action_not_pinned::ActionNotPinned));
    rules.push(Box::new(permissions::Permissions));
    rules.push(Box::new(script_injection::ScriptInjection));
    rules.push(Box::new(no_test_step::NoTestStep));
    rules.push(Box::new(pr_target_checkout::PrTargetCheckout));
}

/// Does the workflow deploy (a job that targets production or staging by its name or
/// `environment:`)? Validity problems there are blockers: the deploy itself breaks.
pub(crate) fn is_deploy_workflow(wf: &Workflow) -> bool {
    wf.jobs.iter().any(|j| deploy_target(&j.id.value, j.environment.as_ref().map(|e| e.value.as_str())).is_some())
}

/// Does the GitLab pipeline file define a deploy job?
pub(crate) fn is_deploy_pipeline(ci: &GitlabCi) -> bool {
    ci.jobs.iter().any(|j| !j.hidden && deploy_target(&j.name.value, j.environment.as_ref().map(|e| e.value.as_str())).is_some())
}
