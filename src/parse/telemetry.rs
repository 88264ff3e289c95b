//! Grafana provisioning (YAML data sources, dashboard providers, alerting; `grafana.ini`) and
//! log/trace pipeline configs (Loki, Promtail, OpenTelemetry Collector, Fluent Bit, Vector) →
//! `crate::model::telemetry`.

use super::yaml::{Node, YamlStream};
use super::yamlview::Reader;
use crate::model::telemetry::{
    CollectorConfig, CollectorKind, DashboardProvider, Datasource, GrafanaConfig, GrafanaFileKind, IniSetting, Pipeline,
};
use crate::source::{SourceFile, Spanned};

/// Read a Grafana provisioning YAML stream.
pub fn grafana_yaml(stream: &YamlStream, r: &mut Reader) -> GrafanaConfig {
    let mut cfg = GrafanaConfig {
        kind: GrafanaFileKind::Other,
        datasources: Vec::new(),
        providers: Vec::new(),
        alert_rules: Vec::new(),
        contact_points: Vec::new(),
        ini: Vec::new(),
    };
    for doc in &stream.documents {
        let root = doc.root();
        if !root.is_map() {
            continue;
        }
        if let Some(list) = root.get("datasources") {
            cfg.kind = GrafanaFileKind::Datasources;
            for item in list.items() {
                let Some(ds) = r.expect_map(item, "a data source") else { continue };
                let mut secrets = Vec::new();
                for key in ["basicAuthPassword", "password"] {
                    if let (Some(k), Some(v)) =
                        (ds.key_node(key).and_then(|k| k.spanned_str()), ds.get(key).and_then(|v| v.spanned_str()))
                    {
                        secrets.push((k, v));
                    }
                }
                if let Some(sj) = ds.get("secureJsonData") {
                    for (k, v) in sj.entries() {
                        if let (Some(k), Some(v)) = (k.spanned_str(), v.spanned_str()) {
                            secrets.push((k, v));
                        }
                    }
                }
                cfg.datasources.push(Datasource {
                    span: ds.span(),
                    name: r.string(ds, "name", "data source"),
                    kind: r.string(ds, "type", "data source"),
                    url: r.string(ds, "url", "data source"),
                    basic_auth: ds.get("basicAuth").and_then(|b| b.as_bool()).unwrap_or(false),
                    secrets,
                    is_default: ds.get("isDefault").and_then(|b| b.as_bool()).unwrap_or(false),
                });
            }
        }
        if let Some(list) = root.get("providers") {
            cfg.kind = GrafanaFileKind::Dashboards;
            for item in list.items() {
                let Some(p) = r.expect_map(item, "a dashboard provider") else { continue };
                cfg.providers.push(DashboardProvider {
                    span: p.span(),
                    name: r.string(p, "name", "dashboard provider"),
                    path: p.path(&["options", "path"]).and_then(|v| v.spanned_str()),
                });
            }
        }
        for key in ["contactPoints", "policies", "groups"] {
            if root.get(key).is_some() && root.get("apiVersion").is_some() {
                cfg.kind = GrafanaFileKind::Alerting;
            }
        }
        if cfg.kind == GrafanaFileKind::Alerting {
            for g in root.get("groups").map(|g| g.items()).unwrap_or_default() {
                for rule in g.get("rules").map(|r| r.items()).unwrap_or_default() {
                    if let Some(t) = rule.get("title").and_then(|t| t.spanned_str()) {
                        cfg.alert_rules.push(t);
                    }
                }
            }
            for cp in root.get("contactPoints").map(|c| c.items()).unwrap_or_default() {
                if let Some(n) = cp.get("name").and_then(|t| t.spanned_str()) {
                    cfg.contact_points.push(n);
                }
            }
        }
    }
    cfg
}

/// Read `grafana.ini` (INI: `[section]`, `key = value`, `;`/`#` comments).
pub fn grafana_ini(src: &SourceFile) -> GrafanaConfig {
    let mut ini = Vec::new();
    let mut section = String::new();
    let mut offset = 0usize;
    for line in src.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches('\n');
        let trimmed = body.trim();
        if trimmed.is_empty() || trimmed.starts_with(';') || trimmed.starts_with('#') {
            continue;
        }
        if let Some(s) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = s.trim().to_owned();
            continue;
        }
        let Some(eq) = body.find('=') else { continue };
        let key_raw = body.get(..eq).unwrap_or("");
        let key = key_raw.trim();
        let lead = key_raw.len() - key_raw.trim_start().len();
        let val_raw = body.get(eq + 1..).unwrap_or("");
        let val = val_raw.trim();
        let vlead = val_raw.len() - val_raw.trim_start().len();
        let ks = start + lead;
        let vs = start + eq + 1 + vlead;
        ini.push(IniSetting {
            section: section.clone(),
            key: Spanned::new(key.to_owned(), src.span(ks..ks + key.len())),
            value: Spanned::new(val.trim_matches('"').to_owned(), src.span(vs..vs + val.len())),
        });
    }
    GrafanaConfig {
        kind: GrafanaFileKind::Ini,
        datasources: Vec::new(),
        providers: Vec::new(),
        alert_rules: Vec::new(),
        contact_points: Vec::new(),
        ini,
    }
}

/// Does this mapping look like an OpenTelemetry Collector config?
pub fn looks_like_otel(node: Node<'_>) -> bool {
    node.is_map()
        && node.get("receivers").is_some_and(|r| r.is_map())
        && node.get("exporters").is_some_and(|e| e.is_map())
        && node.path(&["service", "pipelines"]).is_some()
}

/// Read a collector config of a known kind from a YAML stream.
pub fn collector(kind: CollectorKind, stream: &YamlStream) -> CollectorConfig {
    let mut cfg = CollectorConfig { kind, pipelines: Vec::new(), outputs: Vec::new() };
    for doc in &stream.documents {
        let root = doc.root();
        match kind {
            CollectorKind::OtelCollector => otel(root, &mut cfg),
            CollectorKind::Promtail => {
                for c in root.get("clients").map(|c| c.items()).unwrap_or_default() {
                    cfg.outputs.extend(c.get("url").and_then(|u| u.spanned_str()));
                }
            }
            CollectorKind::Loki => {
                if let Some(k) = root.key_node("storage_config").or_else(|| root.key_node("common")) {
                    cfg.outputs.extend(k.spanned_str());
                }
            }
            _ => {}
        }
    }
    cfg
}

fn otel(root: Node<'_>, cfg: &mut CollectorConfig) {
    if let Some(p) = root.path(&["service", "pipelines"]) {
        for (k, v) in p.entries() {
            let Some(name) = k.spanned_str() else { continue };
            let signal = name.value.split('/').next().unwrap_or("").to_owned();
            cfg.pipelines.push(Pipeline {
                signal,
                name,
                receivers: v.get("receivers").map(|n| n.str_list()).unwrap_or_default(),
                processors: v.get("processors").map(|n| n.str_list()).unwrap_or_default(),
                exporters: v.get("exporters").map(|n| n.str_list()).unwrap_or_default(),
            });
        }
    }
    if let Some(ex) = root.get("exporters") {
        for (_, v) in ex.entries() {
            cfg.outputs.extend(v.get("endpoint").and_then(|e| e.spanned_str()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;
    use crate::source::{Pos, Span};

    #[test]
    fn grafana_datasources_and_providers() {
        let s = yaml::parse(
            "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n    isDefault: true\n    secureJsonData:\n      password: s3cr3t-value\n",
        );
        let mut r = Reader::default();
        let g = grafana_yaml(&s, &mut r);
        assert_eq!(g.kind, GrafanaFileKind::Datasources);
        let ds = &g.datasources[0];
        assert_eq!(ds.url.as_ref().map(|u| u.span), Some(Span::new(Pos::new(5, 10), Pos::new(5, 32))));
        assert!(ds.is_default);
        assert_eq!(ds.secrets[0].1.span.start, Pos::new(8, 17));
        let s = yaml::parse(
            "apiVersion: 1\nproviders:\n  - name: default\n    options:\n      path: /var/lib/grafana/dashboards\n",
        );
        let g = grafana_yaml(&s, &mut r);
        assert_eq!(g.kind, GrafanaFileKind::Dashboards);
        assert_eq!(g.providers[0].path.as_ref().map(|p| p.span.start), Some(Pos::new(5, 13)));
    }

    #[test]
    fn grafana_ini_settings() {
        let src = SourceFile::from_text(
            "grafana.ini",
            "; comment\n[server]\nhttp_port = 3000\n\n[security]\n  admin_user = admin\nadmin_password = admin\n",
        );
        let g = grafana_ini(&src);
        let pw = g.admin_password().map(|s| (s.value.value.as_str(), s.value.span));
        assert_eq!(pw, Some(("admin", Span::new(Pos::new(7, 18), Pos::new(7, 23)))));
        assert_eq!(g.ini_value("security", "admin_user").map(|s| s.key.span.start), Some(Pos::new(6, 3)));
        assert_eq!(g.ini_value("server", "http_port").map(|s| s.value.value.as_str()), Some("3000"));
    }

    #[test]
    fn otel_pipelines() {
        let s = yaml::parse(
            "receivers:\n  otlp: {}\nexporters:\n  otlphttp/loki:\n    endpoint: http://loki:3100/otlp\n  debug: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n    logs/loki:\n      receivers: [otlp]\n      exporters: [otlphttp/loki]\n",
        );
        let root = s.first().unwrap_or_else(|| unreachable!());
        assert!(looks_like_otel(root));
        let c = collector(CollectorKind::OtelCollector, &s);
        assert_eq!(c.pipelines.len(), 2);
        assert_eq!(c.pipelines[1].signal, "logs");
        assert_eq!(c.pipelines[1].name.span.start, Pos::new(12, 5));
        assert!(c.handles_logs() && c.handles("traces") && !c.handles("metrics"));
        assert_eq!(c.outputs[0].value, "http://loki:3100/otlp");
    }
}
