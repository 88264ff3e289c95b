//! DF021: a production base image pinned by tag but not by digest.

use crate::model::dockerfile::Dockerfile;
use crate::model::image::ImageRef;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct BaseNoDigest;

impl Rule for BaseNoDigest {
    fn id(&self) -> RuleId {
        RuleId::DF021
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        // A suggestion for what ships to production only.
        if df.stages.is_empty() || !cx.env().is_production_path() {
            return NA;
        }
        let mut judged = false;
        for stage in df.stages.iter().filter(|s| s.base_stage.is_none()) {
            let r = ImageRef::parse(&stage.base_resolved);
            // Untagged/latest is DF003's; variables cannot be judged.
            if r.is_scratch() || r.has_variable || r.is_untagged() || r.is_latest() {
                continue;
            }
            judged = true;
            if r.is_pinned_by_digest() {
                cx.evidence_here(stage.base.span, format!("base image `{}` is pinned by digest", r.repository));
                continue;
            }
            let tag = r.tag.as_deref().unwrap_or("");
            cx.report(
                stage.base.span,
                format!("base image `{}` is pinned by tag only: `{tag}` can be re-pushed, so two builds of the same commit may get different bases", stage.base.value),
            )
            .help(format!("append the digest the tag points to today (`docker buildx imagetools inspect {}`) and let Renovate/Dependabot update it: `FROM {}@sha256:…`", stage.base_resolved, stage.base_resolved));
        }
        if judged {
            CHECKED
        } else {
            NA
        }
    }
}
