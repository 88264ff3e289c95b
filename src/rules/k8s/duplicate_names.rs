//! K8S019: duplicate container names, port names, ports or volume names in one object.

use std::collections::HashMap;

use crate::finding::Severity;
use crate::model::k8s::{K8sBody, K8sObject};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct DuplicateNames;

/// Report every repeat of a key, pointing back at its first occurrence.
fn repeats<K: std::hash::Hash + Eq + Clone>(items: impl Iterator<Item = (K, Span)>) -> Vec<(K, Span, Span)> {
    let mut first: HashMap<K, Span> = HashMap::new();
    let mut out = Vec::new();
    for (k, span) in items {
        match first.get(&k) {
            Some(f) => out.push((k, span, *f)),
            None => {
                first.insert(k, span);
            }
        }
    }
    out
}

fn rejected(cx: &mut Cx, span: Span, first: Span, msg: String) {
    cx.report(span, format!("{msg}: the API server rejects the object (`Duplicate value`)"))
        .by_env(Severity::Blocker, Severity::High)
        .related_here(first, "first defined here")
        .help("give each entry a unique name or number");
}

impl Rule for DuplicateNames {
    fn id(&self) -> RuleId {
        RuleId::K8S019
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        match &obj.body {
            K8sBody::Workload(wl) => {
                let all = || wl.pod.init_containers.iter().chain(&wl.pod.containers);
                let names = all().filter_map(|c| c.name.as_ref().map(|n| (n.value.clone(), n.span)));
                for (name, span, first) in repeats(names) {
                    rejected(cx, span, first, format!("{} defines two containers named `{name}`", obj.label()));
                }
                for c in all() {
                    let port_names = c.ports.iter().filter_map(|p| p.name.clone().map(|n| (n, p.port.span)));
                    for (name, span, first) in repeats(port_names) {
                        rejected(
                            cx,
                            span,
                            first,
                            format!("container `{}` of {} declares port name `{name}` twice", c.label(), obj.label()),
                        );
                    }
                    let numbers = c
                        .ports
                        .iter()
                        .map(|p| ((p.port.value, p.protocol.clone().unwrap_or_else(|| "TCP".to_owned())), p.port.span));
                    for ((port, proto), span, first) in repeats(numbers) {
                        cx.report(
                            span,
                            format!("container `{}` of {} declares port `{port}/{proto}` twice: the API server warns, and tools that merge by port (kubectl apply, Helm) keep only one of them", c.label(), obj.label()),
                        )
                        .severity(Severity::Medium)
                        .related_here(first, "first declared here")
                        .help("declare each port once; give a second protocol on the same port its own name");
                    }
                }
                let volumes = wl.pod.volumes.iter().map(|v| (v.name.value.clone(), v.name.span));
                for (name, span, first) in repeats(volumes) {
                    rejected(cx, span, first, format!("{} defines two volumes named `{name}`", obj.label()));
                }
                CHECKED
            }
            K8sBody::Service(svc) => {
                let names = svc.ports.iter().filter_map(|p| p.name.clone().map(|n| (n, p.span)));
                for (name, span, first) in repeats(names) {
                    rejected(cx, span, first, format!("{} declares port name `{name}` twice", obj.label()));
                }
                CHECKED
            }
            _ => NA,
        }
    }
}
