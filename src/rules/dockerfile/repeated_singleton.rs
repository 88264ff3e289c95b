//! DF011: more than one CMD, ENTRYPOINT or HEALTHCHECK in one stage (only the last counts).

use crate::finding::Severity;
use crate::model::dockerfile::{Dockerfile, Keyword};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct RepeatedSingleton;

impl Rule for RepeatedSingleton {
    fn id(&self) -> RuleId {
        RuleId::DF011
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        if df.stages.is_empty() {
            return NA;
        }
        for stage in &df.stages {
            for kw in [Keyword::Cmd, Keyword::Entrypoint, Keyword::Healthcheck] {
                let all: Vec<_> = df.stage_instructions(stage).filter(|i| i.keyword == kw).collect();
                let Some((last, earlier)) = all.split_last() else { continue };
                for i in earlier {
                    let stage_name = stage.name.as_ref().map_or_else(
                        || format!("stage {} (`FROM {}`)", stage.index, stage.base.value),
                        |n| format!("stage `{}`", n.value),
                    );
                    cx.report(
                        i.keyword_span,
                        format!(
                            "{stage_name} has {} `{}` instructions: this one is silently replaced by the one on line {}",
                            all.len(),
                            kw.as_str(),
                            last.keyword_span.start.line
                        ),
                    )
                    .by_env(Severity::Medium, Severity::Low)
                    .related_here(last.keyword_span, "the one that takes effect");
                }
            }
        }
        CHECKED
    }
}
