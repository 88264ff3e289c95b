//! K8S028: HPA scaling on CPU or memory utilization of containers that request none.

use super::{node_of, same_ns};
use crate::finding::Location;
use crate::model::k8s::{Container, K8sBody, K8sObject};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct HpaWithoutRequests;

fn has_request(c: &Container, resource: &str) -> bool {
    let r = &c.resources;
    match resource {
        "cpu" => r.requests_cpu.is_some() || r.limits_cpu.is_some(),
        "memory" => r.requests_memory.is_some() || r.limits_memory.is_some(),
        _ => true,
    }
}

impl Rule for HpaWithoutRequests {
    fn id(&self) -> RuleId {
        RuleId::K8S028
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let K8sBody::Hpa(h) = &obj.body else { return NA };
        let Some(t) = &h.target else { return NA };
        let Some(node) = node_of(cx, obj) else { return NA };
        let spec = node.get("spec");
        // Utilization metrics: (resource, span to point at).
        let mut metrics: Vec<(String, Span)> = Vec::new();
        if let Some(p) = spec.and_then(|s| s.get("targetCPUUtilizationPercentage")) {
            metrics.push(("cpu".to_owned(), p.span()));
        }
        let listed = spec.and_then(|s| s.get("metrics"));
        for m in listed.map(|m| m.items()).unwrap_or_default() {
            let Some(res) = m.get("resource").or_else(|| m.get("containerResource")) else { continue };
            let utilization = res.path(&["target", "type"]).and_then(|t| t.as_str()) == Some("Utilization")
                || res.get("targetAverageUtilization").is_some();
            if let (true, Some(name)) = (utilization, res.get_str("name")) {
                metrics.push((name.to_owned(), res.span()));
            }
        }
        // autoscaling/v2 without `metrics:` defaults to 80 % CPU utilization.
        if metrics.is_empty() && listed.is_none() && obj.api_version.value.starts_with("autoscaling/v2") {
            metrics.push(("cpu".to_owned(), obj.anchor()));
        }
        if metrics.is_empty() {
            return NA;
        }
        let project = cx.project;
        let target = project.k8s_objects().find_map(|(a, o)| {
            let w = o.workload()?;
            (o.kind.value == t.kind.value
                && o.name.as_ref().is_some_and(|n| n.value == t.name.value)
                && same_ns(o.ns(), obj.ns())
                && !o.patch)
                .then_some((a, o, w))
        });
        let Some((a, o, w)) = target else { return NA };
        let limit_range = project.k8s_objects().any(|(_, l)| l.kind.value == "LimitRange" && same_ns(l.ns(), o.ns()));
        if limit_range {
            return CHECKED;
        }
        for (res, span) in metrics {
            let lacking: Vec<&Container> = w.pod.containers.iter().filter(|c| !has_request(c, &res)).collect();
            let Some(first) = lacking.first() else {
                cx.evidence(
                    Some(Location::new(a.path(), o.anchor())),
                    format!("every container of {} requests {res}", o.label()),
                );
                continue;
            };
            let names: Vec<String> = lacking.iter().map(|c| format!("`{}`", c.label())).collect();
            cx.report(
                span,
                format!("{} scales {} on {res} utilization, but container{} {} request{} no {res}: utilization is a share of the request, so the autoscaler reports `missing request for {res}` and never scales", obj.label(), o.label(), if names.len() == 1 { "" } else { "s" }, names.join(", "), if names.len() == 1 { "s" } else { "" }),
            )
            .related(a.path(), first.name.as_ref().map_or(first.span, |n| n.span), "container without the request")
            .help(format!("set `resources.requests.{res}` on every container of the workload (sidecars included)"));
        }
        CHECKED
    }
}
