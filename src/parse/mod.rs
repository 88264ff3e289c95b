//! Text → model, one module per kind. Errors are values: they become diagnostics (and, where the
//! file matters, findings of the PARSE rule), never a crash.

pub mod alertmanager;
pub mod compose;
pub mod dockerfile;
pub mod envfile;
pub mod gha_expr;
pub mod gitlab;
pub mod json;
pub mod k8s;
pub mod manifest;
pub mod markdown;
pub mod nginx;
pub mod prometheus;
pub mod shell;
pub mod telemetry;
pub mod workflow;
pub mod yaml;
pub mod yamlview;

use std::sync::Arc;

use crate::discover::DiscoveredFile;
use crate::finding::{Diagnostic, DiagnosticKind};
use crate::model::{Artifact, ArtifactData, ArtifactKind, EnvInfo, LoadError, WithYaml};
use crate::source::SourceFile;

/// Result of loading one file.
pub struct Loaded {
    pub artifact: Option<Artifact>,
    pub diagnostics: Vec<Diagnostic>,
    pub bytes: u64,
}

/// A problem found while building a typed view: a field with the wrong shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaIssue {
    pub line: u32,
    pub message: String,
}

fn looks_binary(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(8192)).unwrap_or(bytes);
    memchr::memchr(0, head).is_some()
}

/// `.yml` / `.yaml` file name.
fn is_yaml_path(path: &str) -> bool {
    let l = path.to_ascii_lowercase();
    l.ends_with(".yml") || l.ends_with(".yaml")
}

/// Text of a YAML file that is a template (Go/Jinja/Helm) rather than YAML.
fn is_templated(text: &str) -> bool {
    text.contains("{{") && (text.contains("}}") || text.contains("{{-"))
}

/// Read, decode and parse one discovered file.
pub fn load(file: &DiscoveredFile) -> Loaded {
    let mut diagnostics = Vec::new();
    let Some(kind) = file.kind else {
        return Loaded { artifact: None, diagnostics, bytes: 0 };
    };
    if file.too_large {
        return Loaded { artifact: None, diagnostics, bytes: 0 };
    }
    let bytes = match std::fs::read(&file.abs) {
        Ok(b) => b,
        Err(e) => {
            diagnostics.push(Diagnostic::new(
                file.path.clone(),
                None,
                DiagnosticKind::Io,
                format!("could not read: {e}"),
            ));
            return Loaded { artifact: None, diagnostics, bytes: 0 };
        }
    };
    let n = bytes.len() as u64;
    let mk = |source: SourceFile, data, load_error| Artifact {
        kind,
        source: Arc::new(source),
        data,
        env: EnvInfo::default(),
        tracked: file.tracked,
        load_error,
    };
    if looks_binary(&bytes) {
        diagnostics.push(Diagnostic::new(
            file.path.clone(),
            None,
            DiagnosticKind::Skipped,
            "binary content (NUL bytes); not analysed",
        ));
        let src = SourceFile::from_text(file.path.clone(), String::new());
        let err =
            LoadError { line: None, col: None, message: "the file holds binary data (NUL bytes), not text".to_owned() };
        return Loaded { artifact: Some(mk(src, ArtifactData::Unloadable, Some(err))), diagnostics, bytes: n };
    }
    let src = SourceFile::from_bytes(file.path.clone(), &bytes);
    drop(bytes);
    if src.encoding.lossy {
        let lines: Vec<String> = src.lossy_lines.iter().take(10).map(u32::to_string).collect();
        diagnostics.push(Diagnostic::new(
            file.path.clone(),
            src.lossy_lines.first().copied(),
            DiagnosticKind::Encoding,
            format!("invalid UTF-8 replaced with U+FFFD on line(s) {}", lines.join(", ")),
        ));
    }
    let (data, load_error) = parse_kind(kind, &src, &mut diagnostics);
    let mut artifact = mk(src, data, load_error);
    artifact.kind = effective_kind(&artifact);
    Loaded { artifact: Some(artifact), diagnostics, bytes: n }
}

/// Parse text of a known kind. YAML of unknown kind is sniffed by content.
pub fn parse_kind(
    kind: ArtifactKind,
    src: &SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> (ArtifactData, Option<LoadError>) {
    let path = src.path.clone();
    let schema = |issues: Vec<SchemaIssue>, diagnostics: &mut Vec<Diagnostic>| {
        for i in issues {
            diagnostics.push(Diagnostic::new(path.clone(), Some(i.line), DiagnosticKind::Schema, i.message));
        }
    };
    match kind {
        ArtifactKind::Dockerfile => {
            let (df, problems) = dockerfile::parse(src);
            let mut err = None;
            for (line, msg) in problems {
                diagnostics.push(Diagnostic::new(path.clone(), line, DiagnosticKind::Parse, msg.clone()));
                if err.is_none() && df.instructions.is_empty() {
                    err = Some(LoadError { line, col: None, message: msg });
                }
            }
            (ArtifactData::Dockerfile(df), err)
        }
        ArtifactKind::EnvFile => (ArtifactData::EnvFile(envfile::parse(src)), None),
        ArtifactKind::HelmTemplate => (ArtifactData::Recorded, None),
        ArtifactKind::Nginx => {
            let conf = nginx::parse(src);
            for p in &conf.problems {
                diagnostics.push(Diagnostic::new(
                    path.clone(),
                    Some(p.span.start.line),
                    DiagnosticKind::Parse,
                    format!("nginx: {}", p.message),
                ));
            }
            (ArtifactData::Nginx(conf), None)
        }
        ArtifactKind::ShellScript => (ArtifactData::ShellScript(shell::parse(src)), None),
        ArtifactKind::Makefile => (ArtifactData::Makefile(shell::parse_makefile(src)), None),
        ArtifactKind::Markdown => (ArtifactData::Markdown(markdown::parse(src)), None),
        ArtifactKind::PackageJson | ArtifactKind::DependencyManifest => {
            let name = crate::index::files::file_name(&src.path);
            let Some(mk) = crate::model::manifest::ManifestKind::of_name(name) else {
                return (ArtifactData::Recorded, None);
            };
            let (m, problem) = manifest::parse(mk, src);
            if let Some((line, msg)) = problem {
                diagnostics.push(Diagnostic::new(path.clone(), Some(line), DiagnosticKind::Parse, msg));
            }
            (ArtifactData::Manifest(m), None)
        }
        ArtifactKind::Grafana if !is_yaml_path(&src.path) => (
            ArtifactData::Grafana(WithYaml { yaml: yaml::YamlStream::default(), view: telemetry::grafana_ini(src) }),
            None,
        ),
        k if k.is_yaml() => {
            let stream = yaml::parse(&src.text);
            let mut load_error = None;
            if let Some(e) = &stream.error {
                if is_templated(&src.text) {
                    diagnostics.push(Diagnostic::new(
                        path.clone(),
                        Some(e.pos.line),
                        DiagnosticKind::Note,
                        "contains template expressions ({{ … }}); not analysed as YAML",
                    ));
                    return (ArtifactData::Recorded, None);
                }
                let message = format!("invalid YAML: {}", e.message);
                diagnostics.push(Diagnostic::new(
                    path.clone(),
                    Some(e.pos.line),
                    DiagnosticKind::Parse,
                    message.clone(),
                ));
                load_error = Some(LoadError { line: Some(e.pos.line), col: Some(e.pos.col), message });
            }
            let kind = if k == ArtifactKind::Yaml { sniff_yaml(&stream) } else { refine_monitoring(k, &stream) };
            let data = match kind {
                ArtifactKind::Compose => {
                    let (c, issues) = compose::from_yaml(stream);
                    schema(issues, diagnostics);
                    ArtifactData::Compose(c)
                }
                ArtifactKind::Kubernetes => {
                    let (c, issues) = k8s::from_yaml(stream);
                    schema(issues, diagnostics);
                    ArtifactData::Kubernetes(c)
                }
                ArtifactKind::GithubWorkflow => {
                    let (w, issues) = workflow::from_yaml(stream);
                    schema(issues, diagnostics);
                    ArtifactData::Workflow(w)
                }
                ArtifactKind::GitlabCi => {
                    let (g, issues) = gitlab::from_yaml(stream);
                    schema(issues, diagnostics);
                    ArtifactData::GitlabCi(g)
                }
                ArtifactKind::Prometheus => {
                    let mut r = yamlview::Reader::default();
                    let view = stream.first().map(|root| prometheus::config(root, &mut r)).unwrap_or_default();
                    schema(r.issues, diagnostics);
                    ArtifactData::Prometheus(WithYaml { yaml: stream, view })
                }
                ArtifactKind::PrometheusRules => {
                    let mut r = yamlview::Reader::default();
                    let mut view = crate::model::prometheus::RuleFile::default();
                    for d in &stream.documents {
                        view.groups.extend(prometheus::rules(d.root(), &mut r).groups);
                    }
                    schema(r.issues, diagnostics);
                    ArtifactData::PrometheusRules(WithYaml { yaml: stream, view })
                }
                ArtifactKind::Alertmanager => {
                    let mut r = yamlview::Reader::default();
                    let view = stream.first().map(|root| alertmanager::config(root, &mut r)).unwrap_or_default();
                    schema(r.issues, diagnostics);
                    ArtifactData::Alertmanager(WithYaml { yaml: stream, view })
                }
                ArtifactKind::Grafana => {
                    let mut r = yamlview::Reader::default();
                    let view = telemetry::grafana_yaml(&stream, &mut r);
                    schema(r.issues, diagnostics);
                    ArtifactData::Grafana(WithYaml { yaml: stream, view })
                }
                ArtifactKind::Loki | ArtifactKind::OtelCollector => {
                    let ck = collector_kind(kind, &src.path);
                    let view = telemetry::collector(ck, &stream);
                    ArtifactData::Collector(WithYaml { yaml: stream, view })
                }
                _ => ArtifactData::Yaml(stream),
            };
            (data, load_error)
        }
        _ => (ArtifactData::Recorded, None),
    }
}

/// Decide what a YAML file of unknown name is: Kubernetes when a document has `apiVersion` and
/// `kind`; compose when the top level has a `services` mapping of mappings.
pub fn sniff_yaml(stream: &yaml::YamlStream) -> ArtifactKind {
    let mut k8s = false;
    let mut compose = false;
    for d in &stream.documents {
        let root = d.root();
        if !root.is_map() {
            continue;
        }
        if root.get_str("apiVersion").is_some() && root.get_str("kind").is_some() {
            k8s = true;
        } else if let Some(s) = root.get("services") {
            let entries = s.entries();
            if !entries.is_empty()
                && entries.iter().all(|(_, v)| v.is_map() || v.is_null())
                && entries.iter().any(|(_, v)| v.get("image").is_some() || v.get("build").is_some())
            {
                compose = true;
            }
        }
    }
    if k8s {
        ArtifactKind::Kubernetes
    } else if compose {
        ArtifactKind::Compose
    } else {
        sniff_monitoring(stream).unwrap_or(ArtifactKind::Yaml)
    }
}

/// Monitoring configs recognised by shape: Prometheus server config, rule groups, Alertmanager
/// config, OpenTelemetry Collector config.
fn sniff_monitoring(stream: &yaml::YamlStream) -> Option<ArtifactKind> {
    let root = stream.first()?;
    if prometheus::looks_like_config(root) {
        Some(ArtifactKind::Prometheus)
    } else if prometheus::looks_like_rules(root) {
        Some(ArtifactKind::PrometheusRules)
    } else if alertmanager::looks_like_config(root) {
        Some(ArtifactKind::Alertmanager)
    } else if telemetry::looks_like_otel(root) {
        Some(ArtifactKind::OtelCollector)
    } else {
        None
    }
}

/// A file named like one monitoring config whose content is another (a `prometheus/rules.yml`
/// holding a scrape config, a `PrometheusRule` manifest named `*-rules.yaml`): trust the content.
fn refine_monitoring(kind: ArtifactKind, stream: &yaml::YamlStream) -> ArtifactKind {
    if !matches!(
        kind,
        ArtifactKind::Prometheus
            | ArtifactKind::PrometheusRules
            | ArtifactKind::Alertmanager
            | ArtifactKind::Loki
            | ArtifactKind::OtelCollector
            | ArtifactKind::Grafana
    ) {
        return kind;
    }
    let is_k8s = stream.documents.iter().any(|d| {
        let r = d.root();
        r.get_str("apiVersion").is_some() && r.get_str("kind").is_some()
    });
    if is_k8s {
        return ArtifactKind::Kubernetes;
    }
    if matches!(kind, ArtifactKind::Loki | ArtifactKind::OtelCollector | ArtifactKind::Grafana) {
        return kind;
    }
    sniff_monitoring(stream).unwrap_or(kind)
}

fn collector_kind(kind: ArtifactKind, path: &str) -> crate::model::telemetry::CollectorKind {
    use crate::model::telemetry::CollectorKind;
    let name = crate::index::files::file_name(path).to_ascii_lowercase();
    if kind == ArtifactKind::OtelCollector {
        CollectorKind::OtelCollector
    } else if name.starts_with("promtail") {
        CollectorKind::Promtail
    } else {
        CollectorKind::Loki
    }
}

/// The artifact kind after sniffing (for inventory): `Yaml` artifacts that turned out to be
/// Kubernetes or compose report that kind.
pub fn effective_kind(a: &Artifact) -> ArtifactKind {
    match (&a.data, a.kind) {
        (ArtifactData::Kubernetes(_), _) => ArtifactKind::Kubernetes,
        (ArtifactData::Compose(_), _) => ArtifactKind::Compose,
        (ArtifactData::Prometheus(_), _) => ArtifactKind::Prometheus,
        (ArtifactData::PrometheusRules(_), _) => ArtifactKind::PrometheusRules,
        (ArtifactData::Alertmanager(_), _) => ArtifactKind::Alertmanager,
        (ArtifactData::Collector(c), _) if c.view.kind == crate::model::telemetry::CollectorKind::OtelCollector => {
            ArtifactKind::OtelCollector
        }
        (_, k) => k,
    }
}
