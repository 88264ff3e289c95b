//! MON003: loaded alert rules cover no availability / error-rate / latency signal.

use std::collections::BTreeMap;

use super::no_metrics::provided;
use super::rule_sources;
use crate::config::Capability;
use crate::finding::Location;
use crate::index::Project;
use crate::model::prometheus::Signal;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct GoldenSignals;

impl Rule for GoldenSignals {
    fn id(&self) -> RuleId {
        RuleId::MON003
    }

    fn project(&self, cx: &mut Cx, project: &Project) -> Checked {
        let sources: Vec<_> =
            rule_sources(project).into_iter().filter(|s| s.loaded && s.rules.alerts().next().is_some()).collect();
        if sources.is_empty() {
            if provided(cx, project, Capability::Alerting) {
                return CHECKED;
            }
            return NA;
        }
        let mut covered: BTreeMap<Signal, (Location, String)> = BTreeMap::new();
        for src in &sources {
            for r in src.rules.alerts() {
                for sig in r.signals() {
                    covered
                        .entry(sig)
                        .or_insert_with(|| (Location::new(src.path, r.name().span), r.name().value.clone()));
                }
            }
        }
        let missing: Vec<Signal> = Signal::GOLDEN.iter().copied().filter(|s| !covered.contains_key(s)).collect();
        for (sig, (loc, name)) in &covered {
            if Signal::GOLDEN.contains(sig) {
                cx.evidence(Some(loc.clone()), format!("alert `{name}` covers {}", sig.label()));
            }
        }
        if missing.is_empty() {
            return CHECKED;
        }
        let Some(first) = sources.first() else { return CHECKED };
        let anchor = first.rules.groups.first().map_or(first.span, |g| g.name.as_ref().map_or(g.span, |n| n.span));
        let names = missing.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ");
        let n: usize = sources.iter().map(|s| s.rules.alerts().count()).sum();
        cx.report_at(first.path, anchor, format!("the {n} loaded alert rule(s) cover no {names} signal"))
            .help("availability: `up{job=\"api\"} == 0`; error rate: 5xx ratio over 5m; latency: `histogram_quantile(0.95, …)` on request duration");
        CHECKED
    }
}
