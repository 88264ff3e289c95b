//! DC019: `build.target` names no stage of the Dockerfile the service builds.

use crate::finding::Severity;
use crate::index::Resolution;
use crate::model::compose::ComposeService;
use crate::model::{ArtifactData, ComposeFile};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct BuildTargetMissing;

impl Rule for BuildTargetMissing {
    fn id(&self) -> RuleId {
        RuleId::DC019
    }

    fn compose_service(&self, cx: &mut Cx, _file: &ComposeFile, s: &ComposeService) -> Checked {
        let Some(target) = s.build.as_ref().and_then(|b| b.target.as_ref()) else { return NA };
        if target.value.contains('$') {
            return NA;
        }
        let project = cx.project;
        let Some(b) = project.images.compose_build(cx.path(), &s.name.value) else { return NA };
        let Resolution::File(df_path) = &b.dockerfile else { return NA }; // a missing Dockerfile is REF001's
        let Some(ArtifactData::Dockerfile(df)) = project.artifact(df_path).map(|a| &a.data) else { return NA };
        if df.stages.is_empty() {
            return NA;
        }
        if df.stage_by_name(&target.value).is_some() {
            return CHECKED;
        }
        let names: Vec<String> =
            df.stages.iter().filter_map(|st| st.name.as_ref()).map(|n| format!("`{}`", n.value)).collect();
        let has = if names.is_empty() {
            "has no named stages".to_owned()
        } else {
            format!("has the stages {}", names.join(", "))
        };
        cx.report(
            target.span,
            format!("service `{}` builds target `{}`, but `{df_path}` {has}: the build fails with “target stage could not be found”", s.name.value, target.value),
        )
        .by_env(Severity::Blocker, Severity::High)
        .related(df_path.clone(), df.stages.first().map_or(Span::file_start(), |st| st.base.span), "the Dockerfile it builds")
        .help("name an existing stage, or add `AS <target>` to the stage meant");
        CHECKED
    }
}
