//! Prometheus model: the server configuration (`prometheus.yml`) and alerting/recording rule files.
//! Typed views only (no YAML nodes), so the same types describe a standalone file, a config
//! embedded in a Kubernetes ConfigMap or `PrometheusRule` CRD, or one nested in Helm values.
//! Parsing lives in `crate::parse::prometheus`.

use crate::source::{Span, Spanned};

/// `host:port` of a static target, Alertmanager target or remote endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// As written (`api:4000`, `localhost:9090`, `${HOST}:9100`).
    pub raw: Spanned<String>,
    pub host: String,
    pub port: Option<u16>,
}

impl Target {
    /// `host:port` → target (IPv6 in brackets allowed; a scheme prefix is tolerated).
    pub fn parse(raw: Spanned<String>) -> Target {
        let text = raw.value.trim();
        let text = text.split_once("://").map_or(text, |(_, r)| r);
        let text = text.split('/').next().unwrap_or(text);
        let (host, port) = crate::parse::nginx::split_host_port(text);
        Target { host, port, raw }
    }

    /// Built from a variable or template: cannot be judged statically.
    pub fn is_dynamic(&self) -> bool {
        self.raw.value.contains('$') || self.raw.value.contains("{{")
    }
}

/// `global:` settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PromGlobal {
    pub scrape_interval: Option<Spanned<String>>,
    pub evaluation_interval: Option<Spanned<String>>,
    pub scrape_timeout: Option<Spanned<String>>,
    pub external_labels: Vec<(Spanned<String>, Spanned<String>)>,
}

/// One `scrape_configs` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScrapeConfig {
    /// The list item (its first key).
    pub span: Span,
    pub job_name: Option<Spanned<String>>,
    pub scrape_interval: Option<Spanned<String>>,
    pub metrics_path: Option<Spanned<String>>,
    pub scheme: Option<Spanned<String>>,
    /// Every `static_configs[].targets[]`.
    pub static_targets: Vec<Target>,
    /// Service-discovery mechanisms used, by key (`kubernetes_sd_configs`, `file_sd_configs`,
    /// `dns_sd_configs`, `consul_sd_configs`, `ec2_sd_configs`, …), with the key's span.
    pub service_discovery: Vec<Spanned<String>>,
    /// `file_sd_configs[].files[]` (paths or globs, for reference checks).
    pub file_sd_files: Vec<Spanned<String>>,
    /// `relabel_configs` present.
    pub relabeling: bool,
    /// Credentials written in the job (`basic_auth.password`, `authorization.credentials`,
    /// `bearer_token`, `oauth2.client_secret`), with `*_file` variants flagged.
    pub credentials: Vec<Credential>,
}

impl ScrapeConfig {
    pub fn job(&self) -> &str {
        self.job_name.as_ref().map_or("", |j| j.value.as_str())
    }

    /// Anchor for messages about the job: its `job_name`, else the list item.
    pub fn anchor(&self) -> Span {
        self.job_name.as_ref().map_or(self.span, |j| j.span)
    }
}

/// A credential field in a monitoring config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    /// Dotted key path (`basic_auth.password`, `slack_configs.api_url`).
    pub key: Spanned<String>,
    pub value: Spanned<String>,
    /// Read from a file (`password_file`, `api_url_file`, `routing_key_file`): nothing inline.
    pub from_file: bool,
}

/// An entry of `alerting.alertmanagers`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertmanagerRef {
    pub span: Span,
    pub targets: Vec<Target>,
    pub service_discovery: Vec<Spanned<String>>,
    pub scheme: Option<Spanned<String>>,
    pub path_prefix: Option<Spanned<String>>,
}

/// `remote_write` / `remote_read` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteEndpoint {
    pub span: Span,
    pub url: Option<Spanned<String>>,
    pub credentials: Vec<Credential>,
}

/// A Prometheus server configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrometheusConfig {
    pub global: PromGlobal,
    pub scrape_configs: Vec<ScrapeConfig>,
    /// `rule_files` entries (paths or globs, relative to the config file as Prometheus resolves them).
    pub rule_files: Vec<Spanned<String>>,
    /// The `alerting:` key, when present.
    pub alerting: Option<Span>,
    pub alertmanagers: Vec<AlertmanagerRef>,
    pub remote_write: Vec<RemoteEndpoint>,
    pub remote_read: Vec<RemoteEndpoint>,
}

impl PrometheusConfig {
    /// Every static scrape target with its job.
    pub fn targets(&self) -> impl Iterator<Item = (&ScrapeConfig, &Target)> {
        self.scrape_configs.iter().flat_map(|j| j.static_targets.iter().map(move |t| (j, t)))
    }

    /// Sends alerts somewhere: static Alertmanager targets or discovery.
    pub fn has_alertmanager(&self) -> bool {
        self.alertmanagers.iter().any(|a| !a.targets.is_empty() || !a.service_discovery.is_empty())
    }
}

/// What an alerting rule watches, judged from its name and expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    /// Target or service down: `up == 0`, `absent(…)`, `probe_success == 0`, replicas unavailable.
    Availability,
    /// Failed requests: 5xx ratios, error counters.
    ErrorRate,
    /// Slow requests: histogram quantiles, duration/latency metrics.
    Latency,
    /// Resources running out: CPU, memory, disk, connections, queue depth.
    Saturation,
}

impl Signal {
    pub const GOLDEN: [Signal; 3] = [Signal::Availability, Signal::ErrorRate, Signal::Latency];

    pub fn label(self) -> &'static str {
        match self {
            Signal::Availability => "availability",
            Signal::ErrorRate => "error rate",
            Signal::Latency => "latency",
            Signal::Saturation => "saturation",
        }
    }
}

/// The signals an alert covers (by name and expression; lowercase matching).
pub fn signals(name: &str, expr: &str) -> Vec<Signal> {
    let n = name.to_ascii_lowercase();
    let e = expr.to_ascii_lowercase();
    let e_compact: String = e.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = Vec::new();
    let has = |hay: &str, words: &[&str]| words.iter().any(|w| hay.contains(w));
    if e_compact.contains("up==0")
        || e_compact.contains("up<1")
        || e.contains("absent(")
        || e.contains("absent_over_time(")
        || e_compact.contains("probe_success==0")
        || e_compact.contains("probe_success<1")
        || has(&e, &["replicas_unavailable", "kube_deployment_status_replicas_available", "_up{", "_up =="])
        || has(&n, &["down", "unreachable", "unavailable", "instancedown", "targetmissing", "notup", "health"])
    {
        out.push(Signal::Availability);
    }
    // Request errors: 5xx ratios, error/failure counters of requests (not disk or job failures).
    let requesty = has(&e, &["http", "grpc", "request", "response", "rpc", "api_", "status", "code"]);
    if has(&e, &["5..", "5xx", "=~\"5", "status=\"5", "code=\"5", "status_code=\"5", "exception"])
        || (requesty && has(&e, &["error", "fail"]))
        || has(
            &n,
            &["errorrate", "error_rate", "higherror", "5xx", "errorsrate", "errorratio", "errorbudget", "burnrate"],
        )
    {
        out.push(Signal::ErrorRate);
    }
    if has(&e, &["histogram_quantile", "latency", "duration", "response_time", "_seconds_bucket", "_seconds_sum"])
        || has(&n, &["latency", "slow", "responsetime", "response_time", "duration"])
    {
        out.push(Signal::Latency);
    }
    if has(
        &e,
        &[
            "cpu",
            "memory",
            "filesystem",
            "disk",
            "_bytes",
            "connections",
            "queue",
            "node_load",
            "oom",
            "restarts",
            "throttl",
        ],
    ) || has(&n, &["cpu", "memory", "disk", "space", "load", "saturat", "oom", "restart"])
    {
        out.push(Signal::Saturation);
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// `alert: Name`
    Alert(Spanned<String>),
    /// `record: name`
    Record(Spanned<String>),
}

/// One rule of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PromRule {
    /// The list item (its first key).
    pub span: Span,
    pub kind: RuleKind,
    pub expr: Option<Spanned<String>>,
    /// `for:` duration.
    pub for_: Option<Spanned<String>>,
    pub keep_firing_for: Option<Spanned<String>>,
    pub labels: Vec<(Spanned<String>, Spanned<String>)>,
    pub annotations: Vec<(Spanned<String>, Spanned<String>)>,
}

impl PromRule {
    pub fn is_alert(&self) -> bool {
        matches!(self.kind, RuleKind::Alert(_))
    }

    /// Alert or record name.
    pub fn name(&self) -> &Spanned<String> {
        match &self.kind {
            RuleKind::Alert(n) | RuleKind::Record(n) => n,
        }
    }

    pub fn label(&self, key: &str) -> Option<&Spanned<String>> {
        self.labels.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }

    pub fn annotation(&self, key: &str) -> Option<&Spanned<String>> {
        self.annotations.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }

    /// `labels.severity`, lowercased.
    pub fn severity(&self) -> Option<String> {
        self.label("severity").map(|s| s.value.to_ascii_lowercase())
    }

    pub fn summary(&self) -> Option<&Spanned<String>> {
        self.annotation("summary")
    }

    pub fn description(&self) -> Option<&Spanned<String>> {
        self.annotation("description").or_else(|| self.annotation("message"))
    }

    pub fn runbook_url(&self) -> Option<&Spanned<String>> {
        self.annotation("runbook_url").or_else(|| self.annotation("runbook"))
    }

    /// The signals this alert covers (empty for recording rules).
    pub fn signals(&self) -> Vec<Signal> {
        match &self.kind {
            RuleKind::Alert(n) => signals(&n.value, self.expr.as_ref().map_or("", |e| e.value.as_str())),
            RuleKind::Record(_) => Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleGroup {
    pub span: Span,
    pub name: Option<Spanned<String>>,
    pub interval: Option<Spanned<String>>,
    pub rules: Vec<PromRule>,
}

/// An alerting/recording rule file (or the `groups` of a `PrometheusRule` CRD / Helm values).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleFile {
    pub groups: Vec<RuleGroup>,
}

impl RuleFile {
    pub fn rules(&self) -> impl Iterator<Item = &PromRule> {
        self.groups.iter().flat_map(|g| g.rules.iter())
    }

    pub fn alerts(&self) -> impl Iterator<Item = &PromRule> {
        self.rules().filter(|r| r.is_alert())
    }
}
