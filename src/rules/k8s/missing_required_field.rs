//! K8S017: workload without a field the API server requires.

use super::node_of;
use crate::finding::Severity;
use crate::model::k8s::{K8sBody, K8sObject, WorkloadKind};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct MissingRequiredField;

impl Rule for MissingRequiredField {
    fn id(&self) -> RuleId {
        RuleId::K8S017
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        // A patch is a fragment: what it leaves out comes from the base.
        if obj.patch {
            return NA;
        }
        let Some(node) = node_of(cx, obj) else { return NA };
        let mut problems: Vec<(crate::source::Span, String)> = Vec::new();
        match &obj.body {
            K8sBody::Workload(wl) => {
                let spec = node.get("spec");
                let needs_selector = matches!(
                    wl.kind,
                    WorkloadKind::Deployment
                        | WorkloadKind::StatefulSet
                        | WorkloadKind::DaemonSet
                        | WorkloadKind::ReplicaSet
                ) && obj.api_version.value == "apps/v1";
                if needs_selector && spec.is_some_and(|s| s.get("selector").is_none()) {
                    problems.push((
                        obj.kind.span,
                        format!("{} has no `spec.selector`, which `apps/v1` requires", obj.label()),
                    ));
                }
                let template = match wl.kind {
                    WorkloadKind::Pod => Some(node),
                    WorkloadKind::CronJob => spec.and_then(|s| s.path(&["jobTemplate", "spec", "template"])),
                    _ => spec.and_then(|s| s.get("template")),
                };
                if spec.is_none() && wl.kind != WorkloadKind::Pod {
                    problems.push((obj.kind.span, format!("{} has no `spec`", obj.label())));
                } else if template.is_none() {
                    problems.push((obj.kind.span, format!("{} has no pod template (`spec.template`)", obj.label())));
                } else if wl.pod.containers.is_empty() {
                    problems.push((obj.kind.span, format!("{} defines no `containers`", obj.label())));
                }
                if matches!(wl.kind, WorkloadKind::Job | WorkloadKind::CronJob) {
                    if let Some(t) = template {
                        let policy = t.path(&["spec", "restartPolicy"]);
                        let value = policy.and_then(|p| p.as_str()).unwrap_or("Always");
                        if !matches!(value, "Never" | "OnFailure") && !value.contains("{{") {
                            let span = policy.map_or(obj.kind.span, |p| p.span());
                            let how = if policy.is_some() {
                                format!("`restartPolicy: {value}`")
                            } else {
                                "no `restartPolicy` (so `Always`)".to_owned()
                            };
                            problems.push((span, format!("the pod template of {} has {how}, but a Job's pods must use `Never` or `OnFailure`", obj.label())));
                        }
                    }
                }
                for c in wl.pod.init_containers.iter().chain(&wl.pod.containers) {
                    let what = if c.is_init { "init container" } else { "container" };
                    if c.name.is_none() {
                        let label = c.image.as_ref().map(|i| format!(" (image `{}`)", i.value)).unwrap_or_default();
                        problems.push((c.span, format!("{} has a {what} without a `name`{label}", obj.label())));
                    }
                    if c.image.is_none() {
                        problems.push((
                            c.name.as_ref().map_or(c.span, |n| n.span),
                            format!("{what} `{}` of {} has no `image`", c.label(), obj.label()),
                        ));
                    }
                }
            }
            K8sBody::Service(svc) => {
                for p in &svc.ports {
                    if p.port.is_none() {
                        problems.push((p.span, format!("a port of {} has no `port` number", obj.label())));
                    }
                }
            }
            _ => return NA,
        }
        for (span, msg) in problems {
            cx.report(span, format!("{msg}: the API server rejects the object, so nothing of it is deployed"))
                .by_env(Severity::Blocker, Severity::High)
                .help("add the missing field; `kubectl apply --dry-run=server -f <file>` shows what the API server accepts");
        }
        CHECKED
    }
}
