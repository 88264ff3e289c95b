//! DF008: apt lists left in the layer.

use crate::model::dockerfile::Dockerfile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{run_text, shipped_instructions, simple_commands, words};

pub struct AptLists;

impl Rule for AptLists {
    fn id(&self) -> RuleId {
        RuleId::DF008
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let mut seen = false;
        for i in shipped_instructions(cx.project, cx.path(), df) {
            let Some((text, span)) = run_text(i) else { continue };
            let cmds = simple_commands(&text);
            let updates = cmds.iter().any(|c| {
                let w = words(c);
                matches!(w.first(), Some(&"apt-get") | Some(&"apt")) && w.get(1) == Some(&"update")
            });
            if !updates {
                continue;
            }
            seen = true;
            let cached = i
                .flags
                .iter()
                .any(|f| f.name == "mount" && f.value.as_deref().is_some_and(|v| v.contains("/var/lib/apt")));
            let cleaned = cmds.iter().any(|c| c.contains("rm") && c.contains("/var/lib/apt/lists"));
            if !cached && !cleaned {
                let at = cx.find(span, "update");
                cx.report(at, "`apt-get update` leaves `/var/lib/apt/lists` in the layer: remove it in the same `RUN`");
            }
        }
        if seen {
            CHECKED
        } else {
            NA
        }
    }
}
