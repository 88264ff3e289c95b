//! DF009: `apk add` without `--no-cache`.

use crate::model::dockerfile::Dockerfile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{run_text, shipped_instructions, simple_commands, words};

pub struct ApkNoCache;

impl Rule for ApkNoCache {
    fn id(&self) -> RuleId {
        RuleId::DF009
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let mut seen = false;
        for i in shipped_instructions(cx.project, cx.path(), df) {
            let Some((text, span)) = run_text(i) else { continue };
            let cmds = simple_commands(&text);
            let cached = i
                .flags
                .iter()
                .any(|f| f.name == "mount" && f.value.as_deref().is_some_and(|v| v.contains("/var/cache/apk")));
            let cleaned = cmds.iter().any(|c| c.contains("rm") && c.contains("/var/cache/apk"));
            for cmd in &cmds {
                let w = words(cmd);
                seen |= w.first() == Some(&"apk") && w.get(1) == Some(&"add");
                if w.first() == Some(&"apk")
                    && w.get(1) == Some(&"add")
                    && !w.contains(&"--no-cache")
                    && !cached
                    && !cleaned
                {
                    let at = cx.find(span, "apk add");
                    cx.report(at, "`apk add` without `--no-cache` keeps the package index in the layer");
                }
            }
        }
        if seen {
            CHECKED
        } else {
            NA
        }
    }
}
