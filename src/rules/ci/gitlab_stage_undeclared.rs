//! CI030: a GitLab job in a stage that `stages:` does not declare.

use super::gitlab::pipeline;
use super::gitlab_validity_severity;
use crate::finding::{Confidence, Severity};
use crate::model::gitlab::{GitlabCi, GitlabJob};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct GitlabStageUndeclared;

impl Rule for GitlabStageUndeclared {
    fn id(&self) -> RuleId {
        RuleId::CI030
    }

    fn gitlab_job(&self, cx: &mut Cx, ci: &GitlabCi, job: &GitlabJob) -> Checked {
        if job.hidden || job.keys.iter().any(|k| k.value == "extends") && job.stage.is_none() {
            return NA;
        }
        let p = pipeline(cx.project);
        let (stage, span, implicit) = match &job.stage {
            Some(s) if s.value.contains('$') => return NA,
            Some(s) => (s.value.clone(), s.span, false),
            None => ("test".to_owned(), job.name.span, true),
        };
        if p.stages.contains(&stage) {
            return CHECKED;
        }
        let declared: Vec<String> = p.stages.iter().filter(|s| !s.starts_with('.')).map(|s| format!("`{s}`")).collect();
        let what = if implicit {
            "has no `stage:`, so it runs in `test`, which".to_owned()
        } else {
            format!("uses stage `{stage}`, which")
        };
        let source =
            if p.stages_declared { "`stages:` does not declare" } else { "is not one of GitLab's default stages" };
        let sev = gitlab_validity_severity(cx, ci);
        let f = cx
            .report(span, format!("job `{}` {what} {source} (declared: {}): GitLab rejects the pipeline (`chosen stage does not exist`)", job.name.value, declared.join(", ")))
            .severity(sev)
            .help("add the stage to `stages:` in the order it should run, or move the job to a declared stage");
        if let Some(u) = &p.unseen {
            f.severity(Severity::Medium)
                .confidence(Confidence::Low)
                .help(format!("{u}: the stage may be declared there"));
        }
        CHECKED
    }
}
