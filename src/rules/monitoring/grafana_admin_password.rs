//! MON008: Grafana admin password left at the default or written in plain text (compose env,
//! Kubernetes env, `grafana.ini`, Helm values).

use crate::finding::Severity;
use crate::index::mask::mask;
use crate::index::secrets::{classify_value, ValueClass};
use crate::model::compose::ComposeService;
use crate::model::k8s::{Container, K8sObject, Workload};
use crate::model::telemetry::GrafanaConfig;
use crate::model::{ArtifactKind, ComposeFile};
use crate::parse::yaml::YamlStream;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct GrafanaAdminPassword;

fn is_grafana_image(image: &str) -> bool {
    let l = image.to_ascii_lowercase();
    let repo = l.split(':').next().unwrap_or(&l);
    repo.ends_with("grafana/grafana")
        || repo.ends_with("grafana/grafana-oss")
        || repo.ends_with("grafana/grafana-enterprise")
        || repo.ends_with("bitnami/grafana")
        || repo == "grafana"
}

/// Judge a literal admin password value; returns whether a finding was reported.
fn judge(cx: &mut Cx, span: Span, what: &str, value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    if v.starts_with("$__env{") || v.starts_with("$__file{") || v.starts_with("$__vault{") {
        return false;
    }
    // `${GF_PASSWORD:-admin}`: the default is what runs when the variable is unset.
    if let [i] = crate::model::interp::parse(v).as_slice() {
        if i.offset == 0 && i.len == v.len() {
            let Some(d) = i.default.as_deref().filter(|d| !d.is_empty()) else { return false };
            if matches!(classify_value(d), ValueClass::Weak | ValueClass::Placeholder)
                || matches!(d.to_ascii_lowercase().as_str(), "admin" | "grafana" | "prom-operator")
            {
                cx.report(
                    span,
                    format!(
                        "{what} falls back to a default Grafana admin password ({}) when `{}` is unset",
                        mask(d),
                        i.name
                    ),
                )
                .by_env(Severity::High, Severity::Medium)
                .secret(span);
                return true;
            }
            return false;
        }
    }
    match classify_value(v) {
        ValueClass::Reference | ValueClass::Empty => false,
        ValueClass::Weak | ValueClass::Placeholder => {
            cx.report(span, format!("{what} sets the Grafana admin password to a default or weak value ({})", mask(v)))
                .by_env(Severity::High, Severity::Medium)
                .secret(span);
            true
        }
        ValueClass::Literal if matches!(lower.as_str(), "prom-operator" | "grafana" | "admin") => {
            cx.report(span, format!("{what} sets the Grafana admin password to a well-known default ({})", mask(v)))
                .by_env(Severity::High, Severity::Medium)
                .secret(span);
            true
        }
        ValueClass::Literal => {
            cx.report(span, format!("{what} writes the Grafana admin password in plain text ({})", mask(v)))
                .by_env(Severity::Medium, Severity::Low)
                .secret(span);
            true
        }
    }
}

impl Rule for GrafanaAdminPassword {
    fn id(&self) -> RuleId {
        RuleId::MON008
    }

    fn compose_service(&self, cx: &mut Cx, _file: &ComposeFile, s: &ComposeService) -> Checked {
        if !s.image.as_ref().is_some_and(|i| is_grafana_image(&i.value)) {
            return NA;
        }
        if s.env("GF_SECURITY_ADMIN_PASSWORD__FILE").is_some() {
            return CHECKED;
        }
        match s.env("GF_SECURITY_ADMIN_PASSWORD") {
            Some(e) => {
                if let Some(v) = &e.value {
                    let what = format!("service `{}`", s.name.value);
                    if !judge(cx, v.span, &what, &v.value) {
                        cx.evidence_here(
                            e.key.span,
                            format!("service `{}` takes the Grafana admin password from the environment", s.name.value),
                        );
                    }
                }
            }
            None if s.env_files.is_empty()
                && !s.volumes.iter().any(|v| v.target.as_deref().is_some_and(|t| t.ends_with("grafana.ini"))) =>
            {
                cx.report(
                    s.name.span,
                    format!(
                        "Grafana service `{}` sets no admin password: it starts with `admin`/`admin`",
                        s.name.value
                    ),
                )
                .by_env(Severity::Medium, Severity::Low);
            }
            None => {}
        }
        CHECKED
    }

    fn k8s_container(&self, cx: &mut Cx, _o: &K8sObject, _w: &Workload, c: &Container) -> Checked {
        if !c.image.as_ref().is_some_and(|i| is_grafana_image(&i.value)) {
            return NA;
        }
        if let Some(e) = c.env.iter().find(|e| e.name.value == "GF_SECURITY_ADMIN_PASSWORD") {
            if let Some(v) = &e.value {
                judge(cx, v.span, &format!("container `{}`", c.label()), &v.value);
            }
        }
        CHECKED
    }

    fn grafana(&self, cx: &mut Cx, cfg: &GrafanaConfig) -> Checked {
        let Some(pw) = cfg.admin_password() else { return NA };
        judge(cx, pw.value.span, "`grafana.ini` `[security] admin_password`", &pw.value.value);
        CHECKED
    }

    fn yaml(&self, cx: &mut Cx, yaml: &YamlStream) -> Checked {
        if cx.artifact().is_none_or(|a| a.kind != ArtifactKind::HelmValues) {
            return NA;
        }
        let Some(root) = yaml.first() else { return NA };
        let chart_is_grafana = cx.path().to_ascii_lowercase().contains("grafana");
        let node = root
            .path(&["grafana", "adminPassword"])
            .or_else(|| chart_is_grafana.then(|| root.get("adminPassword")).flatten());
        let Some(v) = node.and_then(|n| n.spanned_str()) else { return NA };
        if root
            .path(&["grafana", "admin", "existingSecret"])
            .or_else(|| root.path(&["admin", "existingSecret"]))
            .and_then(|n| n.as_str())
            .is_some_and(|s| !s.is_empty())
        {
            return CHECKED;
        }
        judge(cx, v.span, "Helm values `adminPassword`", &v.value);
        CHECKED
    }
}
