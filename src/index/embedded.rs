//! Monitoring configs embedded in other files: `PrometheusRule` CRDs (prometheus-operator),
//! Prometheus/Alertmanager configs and rule files held in ConfigMap/Secret data
//! (`prometheus.yml: |`), and the same nested in Helm values (`serverFiles."prometheus.yml"`,
//! `alertmanager.config`, `additionalPrometheusRulesMap`). They are read with the same typed views
//! as standalone files; spans point into the host file (a block scalar is re-parsed in place, its
//! lines at their original positions).

use std::sync::LazyLock;

use regex::Regex;

use crate::model::alertmanager::AlertmanagerConfig;
use crate::model::prometheus::{PromRule, PrometheusConfig, RuleFile, RuleGroup, RuleKind};
use crate::model::telemetry::{CollectorConfig, CollectorKind};
use crate::model::{Artifact, ArtifactData, ArtifactKind};
use crate::parse::yaml::{self, Node, ScalarStyle, YamlStream};
use crate::parse::yamlview::Reader;
use crate::parse::{alertmanager, prometheus, telemetry};
use crate::source::{Pos, SourceFile, Span, Spanned};

/// Deepest key path searched in Helm values.
const MAX_DEPTH: usize = 12;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmbeddedData {
    Prometheus(PrometheusConfig),
    Rules(RuleFile),
    Alertmanager(AlertmanagerConfig),
    /// An OpenTelemetry Collector config (ConfigMap data).
    Collector(CollectorConfig),
}

/// A monitoring config found inside another file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Embedded {
    /// The host file.
    pub path: String,
    /// Where in the host: "PrometheusRule `api-alerts`", "ConfigMap `prometheus` key
    /// `prometheus.yml`", "Helm values `serverFiles.prometheus.yml`".
    pub within: String,
    /// The key or object that holds it.
    pub span: Span,
    pub data: EmbeddedData,
}

impl Embedded {
    pub fn label(&self) -> String {
        let what = match &self.data {
            EmbeddedData::Prometheus(_) => "Prometheus config",
            EmbeddedData::Rules(_) => "alert rules",
            EmbeddedData::Alertmanager(_) => "Alertmanager config",
            EmbeddedData::Collector(_) => "OpenTelemetry Collector config",
        };
        format!("{what} in {} of `{}`", self.within, self.path)
    }
}

/// Re-parse a literal block scalar in place: every line outside it is blanked, so the YAML
/// parser reports positions of the host file.
fn reparse_block(src: &SourceFile, node: Node<'_>) -> Option<YamlStream> {
    if !matches!(node.style(), Some(ScalarStyle::Literal | ScalarStyle::Folded)) {
        return None;
    }
    // The scalar's span runs from its first content line to the token after it.
    let span = node.span();
    let first = span.start.line;
    let last = span.end.line.saturating_sub(1).max(first).min(src.line_count());
    if first > last {
        return None;
    }
    let mut text = String::with_capacity(src.text.len());
    for n in 1..=last {
        if n >= first {
            text.push_str(src.line(n).unwrap_or(""));
        }
        text.push('\n');
    }
    let s = yaml::parse(&text);
    (s.error.is_none() && !s.documents.is_empty()).then_some(s)
}

fn classify_node(node: Node<'_>) -> Option<EmbeddedData> {
    let mut r = Reader::default();
    if prometheus::looks_like_config(node) {
        Some(EmbeddedData::Prometheus(prometheus::config(node, &mut r)))
    } else if alertmanager::looks_like_config(node) {
        Some(EmbeddedData::Alertmanager(alertmanager::config(node, &mut r)))
    } else if prometheus::looks_like_rules(node) {
        Some(EmbeddedData::Rules(prometheus::rules(node, &mut r)))
    } else {
        None
    }
}

/// A block scalar holding an OpenTelemetry Collector config (ConfigMap data only).
fn collector_of(src: &SourceFile, node: Node<'_>) -> Option<EmbeddedData> {
    let text = node.as_str()?;
    if !(text.contains("receivers:") && text.contains("exporters:") && text.contains("pipelines:")) {
        return None;
    }
    let stream = reparse_block(src, node)?;
    let root = stream.first()?;
    telemetry::looks_like_otel(root)
        .then(|| EmbeddedData::Collector(telemetry::collector(CollectorKind::OtelCollector, &stream)))
}

static ALERT_LINE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^(\s*)- alert:\s*([A-Za-z0-9_:\-]+)\s*$").ok());

/// Alert rules of a templated `PrometheusRule` (a Helm template is not YAML until rendered): alert
/// names with their spans, the `expr` (one line or a block), `for:` and a literal `severity`.
fn templated_rules(src: &SourceFile) -> Option<RuleFile> {
    let re = ALERT_LINE.as_ref()?;
    let lines: Vec<&str> = src.text.lines().collect();
    let mut rules = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(c) = re.captures(line) else { continue };
        let (Some(indent), Some(name)) = (c.get(1), c.get(2)) else { continue };
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let name_span = Span::new(Pos::new(n, col(line, name.start())), Pos::new(n, col(line, name.end())));
        let body_indent = indent.as_str().len() + 2;
        let mut expr = None;
        let mut for_ = None;
        let mut severity = None;
        let mut j = i + 1;
        while let Some(l) = lines.get(j) {
            let lead = l.len() - l.trim_start().len();
            let t = l.trim();
            if !t.is_empty() && !t.starts_with("{{") && lead < body_indent {
                break;
            }
            let m = u32::try_from(j + 1).unwrap_or(u32::MAX);
            if let Some(rest) = t.strip_prefix("expr:") {
                let rest = rest.trim();
                let text = if rest.starts_with('|') || rest.starts_with('>') || rest.is_empty() {
                    lines
                        .iter()
                        .skip(j + 1)
                        .take_while(|x| x.len() - x.trim_start().len() > lead || x.trim().is_empty())
                        .map(|x| x.trim())
                        .collect::<Vec<_>>()
                        .join(" ")
                } else {
                    rest.to_owned()
                };
                expr = Some(Spanned::new(text, src.line_span(m)));
            } else if let Some(rest) = t.strip_prefix("for:") {
                for_ = Some(Spanned::new(rest.trim().to_owned(), src.line_span(m)));
            } else if let Some(rest) = t.strip_prefix("severity:") {
                let v = rest.trim();
                let v = if v.contains("{{") { v.rsplit('"').nth(1).unwrap_or(v) } else { v };
                severity = Some((
                    Spanned::new("severity".to_owned(), src.line_span(m)),
                    Spanned::new(v.trim_matches('"').to_owned(), src.line_span(m)),
                ));
            }
            j += 1;
        }
        rules.push(PromRule {
            span: src.line_span(n),
            kind: RuleKind::Alert(Spanned::new(name.as_str().to_owned(), name_span)),
            expr,
            for_,
            keep_firing_for: None,
            labels: severity.into_iter().collect(),
            annotations: Vec::new(),
        });
    }
    (!rules.is_empty())
        .then(|| RuleFile { groups: vec![RuleGroup { span: Span::file_start(), name: None, interval: None, rules }] })
}

fn col(line: &str, byte: usize) -> u32 {
    u32::try_from(line.get(..byte).map_or(0, |s| s.chars().count()) + 1).unwrap_or(1)
}

/// Text markers worth re-parsing a block scalar for.
fn promising(text: &str) -> bool {
    text.contains("scrape_configs")
        || (text.contains("receivers") && text.contains("route"))
        || text.contains("groups:")
}

fn from_scalar(src: &SourceFile, node: Node<'_>) -> Option<EmbeddedData> {
    if !node.as_str().is_some_and(promising) {
        return None;
    }
    let stream = reparse_block(src, node)?;
    let root = stream.first()?;
    classify_node(root)
}

/// Walk a values tree for monitoring configs (mappings or block scalars).
fn walk(src: &SourceFile, node: Node<'_>, path: &mut Vec<String>, out: &mut Vec<(String, Span, EmbeddedData)>) {
    if path.len() > MAX_DEPTH || out.len() > 64 {
        return;
    }
    for (k, v) in node.entries() {
        let Some(key) = k.as_str() else { continue };
        path.push(key.to_owned());
        let found = if v.is_map() {
            classify_node(v)
        } else if v.is_scalar() {
            from_scalar(src, v)
        } else {
            None
        };
        match found {
            Some(d) => out.push((path.join("."), k.span(), d)),
            None if v.is_map() => walk(src, v, path, out),
            None => {}
        }
        path.pop();
    }
}

/// Monitoring configs embedded in `a` (Kubernetes manifests, Helm values, other YAML).
pub fn extract(a: &Artifact) -> Vec<Embedded> {
    let mut out = Vec::new();
    let src = &a.source;
    let push = |out: &mut Vec<Embedded>, within: String, span: Span, data: EmbeddedData| {
        out.push(Embedded { path: a.path().to_owned(), within, span, data });
    };
    match &a.data {
        ArtifactData::Kubernetes(k) => {
            for o in &k.objects {
                let Some(doc) = k.yaml.documents.get(o.doc) else { continue };
                let root = doc.root();
                let name = o.name.as_ref().map_or("<unnamed>", |n| n.value.as_str());
                match o.kind.value.as_str() {
                    "PrometheusRule" => {
                        if let Some(spec) = root.get("spec") {
                            let mut r = Reader::default();
                            let rules = prometheus::rules(spec, &mut r);
                            if !rules.groups.is_empty() {
                                push(
                                    &mut out,
                                    format!("PrometheusRule `{name}`"),
                                    o.anchor(),
                                    EmbeddedData::Rules(rules),
                                );
                            }
                        }
                    }
                    "ConfigMap" | "Secret" => {
                        for key in ["data", "stringData"] {
                            let Some(data) = root.get(key) else { continue };
                            for (k, v) in data.entries() {
                                let Some(file) = k.as_str() else { continue };
                                if let Some(d) = from_scalar(src, v).or_else(|| collector_of(src, v)) {
                                    push(&mut out, format!("{} `{name}` key `{file}`", o.kind.value), k.span(), d);
                                }
                            }
                        }
                    }
                    // prometheus-operator `Alertmanager`/`Prometheus` objects and everything else:
                    // search the spec for nested configs (e.g. AlertmanagerConfig `spec.route`).
                    _ => {}
                }
            }
        }
        ArtifactData::Recorded
            if a.kind == ArtifactKind::HelmTemplate && a.source.text.contains("kind: PrometheusRule") =>
        {
            if let Some(rules) = templated_rules(src) {
                push(&mut out, "PrometheusRule template".to_owned(), Span::file_start(), EmbeddedData::Rules(rules));
            }
        }
        ArtifactData::Yaml(stream) if matches!(a.kind, ArtifactKind::HelmValues | ArtifactKind::Yaml) => {
            for doc in &stream.documents {
                let mut found = Vec::new();
                walk(src, doc.root(), &mut Vec::new(), &mut found);
                for (p, span, d) in found {
                    let within = if a.kind == ArtifactKind::HelmValues {
                        format!("Helm values `{p}`")
                    } else {
                        format!("key `{p}`")
                    };
                    push(&mut out, within, span, d);
                }
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArtifactKind, EnvInfo};
    use crate::source::Pos;
    use std::sync::Arc;

    fn artifact(path: &str, kind: ArtifactKind, text: &str) -> Artifact {
        let src = SourceFile::from_text(path, text);
        let mut diags = Vec::new();
        let (data, _) = crate::parse::parse_kind(kind, &src, &mut diags);
        Artifact { kind, source: Arc::new(src), data, env: EnvInfo::default(), tracked: false, load_error: None }
    }

    #[test]
    fn configmap_block_scalars_keep_host_positions() {
        let a = artifact(
            "k8s/monitoring.yaml",
            ArtifactKind::Kubernetes,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prometheus\ndata:\n  prometheus.yml: |\n    global:\n      scrape_interval: 15s\n    scrape_configs:\n      - job_name: api\n        static_configs:\n          - targets: ['api:4000']\n  alerts.yml: |\n    groups:\n      - name: api\n        rules:\n          - alert: ApiDown\n            expr: up == 0\n            for: 2m\n---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: web\nspec:\n  groups:\n    - name: web\n      rules:\n        - alert: WebDown\n          expr: up{job=\"web\"} == 0\n",
        );
        let e = extract(&a);
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(e[0].within, "ConfigMap `prometheus` key `prometheus.yml`");
        let EmbeddedData::Prometheus(p) = &e[0].data else { unreachable!() };
        assert_eq!(p.scrape_configs[0].static_targets[0].raw.span.start, Pos::new(12, 23));
        let EmbeddedData::Rules(r) = &e[1].data else { unreachable!() };
        assert_eq!(r.alerts().next().map(|a| a.name().span.start), Some(Pos::new(17, 20)));
        assert_eq!(e[2].within, "PrometheusRule `web`");
        let EmbeddedData::Rules(r) = &e[2].data else { unreachable!() };
        assert_eq!(r.alerts().next().map(|a| a.name().span.start), Some(Pos::new(29, 18)));
    }

    #[test]
    fn templated_prometheus_rule() {
        let text = "{{- if .Values.defaultRules.create }}\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n  - name: x\n    rules:\n    - alert: TargetDown\n      expr: |-\n        100 * (count(up == 0) BY (job)) > 10\n      for: {{ dig \"TargetDown\" \"for\" \"10m\" .Values.customRules }}\n      labels:\n        severity: {{ dig \"TargetDown\" \"severity\" \"warning\" .Values.customRules }}\n    - alert: Watchdog\n      expr: vector(1)\n{{- end }}\n";
        let a = artifact("charts/kps/templates/rules.yaml", ArtifactKind::HelmTemplate, text);
        let e = extract(&a);
        let EmbeddedData::Rules(r) = &e[0].data else { unreachable!() };
        let alerts: Vec<_> = r.alerts().collect();
        assert_eq!(alerts.len(), 2);
        assert_eq!(alerts[0].name().span, Span::new(Pos::new(8, 14), Pos::new(8, 24)));
        assert_eq!(alerts[0].expr.as_ref().map(|e| e.value.as_str()), Some("100 * (count(up == 0) BY (job)) > 10"));
        assert!(alerts[0].for_.is_some());
        assert_eq!(alerts[0].severity().as_deref(), Some("warning"));
        assert_eq!(alerts[1].expr.as_ref().map(|e| e.value.as_str()), Some("vector(1)"));
    }

    #[test]
    fn helm_values_nested_configs() {
        let a = artifact(
            "charts/mon/values.yaml",
            ArtifactKind::HelmValues,
            "alertmanager:\n  config:\n    route:\n      receiver: slack\n    receivers:\n      - name: slack\n        slack_configs:\n          - api_url: https://hooks.slack.com/services/XXX\nserverFiles:\n  prometheus.yml:\n    rule_files: [/etc/config/alerts]\n    scrape_configs: []\n",
        );
        let e = extract(&a);
        let w: Vec<&str> = e.iter().map(|e| e.within.as_str()).collect();
        assert_eq!(w, vec!["Helm values `alertmanager.config`", "Helm values `serverFiles.prometheus.yml`"]);
        let EmbeddedData::Alertmanager(am) = &e[0].data else { unreachable!() };
        assert_eq!(am.receivers[0].integrations[0].span.start, Pos::new(8, 13));
    }
}
