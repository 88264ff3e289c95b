//! K8S023: StatefulSet whose governing Service is missing or not headless.

use super::{same_ns, unseen_objects};
use crate::finding::{Confidence, Location, Severity};
use crate::model::k8s::{K8sBody, K8sObject, WorkloadKind};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct StatefulSetService;

impl Rule for StatefulSetService {
    fn id(&self) -> RuleId {
        RuleId::K8S023
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let K8sBody::Workload(wl) = &obj.body else { return NA };
        if wl.kind != WorkloadKind::StatefulSet || obj.patch {
            return NA;
        }
        let Some(name) = &wl.service_name else {
            cx.report(
                obj.anchor(),
                format!("{} sets no `spec.serviceName`: its pods get no stable DNS names (`<pod>.<service>`), which peers and clients of a stateful set rely on", obj.label()),
            )
            .help("create a headless Service (`clusterIP: None`) selecting the pods and name it in `spec.serviceName`");
            return CHECKED;
        };
        if name.value.contains("{{") || name.value.contains('$') {
            return NA;
        }
        let project = cx.project;
        let svc = project.k8s_objects().find_map(|(a, o)| match &o.body {
            K8sBody::Service(s)
                if o.name.as_ref().is_some_and(|n| n.value == name.value) && same_ns(o.ns(), obj.ns()) =>
            {
                Some((a, o, s))
            }
            _ => None,
        });
        match svc {
            None => {
                let unseen = unseen_objects(project, obj.ns());
                let tail =
                    unseen.as_ref().map(|w| format!(" (unless it is created elsewhere: {w})")).unwrap_or_default();
                let f = cx
                    .report(
                        name.span,
                        format!(
                            "{} is governed by Service `{}`, which is defined nowhere: its pods get no DNS names{tail}",
                            obj.label(),
                            name.value
                        ),
                    )
                    .help("add a headless Service (`clusterIP: None`) with this name that selects the pods");
                if unseen.is_some() {
                    f.severity(Severity::Low).confidence(Confidence::Low);
                }
            }
            Some((a, o, s)) => {
                let headless = s.cluster_ip.as_ref().is_some_and(|c| c.value.eq_ignore_ascii_case("none"));
                if headless {
                    cx.evidence(
                        Some(Location::new(a.path(), o.anchor())),
                        format!("{} is governed by headless {}", obj.label(), o.label()),
                    );
                } else {
                    cx.report(
                        name.span,
                        format!("{} is governed by {}, which is not headless (`clusterIP: None`): the per-pod DNS records are not created", obj.label(), o.label()),
                    )
                    .related(a.path(), o.anchor(), "the Service")
                    .help("set `clusterIP: None` on the governing Service (add a second, normal Service for client traffic)");
                }
            }
        }
        CHECKED
    }
}
