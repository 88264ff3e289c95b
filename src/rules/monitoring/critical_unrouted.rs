//! MON007: critical alerts reach no working receiver (no Alertmanager, Prometheus not pointed at
//! one, or the routing tree ends at an empty/placeholder receiver).

use super::alertmanager_placeholder::placeholder_in;
use super::no_metrics::provided;
use super::{alertmanager_configs, prometheus_configs, rule_sources};
use crate::config::Capability;
use crate::finding::{Confidence, Location, Severity};
use crate::index::Project;
use crate::model::alertmanager::{AlertmanagerConfig, Integration, IntegrationKind, Receiver};
use crate::model::ArtifactKind;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct CriticalUnrouted;

const CRITICAL: &[&str] = &["critical", "page", "p1", "emergency", "high"];

/// The value of a field of an integration (`x` or `x_file`), else of the global fallback.
fn field<'a>(
    cfg: &'a AlertmanagerConfig,
    i: &'a Integration,
    key: &str,
    global: Option<&str>,
) -> Option<(&'a str, bool)> {
    let own = |k: &str| i.fields.iter().find(|(f, _)| f.value == k).map(|(_, v)| v.value.as_str());
    if let Some(v) = own(key) {
        return Some((v, false));
    }
    if let Some(v) = own(&format!("{key}_file")) {
        return Some((v, true));
    }
    let g = global?;
    if let Some(v) = cfg.global(g) {
        return Some((v.value.as_str(), false));
    }
    cfg.global(&format!("{g}_file")).map(|v| (v.value.as_str(), true))
}

/// Set, and not a stand-in (a `*_file` path counts as set).
fn real(v: Option<(&str, bool)>) -> bool {
    v.is_some_and(|(v, file)| file || placeholder_in(v).is_none())
}

/// An integration that can deliver: its endpoint and credentials (own or from `global:`) are
/// set and not placeholders.
fn integration_works(cfg: &AlertmanagerConfig, i: &Integration) -> bool {
    let creds_ok = i.credentials.iter().all(|c| c.from_file || placeholder_in(&c.value.value).is_none());
    if !creds_ok {
        return false;
    }
    match i.kind {
        IntegrationKind::Slack => real(field(cfg, i, "api_url", Some("slack_api_url"))),
        IntegrationKind::Email => {
            let pw = field(cfg, i, "auth_password", Some("smtp_auth_password"));
            real(field(cfg, i, "to", None))
                && real(field(cfg, i, "smarthost", Some("smtp_smarthost")))
                && pw.is_none_or(|p| real(Some(p)))
        }
        IntegrationKind::Pagerduty => {
            real(field(cfg, i, "routing_key", None)) || real(field(cfg, i, "service_key", None))
        }
        IntegrationKind::Opsgenie => real(field(cfg, i, "api_key", Some("opsgenie_api_key"))),
        IntegrationKind::Webhook | IntegrationKind::Msteams | IntegrationKind::Discord => {
            real(field(cfg, i, "url", None)) || real(field(cfg, i, "webhook_url", None))
        }
        IntegrationKind::Telegram => real(field(cfg, i, "bot_token", Some("telegram_bot_token"))),
        _ => i.destination.as_ref().is_some_and(|d| placeholder_in(&d.value).is_none()),
    }
}

/// A receiver that can deliver through at least one integration.
fn working(cfg: &AlertmanagerConfig, r: &Receiver) -> bool {
    r.integrations.iter().any(|i| integration_works(cfg, i))
}

fn judge(cx: &mut Cx, path: &str, at: Span, cfg: &AlertmanagerConfig, label: &str, severity: &str) -> bool {
    let Some(route) = &cfg.route else {
        cx.report_at(path, at, format!("{label} has no `route`: alerts are not delivered"));
        return false;
    };
    let targets = route.receivers_for(&[("severity", severity)]);
    if targets.is_empty() {
        cx.report_at(
            path,
            route.span,
            format!("{label}: no route delivers `severity={severity}` alerts to a receiver"),
        );
        return false;
    }
    let mut ok = false;
    for t in &targets {
        match cfg.receiver(&t.value) {
            Some(r) if working(cfg, r) => {
                ok = true;
                cx.evidence(
                    Some(Location::new(path, t.span)),
                    format!(
                        "`severity={severity}` alerts go to receiver `{}` ({})",
                        r.name.value,
                        r.integrations.iter().map(|i| i.kind.label().to_owned()).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
            _ => {}
        }
    }
    if !ok {
        let names = targets.iter().map(|t| format!("`{}`", t.value)).collect::<Vec<_>>().join(", ");
        let at = targets.first().map_or(route.span, |t| t.span);
        cx.report_at(path, at, format!("{label} routes `severity={severity}` alerts to {names}, which has no working integration (no integration, or a missing or placeholder webhook, key or mail server)"));
    }
    ok
}

impl Rule for CriticalUnrouted {
    fn id(&self) -> RuleId {
        RuleId::MON007
    }

    fn project(&self, cx: &mut Cx, project: &Project) -> Checked {
        if provided(cx, project, Capability::Alerting) {
            return CHECKED;
        }
        let sources: Vec<_> =
            rule_sources(project).into_iter().filter(|s| s.loaded && s.rules.alerts().next().is_some()).collect();
        let Some(first) = sources.first() else { return NA };
        // The most severe severity label the alerts use.
        let severities: Vec<String> =
            sources.iter().flat_map(|s| s.rules.alerts().filter_map(|r| r.severity())).collect();
        let severity = CRITICAL.iter().find(|c| severities.iter().any(|s| s == *c)).map_or("critical", |c| *c);
        let ams = alertmanager_configs(project);
        if ams.is_empty() {
            let operator = project.k8s_objects().any(|(_, o)| {
                o.api_version.value.starts_with("monitoring.coreos.com")
                    && matches!(o.kind.value.as_str(), "Alertmanager" | "AlertmanagerConfig")
            });
            if !operator {
                cx.report_at(first.path, first.span, format!("alert rules are loaded ({}) but no Alertmanager config is loaded anywhere: `severity={severity}` alerts notify nobody", first.label));
            }
            return CHECKED;
        }
        // Prometheus must send alerts somewhere. (In Helm values the chart's templates usually
        // inject `alerting:`, so only standalone and ConfigMap configs are judged.)
        for (path, span, cfg, label) in prometheus_configs(project) {
            let helm = project.artifact(path).is_some_and(|a| a.kind == ArtifactKind::HelmValues);
            if !cfg.has_alertmanager() && !helm {
                cx.report_at(
                    path,
                    cfg.alerting.unwrap_or(span),
                    format!("{label} sends alerts to no Alertmanager (`alerting.alertmanagers` is missing or empty)"),
                );
            }
        }
        for (path, span, cfg, label) in ams {
            let before = cx.findings.len();
            judge(cx, path, span, cfg, &label, severity);
            // Chart default values are a starting point that deployments override.
            if project.artifact(path).is_some_and(|a| a.kind == ArtifactKind::HelmValues) {
                for f in cx.findings.iter_mut().skip(before) {
                    f.severity = Severity::Medium;
                    f.confidence = Confidence::Medium;
                }
            }
        }
        CHECKED
    }
}
