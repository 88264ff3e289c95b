//! CI029: GitLab `needs:`/`dependencies:` naming a job the pipeline does not define.

use super::gitlab::{doc, pipeline};
use super::gitlab_validity_severity;
use crate::finding::{Confidence, Severity};
use crate::model::gitlab::{GitlabCi, GitlabJob};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Spanned;

pub struct GitlabNeedsUndefined;

impl Rule for GitlabNeedsUndefined {
    fn id(&self) -> RuleId {
        RuleId::CI029
    }

    fn gitlab_job(&self, cx: &mut Cx, ci: &GitlabCi, job: &GitlabJob) -> Checked {
        if job.hidden {
            return NA;
        }
        let Some(d) = doc(ci) else { return NA };
        let node = d.node(job.node);
        // (name, key) pairs; optional needs and needs of other pipelines are skipped.
        let mut refs: Vec<(Spanned<String>, &str)> = Vec::new();
        for item in node.get("needs").map(|n| n.items()).unwrap_or_default() {
            if let Some(s) = item.spanned_str() {
                refs.push((s, "needs"));
            } else if item.get("project").is_none() && item.get("pipeline").is_none() {
                let optional = item.get("optional").and_then(|o| o.as_bool()).unwrap_or(false);
                if let (false, Some(j)) = (optional, item.get("job").and_then(|j| j.spanned_str())) {
                    refs.push((j, "needs"));
                }
            }
        }
        refs.extend(job.dependencies.iter().map(|d| (d.clone(), "dependencies")));
        if refs.is_empty() {
            return NA;
        }
        let p = pipeline(cx.project);
        let sev = gitlab_validity_severity(cx, ci);
        for (r, key) in refs {
            if r.value.contains('$') {
                continue;
            }
            let hidden = r.value.starts_with('.');
            if p.jobs.contains(&r.value) && !hidden {
                continue;
            }
            let why = if hidden { "a hidden job that never runs" } else { "not a job of this pipeline" };
            let f = cx
                .report(r.span, format!("job `{}` lists `{}` in `{key}:`, but it is {why}: GitLab rejects the pipeline (`undefined need`/`undefined dependency`)", job.name.value, r.value))
                .severity(sev)
                .help("name an existing job, or mark the need `optional: true` when the job only exists under some `rules:`");
            if let (Some(u), false) = (&p.unseen, hidden) {
                f.severity(Severity::Medium)
                    .confidence(Confidence::Low)
                    .help(format!("{u}: check the name against the included jobs"));
            }
        }
        CHECKED
    }
}
