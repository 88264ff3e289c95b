//! MON002: metrics are collected but no alert rules are loaded.

use std::sync::LazyLock;

use regex::Regex;

use super::no_metrics::provided;
use super::{prometheus_configs, rule_sources, survey};
use crate::config::Capability;
use crate::finding::{Location, Severity};
use crate::index::Project;
use crate::model::telemetry::GrafanaFileKind;
use crate::model::ArtifactData;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct NoAlertRules;

static PAGING: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\b(PagerDuty|Opsgenie|VictorOps|Splunk On-Call|incident\.io|Grafana OnCall|FireHydrant|Rootly)\b").ok()
});

/// A doc (prose, not quoted code) that names the paging service alerts go through.
pub fn documented_paging(project: &Project) -> Option<(Location, String)> {
    let re = PAGING.as_ref()?;
    for a in project.audited().filter(|a| a.env.env.is_production_path()) {
        let ArtifactData::Markdown(doc) = &a.data else { continue };
        for (i, line) in a.source.text.lines().enumerate() {
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if doc.in_code(n) {
                continue;
            }
            if let Some(m) = re.find(line) {
                return Some((
                    Location::new(a.path(), a.source.line_span(n)),
                    format!("`{}` documents alerting through {} (platform-managed alerts)", a.path(), m.as_str()),
                ));
            }
        }
    }
    None
}

impl Rule for NoAlertRules {
    fn id(&self) -> RuleId {
        RuleId::MON002
    }

    fn project(&self, cx: &mut Cx, project: &Project) -> Checked {
        if !project.runs_services() {
            return NA;
        }
        if provided(cx, project, Capability::Alerting) {
            return CHECKED;
        }
        let s = survey(project);
        if s.metrics.is_empty() {
            return NA; // no metrics at all: MON001's finding
        }
        let sources = rule_sources(project);
        let mut found = false;
        for src in sources.iter().filter(|s| s.loaded) {
            let n = src.rules.alerts().count();
            if n > 0 {
                found = true;
                cx.evidence(Some(Location::new(src.path, src.span)), format!("{n} alert rule(s) in {}", src.label));
            }
        }
        for a in project.audited() {
            if let ArtifactData::Grafana(g) = &a.data {
                if g.view.kind == GrafanaFileKind::Alerting && !g.view.alert_rules.is_empty() {
                    found = true;
                    cx.evidence(
                        Some(Location::new(a.path(), Span::file_start())),
                        format!("{} Grafana-provisioned alert rule(s) in `{}`", g.view.alert_rules.len(), a.path()),
                    );
                }
            }
        }
        if found {
            return CHECKED;
        }
        if let Some(src) = sources.iter().find(|s| !s.loaded && s.rules.alerts().next().is_some()) {
            cx.report_at(src.path, src.span, format!("alert rules in `{}` are not loaded: no loaded Prometheus config lists the file in `rule_files` and no service mounts it", src.path))
                .severity(Severity::Medium);
            return CHECKED;
        }
        if !s.self_hosted {
            // Metrics are only exported (SDK, agent, scrape annotations): alerting may live on the
            // platform that collects them — credited when the docs show how people get paged.
            if let Some((loc, text)) = documented_paging(project) {
                cx.evidence(Some(loc), text);
                return CHECKED;
            }
            let what = s.metrics.first().map_or_else(String::new, |c| format!(" ({})", c.text));
            cx.report_repo(format!("metrics are exported{what} but no alert rules are defined in the repository"))
                .severity(Severity::Medium)
                .confidence(crate::finding::Confidence::Medium)
                .help("if the monitoring platform alerts on these metrics, declare it with `[provided] alerting = \"…\"` in prodready.toml");
            return CHECKED;
        }
        let configs = prometheus_configs(project);
        match configs.first() {
            Some((path, span, cfg, _)) => {
                let at = cfg.rule_files.first().map_or(*span, |r| r.span);
                let detail = if cfg.rule_files.is_empty() {
                    "it has no `rule_files`".to_owned()
                } else {
                    format!(
                        "its `rule_files` ({}) load no alert rule",
                        cfg.rule_files.iter().map(|r| format!("`{}`", r.value)).collect::<Vec<_>>().join(", ")
                    )
                };
                cx.report_at(path, at, format!("Prometheus collects metrics but defines no alert rules: {detail}"));
            }
            None => {
                cx.report_repo("metrics are collected but no alert rules are defined anywhere (no rule files, `PrometheusRule` objects or Grafana alert rules)");
            }
        }
        CHECKED
    }
}
