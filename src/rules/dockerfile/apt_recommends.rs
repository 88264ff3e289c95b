//! DF007: `apt-get install` without `--no-install-recommends`.

use crate::model::dockerfile::Dockerfile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{run_text, shipped_instructions, simple_commands, words};

pub struct AptRecommends;

pub fn is_apt_install(w: &[&str]) -> bool {
    matches!(w.first(), Some(&"apt-get") | Some(&"apt")) && w.contains(&"install")
}

impl Rule for AptRecommends {
    fn id(&self) -> RuleId {
        RuleId::DF007
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let mut seen = false;
        for i in shipped_instructions(cx.project, cx.path(), df) {
            let Some((text, span)) = run_text(i) else { continue };
            for cmd in simple_commands(&text) {
                let w = words(&cmd);
                seen |= is_apt_install(&w);
                if is_apt_install(&w)
                    && !w.iter().any(|x| {
                        *x == "--no-install-recommends"
                            || x.contains("Install-Recommends=false")
                            || x.contains("Install-Recommends=0")
                    })
                {
                    let at = cx.find(span, "install");
                    cx.report(
                        at,
                        format!(
                            "`{}` installs recommended packages too",
                            cmd.split_whitespace().take(6).collect::<Vec<_>>().join(" ")
                        ),
                    );
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
