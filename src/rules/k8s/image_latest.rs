//! K8S005: container image `:latest` or untagged.

use super::who;
use crate::finding::Severity;
use crate::model::image::ImageRef;
use crate::model::k8s::{Container, K8sObject, Workload};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct ImageLatest;

impl Rule for ImageLatest {
    fn id(&self) -> RuleId {
        RuleId::K8S005
    }

    fn k8s_container(&self, cx: &mut Cx, obj: &K8sObject, _wl: &Workload, c: &Container) -> Checked {
        let Some(image) = &c.image else { return NA };
        let r = ImageRef::parse(&image.value);
        if r.has_variable {
            return NA;
        }
        let what = if r.is_latest() {
            format!("`{}`", image.value)
        } else if r.is_untagged() {
            format!("`{}` without a tag (so `latest`)", image.value)
        } else {
            cx.evidence_here(image.span, format!("{} pins `{}`", who(obj, c), image.value));
            return CHECKED;
        };
        cx.report(
            image.span,
            format!("{} runs {what}: each node pulls whatever `latest` is when the pod starts, so replicas can run different code and a rollback restores nothing", who(obj, c)),
        )
        .by_env(Severity::Medium, Severity::Low)
        .help("pin a version tag, ideally with its digest (`ghcr.io/acme/api:1.4.2@sha256:…`)");
        CHECKED
    }
}
