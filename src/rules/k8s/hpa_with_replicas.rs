//! K8S026: workload with a fixed `replicas:` that an HPA also scales.

use super::hpa_for;
use crate::model::k8s::{K8sBody, K8sObject};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct HpaWithReplicas;

impl Rule for HpaWithReplicas {
    fn id(&self) -> RuleId {
        RuleId::K8S026
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let K8sBody::Workload(wl) = &obj.body else { return NA };
        let Some((a, h, _)) = hpa_for(cx.project, obj) else { return NA };
        let Some(r) = &wl.replicas else {
            cx.evidence_here(obj.anchor(), format!("{} leaves its replica count to {}", obj.label(), h.label()));
            return CHECKED;
        };
        cx.report(
            r.span,
            format!("{} sets `replicas: {}` although {} scales it: every `kubectl apply` or sync resets the count, scaling it down in the middle of a load peak", obj.label(), r.value, h.label()),
        )
        .related(a.path(), h.anchor(), "the autoscaler")
        .help("remove `spec.replicas` from the manifest and let the HPA's `minReplicas` set the floor");
        CHECKED
    }
}
