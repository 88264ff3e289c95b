//! K8S024: liveness probe identical to the readiness probe.

use super::who;
use crate::model::k8s::{Container, K8sObject, Workload};
use crate::parse::yamlview::canonical;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct ProbesIdentical;

impl Rule for ProbesIdentical {
    fn id(&self) -> RuleId {
        RuleId::K8S024
    }

    fn k8s_container(&self, cx: &mut Cx, obj: &K8sObject, _wl: &Workload, c: &Container) -> Checked {
        let (Some(live), Some(_)) = (&c.liveness, &c.readiness) else { return NA };
        let Some(a) = cx.artifact() else { return NA };
        let crate::model::ArtifactData::Kubernetes(k) = &a.data else { return NA };
        let Some(doc) = k.yaml.documents.get(obj.doc) else { return NA };
        let node = doc.node(c.node);
        let (Some(l), Some(r)) = (node.get("livenessProbe"), node.get("readinessProbe")) else { return NA };
        if canonical(l) != canonical(r) {
            return CHECKED;
        }
        cx.report(
            live.span,
            format!("{} has identical liveness and readiness probes: when it is briefly overloaded or a dependency is slow, the kubelet restarts it instead of only taking it out of the load balancer, turning a slowdown into an outage", who(obj, c)),
        )
        .help("keep the readiness probe as is and give the liveness probe a cheaper check (process alive) or a higher `failureThreshold`");
        CHECKED
    }
}
