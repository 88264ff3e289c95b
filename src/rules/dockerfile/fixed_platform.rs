//! DF026: `FROM --platform=<fixed value>`.

use crate::model::dockerfile::{Dockerfile, Keyword};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct FixedPlatform;

impl Rule for FixedPlatform {
    fn id(&self) -> RuleId {
        RuleId::DF026
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        if df.stages.is_empty() {
            return NA;
        }
        for i in df.instructions.iter().filter(|i| i.keyword == Keyword::From) {
            let Some(flag) = i.flag("platform") else { continue };
            let Some(value) = flag.value.as_deref() else { continue };
            if value.contains('$') {
                continue; // `$BUILDPLATFORM` / `$TARGETPLATFORM`: the intended cross-build idiom
            }
            cx.report(
                flag.span,
                format!("`FROM --platform={value}` fixes the platform: on hosts of another architecture the image runs under emulation (slow) or not at all, and `docker buildx --platform` cannot build it for them"),
            )
            .help("drop the flag, or use `--platform=$BUILDPLATFORM` for build stages that cross-compile");
        }
        CHECKED
    }
}
