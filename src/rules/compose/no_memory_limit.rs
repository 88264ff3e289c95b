//! DC002: long-running compose service without a memory limit.

use super::{is_fragment, is_one_shot, merged_definitions};
use crate::finding::{Location, Severity};
use crate::model::compose::ComposeService;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoMemoryLimit;

impl Rule for NoMemoryLimit {
    fn id(&self) -> RuleId {
        RuleId::DC002
    }

    fn compose_service(&self, cx: &mut Cx, file: &ComposeFile, s: &ComposeService) -> Checked {
        if is_one_shot(s) || is_fragment(s) {
            return NA;
        }
        let project = cx.project;
        let path = cx.path();
        let defs = merged_definitions(project, path, file, s);
        if let Some((p, m)) = defs.iter().find_map(|(p, d)| d.resources.memory_limit.as_ref().map(|m| (*p, m))) {
            cx.evidence(
                Some(Location::new(p, m.span)),
                format!("service `{}` is limited to {} of memory", s.name.value, m.value),
            );
            return CHECKED;
        }
        let message = if s.resources.memory_reservation.is_some() {
            format!("service `{}` reserves memory but sets no memory limit", s.name.value)
        } else {
            format!("service `{}` has no memory limit", s.name.value)
        };
        cx.report(s.name.span, message)
            .by_env(Severity::Medium, Severity::Low)
            .help("set `deploy.resources.limits.memory` (or `mem_limit`) to what the service needs plus headroom");
        CHECKED
    }
}
