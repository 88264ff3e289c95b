//! DC004: compose service running privileged.

use crate::model::compose::ComposeService;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED};

pub struct Privileged;

impl Rule for Privileged {
    fn id(&self) -> RuleId {
        RuleId::DC004
    }

    fn compose_service(&self, cx: &mut Cx, _file: &ComposeFile, s: &ComposeService) -> Checked {
        if let Some(p) = s.privileged.as_ref().filter(|p| p.value) {
            cx.report(
                p.span,
                format!(
                    "service `{}` runs privileged: every capability and every host device, so a compromise of it is root on the host",
                    s.name.value
                ),
            )
            .help("remove `privileged: true`; add only the capabilities (`cap_add`) or devices (`devices`) it needs");
        }
        CHECKED
    }
}
