//! K8S014: HorizontalPodAutoscaler whose scale target is defined nowhere.

use super::{same_ns, unseen_objects};
use crate::finding::{Confidence, Location, Severity};
use crate::model::k8s::{K8sBody, K8sObject};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct HpaTargetMissing;

impl Rule for HpaTargetMissing {
    fn id(&self) -> RuleId {
        RuleId::K8S014
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let K8sBody::Hpa(h) = &obj.body else { return NA };
        if obj.patch {
            return NA;
        }
        let Some(t) = &h.target else {
            cx.report(
                obj.anchor(),
                format!("{} has no `scaleTargetRef` with a `kind` and `name`: it scales nothing", obj.label()),
            )
            .help("set `spec.scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: <workload>}`");
            return CHECKED;
        };
        if t.name.value.contains("{{") || t.name.value.contains('$') {
            return NA;
        }
        let project = cx.project;
        let found = project.k8s_objects().find(|(_, o)| {
            o.kind.value == t.kind.value
                && o.name.as_ref().is_some_and(|n| n.value == t.name.value)
                && same_ns(o.ns(), obj.ns())
        });
        if let Some((a, o)) = found {
            cx.evidence(Some(Location::new(a.path(), o.anchor())), format!("{} scales {}", obj.label(), o.label()));
            return CHECKED;
        }
        // Same name, other kind: the usual slip (a StatefulSet referenced as a Deployment).
        let other_kind = project
            .k8s_objects()
            .find(|(_, o)| o.workload().is_some() && o.name.as_ref().is_some_and(|n| n.value == t.name.value));
        let unseen = unseen_objects(project, obj.ns());
        let tail = unseen.as_ref().map(|w| format!(" (unless it is created elsewhere: {w})")).unwrap_or_default();
        let mut f = cx
            .report(
                t.name.span,
                format!("{} scales {}/{}, which is defined nowhere: the autoscaler reports `FailedGetScale` and never scales anything{tail}", obj.label(), t.kind.value, t.name.value),
            )
            .help("make `scaleTargetRef.kind` and `.name` equal to the workload's `kind` and `metadata.name`");
        if let Some((a, o)) = other_kind {
            f = f.related(a.path(), o.anchor(), format!("a {} has this name", o.kind.value));
        } else if unseen.is_some() {
            f = f.severity(Severity::Medium).confidence(Confidence::Low);
        }
        let _ = f;
        CHECKED
    }
}
