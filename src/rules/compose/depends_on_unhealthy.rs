//! DC013: `depends_on` a service that has a healthcheck, without `condition: service_healthy`.

use crate::finding::Severity;
use crate::model::compose::ComposeService;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{health_of, project_files, Health};

pub struct DependsOnUnhealthy;

impl Rule for DependsOnUnhealthy {
    fn id(&self) -> RuleId {
        RuleId::DC013
    }

    fn compose_service(&self, cx: &mut Cx, _file: &ComposeFile, s: &ComposeService) -> Checked {
        if s.depends_on.is_empty() {
            return NA;
        }
        let project = cx.project;
        let files = project_files(project, cx.path());
        for d in &s.depends_on {
            let cond = d.condition.as_ref().map(|c| c.value.as_str());
            if matches!(cond, Some("service_healthy" | "service_completed_successfully")) {
                continue;
            }
            let Some(health) = health_of(project, &files, &d.service.value) else { continue };
            let how = match health {
                Health::Compose => "its healthcheck",
                Health::Image => "the HEALTHCHECK of the image it builds",
                Health::None => continue,
            };
            let written = match cond {
                Some(c) => format!("`condition: {c}`"),
                None => "no condition".to_owned(),
            };
            cx.report(
                d.service.span,
                format!(
                    "service `{}` depends on `{}` with {written}: compose starts it as soon as `{}` is created, not when {how} reports it ready, so it races the dependency's startup",
                    s.name.value, d.service.value, d.service.value
                ),
            )
            .by_env(Severity::Medium, Severity::Low)
            .help(format!("use the long form: `depends_on: {{ {}: {{ condition: service_healthy }} }}`", d.service.value));
        }
        CHECKED
    }
}
