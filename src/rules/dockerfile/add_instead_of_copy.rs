//! DF004: ADD where COPY suffices (and remote ADD without a checksum).

use crate::model::dockerfile::{Args, Dockerfile, Keyword};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct AddInsteadOfCopy;

const ARCHIVES: &[&str] = &[".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst"];

impl Rule for AddInsteadOfCopy {
    fn id(&self) -> RuleId {
        RuleId::DF004
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        if df.instructions.is_empty() {
            return NA;
        }
        for i in df.instructions.iter().filter(|i| i.keyword == Keyword::Add) {
            let Args::Copy { sources, .. } = &i.args else { continue };
            for s in sources {
                let v = s.value.to_ascii_lowercase();
                let remote = v.starts_with("http://") || v.starts_with("https://") || v.starts_with("git@");
                if remote {
                    if i.flag("checksum").is_none() {
                        cx.report(
                            s.span,
                            format!("`ADD {}` downloads without `--checksum`: the content is not verified", s.value),
                        );
                    }
                    continue;
                }
                if ARCHIVES.iter().any(|a| v.ends_with(a)) {
                    continue; // extraction is the point
                }
                cx.report(i.keyword_span, format!("`ADD {}` copies a local path: use `COPY`", s.value));
                break;
            }
        }
        CHECKED
    }
}
