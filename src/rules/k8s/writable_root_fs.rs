//! K8S009: container whose root filesystem is writable.

use super::{anchor, who};
use crate::model::k8s::{Container, K8sObject, Workload};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct WritableRootFs;

impl Rule for WritableRootFs {
    fn id(&self) -> RuleId {
        RuleId::K8S009
    }

    fn k8s_container(&self, cx: &mut Cx, obj: &K8sObject, _wl: &Workload, c: &Container) -> Checked {
        let setting = c.security_context.read_only_root_filesystem.as_ref();
        if let Some(s) = setting.filter(|s| s.value) {
            cx.evidence_here(s.span, format!("{} has a read-only root filesystem", who(obj, c)));
            return CHECKED;
        }
        // A patch that does not mention it leaves the base's value alone.
        if obj.patch && setting.is_none() {
            return NA;
        }
        let (span, how) = match setting {
            Some(s) => (s.span, "sets `readOnlyRootFilesystem: false`"),
            None => {
                (c.security_context.span.unwrap_or_else(|| anchor(c)), "does not set `readOnlyRootFilesystem: true`")
            }
        };
        cx.report(
            span,
            format!("{} {how}: a compromised process can rewrite the container's binaries and configuration", who(obj, c)),
        )
        .help("set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` where the program must write (`/tmp`, caches)");
        CHECKED
    }
}
