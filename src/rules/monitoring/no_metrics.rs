//! MON001: no metrics collection (credit only for what runs; `[provided] monitoring` passes).

use super::survey;
use crate::config::Capability;
use crate::finding::Severity;
use crate::index::Project;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoMetrics;

/// Evidence for a `[provided]` declaration.
pub fn provided(cx: &mut Cx, project: &Project, c: Capability) -> bool {
    match project.provided(c) {
        Some(how) => {
            cx.evidence(
                None,
                format!("{} provided by the platform: \"{how}\" (`[provided]` in the configuration)", c.id()),
            );
            true
        }
        None => false,
    }
}

impl Rule for NoMetrics {
    fn id(&self) -> RuleId {
        RuleId::MON001
    }

    fn project(&self, cx: &mut Cx, project: &Project) -> Checked {
        if !project.runs_services() {
            return NA;
        }
        if provided(cx, project, Capability::Monitoring) {
            return CHECKED;
        }
        let s = survey(project);
        if !s.metrics.is_empty() {
            for c in s.metrics.into_iter().take(4) {
                cx.evidence(c.location, c.text);
            }
            return CHECKED;
        }
        if let Some(u) = s.metrics_unused.first() {
            let loc = u.location.clone();
            if let Some(l) = loc {
                cx.report_at(&l.path, l.span, format!("no metrics are collected: Prometheus config `{}` is present but no service loads it", l.path))
                    .severity(Severity::Medium)
                    .help("mount it into the Prometheus service (`- ./monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro`)");
                return CHECKED;
            }
        }
        cx.report_repo("no metrics collection: no Prometheus config loaded by a service, no prometheus-operator objects, no monitoring agent and no metrics SDK in the dependencies");
        CHECKED
    }
}
