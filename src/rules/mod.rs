//! The rule trait, the context rules report through, and the registry.
//!
//! A rule is a unit struct implementing [`Rule`]; it overrides only the hooks at the level of
//! detail it needs (a Dockerfile, a compose service, a Kubernetes container, a workflow step, an env
//! file, the whole project). Every hook returns [`Checked`]: `Yes` when the rule evaluated that
//! target (findings reported during the call fail it), `NotApplicable` when the target is not
//! something the rule judges. This is what scoring counts: a rule's pass ratio over its targets.

pub mod meta;

pub mod ci;
pub mod compose;
pub mod dockerfile;
pub mod env;
pub mod helm;
pub mod k8s;
pub mod monitoring;
pub mod nginx;
pub mod repo;
pub mod yaml;

use crate::finding::{Confidence, Location, Related, Severity};
use crate::index::Project;
use crate::model::alertmanager::AlertmanagerConfig;
use crate::model::compose::ComposeService;
use crate::model::gitlab::GitlabJob;
use crate::model::k8s::{Container, K8sObject, Workload};
use crate::model::manifest::DependencyManifest;
use crate::model::markdown::MarkdownDoc;
use crate::model::nginx::{NginxConfig, Server as NginxServer};
use crate::model::prometheus::{PrometheusConfig, RuleFile};
use crate::model::shell::{Makefile, ShellScript};
use crate::model::telemetry::{CollectorConfig, GrafanaConfig};
use crate::model::workflow::{Job, Step};
use crate::model::{Artifact, ComposeFile, Dockerfile, EnvFile, Environment, GitlabCi, K8sFile, Workflow};
use crate::parse::yaml::YamlStream;
use crate::source::{SourceFile, Span};
use meta::RuleId;

/// Did the rule evaluate the target it was given?
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checked {
    Yes,
    NotApplicable,
}

impl Checked {
    pub fn from_bool(applies: bool) -> Checked {
        if applies {
            Checked::Yes
        } else {
            Checked::NotApplicable
        }
    }
}

/// Shorthand used by hooks.
pub use Checked::{NotApplicable as NA, Yes as CHECKED};

#[allow(unused_variables)]
pub trait Rule: Send + Sync {
    fn id(&self) -> RuleId;

    /// Any artifact (parsed or not), e.g. to judge unloadable files or scan text.
    fn artifact(&self, cx: &mut Cx, artifact: &Artifact) -> Checked {
        NA
    }
    /// Any artifact parsed as YAML (compose, Kubernetes, workflows, Helm values, Prometheus…).
    fn yaml(&self, cx: &mut Cx, yaml: &YamlStream) -> Checked {
        NA
    }
    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        NA
    }
    fn compose_file(&self, cx: &mut Cx, file: &ComposeFile) -> Checked {
        NA
    }
    fn compose_service(&self, cx: &mut Cx, file: &ComposeFile, svc: &ComposeService) -> Checked {
        NA
    }
    fn k8s_file(&self, cx: &mut Cx, file: &K8sFile) -> Checked {
        NA
    }
    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        NA
    }
    fn k8s_container(&self, cx: &mut Cx, obj: &K8sObject, wl: &Workload, c: &Container) -> Checked {
        NA
    }
    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        NA
    }
    fn workflow_job(&self, cx: &mut Cx, wf: &Workflow, job: &Job) -> Checked {
        NA
    }
    fn workflow_step(&self, cx: &mut Cx, wf: &Workflow, job: &Job, step: &Step) -> Checked {
        NA
    }
    fn gitlab_ci(&self, cx: &mut Cx, ci: &GitlabCi) -> Checked {
        NA
    }
    fn gitlab_job(&self, cx: &mut Cx, ci: &GitlabCi, job: &GitlabJob) -> Checked {
        NA
    }
    fn env_file(&self, cx: &mut Cx, env: &EnvFile) -> Checked {
        NA
    }
    /// An nginx file (main configuration or fragment).
    fn nginx(&self, cx: &mut Cx, conf: &NginxConfig) -> Checked {
        NA
    }
    /// Each `server` block of an nginx file.
    fn nginx_server(&self, cx: &mut Cx, conf: &NginxConfig, server: &NginxServer) -> Checked {
        NA
    }
    /// A Prometheus server configuration: a standalone file, or one embedded in a ConfigMap or Helm
    /// values (then `cx.artifact()` is the host file, whose spans the config's spans are).
    fn prometheus(&self, cx: &mut Cx, cfg: &PrometheusConfig) -> Checked {
        NA
    }
    /// Alerting/recording rule groups: a rule file, a `PrometheusRule` CRD, a ConfigMap key or Helm values.
    fn alert_rules(&self, cx: &mut Cx, rules: &RuleFile) -> Checked {
        NA
    }
    /// An Alertmanager configuration (standalone or embedded).
    fn alertmanager(&self, cx: &mut Cx, cfg: &AlertmanagerConfig) -> Checked {
        NA
    }
    /// Grafana provisioning YAML or `grafana.ini`.
    fn grafana(&self, cx: &mut Cx, cfg: &GrafanaConfig) -> Checked {
        NA
    }
    /// Loki / Promtail / OpenTelemetry Collector configs.
    fn collector(&self, cx: &mut Cx, cfg: &CollectorConfig) -> Checked {
        NA
    }
    /// `package.json` and other dependency manifests.
    fn manifest(&self, cx: &mut Cx, manifest: &DependencyManifest) -> Checked {
        NA
    }
    fn shell_script(&self, cx: &mut Cx, script: &ShellScript) -> Checked {
        NA
    }
    fn makefile(&self, cx: &mut Cx, makefile: &Makefile) -> Checked {
        NA
    }
    fn markdown(&self, cx: &mut Cx, doc: &MarkdownDoc) -> Checked {
        NA
    }
    /// Whole-repository checks (absences, cross-file relations). Runs once.
    fn project(&self, cx: &mut Cx, project: &Project) -> Checked {
        NA
    }
}

/// A finding as a rule reports it (the engine adds snippet, fingerprint, suppression).
#[derive(Clone, Debug)]
pub struct RawFinding {
    pub rule: RuleId,
    pub severity: Severity,
    pub confidence: Confidence,
    pub environment: Environment,
    pub message: String,
    pub location: Option<Location>,
    pub related: Vec<Related>,
    pub help: Option<String>,
    /// Spans (in the primary file) holding secrets, masked in the snippet.
    pub secret_spans: Vec<Span>,
    /// Index of the target (hook call) it was reported in; set by the engine.
    pub target: u32,
}

/// Positive evidence a check passed on ("USER app at apps/api/Dockerfile:14").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    pub location: Option<Location>,
    pub text: String,
    /// Generated by the engine from the target's label (the rule recorded nothing specific).
    pub generated: bool,
}

/// The context a rule reports through. It knows the rule, the current artifact (if any) and the
/// project.
pub struct Cx<'p> {
    pub project: &'p Project,
    artifact: Option<&'p Artifact>,
    rule: RuleId,
    default_severity: Severity,
    pub(crate) findings: Vec<RawFinding>,
    pub(crate) evidence: Vec<Evidence>,
}

impl<'p> Cx<'p> {
    pub(crate) fn new(project: &'p Project, artifact: Option<&'p Artifact>, rule: RuleId) -> Cx<'p> {
        Cx {
            project,
            artifact,
            rule,
            default_severity: rule.meta().severity,
            findings: Vec::new(),
            evidence: Vec::new(),
        }
    }

    pub fn rule(&self) -> RuleId {
        self.rule
    }

    /// The artifact being checked (`None` in `project` hooks).
    pub fn artifact(&self) -> Option<&'p Artifact> {
        self.artifact
    }

    pub fn path(&self) -> &'p str {
        self.artifact.map_or("", |a| a.path())
    }

    pub fn source(&self) -> Option<&'p SourceFile> {
        self.artifact.map(|a| &*a.source)
    }

    /// Environment of the current artifact (`Default` in project hooks).
    pub fn env(&self) -> Environment {
        self.artifact.map_or(Environment::Default, |a| a.env.env)
    }

    /// `prod` on the production/default deploy path, `other` elsewhere (staging, development,
    /// example). The one way rules make severity depend on the environment.
    pub fn by_env(&self, prod: Severity, other: Severity) -> Severity {
        if self.env().is_production_path() {
            prod
        } else {
            other
        }
    }

    /// Report at a span of the current artifact.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> FindingMut<'_> {
        let path = self.path().to_owned();
        let env = self.env();
        self.push(Some(Location::new(path, span)), env, message.into())
    }

    /// Report at a span of another file of the repository (project-level rules).
    pub fn report_at(&mut self, path: &str, span: Span, message: impl Into<String>) -> FindingMut<'_> {
        let env = self.project.artifact(path).map_or(Environment::Default, |a| a.env.env);
        self.push(Some(Location::new(path, span)), env, message.into())
    }

    /// Report a repository-level absence (no location).
    pub fn report_repo(&mut self, message: impl Into<String>) -> FindingMut<'_> {
        self.push(None, Environment::Default, message.into())
    }

    fn push(&mut self, location: Option<Location>, environment: Environment, message: String) -> FindingMut<'_> {
        let here: &'p str = self.path();
        self.findings.push(RawFinding {
            rule: self.rule,
            severity: self.default_severity,
            confidence: Confidence::High,
            environment,
            message,
            location,
            related: Vec::new(),
            help: None,
            secret_spans: Vec::new(),
            target: 0,
        });
        FindingMut { f: self.findings.last_mut(), here }
    }

    /// Record what a passing check found (shown as a strength).
    pub fn evidence(&mut self, location: Option<Location>, text: impl Into<String>) {
        self.evidence.push(Evidence { location, text: text.into(), generated: false });
    }

    /// Evidence at a span of the current artifact.
    pub fn evidence_here(&mut self, span: Span, text: impl Into<String>) {
        let loc = Location::new(self.path().to_owned(), span);
        self.evidence(Some(loc), text);
    }

    /// Locate `needle` inside the text covered by `within` in the current file (e.g. one command
    /// of a multi-line `run:` script). Falls back to `within`.
    pub fn find(&self, within: Span, needle: &str) -> Span {
        let Some(src) = self.source() else { return within };
        locate(src, within, needle).unwrap_or(within)
    }
}

/// Find `needle` in `src` inside `within` (or on the lines of `within` when the span is a point).
pub fn locate(src: &SourceFile, within: Span, needle: &str) -> Option<Span> {
    if needle.is_empty() {
        return None;
    }
    let start = src.offset(crate::source::Pos::new(within.start.line, 1));
    let mut end = src.offset(within.end);
    if end <= start {
        end = src.offset(crate::source::Pos::new(within.start.line.saturating_add(1), 1));
    }
    let hay = src.text.get(start..end.max(start))?;
    let i = hay.find(needle)?;
    Some(src.span(start + i..start + i + needle.len()))
}

/// Builder handle on the finding just reported.
pub struct FindingMut<'c> {
    f: Option<&'c mut RawFinding>,
    here: &'c str,
}

impl FindingMut<'_> {
    fn f(&mut self) -> Option<&mut RawFinding> {
        self.f.as_deref_mut()
    }

    pub fn severity(mut self, s: Severity) -> Self {
        if let Some(f) = self.f() {
            f.severity = s;
        }
        self
    }

    /// `prod` when the finding's file is on the production/default deploy path, `other` elsewhere.
    /// The one way rules make severity depend on the environment.
    pub fn by_env(mut self, prod: Severity, other: Severity) -> Self {
        if let Some(f) = self.f() {
            f.severity = if f.environment.is_production_path() { prod } else { other };
        }
        self
    }

    pub fn confidence(mut self, c: Confidence) -> Self {
        if let Some(f) = self.f() {
            f.confidence = c;
        }
        self
    }

    pub fn related(mut self, path: impl Into<String>, span: Span, label: impl Into<String>) -> Self {
        let r = Related { location: Location::new(path, span), label: label.into() };
        if let Some(f) = self.f() {
            f.related.push(r);
        }
        self
    }

    /// Related location in the current file.
    pub fn related_here(self, span: Span, label: impl Into<String>) -> Self {
        let path = self.here.to_owned();
        self.related(path, span, label)
    }

    pub fn help(mut self, text: impl Into<String>) -> Self {
        if let Some(f) = self.f() {
            f.help = Some(text.into());
        }
        self
    }

    /// Mark a span of the primary file as holding a secret (masked in snippets).
    pub fn secret(mut self, span: Span) -> Self {
        if let Some(f) = self.f() {
            f.secret_spans.push(span);
        }
        self
    }

    pub fn environment(mut self, env: Environment) -> Self {
        if let Some(f) = self.f() {
            f.environment = env;
        }
        self
    }
}

/// Every rule, in code order. One registration line per rule lives in each family's `mod.rs`.
pub fn registry() -> Vec<Box<dyn Rule>> {
    let mut rules: Vec<Box<dyn Rule>> = Vec::new();
    dockerfile::register(&mut rules);
    compose::register(&mut rules);
    k8s::register(&mut rules);
    helm::register(&mut rules);
    ci::register(&mut rules);
    env::register(&mut rules);
    repo::register(&mut rules);
    yaml::register(&mut rules);
    nginx::register(&mut rules);
    monitoring::register(&mut rules);
    rules.sort_by_key(|r| r.id());
    rules
}
