//! MON011: no error tracking or distributed tracing (info).

use super::no_metrics::provided;
use super::survey;
use crate::config::Capability;
use crate::index::Project;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoErrorTracking;

impl Rule for NoErrorTracking {
    fn id(&self) -> RuleId {
        RuleId::MON011
    }

    fn project(&self, cx: &mut Cx, project: &Project) -> Checked {
        if !project.runs_services() {
            return NA;
        }
        let declared = provided(cx, project, Capability::ErrorTracking) | provided(cx, project, Capability::Tracing);
        let s = survey(project);
        let found = !s.errors.is_empty() || !s.traces.is_empty();
        let mut seen = std::collections::BTreeSet::new();
        for c in s.errors.into_iter().chain(s.traces).filter(|c| seen.insert(c.text.clone())).take(4) {
            cx.evidence(c.location, c.text);
        }
        if !found && !declared {
            cx.report_repo("no error tracking or distributed tracing: no Sentry/APM/OpenTelemetry SDK, tracing backend or collector traces pipeline was found");
        }
        CHECKED
    }
}
