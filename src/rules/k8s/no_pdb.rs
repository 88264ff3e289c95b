//! K8S015: replicated workload that no PodDisruptionBudget protects.

use super::{min_replicas, same_ns, selects};
use crate::finding::{Location, Severity};
use crate::model::k8s::{K8sBody, K8sObject};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoPdb;

impl Rule for NoPdb {
    fn id(&self) -> RuleId {
        RuleId::K8S015
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let K8sBody::Workload(wl) = &obj.body else { return NA };
        if obj.patch || wl.pod_labels.is_empty() {
            return NA;
        }
        let project = cx.project;
        // A single replica cannot be protected: a PDB would only block node drains.
        let Some(min) = min_replicas(project, obj, wl).filter(|m| *m >= 2) else { return NA };
        let pdb = project.k8s_objects().find(|(_, o)| match &o.body {
            K8sBody::Pdb(p) => {
                !o.patch && same_ns(o.ns(), obj.ns()) && selects(p.selector.as_ref(), &p.expressions, wl)
            }
            _ => false,
        });
        if let Some((a, o)) = pdb {
            cx.evidence(Some(Location::new(a.path(), o.anchor())), format!("{} protects {}", o.label(), obj.label()));
            return CHECKED;
        }
        cx.report(
            obj.anchor(),
            format!("{} runs {min} or more replicas but no PodDisruptionBudget selects its pods: a node drain or cluster upgrade may evict all of them at once", obj.label()),
        )
        .by_env(Severity::Medium, Severity::Low)
        .help("add a `PodDisruptionBudget` with `maxUnavailable: 1` (or `minAvailable`) whose `selector.matchLabels` equal the pod template labels");
        CHECKED
    }
}
