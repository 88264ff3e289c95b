//! Prometheus configuration and rule files → `crate::model::prometheus`, read leniently from the
//! span-preserving YAML tree. The readers take a node (not a file) so the same code reads a
//! standalone `prometheus.yml`, a config nested in Helm values, and a `PrometheusRule` CRD's `spec`.

use super::yaml::Node;
use super::yamlview::Reader;
use crate::model::prometheus::{
    AlertmanagerRef, Credential, PromGlobal, PromRule, PrometheusConfig, RemoteEndpoint, RuleFile, RuleGroup, RuleKind,
    ScrapeConfig, Target,
};
use crate::source::Spanned;

/// Credential keys of HTTP client configs (Prometheus' `http_config` shape, shared by Alertmanager).
const CREDENTIAL_KEYS: &[&str] = &[
    "password",
    "credentials",
    "bearer_token",
    "client_secret",
    "api_key",
    "api_url",
    "routing_key",
    "service_key",
    "auth_password",
    "auth_secret",
    "token",
    "bot_token",
    "webhook_url",
    "api_secret",
    "user_key",
    "secret_key",
    "access_key",
    "smtp_auth_password",
    "smtp_auth_secret",
    "slack_api_url",
    "opsgenie_api_key",
    "victorops_api_key",
    "wechat_api_secret",
    "telegram_bot_token",
    "webex_bot_token",
    "pagerduty_routing_key",
];

/// Is this key (last path segment) a credential field? `*_file` variants count as credentials
/// read from a file.
pub fn credential_key(key: &str) -> Option<bool> {
    if let Some(base) = key.strip_suffix("_file") {
        return CREDENTIAL_KEYS.contains(&base).then_some(true);
    }
    CREDENTIAL_KEYS.contains(&key).then_some(false)
}

/// Every scalar under `node` as (dotted key, value), depth-limited; list items keep the parent key.
pub fn scalar_fields(node: Node<'_>, prefix: &str, out: &mut Vec<(Spanned<String>, Spanned<String>)>, depth: usize) {
    if depth > 8 || out.len() > 512 {
        return;
    }
    for (k, v) in node.entries() {
        let Some(key) = k.as_str() else { continue };
        let full = if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") };
        if v.is_map() {
            scalar_fields(v, &full, out, depth + 1);
        } else if v.is_seq() {
            for item in v.items() {
                if item.is_map() {
                    scalar_fields(item, &full, out, depth + 1);
                } else if let Some(s) = item.spanned_str() {
                    out.push((Spanned::new(full.clone(), k.span()), s));
                }
            }
        } else if let Some(s) = v.spanned_str() {
            if !v.is_null() {
                out.push((Spanned::new(full, k.span()), s));
            }
        }
    }
}

/// Credential fields among `fields` (by the last key segment).
pub fn credentials_of(fields: &[(Spanned<String>, Spanned<String>)]) -> Vec<Credential> {
    fields
        .iter()
        .filter_map(|(k, v)| {
            let last = k.value.rsplit('.').next().unwrap_or(&k.value);
            credential_key(last).map(|from_file| Credential { key: k.clone(), value: v.clone(), from_file })
        })
        .collect()
}

fn targets(list: Node<'_>) -> Vec<Target> {
    list.str_list().into_iter().map(Target::parse).collect()
}

fn sd_keys(node: Node<'_>) -> Vec<Spanned<String>> {
    node.entries()
        .into_iter()
        .filter_map(|(k, _)| k.spanned_str())
        .filter(|k| k.value.ends_with("_sd_configs"))
        .collect()
}

/// Does this mapping look like a Prometheus server configuration?
pub fn looks_like_config(node: Node<'_>) -> bool {
    node.is_map() && (node.get("scrape_configs").is_some_and(|s| s.is_seq()) || node.get("rule_files").is_some())
}

/// Read a Prometheus configuration from its root mapping.
pub fn config(root: Node<'_>, r: &mut Reader) -> PrometheusConfig {
    let mut cfg = PrometheusConfig::default();
    if !root.is_map() {
        return cfg;
    }
    if let Some(g) = root.get("global").and_then(|g| r.expect_map(g, "`global`")) {
        cfg.global = PromGlobal {
            scrape_interval: r.string(g, "scrape_interval", "global"),
            evaluation_interval: r.string(g, "evaluation_interval", "global"),
            scrape_timeout: r.string(g, "scrape_timeout", "global"),
            external_labels: g
                .get("external_labels")
                .map(|l| {
                    l.entries().into_iter().filter_map(|(k, v)| Some((k.spanned_str()?, v.spanned_str()?))).collect()
                })
                .unwrap_or_default(),
        };
    }
    if let Some(list) = root.get("scrape_configs") {
        if list.is_seq() {
            for item in list.items() {
                let Some(job) = r.expect_map(item, "a `scrape_configs` entry") else { continue };
                let mut sc = ScrapeConfig {
                    span: job.span(),
                    job_name: r.string(job, "job_name", "scrape config"),
                    scrape_interval: r.string(job, "scrape_interval", "scrape config"),
                    metrics_path: r.string(job, "metrics_path", "scrape config"),
                    scheme: r.string(job, "scheme", "scrape config"),
                    static_targets: Vec::new(),
                    service_discovery: sd_keys(job),
                    file_sd_files: Vec::new(),
                    relabeling: job.get("relabel_configs").is_some(),
                    credentials: Vec::new(),
                };
                if let Some(sc_list) = job.get("static_configs") {
                    for s in sc_list.items() {
                        if let Some(t) = s.get("targets") {
                            sc.static_targets.extend(targets(t));
                        }
                    }
                }
                if let Some(f) = job.get("file_sd_configs") {
                    for s in f.items() {
                        if let Some(files) = s.get("files") {
                            sc.file_sd_files.extend(files.str_list());
                        }
                    }
                }
                let mut fields = Vec::new();
                for key in ["basic_auth", "authorization", "oauth2"] {
                    if let Some(n) = job.get(key) {
                        scalar_fields(n, key, &mut fields, 0);
                    }
                }
                if let Some(t) = job.get("bearer_token").and_then(|v| v.spanned_str()) {
                    let k = job.key_node("bearer_token").and_then(|k| k.spanned_str());
                    if let Some(k) = k {
                        fields.push((k, t));
                    }
                }
                sc.credentials = credentials_of(&fields);
                cfg.scrape_configs.push(sc);
            }
        } else if !list.is_null() {
            r.issue(list, format!("`scrape_configs` should be a list, found a {}", list.type_name()));
        }
    }
    cfg.rule_files = r.strings(root, "rule_files", "prometheus config");
    if let Some(alerting) = root.get("alerting") {
        cfg.alerting = root.key_node("alerting").map(|k| k.span());
        if let Some(ams) = alerting.get("alertmanagers") {
            for am in ams.items() {
                let mut a = AlertmanagerRef {
                    span: am.span(),
                    targets: Vec::new(),
                    service_discovery: sd_keys(am),
                    scheme: r.string(am, "scheme", "alertmanager"),
                    path_prefix: r.string(am, "path_prefix", "alertmanager"),
                };
                if let Some(scs) = am.get("static_configs") {
                    for s in scs.items() {
                        if let Some(t) = s.get("targets") {
                            a.targets.extend(targets(t));
                        }
                    }
                }
                cfg.alertmanagers.push(a);
            }
        }
    }
    for (key, out) in [("remote_write", &mut cfg.remote_write), ("remote_read", &mut cfg.remote_read)] {
        if let Some(list) = root.get(key) {
            for item in list.items() {
                let mut fields = Vec::new();
                scalar_fields(item, "", &mut fields, 0);
                out.push(RemoteEndpoint {
                    span: item.span(),
                    url: item.get("url").and_then(|u| u.spanned_str()),
                    credentials: credentials_of(&fields),
                });
            }
        }
    }
    cfg
}

fn pairs(n: Option<Node<'_>>) -> Vec<(Spanned<String>, Spanned<String>)> {
    n.map(|m| m.entries().into_iter().filter_map(|(k, v)| Some((k.spanned_str()?, v.spanned_str()?))).collect())
        .unwrap_or_default()
}

/// Does this mapping hold rule `groups` (a rule file, a `PrometheusRule` spec, Helm values)?
pub fn looks_like_rules(node: Node<'_>) -> bool {
    node.is_map()
        && node.get("groups").is_some_and(|g| {
            g.is_seq()
                && g.items().iter().any(|grp| {
                    grp.get("rules").is_some_and(|rs| {
                        rs.items().iter().any(|rule| {
                            rule.get("expr").is_some() && (rule.get("alert").is_some() || rule.get("record").is_some())
                        })
                    })
                })
        })
}

/// Read rule `groups` from the mapping that holds them.
pub fn rules(root: Node<'_>, r: &mut Reader) -> RuleFile {
    let mut file = RuleFile::default();
    let Some(groups) = root.get("groups") else { return file };
    if !groups.is_seq() {
        if !groups.is_null() {
            r.issue(groups, format!("`groups` should be a list, found a {}", groups.type_name()));
        }
        return file;
    }
    for g in groups.items() {
        let Some(g) = r.expect_map(g, "a rule group") else { continue };
        let mut group = RuleGroup {
            span: g.span(),
            name: r.string(g, "name", "rule group"),
            interval: r.string(g, "interval", "rule group"),
            rules: Vec::new(),
        };
        for item in g.get("rules").map(|l| l.items()).unwrap_or_default() {
            let Some(rule) = r.expect_map(item, "a rule") else { continue };
            let kind = if let Some(a) = r.string(rule, "alert", "rule") {
                RuleKind::Alert(a)
            } else if let Some(rec) = r.string(rule, "record", "rule") {
                RuleKind::Record(rec)
            } else {
                r.issue(rule, "rule has neither `alert` nor `record`");
                continue;
            };
            group.rules.push(PromRule {
                span: rule.span(),
                kind,
                expr: r.string(rule, "expr", "rule"),
                for_: r.string(rule, "for", "rule"),
                keep_firing_for: r.string(rule, "keep_firing_for", "rule"),
                labels: pairs(rule.get("labels")),
                annotations: pairs(rule.get("annotations")),
            });
        }
        file.groups.push(group);
    }
    file
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;
    use crate::source::{Pos, Span};

    fn sp(l1: u32, c1: u32, l2: u32, c2: u32) -> Span {
        Span::new(Pos::new(l1, c1), Pos::new(l2, c2))
    }

    const CONFIG: &str = "\
global:
  scrape_interval: 15s
  evaluation_interval: 30s
rule_files:
  - alerts.yml
  - rules/*.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['alertmanager:9093']
scrape_configs:
  - job_name: api
    metrics_path: /metrics
    static_configs:
      - targets:
          - api:4000
          - 'web:3000'
  - job_name: k8s
    kubernetes_sd_configs:
      - role: pod
    basic_auth:
      username: prom
      password_file: /run/secrets/prom
remote_write:
  - url: https://prom.acme.io/api/v1/write
    basic_auth:
      password: hunter2hunter2
";

    #[test]
    fn prometheus_config_with_spans() {
        let s = yaml::parse(CONFIG);
        let root = s.first().unwrap_or_else(|| unreachable!());
        assert!(looks_like_config(root));
        let mut r = Reader::default();
        let c = config(root, &mut r);
        assert!(r.issues.is_empty());
        assert_eq!(
            c.global.scrape_interval.as_ref().map(|v| (v.value.as_str(), v.span)),
            Some(("15s", sp(2, 20, 2, 23)))
        );
        assert_eq!(
            c.rule_files.iter().map(|f| (f.value.as_str(), f.span.start)).collect::<Vec<_>>(),
            vec![("alerts.yml", Pos::new(5, 5)), ("rules/*.yml", Pos::new(6, 5))]
        );
        assert!(c.has_alertmanager());
        let am = &c.alertmanagers[0].targets[0];
        assert_eq!((am.host.as_str(), am.port, am.raw.span), ("alertmanager", Some(9093), sp(10, 21, 10, 40)));
        let api = &c.scrape_configs[0];
        assert_eq!(api.job_name.as_ref().map(|j| j.span), Some(sp(12, 15, 12, 18)));
        let t: Vec<_> = api.static_targets.iter().map(|t| (t.host.as_str(), t.port, t.raw.span.start)).collect();
        assert_eq!(t, vec![("api", Some(4000), Pos::new(16, 13)), ("web", Some(3000), Pos::new(17, 13))]);
        let k8s = &c.scrape_configs[1];
        assert_eq!(
            k8s.service_discovery.iter().map(|k| k.value.as_str()).collect::<Vec<_>>(),
            vec!["kubernetes_sd_configs"]
        );
        assert_eq!(k8s.credentials.len(), 1);
        assert!(k8s.credentials[0].from_file);
        assert_eq!(k8s.credentials[0].key.value, "basic_auth.password_file");
        let rw = &c.remote_write[0];
        assert_eq!(rw.credentials.len(), 1);
        assert!(!rw.credentials[0].from_file);
        assert_eq!(rw.credentials[0].value.span, sp(27, 17, 27, 31));
    }

    const RULES: &str = "\
groups:
  - name: api
    rules:
      - alert: ApiDown
        expr: up{job=\"api\"} == 0
        for: 1m
        labels:
          severity: critical
        annotations:
          summary: API is down
          runbook_url: https://runbooks.acme.io/api-down
      - record: job:http_requests:rate5m
        expr: sum(rate(http_requests_total[5m])) by (job)
      - alert: HighErrorRate
        expr: sum(rate(http_requests_total{status=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m])) > 0.05
        labels: {severity: warning}
";

    #[test]
    fn rule_groups_with_spans_and_signals() {
        let s = yaml::parse(RULES);
        let root = s.first().unwrap_or_else(|| unreachable!());
        assert!(looks_like_rules(root));
        let mut r = Reader::default();
        let f = rules(root, &mut r);
        assert!(r.issues.is_empty());
        assert_eq!(f.groups.len(), 1);
        assert_eq!(f.groups[0].name.as_ref().map(|n| n.span), Some(sp(2, 11, 2, 14)));
        let rs: Vec<_> = f.rules().collect();
        assert_eq!(rs.len(), 3);
        assert_eq!(rs[0].name().value, "ApiDown");
        assert_eq!(rs[0].name().span, sp(4, 16, 4, 23));
        assert_eq!(rs[0].span.start, Pos::new(4, 9));
        assert_eq!(rs[0].for_.as_ref().map(|f| (f.value.as_str(), f.span)), Some(("1m", sp(6, 14, 6, 16))));
        assert_eq!(rs[0].severity().as_deref(), Some("critical"));
        assert_eq!(rs[0].runbook_url().map(|u| u.span.start), Some(Pos::new(11, 24)));
        assert_eq!(rs[0].signals(), vec![crate::model::prometheus::Signal::Availability]);
        assert!(!rs[1].is_alert());
        assert!(rs[2].signals().contains(&crate::model::prometheus::Signal::ErrorRate));
        assert_eq!(rs[2].severity().as_deref(), Some("warning"));
        assert_eq!(f.alerts().count(), 2);
    }

    #[test]
    fn wrong_shapes_are_issues_not_panics() {
        let s = yaml::parse("scrape_configs: {a: 1}\nrule_files: 3\nglobal: []\n");
        let root = s.first().unwrap_or_else(|| unreachable!());
        let mut r = Reader::default();
        let c = config(root, &mut r);
        assert!(c.scrape_configs.is_empty());
        assert_eq!(c.rule_files.len(), 1);
        assert!(!r.issues.is_empty());
        let s = yaml::parse("groups: [{name: x, rules: [{expr: up}, 3]}]\n");
        let root = s.first().unwrap_or_else(|| unreachable!());
        let f = rules(root, &mut r);
        assert!(f.rules().next().is_none());
    }
}
