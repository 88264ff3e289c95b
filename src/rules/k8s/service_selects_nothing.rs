//! K8S011: Service whose selector matches the pods of no workload.

use super::{same_ns, unseen_objects, workloads};
use crate::finding::{Confidence, Location, Severity};
use crate::model::k8s::{selector_matches, K8sBody, K8sObject};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct ServiceSelectsNothing;

impl Rule for ServiceSelectsNothing {
    fn id(&self) -> RuleId {
        RuleId::K8S011
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let K8sBody::Service(svc) = &obj.body else { return NA };
        // No selector: endpoints are managed by hand or by a controller (ExternalName, headless
        // Services for external databases).
        let Some((span, sel)) = &svc.selector else { return NA };
        if obj.patch || sel.is_empty() || sel.iter().any(|(_, v)| v.contains("{{")) {
            return NA;
        }
        let project = cx.project;
        if let Some((a, o, _)) =
            workloads(project).find(|(_, o, w)| same_ns(o.ns(), obj.ns()) && selector_matches(sel, &w.pod_labels))
        {
            cx.evidence(
                Some(Location::new(a.path(), o.anchor())),
                format!("{} routes to the pods of {}", obj.label(), o.label()),
            );
            return CHECKED;
        }
        // A Service in a namespace where the repository deploys no workload fronts pods that
        // something else runs there (a platform add-on, another repository).
        if let Some(ns) = obj.ns() {
            if !workloads(project).any(|(_, o, _)| o.ns() == Some(ns)) {
                return NA;
            }
        }
        let wanted: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let wanted = wanted.join(",");
        // The closest miss: a workload that carries some of the labels.
        let near = workloads(project)
            .filter(|(_, o, _)| same_ns(o.ns(), obj.ns()))
            .map(|(a, o, w)| (sel.iter().filter(|p| w.pod_labels.contains(p)).count(), a, o))
            .filter(|(n, _, _)| *n > 0)
            .max_by_key(|(n, _, _)| *n);
        let unseen = unseen_objects(project, obj.ns());
        let tail = match &unseen {
            Some(why) => format!(" (unless it is created elsewhere: {why})"),
            None => String::new(),
        };
        let mut f = cx
            .report(
                *span,
                format!("{} selects `{wanted}`, which no workload's pod template carries: the Service has no endpoints and every request to it fails{tail}", obj.label()),
            )
            .help("make the selector equal to the pod template labels of the workload it fronts (`spec.template.metadata.labels`)");
        if unseen.is_some() {
            f = f.severity(Severity::Medium).confidence(Confidence::Low);
        }
        if let Some((_, a, o)) = near {
            f.related(a.path(), o.anchor(), "carries only some of these labels");
        }
        CHECKED
    }
}
