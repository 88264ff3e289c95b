//! DC012: compose service without `read_only: true`.

use crate::finding::Location;
use crate::model::compose::ComposeService;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{is_fragment, is_one_shot, merged_definitions};

pub struct NoReadOnly;

impl Rule for NoReadOnly {
    fn id(&self) -> RuleId {
        RuleId::DC012
    }

    fn compose_service(&self, cx: &mut Cx, file: &ComposeFile, s: &ComposeService) -> Checked {
        if is_fragment(s) || is_one_shot(s) {
            return NA;
        }
        let path = cx.path();
        for (p, d) in merged_definitions(cx.project, path, file, s) {
            if let Some(ro) = &d.read_only {
                if ro.value {
                    cx.evidence(
                        Some(Location::new(p.to_owned(), ro.span)),
                        format!("service `{}` runs with a read-only root filesystem", s.name.value),
                    );
                    return CHECKED;
                }
                if p == path {
                    cx.report(ro.span, format!("service `{}` sets `read_only: false`: the container can rewrite its own binaries and configuration", s.name.value))
                        .help("set `read_only: true` and give the paths the service writes to a `tmpfs:` or a volume");
                    return CHECKED;
                }
            }
        }
        cx.report(
            s.name.span,
            format!("service `{}` has a writable root filesystem: an attacker who gets in can replace binaries and drop tools that survive until the container is recreated", s.name.value),
        )
        .help("set `read_only: true` and mount `tmpfs:` (e.g. `/tmp`) or volumes where the service writes");
        CHECKED
    }
}
