//! Kubernetes rules (`K8S`): one file per rule, one registration line each.

mod host_namespaces;
mod image_latest;
mod no_probes;
mod no_resources;
mod privilege_escalation;
mod privileged;
mod runs_as_root;
mod secret_literal;

use super::Rule;
use crate::model::k8s::{Container, K8sObject};
use crate::source::Span;

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(no_resources::NoResources));
    rules.push(Box::new(no_probes::NoProbes));
    rules.push(Box::new(runs_as_root::RunsAsRoot));
    rules.push(Box::new(privileged::Privileged));
    rules.push(Box::new(image_latest::ImageLatest));
    rules.push(Box::new(secret_literal::SecretLiteral));
    rules.push(Box::new(privilege_escalation::PrivilegeEscalation));
    rules.push(Box::new(host_namespaces::HostNamespaces));
}

/// "container `api` of Deployment/api" (init containers say so).
pub(crate) fn who(obj: &K8sObject, c: &Container) -> String {
    let kind = if c.is_init { "init container" } else { "container" };
    format!("{kind} `{}` of {}", c.label(), obj.label())
}

/// Where to point for the container as a whole: its name, else its first key.
pub(crate) fn anchor(c: &Container) -> Span {
    c.name.as_ref().map_or(c.span, |n| n.span)
}
