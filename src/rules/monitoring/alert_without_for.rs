//! MON004: an alert without a `for:` duration.

use crate::finding::Severity;
use crate::model::prometheus::{RuleFile, Signal};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct AlertWithoutFor;

fn is_heartbeat(name: &str, expr: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let e: String = expr.chars().filter(|c| !c.is_whitespace()).collect();
    n == "watchdog" || n.contains("deadman") || n.contains("heartbeat") || e == "vector(1)"
}

impl Rule for AlertWithoutFor {
    fn id(&self) -> RuleId {
        RuleId::MON004
    }

    fn alert_rules(&self, cx: &mut Cx, rules: &RuleFile) -> Checked {
        let alerts: Vec<_> = rules.alerts().collect();
        if alerts.is_empty() {
            return NA;
        }
        for r in alerts {
            let expr = r.expr.as_ref().map_or("", |e| e.value.as_str());
            if is_heartbeat(&r.name().value, expr) {
                continue;
            }
            // Only paging alerts on user-facing signals must not flap; slow conditions (certificate
            // expiry, job age) and informational alerts need no `for:`.
            let paging = r.signals().iter().any(|s| Signal::GOLDEN.contains(s));
            let informational = r.severity().is_some_and(|s| matches!(s.as_str(), "none" | "info"));
            if !paging || informational {
                continue;
            }
            let zero = r
                .for_
                .as_ref()
                .is_some_and(|f| f.value.trim_end_matches(['s', 'm', 'h']).trim_start_matches('0').is_empty());
            match &r.for_ {
                None => {
                    cx.report(
                        r.name().span,
                        format!("alert `{}` has no `for:` duration: it fires on a single evaluation", r.name().value),
                    )
                    .by_env(Severity::Low, Severity::Info);
                }
                Some(f) if zero => {
                    cx.report(
                        f.span,
                        format!("alert `{}` has `for: {}`: it fires on a single evaluation", r.name().value, f.value),
                    )
                    .by_env(Severity::Low, Severity::Info);
                }
                Some(_) => {}
            }
        }
        CHECKED
    }
}
