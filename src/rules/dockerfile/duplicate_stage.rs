//! DF019: two stages with the same name.

use crate::finding::Severity;
use crate::model::dockerfile::Dockerfile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct DuplicateStage;

impl Rule for DuplicateStage {
    fn id(&self) -> RuleId {
        RuleId::DF019
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        if df.stages.iter().filter(|s| s.name.is_some()).count() < 2 {
            return NA;
        }
        for (k, stage) in df.stages.iter().enumerate() {
            let Some(name) = &stage.name else { continue };
            let first = df
                .stages
                .iter()
                .take(k)
                .find_map(|s| s.name.as_ref().filter(|n| n.value.eq_ignore_ascii_case(&name.value)));
            if let Some(first) = first {
                cx.report(
                    name.span,
                    format!("stage name `{}` is already used on line {}: the legacy builder refuses the file, and BuildKit silently picks one of them for `--from`, `--target` and later `FROM`s", name.value, first.span.start.line),
                )
                .by_env(Severity::Medium, Severity::Low)
                .related_here(first.span, "first stage with this name")
                .help("give every stage a unique name");
            }
        }
        CHECKED
    }
}
