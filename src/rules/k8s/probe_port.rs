//! K8S013: probe aimed at a port the container does not declare.

use super::who;
use crate::finding::{Confidence, Severity};
use crate::model::k8s::{Container, K8sObject, Probe, ProbeAction, Workload};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct ProbePort;

fn check(cx: &mut Cx, obj: &K8sObject, c: &Container, kind: &str, p: &Probe) -> bool {
    let port = match &p.action {
        ProbeAction::Http { port, .. } | ProbeAction::Tcp { port } | ProbeAction::Grpc { port } => port.as_ref(),
        _ => None,
    };
    let Some(port) = port else { return false };
    if port.value.contains("{{") || port.value.contains('$') {
        return false;
    }
    let declared: Vec<String> = c
        .ports
        .iter()
        .map(|p| match &p.name {
            Some(n) => format!("`{}` (`{n}`)", p.port.value),
            None => format!("`{}`", p.port.value),
        })
        .collect();
    match port.value.parse::<i64>() {
        Ok(n) => {
            // An undeclared number still works if the program listens there; only a container that
            // lists its ports and not this one is suspicious.
            if c.ports.is_empty() || c.ports.iter().any(|p| p.port.value == n) {
                return true;
            }
            cx.report(
                port.span,
                format!("{kind} of {} probes port `{n}`, but the container declares {}: if nothing listens there the probe fails and the pod is {}", who(obj, c), declared.join(", "), if kind == "readiness probe" { "never ready" } else { "restarted in a loop" }),
            )
            .severity(Severity::Medium)
            .confidence(Confidence::Medium)
            .help("probe the port the program serves, preferably by its name (`port: http`)");
        }
        Err(_) => {
            if c.ports.iter().any(|p| p.name.as_deref() == Some(port.value.as_str())) {
                return true;
            }
            let have = if declared.is_empty() { "no ports".to_owned() } else { declared.join(", ") };
            cx.report(
                port.span,
                format!("{kind} of {} uses port name `{}`, which the container does not declare (it declares {have}): the kubelet cannot resolve it and the probe always fails", who(obj, c), port.value),
            )
            .help("name the port under `ports:` (`- name: http\\n  containerPort: 8080`) or probe it by number");
        }
    }
    true
}

impl Rule for ProbePort {
    fn id(&self) -> RuleId {
        RuleId::K8S013
    }

    fn k8s_container(&self, cx: &mut Cx, obj: &K8sObject, _wl: &Workload, c: &Container) -> Checked {
        let mut any = false;
        for (kind, p) in
            [("liveness probe", &c.liveness), ("readiness probe", &c.readiness), ("startup probe", &c.startup)]
        {
            if let Some(p) = p {
                any |= check(cx, obj, c, kind, p);
            }
        }
        if any {
            CHECKED
        } else {
            NA
        }
    }
}
