//! SUP001: a `prodready-ignore` comment without a reason.

use crate::model::{Artifact, ArtifactKind};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::suppress;

pub struct SuppressionWithoutReason;

impl Rule for SuppressionWithoutReason {
    fn id(&self) -> RuleId {
        RuleId::SUP001
    }

    fn artifact(&self, cx: &mut Cx, artifact: &Artifact) -> Checked {
        let dirs = suppress::scan(&artifact.source, artifact.kind == ArtifactKind::Markdown);
        if dirs.is_empty() {
            return NA;
        }
        for d in dirs.iter().filter(|d| d.directive.reason.is_none()) {
            let codes = if d.directive.codes.is_empty() { "nothing".to_owned() } else { d.directive.codes.join(", ") };
            cx.report(d.span, format!("`prodready-ignore` of {codes} gives no reason"));
        }
        CHECKED
    }
}
