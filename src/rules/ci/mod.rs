//! CI rules (`CI`, GitHub Actions and GitLab CI): one file per rule, one registration line each.

mod action_not_pinned;
mod bot_condition;
mod cache_poisoning;
mod context_unavailable;
mod deploy_concurrency;
mod deprecated_action;
mod expr;
mod expression_invalid;
mod github_env_injection;
mod gitlab;
mod gitlab_extends_undefined;
mod gitlab_job_invalid;
mod gitlab_needs_undefined;
mod gitlab_stage_undeclared;
mod hardcoded_container_credentials;
mod job_structure;
mod needs_invalid;
mod no_test_step;
mod permissions;
mod persist_credentials;
mod pr_target_checkout;
mod script_injection;
mod secret_echoed;
mod secrets_exposure;
mod secrets_inherit;
mod security_non_blocking;
mod self_hosted_runner;
mod unknown_key;
mod unpinned_image;
mod unredacted_secret;
mod unsound_condition;
mod unsound_contains;
mod workflow_command;

use super::{Cx, Rule};
use crate::finding::Severity;
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
    rules.push(Box::new(secret_echoed::SecretEchoed));
    rules.push(Box::new(expression_invalid::ExpressionInvalid));
    rules.push(Box::new(context_unavailable::ContextUnavailable));
    rules.push(Box::new(needs_invalid::NeedsInvalid));
    rules.push(Box::new(unknown_key::UnknownKey));
    rules.push(Box::new(job_structure::JobStructure));
    rules.push(Box::new(deprecated_action::DeprecatedAction));
    rules.push(Box::new(workflow_command::WorkflowCommand));
    rules.push(Box::new(persist_credentials::PersistCredentials));
    rules.push(Box::new(cache_poisoning::CachePoisoning));
    rules.push(Box::new(github_env_injection::GithubEnvInjection));
    rules.push(Box::new(hardcoded_container_credentials::HardcodedContainerCredentials));
    rules.push(Box::new(secrets_exposure::SecretsExposure));
    rules.push(Box::new(unredacted_secret::UnredactedSecret));
    rules.push(Box::new(secrets_inherit::SecretsInherit));
    rules.push(Box::new(self_hosted_runner::SelfHostedRunner));
    rules.push(Box::new(unpinned_image::UnpinnedImage));
    rules.push(Box::new(bot_condition::BotCondition));
    rules.push(Box::new(unsound_condition::UnsoundCondition));
    rules.push(Box::new(unsound_contains::UnsoundContains));
    rules.push(Box::new(deploy_concurrency::DeployConcurrency));
    rules.push(Box::new(gitlab_job_invalid::GitlabJobInvalid));
    rules.push(Box::new(gitlab_needs_undefined::GitlabNeedsUndefined));
    rules.push(Box::new(gitlab_stage_undeclared::GitlabStageUndeclared));
    rules.push(Box::new(gitlab_extends_undefined::GitlabExtendsUndefined));
}

/// Does the workflow deploy (a job that targets production or staging by its name or
/// `environment:`)? Validity problems there are blockers: the deploy itself breaks.
pub(crate) fn is_deploy_workflow(wf: &Workflow) -> bool {
    wf.jobs.iter().any(|j| deploy_target(&j.id.value, j.environment.as_ref().map(|e| e.value.as_str())).is_some())
}

/// Does the GitLab pipeline file define a deploy job?
pub(crate) fn is_deploy_pipeline(ci: &GitlabCi) -> bool {
    ci.jobs
        .iter()
        .any(|j| !j.hidden && deploy_target(&j.name.value, j.environment.as_ref().map(|e| e.value.as_str())).is_some())
}

/// Severity of a workflow that GitHub refuses: blocker when it deploys (or the file is on the
/// production path by configuration), high otherwise.
pub(crate) fn validity_severity(cx: &Cx, wf: &Workflow) -> Severity {
    if is_deploy_workflow(wf) || cx.env() == crate::model::Environment::Production {
        Severity::Blocker
    } else {
        Severity::High
    }
}

/// Severity of a GitLab pipeline that GitLab refuses: blocker when it deploys, high otherwise.
pub(crate) fn gitlab_validity_severity(cx: &Cx, ci: &GitlabCi) -> Severity {
    if is_deploy_pipeline(ci) || cx.env() == crate::model::Environment::Production {
        Severity::Blocker
    } else {
        Severity::High
    }
}
