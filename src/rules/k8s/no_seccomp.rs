//! K8S027: pod without a seccomp profile.

use super::node_of;
use crate::model::k8s::{K8sBody, K8sObject};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoSeccomp;

fn confined(t: &str) -> bool {
    matches!(t, "RuntimeDefault" | "Localhost")
}

impl Rule for NoSeccomp {
    fn id(&self) -> RuleId {
        RuleId::K8S027
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let K8sBody::Workload(wl) = &obj.body else { return NA };
        let containers: Vec<_> = wl.pod.init_containers.iter().chain(&wl.pod.containers).collect();
        if containers.is_empty() {
            return NA;
        }
        let pod = wl.pod.security_context.seccomp_profile.as_ref();
        // The annotation that predates the field (still honoured by older clusters).
        let annotated = node_of(cx, obj).is_some_and(|n| {
            let tpl = n
                .path(&["spec", "template", "metadata", "annotations"])
                .or_else(|| n.path(&["metadata", "annotations"]));
            tpl.and_then(|a| a.get_str("seccomp.security.alpha.kubernetes.io/pod"))
                .is_some_and(|v| v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/"))
        });
        if let Some(unconfined) = containers
            .iter()
            .filter_map(|c| c.security_context.seccomp_profile.as_ref().map(|p| (c, p)))
            .find(|(_, p)| p.value == "Unconfined")
            .map(|(c, p)| (format!("container `{}`", c.label()), p.span))
            .or_else(|| pod.filter(|p| p.value == "Unconfined").map(|p| ("all its containers".to_owned(), p.span)))
        {
            cx.report(
                unconfined.1,
                format!("{} sets `seccompProfile: Unconfined` for {}: every system call is open to an attacker who gets code execution", obj.label(), unconfined.0),
            )
            .help("use `seccompProfile: {type: RuntimeDefault}`; if one call is missing, write a `Localhost` profile that adds only it");
            return CHECKED;
        }
        let all_set =
            containers.iter().all(|c| c.security_context.seccomp_profile.as_ref().is_some_and(|p| confined(&p.value)));
        if pod.is_some_and(|p| confined(&p.value)) || all_set || annotated {
            return CHECKED;
        }
        if obj.patch {
            return NA;
        }
        cx.report(
            wl.pod.security_context.span.unwrap_or_else(|| obj.anchor()),
            format!("{} sets no seccomp profile: unless the cluster defaults to `RuntimeDefault`, its containers run unconfined and can make any system call", obj.label()),
        )
        .help("set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (required by the `restricted` Pod Security Standard)");
        CHECKED
    }
}
