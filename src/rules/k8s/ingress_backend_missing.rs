//! K8S012: Ingress backend naming a Service or Service port that does not exist.

use super::{same_ns, unseen_objects};
use crate::finding::{Confidence, Location, Severity};
use crate::model::k8s::{IngressBackend, K8sBody, K8sObject, K8sService};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct IngressBackendMissing;

fn port_exists(svc: &K8sService, port: &str) -> bool {
    match port.parse::<i64>() {
        Ok(n) => svc.ports.iter().any(|p| p.port == Some(n)),
        Err(_) => svc.ports.iter().any(|p| p.name.as_deref() == Some(port)),
    }
}

fn check(cx: &mut Cx, obj: &K8sObject, b: &IngressBackend) {
    let project = cx.project;
    if b.service.value.contains("{{") || b.service.value.contains('$') {
        return;
    }
    let found = project.k8s_objects().find_map(|(a, o)| match &o.body {
        K8sBody::Service(s)
            if !o.patch && o.name.as_ref().is_some_and(|n| n.value == b.service.value) && same_ns(o.ns(), obj.ns()) =>
        {
            Some((a, o, s))
        }
        _ => None,
    });
    let Some((a, o, svc)) = found else {
        let unseen = unseen_objects(project, obj.ns());
        let tail = unseen.as_ref().map(|w| format!(" (unless it is created elsewhere: {w})")).unwrap_or_default();
        let mut f = cx
            .report(
                b.service.span,
                format!("{} sends traffic to Service `{}`, which is defined nowhere: the controller answers 503{tail}", obj.label(), b.service.value),
            )
            .help("point the backend at the Service that fronts the workload (`kubectl get svc -n <namespace>`), or add that Service");
        if unseen.is_some() {
            f = f.severity(Severity::Medium).confidence(Confidence::Low);
        }
        let _ = f;
        return;
    };
    let Some(port) = &b.port else { return };
    if port.value.contains("{{") || port_exists(svc, &port.value) {
        cx.evidence(
            Some(Location::new(a.path(), o.anchor())),
            format!("{} routes to {} port `{}`", obj.label(), o.label(), port.value),
        );
        return;
    }
    let kind = if port.value.parse::<i64>().is_ok() { "port" } else { "port name" };
    let have: Vec<String> = svc
        .ports
        .iter()
        .map(|p| match (&p.name, p.port) {
            (Some(n), Some(num)) => format!("`{num}` (`{n}`)"),
            (None, Some(num)) => format!("`{num}`"),
            (Some(n), None) => format!("`{n}`"),
            (None, None) => "?".to_owned(),
        })
        .collect();
    let have = if have.is_empty() { "none".to_owned() } else { have.join(", ") };
    cx.report(
        port.span,
        format!(
            "{} sends traffic to {kind} `{}` of Service `{}`, which exposes {have}: the controller answers 503",
            obj.label(),
            port.value,
            b.service.value
        ),
    )
    .related(a.path(), o.anchor(), "the Service")
    .help("use a `port` (number) or `name` that the Service lists under `spec.ports`");
}

impl Rule for IngressBackendMissing {
    fn id(&self) -> RuleId {
        RuleId::K8S012
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let K8sBody::Ingress(ing) = &obj.body else { return NA };
        if obj.patch || ing.backends.is_empty() {
            return NA;
        }
        for b in &ing.backends {
            check(cx, obj, b);
        }
        CHECKED
    }
}
