//! K8S004: privileged container.

use super::who;
use crate::model::k8s::{Container, K8sObject, Workload};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED};

pub struct Privileged;

impl Rule for Privileged {
    fn id(&self) -> RuleId {
        RuleId::K8S004
    }

    fn k8s_container(&self, cx: &mut Cx, obj: &K8sObject, _wl: &Workload, c: &Container) -> Checked {
        if let Some(p) = c.security_context.privileged.as_ref().filter(|p| p.value) {
            cx.report(
                p.span,
                format!("{} is privileged: it has every capability and every device of the node, so escaping to the node is trivial", who(obj, c)),
            )
            .help("remove `privileged: true`; add only the capabilities it needs under `securityContext.capabilities.add`");
        }
        CHECKED
    }
}
