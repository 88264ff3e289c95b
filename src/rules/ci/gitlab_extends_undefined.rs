//! CI031: GitLab `extends:` or `!reference` naming a job or template the pipeline does not
//! define.

use super::gitlab::{doc, pipeline};
use super::gitlab_validity_severity;
use crate::finding::{Confidence, Severity};
use crate::model::GitlabCi;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct GitlabExtendsUndefined;

impl Rule for GitlabExtendsUndefined {
    fn id(&self) -> RuleId {
        RuleId::CI031
    }

    fn gitlab_ci(&self, cx: &mut Cx, ci: &GitlabCi) -> Checked {
        let mut refs: Vec<(String, Span, String)> = Vec::new();
        for j in &ci.jobs {
            for e in &j.extends {
                refs.push((e.value.clone(), e.span, format!("job `{}` extends", j.name.value)));
            }
        }
        if let Some(d) = doc(ci) {
            for n in d.all_nodes().filter(|n| n.tag() == Some("!reference")) {
                if let Some(first) = n.items().first().and_then(|f| f.spanned_str()) {
                    refs.push((first.value, first.span, "a `!reference` points to".to_owned()));
                }
            }
        }
        if refs.is_empty() {
            return NA;
        }
        let p = pipeline(cx.project);
        let sev = gitlab_validity_severity(cx, ci);
        for (name, span, who) in refs {
            if p.jobs.contains(&name) || name.contains('$') {
                continue;
            }
            let f = cx
                .report(span, format!("{who} `{name}`, which no file of the pipeline defines: GitLab rejects the pipeline (`unknown keys in extends`/`!reference could not be found`)"))
                .severity(sev)
                .help("define the template (usually a hidden job such as `.deploy-template:`) or fix the name");
            if let Some(u) = &p.unseen {
                f.severity(Severity::Medium)
                    .confidence(Confidence::Low)
                    .help(format!("{u}: the template may be defined there"));
            }
        }
        CHECKED
    }
}
