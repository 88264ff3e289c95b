//! MON009: no log aggregation anywhere.

use super::no_metrics::provided;
use super::survey;
use crate::config::Capability;
use crate::index::Project;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoLogAggregation;

impl Rule for NoLogAggregation {
    fn id(&self) -> RuleId {
        RuleId::MON009
    }

    fn project(&self, cx: &mut Cx, project: &Project) -> Checked {
        if !project.is_deployable() {
            return NA;
        }
        if provided(cx, project, Capability::Logging) {
            return CHECKED;
        }
        let s = survey(project);
        if s.logs.is_empty() {
            cx.report_repo("no log aggregation: no Loki/Promtail, Fluent Bit, Vector, Filebeat, OpenTelemetry logs pipeline, logging agent or remote logging driver ships container logs anywhere");
        }
        for c in s.logs.into_iter().take(4) {
            cx.evidence(c.location, c.text);
        }
        CHECKED
    }
}
