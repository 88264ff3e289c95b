//! DC018: `condition: service_healthy` on a service that has no healthcheck.

use crate::finding::{Confidence, Severity};
use crate::model::compose::ComposeService;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{health_of, project_files, Health};

pub struct HealthyWithoutHealthcheck;

impl Rule for HealthyWithoutHealthcheck {
    fn id(&self) -> RuleId {
        RuleId::DC018
    }

    fn compose_service(&self, cx: &mut Cx, _file: &ComposeFile, s: &ComposeService) -> Checked {
        let healthy: Vec<_> = s
            .depends_on
            .iter()
            .filter(|d| d.condition.as_ref().is_some_and(|c| c.value == "service_healthy"))
            .collect();
        if healthy.is_empty() {
            return NA;
        }
        let project = cx.project;
        let files = project_files(project, cx.path());
        for d in healthy {
            let dep = &d.service.value;
            if health_of(project, &files, dep) != Some(Health::None) {
                continue;
            }
            // Which definition decides: a built image we can read, or a pulled one we cannot.
            let defs: Vec<&ComposeService> = files.iter().filter_map(|(_, c)| c.service(dep)).collect();
            let disabled = defs.iter().rev().find_map(|t| t.healthcheck.as_ref()).is_some_and(|h| h.disabled);
            let built = defs.iter().any(|t| t.build.is_some());
            let pulled = defs.iter().rev().find_map(|t| t.image.as_ref()).filter(|_| !built);
            let at = d.condition.as_ref().map_or(d.service.span, |c| c.span);
            match (disabled, pulled) {
                (false, Some(img)) => {
                    cx.report(
                        at,
                        format!("service `{}` waits for `{dep}` to be healthy, but `{dep}` defines no healthcheck: unless the image `{}` has a HEALTHCHECK of its own, `docker compose up` fails with “has no healthcheck configured”", s.name.value, img.value),
                    )
                    .by_env(Severity::High, Severity::Medium)
                    .confidence(Confidence::Medium)
                    .help(format!("add a `healthcheck:` to `{dep}`"));
                }
                _ => {
                    let why = if disabled {
                        "disables its healthcheck"
                    } else {
                        "has no healthcheck, in compose or in the Dockerfile it builds"
                    };
                    cx.report(
                        at,
                        format!("service `{}` waits for `{dep}` to be healthy, but `{dep}` {why}: `docker compose up` fails with “has no healthcheck configured”", s.name.value),
                    )
                    .by_env(Severity::Blocker, Severity::High)
                    .help(format!("add a `healthcheck:` to `{dep}`, or wait with `condition: service_started`"));
                }
            }
        }
        CHECKED
    }
}
