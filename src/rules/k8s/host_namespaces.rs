//! K8S008: pod sharing the node's network, PID or IPC namespace.

use crate::finding::Severity;
use crate::model::k8s::{K8sObject, WorkloadKind};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct HostNamespaces;

impl Rule for HostNamespaces {
    fn id(&self) -> RuleId {
        RuleId::K8S008
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let Some(wl) = obj.workload() else { return NA };
        let pod = &wl.pod;
        let checks = [
            (
                &pod.host_network,
                "hostNetwork",
                "network",
                "its ports are the node's ports and it reaches every node-local service",
            ),
            (
                &pod.host_pid,
                "hostPID",
                "PID",
                "it sees and can signal every process on the node, and read their environment",
            ),
            (&pod.host_ipc, "hostIPC", "IPC", "it can read and write other processes' shared memory"),
        ];
        // Node agents (CNI, monitoring) are DaemonSets that sometimes need this: one notch lower.
        let agent = wl.kind == WorkloadKind::DaemonSet;
        for (flag, key, ns, why) in checks {
            let Some(f) = flag.as_ref().filter(|f| f.value) else { continue };
            let tail = if agent { " (a node agent may need it: suppress with the reason if so)" } else { "" };
            cx.report(f.span, format!("{} shares the node's {ns} namespace (`{key}: true`): {why}{tail}", obj.label()))
                .severity(if agent { Severity::Medium } else { Severity::High })
                .help(format!("remove `{key}: true`"));
        }
        CHECKED
    }
}
