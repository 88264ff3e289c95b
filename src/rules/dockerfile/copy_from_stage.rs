//! DF018: `COPY --from` naming no earlier stage (a misspelt stage becomes an image pull), its own
//! stage, or a stage index that does not precede it.

use crate::finding::Severity;
use crate::model::dockerfile::{Dockerfile, Keyword};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::is_common_official_image;

pub struct CopyFromStage;

impl Rule for CopyFromStage {
    fn id(&self) -> RuleId {
        RuleId::DF018
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let mut seen = false;
        for (idx, i) in df.instructions.iter().enumerate() {
            if !matches!(i.keyword, Keyword::Copy | Keyword::Add) {
                continue;
            }
            let Some(flag) = i.flag("from") else { continue };
            let Some(raw) = flag.value.as_deref() else { continue };
            seen = true;
            let from = df.expand_at(idx, raw.trim_matches(|c| c == '"' || c == '\''));
            if from.contains('$') || from.is_empty() {
                continue;
            }
            let Some(here) = i.stage else { continue };
            let own =
                df.stages.get(here).and_then(|s| s.name.as_ref()).is_some_and(|n| n.value.eq_ignore_ascii_case(&from));
            if let Ok(n) = from.parse::<usize>() {
                if n >= here {
                    let what = if n == here { "is this stage itself" } else { "is not an earlier stage" };
                    cx.report(
                        flag.span,
                        format!("`--from={from}` {what} (stages are numbered from 0 in order): the build fails"),
                    )
                    .by_env(Severity::High, Severity::Medium)
                    .help("refer to an earlier stage, preferably by name (`FROM … AS build`, `COPY --from=build`)");
                }
                continue;
            }
            if own {
                cx.report(flag.span, format!("`--from={from}` names the stage this `COPY` is in: a stage cannot copy from itself and the build fails"))
                    .by_env(Severity::High, Severity::Medium)
                    .help("copy from the stage that produces the files");
                continue;
            }
            if df.stage_by_name(&from).is_some() {
                continue;
            }
            // Not a stage: docker treats it as an image reference.
            if from.contains(['/', ':', '@', '.']) || is_common_official_image(&from) {
                continue;
            }
            let stages: Vec<String> =
                df.stages.iter().filter_map(|s| s.name.as_ref()).map(|n| format!("`{}`", n.value)).collect();
            let known = if stages.is_empty() {
                "this Dockerfile names no stages".to_owned()
            } else {
                format!("stages are {}", stages.join(", "))
            };
            cx.report(
                flag.span,
                format!("`--from={from}` names no stage of this Dockerfile ({known}): docker pulls an image called `{from}:latest` instead, which fails or copies from an unrelated public image"),
            )
            .by_env(Severity::High, Severity::Medium)
            .help("fix the stage name, or write the image with a tag (`--from=registry/image:1.2`) if an image is meant");
        }
        if seen {
            CHECKED
        } else {
            NA
        }
    }
}
