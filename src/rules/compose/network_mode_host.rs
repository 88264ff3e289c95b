//! DC008: compose service on the host network.

use crate::model::compose::ComposeService;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED};

pub struct NetworkModeHost;

impl Rule for NetworkModeHost {
    fn id(&self) -> RuleId {
        RuleId::DC008
    }

    fn compose_service(&self, cx: &mut Cx, _file: &ComposeFile, s: &ComposeService) -> Checked {
        if let Some(m) = s.network_mode.as_ref().filter(|m| m.value.trim() == "host") {
            cx.report(
                m.span,
                format!(
                    "service `{}` uses the host network: every port it opens is open on the host, and it can reach host-only services",
                    s.name.value
                ),
            )
            .help("remove `network_mode: host`; publish the ports it serves with `ports:` and join a compose network");
        }
        CHECKED
    }
}
