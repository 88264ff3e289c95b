//! K8S022: replicated workload whose pods may all land on one node.

use super::{min_replicas, node_of};
use crate::model::k8s::{K8sBody, K8sObject, WorkloadKind};
use crate::parse::yaml::Node;
use crate::parse::yamlview::labels;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoAntiAffinity;

/// An anti-affinity term whose label selector matches the workload's own pods.
fn spreads_self(term: Node<'_>, own: &[(String, String)]) -> bool {
    let Some(sel) = term.get("labelSelector") else { return false };
    let ml = labels(sel.get("matchLabels"));
    if ml.is_empty() && sel.get("matchExpressions").is_none() {
        return false;
    }
    // Expressions are not evaluated here: a term that uses them is taken at its word.
    ml.iter().all(|p| own.contains(p))
}

impl Rule for NoAntiAffinity {
    fn id(&self) -> RuleId {
        RuleId::K8S022
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let K8sBody::Workload(wl) = &obj.body else { return NA };
        if obj.patch || !matches!(wl.kind, WorkloadKind::Deployment | WorkloadKind::StatefulSet) {
            return NA;
        }
        let Some(min) = min_replicas(cx.project, obj, wl).filter(|m| *m >= 2) else { return NA };
        let Some(pod) = node_of(cx, obj).and_then(|n| n.path(&["spec", "template", "spec"])) else { return NA };
        if let Some(t) = pod.get("topologySpreadConstraints").filter(|t| !t.items().is_empty()) {
            cx.evidence_here(t.span(), format!("{} spreads its pods with `topologySpreadConstraints`", obj.label()));
            return CHECKED;
        }
        if let Some(anti) = pod.path(&["affinity", "podAntiAffinity"]) {
            let required =
                anti.get("requiredDuringSchedulingIgnoredDuringExecution").map(|r| r.items()).unwrap_or_default();
            let preferred = anti
                .get("preferredDuringSchedulingIgnoredDuringExecution")
                .map(|r| r.items())
                .unwrap_or_default()
                .into_iter()
                .filter_map(|p| p.get("podAffinityTerm"));
            if required.into_iter().chain(preferred).any(|t| spreads_self(t, &wl.pod_labels)) {
                cx.evidence_here(anti.span(), format!("{} keeps its pods apart with `podAntiAffinity`", obj.label()));
                return CHECKED;
            }
        }
        cx.report(
            obj.anchor(),
            format!("{} runs {min} or more replicas with no `podAntiAffinity` or `topologySpreadConstraints`: the scheduler may put them all on one node, and losing that node loses the service", obj.label()),
        )
        .help("add `topologySpreadConstraints` over `kubernetes.io/hostname` (and `topology.kubernetes.io/zone`) with `whenUnsatisfiable: ScheduleAnyway`, or a preferred `podAntiAffinity` on the pod labels");
        CHECKED
    }
}
