//! Monitoring and observability rules (`MON`): one file per rule, one registration line each,
//! plus the survey they share — what the repository has for metrics, logs, traces and error
//! tracking, with evidence, where a Prometheus/collector config counts only when a service loads
//! it — and the loaded alert-rule and Alertmanager sources.

mod alert_without_for;
mod alertmanager_placeholder;
mod alertmanager_plaintext;
mod config_not_loaded;
mod critical_unrouted;
mod golden_signals;
mod grafana_admin_password;
mod no_alert_rules;
mod no_error_tracking;
mod no_health_checks;
mod no_log_aggregation;
mod no_metrics;

use crate::finding::Location;
use crate::index::embedded::EmbeddedData;
use crate::index::Project;
use crate::model::alertmanager::AlertmanagerConfig;
use crate::model::k8s::K8sBody;
use crate::model::manifest::SdkCapability;
use crate::model::prometheus::{PrometheusConfig, RuleFile};
use crate::model::telemetry::CollectorKind;
use crate::model::{Artifact, ArtifactData, ArtifactKind};
use crate::source::Span;

use super::Rule;

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(no_metrics::NoMetrics));
    rules.push(Box::new(no_alert_rules::NoAlertRules));
    rules.push(Box::new(golden_signals::GoldenSignals));
    rules.push(Box::new(alert_without_for::AlertWithoutFor));
    rules.push(Box::new(alertmanager_placeholder::AlertmanagerPlaceholder));
    rules.push(Box::new(alertmanager_plaintext::AlertmanagerPlaintext));
    rules.push(Box::new(critical_unrouted::CriticalUnrouted));
    rules.push(Box::new(grafana_admin_password::GrafanaAdminPassword));
    rules.push(Box::new(no_log_aggregation::NoLogAggregation));
    rules.push(Box::new(no_health_checks::NoHealthChecks));
    rules.push(Box::new(no_error_tracking::NoErrorTracking));
    rules.push(Box::new(config_not_loaded::ConfigNotLoaded));
}

/// One piece of evidence: where and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credit {
    pub location: Option<Location>,
    pub text: String,
}

impl Credit {
    fn at(path: &str, span: Span, text: String) -> Credit {
        Credit { location: Some(Location::new(path, span)), text }
    }
}

/// What the repository has for each observability signal.
#[derive(Debug, Default)]
pub struct Survey {
    pub metrics: Vec<Credit>,
    /// The repository runs its own metrics stack (a loaded Prometheus config or prometheus-operator
    /// objects), as opposed to only exporting metrics (SDKs, agents, annotations) to a platform.
    pub self_hosted: bool,
    /// Prometheus/collector configs present but loaded by no service.
    pub metrics_unused: Vec<Credit>,
    pub logs: Vec<Credit>,
    pub traces: Vec<Credit>,
    pub errors: Vec<Credit>,
}

/// Image families and what they provide: (fragment of the image name, product, metrics, logs, traces).
const AGENTS: &[(&str, &str, bool, bool, bool)] = &[
    ("datadog/agent", "Datadog Agent", true, true, true),
    ("datadoghq/agent", "Datadog Agent", true, true, true),
    ("newrelic/infrastructure", "New Relic infrastructure agent", true, true, false),
    ("cloudwatch-agent", "Amazon CloudWatch agent", true, true, false),
    ("grafana/agent", "Grafana Agent", true, true, true),
    ("grafana/alloy", "Grafana Alloy", true, true, true),
    ("victoriametrics/vmagent", "vmagent", true, false, false),
    ("telegraf", "Telegraf", true, false, false),
    ("netdata/netdata", "Netdata", true, false, false),
    ("signoz", "SigNoz", true, true, true),
    ("grafana/loki", "Loki", false, true, false),
    ("grafana/promtail", "Promtail", false, true, false),
    ("fluent-bit", "Fluent Bit", false, true, false),
    ("fluentd", "Fluentd", false, true, false),
    ("timberio/vector", "Vector", false, true, false),
    ("filebeat", "Filebeat", false, true, false),
    ("logstash", "Logstash", false, true, false),
    ("splunk/universalforwarder", "Splunk forwarder", false, true, false),
    ("graylog/graylog", "Graylog", false, true, false),
    ("jaegertracing/", "Jaeger", false, false, true),
    ("openzipkin/zipkin", "Zipkin", false, false, true),
    ("grafana/tempo", "Tempo", false, false, true),
];

/// Compose logging drivers that ship logs off the host.
const REMOTE_LOG_DRIVERS: &[&str] =
    &["awslogs", "gcplogs", "splunk", "fluentd", "gelf", "syslog", "loki", "logentries", "etwlogs"];

/// Every image run on the production path: (path, span, image).
fn production_images(project: &Project) -> Vec<(&str, Span, &str)> {
    let mut out = Vec::new();
    for (a, _, s) in project.compose_services() {
        if let Some(i) = &s.image {
            if a.env.env.is_production_path() {
                out.push((a.path(), i.span, i.value.as_str()));
            }
        }
    }
    for (a, o) in project.k8s_objects() {
        if let Some(w) = o.workload() {
            for c in &w.pod.containers {
                if let Some(i) = &c.image {
                    if a.env.env.is_production_path() {
                        out.push((a.path(), i.span, i.value.as_str()));
                    }
                }
            }
        }
    }
    out
}

/// Standalone artifacts of a kind that a production-path service loads: (artifact, description).
pub fn loaded<'p>(project: &'p Project, a: &'p Artifact) -> Option<String> {
    let (_, m) = project.mounts.production_use(a.path())?;
    m.env.is_production_path().then(|| m.describe())
}

/// Prometheus configs that run: standalone files a production service loads, and embedded ones.
pub fn prometheus_configs(project: &Project) -> Vec<(&str, Span, &PrometheusConfig, String)> {
    let mut out = Vec::new();
    for a in project.audited() {
        if let ArtifactData::Prometheus(p) = &a.data {
            if let Some(by) = loaded(project, a) {
                out.push((a.path(), Span::file_start(), &p.view, format!("`{}` (loaded by {by})", a.path())));
            }
        }
    }
    for e in &project.embedded {
        if let EmbeddedData::Prometheus(p) = &e.data {
            out.push((e.path.as_str(), e.span, p, format!("Prometheus config in {} of `{}`", e.within, e.path)));
        }
    }
    out
}

/// A set of alert rules and whether something loads it.
pub struct RuleSource<'p> {
    pub path: &'p str,
    pub span: Span,
    pub label: String,
    pub rules: &'p RuleFile,
    pub loaded: bool,
}

/// Alert rules: standalone rule files (loaded when a production service mounts them or a loaded
/// Prometheus config lists them), `PrometheusRule` CRDs, ConfigMap keys and Helm values.
pub fn rule_sources(project: &Project) -> Vec<RuleSource<'_>> {
    let mut out = Vec::new();
    for a in project.audited() {
        if let ArtifactData::PrometheusRules(r) = &a.data {
            if !a.env.env.is_production_path() {
                continue;
            }
            let by = loaded(project, a);
            out.push(RuleSource {
                path: a.path(),
                span: Span::file_start(),
                label: match &by {
                    Some(b) => format!("`{}` (loaded by {b})", a.path()),
                    None => format!("`{}`", a.path()),
                },
                rules: &r.view,
                loaded: by.is_some(),
            });
        }
    }
    for e in &project.embedded {
        if let EmbeddedData::Rules(r) = &e.data {
            let env = project.artifact(&e.path).map(|a| a.env.env);
            if env.is_some_and(|e| !e.is_production_path()) {
                continue;
            }
            out.push(RuleSource { path: &e.path, span: e.span, label: e.label(), rules: r, loaded: true });
        }
    }
    out
}

/// Alertmanager configs that run (standalone loaded in production, or embedded).
pub fn alertmanager_configs(project: &Project) -> Vec<(&str, Span, &AlertmanagerConfig, String)> {
    let mut out = Vec::new();
    for a in project.audited() {
        if let ArtifactData::Alertmanager(am) = &a.data {
            if let Some(by) = loaded(project, a) {
                out.push((a.path(), Span::file_start(), &am.view, format!("`{}` (loaded by {by})", a.path())));
            }
        }
    }
    for e in &project.embedded {
        if let EmbeddedData::Alertmanager(am) = &e.data {
            out.push((e.path.as_str(), e.span, am, e.label()));
        }
    }
    out
}

/// Does any document (prometheus-operator objects, Helm values) say monitoring is wired?
fn operator_metrics(project: &Project, out: &mut Vec<Credit>) {
    for (a, o) in project.k8s_objects().filter(|(a, _)| a.env.env.is_production_path()) {
        if o.api_version.value.starts_with("monitoring.coreos.com")
            && matches!(o.kind.value.as_str(), "ServiceMonitor" | "PodMonitor" | "Prometheus" | "PrometheusAgent")
        {
            out.push(Credit::at(
                a.path(),
                o.anchor(),
                format!("{} in `{}` (prometheus-operator)", o.label(), a.path()),
            ));
            return;
        }
    }
    for (a, k) in project.k8s_files().filter(|(a, _)| a.env.env.is_production_path()) {
        for o in &k.objects {
            let Some(doc) = k.yaml.documents.get(o.doc) else { continue };
            let root = doc.root();
            for path in [&["metadata", "annotations"][..], &["spec", "template", "metadata", "annotations"][..]] {
                if let Some(v) = root.path(path).and_then(|ann| ann.get("prometheus.io/scrape")) {
                    if v.as_str() == Some("true") {
                        out.push(Credit::at(
                            a.path(),
                            v.span(),
                            format!("{} is annotated for Prometheus scraping in `{}`", o.label(), a.path()),
                        ));
                        return;
                    }
                }
            }
        }
    }
    for a in project.audited().filter(|a| a.kind == ArtifactKind::HelmValues && a.env.env.is_production_path()) {
        let ArtifactData::Yaml(y) = &a.data else { continue };
        let Some(root) = y.first() else { continue };
        for key in [
            &["serviceMonitor", "enabled"][..],
            &["metrics", "serviceMonitor", "enabled"][..],
            &["prometheus", "enabled"][..],
        ] {
            if let Some(v) = root.path(key) {
                if v.as_bool() == Some(true) {
                    out.push(Credit::at(a.path(), v.span(), format!("`{}: true` in `{}`", key.join("."), a.path())));
                    return;
                }
            }
        }
    }
}

/// Survey the project's observability (once per rule call; cheap).
pub fn survey(project: &Project) -> Survey {
    let mut s = Survey::default();
    for (path, span, _, label) in prometheus_configs(project) {
        s.metrics.push(Credit::at(path, span, format!("Prometheus scrapes targets: {label}")));
        s.self_hosted = true;
    }
    let before = s.metrics.len();
    operator_metrics(project, &mut s.metrics);
    s.self_hosted |= s.metrics.iter().skip(before).any(|c| c.text.contains("prometheus-operator"));
    for e in &project.embedded {
        let EmbeddedData::Collector(c) = &e.data else { continue };
        if project.artifact(&e.path).is_some_and(|a| !a.env.env.is_production_path()) {
            continue;
        }
        let label = e.label();
        if c.handles("metrics") {
            s.metrics.push(Credit::at(&e.path, e.span, format!("metrics pipeline of the {label}")));
        }
        if c.handles("logs") {
            s.logs.push(Credit::at(&e.path, e.span, format!("logs pipeline of the {label}")));
        }
        if c.handles("traces") {
            s.traces.push(Credit::at(&e.path, e.span, format!("traces pipeline of the {label}")));
        }
    }
    for a in project.audited() {
        match &a.data {
            ArtifactData::Prometheus(_) if a.env.env.is_production_path() && loaded(project, a).is_none() => {
                s.metrics_unused.push(Credit::at(
                    a.path(),
                    Span::file_start(),
                    format!("Prometheus config `{}` is present but no service loads it", a.path()),
                ));
            }
            ArtifactData::Collector(c) => {
                let Some(by) = loaded(project, a) else { continue };
                let what = c.view.kind.label();
                if c.view.handles("metrics") && c.view.kind == CollectorKind::OtelCollector {
                    s.metrics.push(Credit::at(
                        a.path(),
                        Span::file_start(),
                        format!("{what} metrics pipeline in `{}` (loaded by {by})", a.path()),
                    ));
                }
                if c.view.handles_logs() {
                    s.logs.push(Credit::at(
                        a.path(),
                        Span::file_start(),
                        format!("{what} config `{}` (loaded by {by})", a.path()),
                    ));
                }
                if c.view.handles("traces") && c.view.kind == CollectorKind::OtelCollector {
                    s.traces.push(Credit::at(
                        a.path(),
                        Span::file_start(),
                        format!("{what} traces pipeline in `{}` (loaded by {by})", a.path()),
                    ));
                }
            }
            ArtifactData::Manifest(m) if a.env.env.is_production_path() => {
                for u in m.sdks() {
                    let ev = || {
                        Credit::at(
                            a.path(),
                            u.dependency.name.span,
                            format!("{} SDK `{}` in `{}`", u.sdk.name, u.dependency.name.value, a.path()),
                        )
                    };
                    for cap in u.sdk.capabilities {
                        match cap {
                            SdkCapability::Metrics => s.metrics.push(ev()),
                            SdkCapability::Tracing => s.traces.push(ev()),
                            SdkCapability::ErrorTracking => s.errors.push(ev()),
                            SdkCapability::Logging => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for (path, span, image) in production_images(project) {
        let l = image.to_ascii_lowercase();
        for (frag, product, m, lg, t) in AGENTS {
            if l.contains(frag) {
                let ev = || Credit::at(path, span, format!("{product} (`{image}`) in `{path}`"));
                if *m {
                    s.metrics.push(ev());
                }
                if *lg {
                    s.logs.push(ev());
                }
                if *t {
                    s.traces.push(ev());
                }
            }
        }
        if l.contains("getsentry/sentry") {
            s.errors.push(Credit::at(path, span, format!("self-hosted Sentry (`{image}`) in `{path}`")));
        }
    }
    // Remote logging drivers and telemetry env settings.
    for (a, _, svc) in project.compose_services() {
        if !a.env.env.is_production_path() {
            continue;
        }
        if let Some(d) = svc.logging.as_ref().and_then(|l| l.driver.as_ref()) {
            if REMOTE_LOG_DRIVERS.contains(&d.value.as_str()) {
                s.logs.push(Credit::at(
                    a.path(),
                    d.span,
                    format!("service `{}` ships logs with the `{}` logging driver", svc.name.value, d.value),
                ));
            }
        }
        for e in &svc.environment {
            let Some(v) = &e.value else { continue };
            if v.value.trim().is_empty() {
                continue;
            }
            env_hint(&mut s, a.path(), &e.key.value, v.span);
        }
    }
    for (a, o) in project.k8s_objects() {
        if let K8sBody::Workload(w) = &o.body {
            for c in &w.pod.containers {
                for e in &c.env {
                    let set = e.value.as_ref().is_some_and(|v| !v.value.trim().is_empty()) || e.value_from.is_some();
                    if set && a.env.env.is_production_path() {
                        env_hint(&mut s, a.path(), &e.name.value, e.name.span);
                    }
                }
            }
        }
    }
    s
}

fn env_hint(s: &mut Survey, path: &str, key: &str, span: Span) {
    let k = key.to_ascii_uppercase();
    let ev = |what: &str| Credit::at(path, span, format!("{what} configured (`{key}`) in `{path}`"));
    match k.as_str() {
        "SENTRY_DSN"
        | "NEXT_PUBLIC_SENTRY_DSN"
        | "BUGSNAG_API_KEY"
        | "ROLLBAR_ACCESS_TOKEN"
        | "HONEYBADGER_API_KEY" => {
            s.errors.push(ev("error tracking"));
        }
        "OTEL_EXPORTER_OTLP_ENDPOINT"
        | "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
        | "DD_TRACE_AGENT_URL"
        | "DD_AGENT_HOST" => {
            s.traces.push(ev("trace export"));
        }
        "NEW_RELIC_LICENSE_KEY" => {
            s.traces.push(ev("New Relic"));
            s.errors.push(ev("New Relic"));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::config::{Capability, Settings};
    use crate::rules::meta::RuleId;

    fn audit(files: &[(&str, &str)], rule: RuleId, provided: Option<(Capability, &str)>) -> (usize, Vec<String>) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for (p, text) in files {
            let path = dir.path().join(p);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        }
        let mut s = Settings::new(dir.path().to_path_buf());
        s.select = Some(BTreeSet::from([rule]));
        s.jobs = Some(1);
        if let Some((c, how)) = provided {
            s.provided.insert(c, how.to_owned());
        }
        let report = crate::app::run(&s).unwrap_or_else(|e| panic!("{e}"));
        let n = report.findings.iter().filter(|f| f.rule == rule).count();
        let evidence = report
            .scorecard
            .categories
            .iter()
            .flat_map(|c| c.checks.iter())
            .filter(|c| c.rule == rule)
            .flat_map(|c| c.evidence.iter().map(|e| e.text.clone()))
            .collect();
        (n, evidence)
    }

    const COMPOSE: &str = "services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n";

    #[test]
    fn provided_declarations_pass_with_the_declaration_as_evidence() {
        let (n, _) = audit(&[("docker-compose.yml", COMPOSE)], RuleId::MON001, None);
        assert_eq!(n, 1);
        let (n, ev) = audit(
            &[("docker-compose.yml", COMPOSE)],
            RuleId::MON001,
            Some((Capability::Monitoring, "platform Prometheus, see docs/ops.md")),
        );
        assert_eq!(n, 0);
        assert!(ev.iter().any(|e| e.contains("platform Prometheus, see docs/ops.md")), "{ev:?}");
        let (n, _) =
            audit(&[("docker-compose.yml", COMPOSE)], RuleId::MON009, Some((Capability::Logging, "Cloud Logging")));
        assert_eq!(n, 0);
    }

    #[test]
    fn ingress_tls_is_a_legitimate_alternative_to_nginx_tls() {
        let nginx = "server {\n  listen 80;\n  location / { proxy_pass http://api:4000; }\n}\n";
        let kustomization = "configMapGenerator:\n  - name: nginx\n    files: [default.conf]\n";
        let ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n    - hosts: [shop.acme.io]\n      secretName: shop-tls\n  rules:\n    - host: shop.acme.io\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend: {service: {name: nginx, port: {number: 80}}}\n";
        let files = [("deploy/nginx/default.conf", nginx), ("deploy/nginx/kustomization.yaml", kustomization)];
        let (n, _) = audit(&files, RuleId::NGX001, None);
        assert_eq!(n, 1);
        let files = [
            ("deploy/nginx/default.conf", nginx),
            ("deploy/nginx/kustomization.yaml", kustomization),
            ("deploy/nginx/ingress.yaml", ingress),
        ];
        let (n, ev) = audit(&files, RuleId::NGX001, None);
        assert_eq!(n, 0);
        assert!(ev.iter().any(|e| e.contains("Ingress/web")), "{ev:?}");
    }
}
