//! DC001: compose service without a healthcheck (neither in compose nor in the image it builds).

use crate::finding::Severity;
use crate::index::Resolution;
use crate::model::compose::ComposeService;
use crate::model::dockerfile::Args;
use crate::model::{ArtifactData, ComposeFile};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoHealthcheck;

/// One-shot services (migrations, seeders) do not need a healthcheck.
pub fn is_one_shot(s: &ComposeService) -> bool {
    matches!(s.restart.as_ref().map(|r| r.value.as_str()), Some("no" | "on-failure"))
        || s.deploy_restart.as_ref().is_some_and(|r| r.value == "none" || r.value == "on-failure")
}

impl Rule for NoHealthcheck {
    fn id(&self) -> RuleId {
        RuleId::DC001
    }

    fn compose_service(&self, cx: &mut Cx, file: &ComposeFile, s: &ComposeService) -> Checked {
        let _ = file;
        if is_one_shot(s) {
            return NA;
        }
        match &s.healthcheck {
            Some(h) if h.disabled => {
                cx.report(h.span, format!("service `{}` disables its healthcheck", s.name.value))
                    .by_env(Severity::Medium, Severity::Low);
                return CHECKED;
            }
            Some(h) if h.test.is_some() => {
                cx.evidence_here(h.span, format!("service `{}` has a healthcheck", s.name.value));
                return CHECKED;
            }
            _ => {}
        }
        // A HEALTHCHECK in the Dockerfile the service builds also counts.
        let project = cx.project;
        if let Some((Resolution::File(df_path), target)) =
            project.images.compose_build(cx.path(), &s.name.value).map(|b| (&b.dockerfile, &b.target))
        {
            if let Some(ArtifactData::Dockerfile(df)) = project.artifact(df_path).map(|a| &a.data) {
                // The stage the service builds: its `build.target`, else the last one.
                let stage = target.as_deref().and_then(|t| df.stage_by_name(t)).or_else(|| df.final_stage());
                let hc = stage.and_then(|st| {
                    df.stage_instructions(st).filter(|i| matches!(i.args, Args::Healthcheck { none: false, .. })).last()
                });
                if let Some(i) = hc {
                    cx.evidence(
                        Some(crate::finding::Location::new(df_path.clone(), i.span)),
                        format!("service `{}` builds an image with a HEALTHCHECK", s.name.value),
                    );
                    return CHECKED;
                }
            }
        }
        cx.report(s.name.span, format!("service `{}` has no healthcheck", s.name.value))
            .by_env(Severity::Medium, Severity::Low);
        CHECKED
    }
}
