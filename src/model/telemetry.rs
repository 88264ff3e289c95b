//! Grafana provisioning and the log/trace pipeline configs (Loki, Promtail, OpenTelemetry
//! Collector, Fluent Bit, Vector, Grafana Alloy): what each file provides and where. Parsing lives
//! in `crate::parse::telemetry`.

use crate::source::{Span, Spanned};

/// A provisioned Grafana data source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datasource {
    pub span: Span,
    pub name: Option<Spanned<String>>,
    /// `type:` (`prometheus`, `loki`, `tempo`, `jaeger`, `elasticsearch`, …).
    pub kind: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub basic_auth: bool,
    /// `basicAuthPassword`, `password`, `secureJsonData.*` values as written.
    pub secrets: Vec<(Spanned<String>, Spanned<String>)>,
    pub is_default: bool,
}

/// A dashboard provider (`providers:` of a dashboards provisioning file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DashboardProvider {
    pub span: Span,
    pub name: Option<Spanned<String>>,
    /// `options.path`: the directory the dashboards are loaded from (container path).
    pub path: Option<Spanned<String>>,
}

/// One `key = value` of `grafana.ini`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IniSetting {
    /// Section without brackets (`security`); empty before the first section.
    pub section: String,
    pub key: Spanned<String>,
    pub value: Spanned<String>,
}

/// What a Grafana file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrafanaFileKind {
    Datasources,
    Dashboards,
    /// Alerting provisioning (contact points, policies, rules).
    Alerting,
    Ini,
    /// A dashboard JSON model or anything else under `grafana/`.
    Other,
}

/// A Grafana provisioning file or `grafana.ini`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrafanaConfig {
    pub kind: GrafanaFileKind,
    pub datasources: Vec<Datasource>,
    pub providers: Vec<DashboardProvider>,
    /// Alert rules provisioned through Grafana alerting (`groups[].rules[]` titles).
    pub alert_rules: Vec<Spanned<String>>,
    /// Contact points provisioned through Grafana alerting (`contactPoints[].name`).
    pub contact_points: Vec<Spanned<String>>,
    pub ini: Vec<IniSetting>,
}

impl GrafanaConfig {
    /// `[section] key` of `grafana.ini`.
    pub fn ini_value(&self, section: &str, key: &str) -> Option<&IniSetting> {
        self.ini.iter().rev().find(|s| s.section == section && s.key.value == key)
    }

    /// `[security] admin_password`.
    pub fn admin_password(&self) -> Option<&IniSetting> {
        self.ini_value("security", "admin_password")
    }
}

/// Which log/trace/metrics pipeline tool a config belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CollectorKind {
    Loki,
    Promtail,
    OtelCollector,
    FluentBit,
    Fluentd,
    Vector,
    Alloy,
}

impl CollectorKind {
    pub fn label(self) -> &'static str {
        match self {
            CollectorKind::Loki => "Loki",
            CollectorKind::Promtail => "Promtail",
            CollectorKind::OtelCollector => "OpenTelemetry Collector",
            CollectorKind::FluentBit => "Fluent Bit",
            CollectorKind::Fluentd => "Fluentd",
            CollectorKind::Vector => "Vector",
            CollectorKind::Alloy => "Grafana Alloy",
        }
    }
}

/// A pipeline of an OpenTelemetry Collector (`service.pipelines.<signal>[/<name>]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// `logs`, `metrics`, `traces` or `profiles`.
    pub signal: String,
    /// The pipeline key as written (`traces/jaeger`).
    pub name: Spanned<String>,
    pub receivers: Vec<Spanned<String>>,
    pub processors: Vec<Spanned<String>>,
    pub exporters: Vec<Spanned<String>>,
}

/// A Loki / Promtail / OTel Collector / Fluent Bit / Vector / Alloy config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectorConfig {
    pub kind: CollectorKind,
    /// OTel Collector pipelines.
    pub pipelines: Vec<Pipeline>,
    /// Where data is shipped: Promtail `clients[].url`, OTel exporter endpoints, Loki storage.
    pub outputs: Vec<Spanned<String>>,
}

impl CollectorConfig {
    /// Handles logs (Promtail/Fluent Bit/Vector/Loki always do; an OTel Collector when it has a
    /// `logs` pipeline).
    pub fn handles_logs(&self) -> bool {
        match self.kind {
            CollectorKind::OtelCollector => self.pipelines.iter().any(|p| p.signal == "logs"),
            _ => true,
        }
    }

    pub fn handles(&self, signal: &str) -> bool {
        match self.kind {
            CollectorKind::OtelCollector => self.pipelines.iter().any(|p| p.signal == signal),
            // Alloy configs are River, not YAML: presence is all that is known.
            CollectorKind::Alloy => true,
            _ => signal == "logs",
        }
    }
}
