//! K8S010: Deployment or StatefulSet on the production path that runs a single replica.

use super::hpa_for;
use crate::finding::Location;
use crate::model::k8s::{K8sBody, K8sObject, WorkloadKind};
use crate::model::{ArtifactData, ArtifactKind};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct SingleReplica;

/// A Kustomize overlay that raises the count: a patch of the same object with `replicas ≥ 2`, or
/// a kustomization `replicas:` entry naming it.
fn overlay_scale(cx: &Cx, obj: &K8sObject) -> Option<(Location, i64)> {
    let name = obj.name.as_ref()?;
    for (a, o) in cx.project.k8s_objects().filter(|(_, o)| o.patch) {
        if o.kind.value != obj.kind.value || o.name.as_ref().is_none_or(|n| n.value != name.value) {
            continue;
        }
        if let Some(r) = o.workload().and_then(|w| w.replicas.as_ref()).filter(|r| r.value >= 2) {
            return Some((Location::new(a.path(), r.span), r.value));
        }
    }
    for a in cx.project.of_kind(ArtifactKind::Kustomization) {
        let ArtifactData::Yaml(y) = &a.data else { continue };
        for d in &y.documents {
            for item in d.root().get("replicas").map(|r| r.items()).unwrap_or_default() {
                if item.get_str("name") != Some(name.value.as_str()) {
                    continue;
                }
                if let Some(n) = item.get("count").and_then(|c| c.as_i64()).filter(|n| *n >= 2) {
                    return Some((Location::new(a.path(), item.span()), n));
                }
            }
        }
    }
    None
}

impl Rule for SingleReplica {
    fn id(&self) -> RuleId {
        RuleId::K8S010
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let K8sBody::Workload(wl) = &obj.body else { return NA };
        if !matches!(wl.kind, WorkloadKind::Deployment | WorkloadKind::StatefulSet) || !cx.env().is_production_path() {
            return NA;
        }
        if obj.patch && wl.replicas.is_none() {
            return NA;
        }
        let project = cx.project;
        if let Some((a, h, hpa)) = hpa_for(project, obj) {
            let min = hpa.min_replicas.as_ref().map_or(1, |m| m.value);
            if min >= 2 {
                cx.evidence(
                    Some(Location::new(a.path(), h.anchor())),
                    format!("{} is scaled by {} with `minReplicas: {min}`", obj.label(), h.label()),
                );
                return CHECKED;
            }
            let span = hpa.min_replicas.as_ref().map_or(h.anchor(), |m| m.span);
            let here = cx.path();
            cx.report_at(
                a.path(),
                span,
                format!("{} can scale {} down to a single replica (`minReplicas: {min}`): a node drain, rollout or crash takes it offline", h.label(), obj.label()),
            )
            .related(here, obj.anchor(), "the workload it scales")
            .help("set `minReplicas: 2` or more so one pod survives the loss of another");
            return CHECKED;
        }
        let replicas = wl.replicas.as_ref().map_or(1, |r| r.value);
        if replicas >= 2 {
            if let Some(r) = &wl.replicas {
                cx.evidence_here(r.span, format!("{} runs {replicas} replicas", obj.label()));
            }
            return CHECKED;
        }
        if replicas <= 0 {
            return NA; // scaled to zero on purpose
        }
        if let Some((loc, n)) = overlay_scale(cx, obj) {
            cx.evidence(Some(loc), format!("an overlay runs {} with {n} replicas", obj.label()));
            return CHECKED;
        }
        let (span, how) = match &wl.replicas {
            Some(r) => (r.span, "`replicas: 1`".to_owned()),
            None => (obj.anchor(), "no `replicas:`, so 1".to_owned()),
        };
        cx.report(
            span,
            format!("{} runs a single replica ({how}): a node drain, rollout or crash takes it offline", obj.label()),
        )
        .help("run at least 2 replicas (`replicas: 2`, or an HPA with `minReplicas: 2`) with a PodDisruptionBudget");
        CHECKED
    }
}
