//! DF003: base image `:latest` or untagged.

use crate::finding::Severity;
use crate::model::dockerfile::Dockerfile;
use crate::model::image::ImageRef;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct BaseUnpinned;

impl Rule for BaseUnpinned {
    fn id(&self) -> RuleId {
        RuleId::DF003
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        if df.stages.is_empty() {
            return NA;
        }
        for stage in &df.stages {
            if stage.base_stage.is_some() {
                continue;
            }
            let resolved = stage.base_resolved.clone();
            let r = ImageRef::parse(&resolved);
            if r.is_scratch() || r.has_variable {
                continue;
            }
            let what = if r.is_latest() {
                "`:latest`"
            } else if r.is_untagged() {
                "no tag (so `:latest`)"
            } else {
                continue;
            };
            let shown = if resolved == stage.base.value {
                resolved.clone()
            } else {
                format!("{} → {resolved}", stage.base.value)
            };
            cx.report(stage.base.span, format!("base image `{shown}` uses {what}: rebuilds pull whatever is current"))
                .by_env(Severity::Medium, Severity::Low);
        }
        CHECKED
    }
}
