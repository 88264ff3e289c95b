//! DC014: a long-running compose service logs to `json-file` without rotation.

use crate::finding::Location;
use crate::model::compose::{ComposeService, Logging};
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{is_fragment, is_one_shot, merged_definitions};

pub struct NoLogRotation;

/// Drivers that keep logs on the host's disk without a size bound unless told otherwise.
fn unbounded_driver(driver: &str) -> bool {
    matches!(driver, "json-file")
}

impl Rule for NoLogRotation {
    fn id(&self) -> RuleId {
        RuleId::DC014
    }

    fn compose_service(&self, cx: &mut Cx, file: &ComposeFile, s: &ComposeService) -> Checked {
        if is_fragment(s) || is_one_shot(s) {
            return NA;
        }
        let path = cx.path();
        // The last definition with a `logging:` block wins (override files load later).
        let defs = merged_definitions(cx.project, path, file, s);
        let logging: Option<(&str, &Logging)> =
            defs.iter().rev().find_map(|(p, d)| d.logging.as_ref().map(|l| (*p, l)));
        let name = &s.name.value;
        match logging {
            Some((p, l)) => {
                let driver = l.driver.as_ref().map_or("json-file", |d| d.value.as_str());
                let bounded = l.options.iter().any(|(k, _)| k == "max-size");
                if !unbounded_driver(driver) || bounded {
                    cx.evidence(
                        Some(Location::new(p.to_owned(), l.span)),
                        format!(
                            "service `{name}` logs with `{driver}`{}",
                            if bounded { " and a `max-size`" } else { "" }
                        ),
                    );
                    return CHECKED;
                }
                if p != path {
                    return CHECKED; // reported where the block is written
                }
                cx.report(l.span, format!("service `{name}` logs to `json-file` without `max-size`: the log file grows until the host's disk is full"))
                    .help("add `options: { max-size: \"10m\", max-file: \"3\" }`, or use the `local` driver, which rotates by default");
            }
            None => {
                cx.report(
                    s.name.span,
                    format!("service `{name}` has no `logging:` options: with Docker's default `json-file` driver its logs grow without bound unless the host's daemon.json sets rotation"),
                )
                .help("add `logging: { driver: json-file, options: { max-size: \"10m\", max-file: \"3\" } }` (an `x-logging` anchor shares it), or configure `log-opts` in /etc/docker/daemon.json on every host");
            }
        }
        CHECKED
    }
}
