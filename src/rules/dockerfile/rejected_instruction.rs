//! DF029: an instruction `docker build` rejects: COPY/ADD of several sources to a destination
//! that is not a directory, ONBUILD of ONBUILD/FROM/MAINTAINER, instructions before the first FROM.

use crate::finding::Severity;
use crate::model::dockerfile::{Args, Dockerfile, Keyword};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct RejectedInstruction;

impl Rule for RejectedInstruction {
    fn id(&self) -> RuleId {
        RuleId::DF029
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        if df.instructions.is_empty() {
            return NA;
        }
        let help_copy = "end the destination with `/` (`COPY package.json package-lock.json ./`)";
        for i in &df.instructions {
            match &i.args {
                Args::Copy { sources, dest, heredocs } if i.stage.is_some() => {
                    let n = sources.len() + heredocs.len();
                    let d = dest.value.trim_matches(|c| c == '"' || c == '\'');
                    let dir =
                        d.ends_with('/') || d.ends_with('\\') || matches!(d, "." | ".." | "./.") || d.contains('$');
                    if n > 1 && !dir {
                        cx.report(
                            dest.span,
                            format!("`{}` copies {n} sources to `{}`, which does not end with `/`: docker refuses it (“the destination must be a directory and end with a /”)", i.keyword.as_str(), dest.value),
                        )
                        .by_env(Severity::High, Severity::Medium)
                        .help(help_copy);
                    }
                }
                Args::Onbuild(inner)
                    if matches!(inner.keyword, Keyword::Onbuild | Keyword::From | Keyword::Maintainer) =>
                {
                    cx.report(
                        inner.keyword_span,
                        format!("`ONBUILD {}` is not allowed: docker rejects the instruction", inner.keyword.as_str()),
                    )
                    .by_env(Severity::High, Severity::Medium)
                    .help("remove it; ONBUILD triggers may not chain ONBUILD or contain FROM/MAINTAINER");
                }
                _ => {}
            }
            if i.stage.is_none() && !matches!(i.keyword, Keyword::Arg | Keyword::From) {
                cx.report(
                    i.keyword_span,
                    format!("`{}` comes before the first `FROM`: only `ARG` may, and docker fails with “no build stage in current context”", i.keyword.as_str()),
                )
                .by_env(Severity::High, Severity::Medium)
                .help("move it below `FROM`");
            }
        }
        CHECKED
    }
}
