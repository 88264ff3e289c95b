//! K8S002: long-running container with neither a liveness nor a readiness probe.

use super::{anchor, who};
use crate::model::k8s::{Container, K8sObject, Workload};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoProbes;

impl Rule for NoProbes {
    fn id(&self) -> RuleId {
        RuleId::K8S002
    }

    fn k8s_container(&self, cx: &mut Cx, obj: &K8sObject, wl: &Workload, c: &Container) -> Checked {
        if c.is_init || !wl.kind.is_long_running() || obj.patch {
            return NA;
        }
        if let Some(p) = c.readiness.as_ref().or(c.liveness.as_ref()) {
            cx.evidence_here(p.span, format!("{} has a health probe", who(obj, c)));
            return CHECKED;
        }
        // A sidecar that serves no port next to a probed main container (log shipper, proxy agent).
        let probed_sibling =
            wl.pod.containers.iter().any(|o| !std::ptr::eq(o, c) && (o.readiness.is_some() || o.liveness.is_some()));
        if c.ports.is_empty() && probed_sibling {
            return NA;
        }
        let startup = if c.startup.is_some() { " (a startup probe only covers the start)" } else { "" };
        cx.report(
            anchor(c),
            format!(
                "{} has neither a liveness nor a readiness probe{startup}: it gets traffic before it is ready, and a hung process is never restarted",
                who(obj, c)
            ),
        )
        .help("add a `readinessProbe` on the serving port's health endpoint, and a `livenessProbe` that fails only when a restart would help");
        CHECKED
    }
}
