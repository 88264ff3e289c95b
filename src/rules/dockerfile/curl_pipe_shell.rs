//! DF005: `curl … | sh` during the build.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::dockerfile::Dockerfile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::run_text;

pub struct CurlPipeShell;

static PIPE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+)?(?:-E\s+)?(?:/bin/|/usr/bin/(?:env\s+)?)?(?:ba|z|da|k|a)?sh\b|\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+)?(?:python3?|perl|ruby|node)\b").ok()
});

impl Rule for CurlPipeShell {
    fn id(&self) -> RuleId {
        RuleId::DF005
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let Some(re) = PIPE.as_ref() else { return NA };
        if df.instructions.is_empty() {
            return NA;
        }
        for i in &df.instructions {
            let Some((text, span)) = run_text(i) else { continue };
            let joined = text.replace("\\\n", " ");
            if let Some(m) = re.find(&joined) {
                let shown: String = m.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
                // Locate by the first two words (`curl -fsSL`) so an earlier `curl` package name is skipped.
                let needle = m.as_str().split_whitespace().take(2).collect::<Vec<_>>().join(" ");
                let at = cx.find(span, &needle);
                cx.report(at, format!("`{shown}` runs a downloaded script without verifying it"));
            }
        }
        CHECKED
    }
}
