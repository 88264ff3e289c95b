//! The typed repository model: one type per artifact kind, every value with its span.
//! No parsing code lives here (see `crate::parse`).

pub mod alertmanager;
pub mod compose;
pub mod dockerfile;
pub mod envfile;
pub mod gitlab;
pub mod image;
pub mod interp;
pub mod k8s;
pub mod manifest;
pub mod markdown;
pub mod nginx;
pub mod prometheus;
pub mod shell;
pub mod telemetry;
pub mod workflow;

use std::fmt;

use serde::Serialize;

use crate::source::Source;

pub use compose::ComposeFile;
pub use dockerfile::Dockerfile;
pub use envfile::EnvFile;
pub use gitlab::GitlabCi;
pub use k8s::K8sFile;
pub use workflow::Workflow;

/// What a file is, decided by discovery (name, location) and, for YAML, by content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArtifactKind {
    Dockerfile,
    Dockerignore,
    Compose,
    Kubernetes,
    HelmChart,
    HelmValues,
    HelmTemplate,
    Kustomization,
    GithubWorkflow,
    GithubAction,
    GitlabCi,
    EnvFile,
    Nginx,
    Prometheus,
    PrometheusRules,
    Alertmanager,
    Grafana,
    Loki,
    /// OpenTelemetry Collector configuration (`otel-collector*.yaml`, `otelcol*.yaml`, or sniffed).
    OtelCollector,
    ShellScript,
    Markdown,
    PackageJson,
    /// `requirements*.txt`, `pyproject.toml`, `go.mod`, `Cargo.toml`, `pom.xml`, `build.gradle[.kts]`.
    DependencyManifest,
    Makefile,
    /// A YAML file whose content did not identify it.
    Yaml,
}

impl ArtifactKind {
    pub const ALL: &'static [ArtifactKind] = &[
        ArtifactKind::Dockerfile,
        ArtifactKind::Dockerignore,
        ArtifactKind::Compose,
        ArtifactKind::Kubernetes,
        ArtifactKind::HelmChart,
        ArtifactKind::HelmValues,
        ArtifactKind::HelmTemplate,
        ArtifactKind::Kustomization,
        ArtifactKind::GithubWorkflow,
        ArtifactKind::GithubAction,
        ArtifactKind::GitlabCi,
        ArtifactKind::EnvFile,
        ArtifactKind::Nginx,
        ArtifactKind::Prometheus,
        ArtifactKind::PrometheusRules,
        ArtifactKind::Alertmanager,
        ArtifactKind::Grafana,
        ArtifactKind::Loki,
        ArtifactKind::OtelCollector,
        ArtifactKind::ShellScript,
        ArtifactKind::Markdown,
        ArtifactKind::PackageJson,
        ArtifactKind::DependencyManifest,
        ArtifactKind::Makefile,
        ArtifactKind::Yaml,
    ];

    /// Stable machine id (kebab-case), as used in JSON.
    pub fn id(self) -> &'static str {
        match self {
            ArtifactKind::Dockerfile => "dockerfile",
            ArtifactKind::Dockerignore => "dockerignore",
            ArtifactKind::Compose => "compose",
            ArtifactKind::Kubernetes => "kubernetes",
            ArtifactKind::HelmChart => "helm-chart",
            ArtifactKind::HelmValues => "helm-values",
            ArtifactKind::HelmTemplate => "helm-template",
            ArtifactKind::Kustomization => "kustomization",
            ArtifactKind::GithubWorkflow => "github-workflow",
            ArtifactKind::GithubAction => "github-action",
            ArtifactKind::GitlabCi => "gitlab-ci",
            ArtifactKind::EnvFile => "env-file",
            ArtifactKind::Nginx => "nginx",
            ArtifactKind::Prometheus => "prometheus",
            ArtifactKind::PrometheusRules => "prometheus-rules",
            ArtifactKind::Alertmanager => "alertmanager",
            ArtifactKind::Grafana => "grafana",
            ArtifactKind::Loki => "loki",
            ArtifactKind::OtelCollector => "otel-collector",
            ArtifactKind::ShellScript => "shell-script",
            ArtifactKind::Markdown => "markdown",
            ArtifactKind::PackageJson => "package-json",
            ArtifactKind::DependencyManifest => "dependency-manifest",
            ArtifactKind::Makefile => "makefile",
            ArtifactKind::Yaml => "yaml",
        }
    }

    /// Human label, as used in reports.
    pub fn label(self) -> &'static str {
        match self {
            ArtifactKind::Dockerfile => "Dockerfile",
            ArtifactKind::Dockerignore => ".dockerignore",
            ArtifactKind::Compose => "Compose file",
            ArtifactKind::Kubernetes => "Kubernetes manifest",
            ArtifactKind::HelmChart => "Helm chart",
            ArtifactKind::HelmValues => "Helm values",
            ArtifactKind::HelmTemplate => "Helm template",
            ArtifactKind::Kustomization => "Kustomization",
            ArtifactKind::GithubWorkflow => "GitHub Actions workflow",
            ArtifactKind::GithubAction => "GitHub Action",
            ArtifactKind::GitlabCi => "GitLab CI config",
            ArtifactKind::EnvFile => "Env file",
            ArtifactKind::Nginx => "nginx config",
            ArtifactKind::Prometheus => "Prometheus config",
            ArtifactKind::PrometheusRules => "Prometheus rules",
            ArtifactKind::Alertmanager => "Alertmanager config",
            ArtifactKind::Grafana => "Grafana provisioning",
            ArtifactKind::Loki => "Loki/Promtail config",
            ArtifactKind::OtelCollector => "OpenTelemetry Collector config",
            ArtifactKind::ShellScript => "Shell script",
            ArtifactKind::Markdown => "Markdown doc",
            ArtifactKind::PackageJson => "package.json",
            ArtifactKind::DependencyManifest => "Dependency manifest",
            ArtifactKind::Makefile => "Makefile",
            ArtifactKind::Yaml => "Other YAML",
        }
    }

    /// Kinds that, when present, make a repository "deployable" (something to assess).
    pub fn is_deployable(self) -> bool {
        matches!(
            self,
            ArtifactKind::Dockerfile
                | ArtifactKind::Compose
                | ArtifactKind::Kubernetes
                | ArtifactKind::HelmChart
                | ArtifactKind::Kustomization
        )
    }

    /// Kinds parsed as YAML.
    pub fn is_yaml(self) -> bool {
        matches!(
            self,
            ArtifactKind::Compose
                | ArtifactKind::Kubernetes
                | ArtifactKind::HelmChart
                | ArtifactKind::HelmValues
                | ArtifactKind::Kustomization
                | ArtifactKind::GithubWorkflow
                | ArtifactKind::GithubAction
                | ArtifactKind::GitlabCi
                | ArtifactKind::Prometheus
                | ArtifactKind::PrometheusRules
                | ArtifactKind::Alertmanager
                | ArtifactKind::Grafana
                | ArtifactKind::Loki
                | ArtifactKind::OtelCollector
                | ArtifactKind::Yaml
        )
    }
}

impl fmt::Display for ArtifactKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Which environment an artifact belongs to (decided by the environment classifier in the index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Production,
    Staging,
    /// No marker either way: the artifact is on the default deploy path and is treated as
    /// production for severities.
    Default,
    Development,
    Test,
    Example,
}

impl Environment {
    pub const ALL: &'static [Environment] = &[
        Environment::Production,
        Environment::Staging,
        Environment::Default,
        Environment::Development,
        Environment::Test,
        Environment::Example,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Staging => "staging",
            Environment::Default => "default",
            Environment::Development => "development",
            Environment::Test => "test",
            Environment::Example => "example",
        }
    }

    /// Production or on the default deploy path: severities escalate here.
    pub fn is_production_path(self) -> bool {
        matches!(self, Environment::Production | Environment::Default)
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The environment and the evidence it was decided on ("file name `docker-compose.prod.yml`").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnvInfo {
    pub env: Environment,
    pub reason: String,
}

impl Default for EnvInfo {
    fn default() -> Self {
        EnvInfo { env: Environment::Default, reason: "no environment marker".to_owned() }
    }
}

/// The parsed content of an artifact.
#[derive(Debug)]
pub enum ArtifactData {
    Dockerfile(Dockerfile),
    Compose(ComposeFile),
    Kubernetes(K8sFile),
    Workflow(Workflow),
    GitlabCi(GitlabCi),
    EnvFile(EnvFile),
    Nginx(nginx::NginxConfig),
    Prometheus(WithYaml<prometheus::PrometheusConfig>),
    PrometheusRules(WithYaml<prometheus::RuleFile>),
    Alertmanager(WithYaml<alertmanager::AlertmanagerConfig>),
    /// Grafana provisioning YAML or `grafana.ini` (whose `yaml` is empty).
    Grafana(WithYaml<telemetry::GrafanaConfig>),
    /// Loki, Promtail, OpenTelemetry Collector configs.
    Collector(WithYaml<telemetry::CollectorConfig>),
    /// `package.json` and the other dependency manifests.
    Manifest(manifest::DependencyManifest),
    ShellScript(shell::ShellScript),
    Makefile(shell::Makefile),
    Markdown(markdown::MarkdownDoc),
    /// Any YAML we keep as a tree without a typed view yet (Helm values, Kustomize…).
    Yaml(crate::parse::yaml::YamlStream),
    /// Recorded (path, kind) without a structured model.
    Recorded,
    /// The file could not be loaded; a diagnostic says why.
    Unloadable,
}

/// A typed view together with the YAML tree it was read from (so `yaml` hooks still see it).
#[derive(Debug, Default)]
pub struct WithYaml<T> {
    pub yaml: crate::parse::yaml::YamlStream,
    pub view: T,
}

/// Why a file could not be (fully) loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub line: Option<u32>,
    /// 1-based column, when the parser reported one.
    pub col: Option<u32>,
    pub message: String,
}

/// One classified, loaded and parsed file.
#[derive(Debug)]
pub struct Artifact {
    pub kind: ArtifactKind,
    pub source: Source,
    pub data: ArtifactData,
    pub env: EnvInfo,
    /// git tracks this file (false when there is no git repository).
    pub tracked: bool,
    /// The file did not load, or only partly (documents before a YAML error are kept).
    pub load_error: Option<LoadError>,
}

impl Artifact {
    pub fn path(&self) -> &str {
        &self.source.path
    }
}
