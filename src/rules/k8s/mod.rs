//! Kubernetes rules (`K8S`): one file per rule, one registration line each.

mod duplicate_env;
mod duplicate_names;
mod host_namespaces;
mod hpa_target_missing;
mod hpa_with_replicas;
mod hpa_without_requests;
mod image_latest;
mod ingress_backend_missing;
mod label_values;
mod missing_required_field;
mod no_anti_affinity;
mod no_network_policy;
mod no_pdb;
mod no_probes;
mod no_resources;
mod no_seccomp;
mod privilege_escalation;
mod privileged;
mod probe_port;
mod probes_identical;
mod removed_api;
mod runs_as_root;
mod secret_literal;
mod selector_mismatch;
mod service_selects_nothing;
mod single_replica;
mod statefulset_service;
mod writable_root_fs;

use super::{Cx, Rule};
use crate::index::Project;
use crate::model::k8s::{
    label_selector_matches, Container, Hpa, K8sBody, K8sObject, Labels, SelectorExpr, Workload, WorkloadKind,
};
use crate::model::{Artifact, ArtifactData, ArtifactKind, Environment};
use crate::parse::yaml::Node;
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
    rules.push(Box::new(writable_root_fs::WritableRootFs));
    rules.push(Box::new(single_replica::SingleReplica));
    rules.push(Box::new(service_selects_nothing::ServiceSelectsNothing));
    rules.push(Box::new(ingress_backend_missing::IngressBackendMissing));
    rules.push(Box::new(probe_port::ProbePort));
    rules.push(Box::new(hpa_target_missing::HpaTargetMissing));
    rules.push(Box::new(no_pdb::NoPdb));
    rules.push(Box::new(no_network_policy::NoNetworkPolicy));
    rules.push(Box::new(missing_required_field::MissingRequiredField));
    rules.push(Box::new(selector_mismatch::SelectorMismatch));
    rules.push(Box::new(duplicate_names::DuplicateNames));
    rules.push(Box::new(removed_api::RemovedApi));
    rules.push(Box::new(duplicate_env::DuplicateEnv));
    rules.push(Box::new(no_anti_affinity::NoAntiAffinity));
    rules.push(Box::new(statefulset_service::StatefulSetService));
    rules.push(Box::new(probes_identical::ProbesIdentical));
    rules.push(Box::new(label_values::LabelValues));
    rules.push(Box::new(hpa_with_replicas::HpaWithReplicas));
    rules.push(Box::new(no_seccomp::NoSeccomp));
    rules.push(Box::new(hpa_without_requests::HpaWithoutRequests));
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

/// The YAML node of `obj` inside its artifact (for fields the typed view leaves out).
pub(crate) fn node_in<'a>(a: &'a Artifact, obj: &K8sObject) -> Option<Node<'a>> {
    let ArtifactData::Kubernetes(k) = &a.data else { return None };
    k.yaml.documents.get(obj.doc).map(|d| d.node(obj.node))
}

/// The YAML node of `obj` in the artifact being checked.
pub(crate) fn node_of<'a>(cx: &Cx<'a>, obj: &K8sObject) -> Option<Node<'a>> {
    node_in(cx.artifact()?, obj)
}

/// Could two objects live in the same namespace? An unset namespace is the one the manifest is
/// applied to (`kubectl -n`, a kustomization's `namespace:`), so it matches any.
pub(crate) fn same_ns(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// Long-running workloads of complete (non-patch) manifests.
pub(crate) fn workloads(project: &Project) -> impl Iterator<Item = (&Artifact, &K8sObject, &Workload)> {
    project.k8s_objects().filter(|(_, o)| !o.patch).filter_map(|(a, o)| o.workload().map(|w| (a, o, w)))
}

/// API groups of Kubernetes itself (everything else is a custom resource).
fn is_builtin_api(api_version: &str) -> bool {
    let Some((group, _)) = api_version.rsplit_once('/') else { return true };
    !group.contains('.') || group.ends_with(".k8s.io")
}

/// Why objects may exist that prodready cannot see, which makes "defined nowhere" uncertain:
/// Helm templates (rendered at install time) or custom resources an operator turns into pods
/// and Services.
pub(crate) fn unseen_objects(project: &Project, ns: Option<&str>) -> Option<String> {
    if let Some(t) = project.of_kind(ArtifactKind::HelmTemplate).find(|a| a.env.env != Environment::Test) {
        return Some(format!("Helm templates such as `{}` are rendered only at install time", t.path()));
    }
    project
        .k8s_objects()
        .find(|(_, o)| !is_builtin_api(&o.api_version.value) && same_ns(o.ns(), ns))
        .map(|(_, o)| format!("custom resources such as {} may create it", o.label()))
}

/// The HorizontalPodAutoscaler that scales `obj`, if any.
pub(crate) fn hpa_for<'p>(project: &'p Project, obj: &K8sObject) -> Option<(&'p Artifact, &'p K8sObject, &'p Hpa)> {
    let name = obj.name.as_ref()?;
    project.k8s_objects().find_map(|(a, o)| match &o.body {
        K8sBody::Hpa(h)
            if h.target.as_ref().is_some_and(|t| t.kind.value == obj.kind.value && t.name.value == name.value)
                && same_ns(o.ns(), obj.ns()) =>
        {
            Some((a, o, h))
        }
        _ => None,
    })
}

/// How many replicas a Deployment/StatefulSet runs at least: the HPA's `minReplicas` (default 1)
/// when one scales it, else `spec.replicas` (default 1). `None` for other kinds.
pub(crate) fn min_replicas(project: &Project, obj: &K8sObject, wl: &Workload) -> Option<i64> {
    if !matches!(wl.kind, WorkloadKind::Deployment | WorkloadKind::StatefulSet) {
        return None;
    }
    if let Some((_, _, h)) = hpa_for(project, obj) {
        return Some(h.min_replicas.as_ref().map_or(1, |m| m.value));
    }
    Some(wl.replicas.as_ref().map_or(1, |r| r.value))
}

/// Does `selector`/`expressions` (a PDB's or NetworkPolicy's) select the pods of `wl`?
pub(crate) fn selects(selector: Option<&(Span, Labels)>, expressions: &[SelectorExpr], wl: &Workload) -> bool {
    let labels: &Labels = &wl.pod_labels;
    let Some((_, sel)) = selector else { return false };
    if sel.is_empty() && expressions.is_empty() {
        // `{}` selects every pod of the namespace.
        return true;
    }
    label_selector_matches(sel, expressions, labels)
}
