//! K8S018: workload selector that does not match its own pod template labels.

use crate::finding::Severity;
use crate::model::k8s::{label_selector_matches, K8sBody, K8sObject};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct SelectorMismatch;

impl Rule for SelectorMismatch {
    fn id(&self) -> RuleId {
        RuleId::K8S018
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let K8sBody::Workload(wl) = &obj.body else { return NA };
        let Some((span, sel)) = &wl.selector else { return NA };
        if obj.patch || (sel.is_empty() && wl.selector_expressions.is_empty()) {
            return NA;
        }
        let templated = |s: &str| s.contains("{{") || s.contains('$');
        if sel.iter().chain(&wl.pod_labels).any(|(k, v)| templated(k) || templated(v)) {
            return NA;
        }
        if label_selector_matches(sel, &wl.selector_expressions, &wl.pod_labels) {
            cx.evidence_here(*span, format!("the selector of {} matches its pod template", obj.label()));
            return CHECKED;
        }
        let missing: Vec<String> = sel
            .iter()
            .filter(|p| !wl.pod_labels.contains(p))
            .map(|(k, v)| match wl.pod_labels.iter().find(|(lk, _)| lk == k) {
                Some((_, lv)) => format!("`{k}={v}` (the template has `{k}={lv}`)"),
                None => format!("`{k}={v}`"),
            })
            .collect();
        let what = if missing.is_empty() { "a `matchExpressions` requirement".to_owned() } else { missing.join(", ") };
        cx.report(
            *span,
            format!("the selector of {} requires {what}, which its pod template labels do not carry: the API server rejects it (`selector does not match template labels`)", obj.label()),
        )
        .by_env(Severity::Blocker, Severity::High)
        .help("make `spec.selector.matchLabels` a subset of `spec.template.metadata.labels`; the selector is immutable once created, so fix it before the first apply");
        CHECKED
    }
}
