//! K8S001: container without a memory limit or resource requests.

use super::{anchor, who};
use crate::finding::{Location, Severity};
use crate::model::k8s::{Container, K8sObject, Workload};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoResources;

fn join(items: &[&str]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_owned(),
        None => String::new(),
    }
}

impl Rule for NoResources {
    fn id(&self) -> RuleId {
        RuleId::K8S001
    }

    fn k8s_container(&self, cx: &mut Cx, obj: &K8sObject, _wl: &Workload, c: &Container) -> Checked {
        // A Kustomize patch leaves out what the base defines.
        if c.is_init || obj.patch {
            return NA;
        }
        // A LimitRange of the same namespace gives containers default requests and limits.
        let project = cx.project;
        let ns = obj.namespace.as_ref().map(|n| n.value.as_str());
        if let Some((a, lr)) = project.k8s_objects().find(|(_, o)| {
            o.kind.value == "LimitRange" && {
                let other = o.namespace.as_ref().map(|n| n.value.as_str());
                ns.is_none() || other.is_none() || ns == other
            }
        }) {
            cx.evidence(
                Some(Location::new(a.path(), lr.anchor())),
                format!("{} gets default requests and limits from {}", who(obj, c), lr.label()),
            );
            return CHECKED;
        }
        let r = &c.resources;
        let mut missing = Vec::new();
        if r.limits_memory.is_none() {
            missing.push("memory limit");
        }
        // An unset request defaults to the limit.
        if r.requests_cpu.is_none() && r.limits_cpu.is_none() {
            missing.push("CPU request");
        }
        if r.requests_memory.is_none() && r.limits_memory.is_none() {
            missing.push("memory request");
        }
        if missing.is_empty() {
            if let Some(span) = r.span {
                cx.evidence_here(span, format!("{} sets requests and a memory limit", who(obj, c)));
            }
            return CHECKED;
        }
        // The memory limit is what protects the node; missing requests only hurt scheduling.
        let severity =
            if r.limits_memory.is_none() { cx.by_env(Severity::Medium, Severity::Low) } else { Severity::Low };
        cx.report(r.span.unwrap_or_else(|| anchor(c)), format!("{} has no {}", who(obj, c), join(&missing)))
            .severity(severity)
            .help("set `resources.requests` (cpu, memory) from observed usage and `resources.limits.memory`; a CPU limit is optional and throttles");
        CHECKED
    }
}
