//! K8S007: container that does not forbid privilege escalation.

use super::{anchor, who};
use crate::model::k8s::{Container, K8sObject, Workload};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct PrivilegeEscalation;

impl Rule for PrivilegeEscalation {
    fn id(&self) -> RuleId {
        RuleId::K8S007
    }

    fn k8s_container(&self, cx: &mut Cx, obj: &K8sObject, _wl: &Workload, c: &Container) -> Checked {
        let sc = &c.security_context;
        if obj.patch && sc.allow_privilege_escalation.is_none() {
            return NA;
        }
        // A privileged container can always escalate; K8S004 reports it.
        if sc.privileged.as_ref().is_some_and(|p| p.value) {
            return NA;
        }
        let help = "set `securityContext.allowPrivilegeEscalation: false` on the container";
        match &sc.allow_privilege_escalation {
            Some(a) if !a.value => {
                cx.evidence_here(a.span, format!("{} forbids privilege escalation", who(obj, c)));
            }
            Some(a) => {
                cx.report(
                    a.span,
                    format!("{} allows privilege escalation: a setuid binary in it can gain root", who(obj, c)),
                )
                .help(help);
            }
            None => {
                cx.report(
                    anchor(c),
                    format!(
                        "{} does not set `allowPrivilegeEscalation: false`: a setuid binary in it can gain root",
                        who(obj, c)
                    ),
                )
                .help(help);
            }
        }
        CHECKED
    }
}
