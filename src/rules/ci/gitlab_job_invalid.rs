//! CI028: a GitLab job with a key GitLab does not know, or with nothing to run.

use super::gitlab_validity_severity;
use super::unknown_key::suggestion;
use crate::model::gitlab::{GitlabCi, GitlabJob};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct GitlabJobInvalid;

const JOB_KEYS: &[&str] = &[
    "after_script",
    "allow_failure",
    "artifacts",
    "before_script",
    "cache",
    "coverage",
    "dast_configuration",
    "dependencies",
    "environment",
    "extends",
    "hooks",
    "id_tokens",
    "identity",
    "image",
    "inherit",
    "interruptible",
    "manual_confirmation",
    "needs",
    "only",
    "except",
    "pages",
    "parallel",
    "publish",
    "release",
    "resource_group",
    "retry",
    "rules",
    "run",
    "script",
    "secrets",
    "services",
    "stage",
    "start_in",
    "tags",
    "timeout",
    "trigger",
    "variables",
    "when",
];

impl Rule for GitlabJobInvalid {
    fn id(&self) -> RuleId {
        RuleId::CI028
    }

    fn gitlab_job(&self, cx: &mut Cx, ci: &GitlabCi, job: &GitlabJob) -> Checked {
        if job.hidden {
            return NA;
        }
        let sev = gitlab_validity_severity(cx, ci);
        let name = &job.name.value;
        // A mapping without a single job keyword is a misspelled global keyword or stray data:
        // one finding for the whole thing.
        let known_keys = job.keys.iter().any(|k| JOB_KEYS.contains(&k.value.as_str()));
        let mut runs_misspelled = false;
        for k in job.keys.iter().filter(|_| known_keys) {
            if JOB_KEYS.contains(&k.value.as_str()) {
                continue;
            }
            let hint = suggestion(&k.value, JOB_KEYS);
            runs_misspelled |= ["`script`", "`run`", "`trigger`", "`extends`"].iter().any(|r| hint.contains(r));
            cx.report(k.span, format!("job `{name}` has key `{}`, which GitLab does not know{hint}: the pipeline is rejected (`jobs:{name} config contains unknown keys`)", k.value))
                .severity(sev)
                .help("remove or rename the key (the CI Lint tool in GitLab shows the same error)");
        }
        let runs = ["script", "trigger", "run", "extends"].iter().any(|k| job.keys.iter().any(|x| x.value == *k));
        // Jobs are merged by name across included files: an include may supply the script.
        let completed_elsewhere = || {
            let p = super::gitlab::pipeline(cx.project);
            p.unseen.is_some()
                || cx.project.gitlab().any(|(_, other)| {
                    !std::ptr::eq(other, ci)
                        && other.job(name).is_some_and(|j| {
                            j.keys.iter().any(|k| matches!(k.value.as_str(), "script" | "trigger" | "run" | "extends"))
                        })
                })
        };
        if !runs && !runs_misspelled && !completed_elsewhere() {
            // A misspelled global keyword (`variabels:`) becomes a job too.
            let global = suggestion(name, crate::parse::gitlab::GLOBAL_KEYS);
            let what =
                if global.is_empty() { format!("job `{name}`") } else { format!("`{name}`{global}, read as a job,") };
            cx.report(job.name.span, format!("{what} has no `script:` (nor `trigger:` or `run:`): GitLab rejects the pipeline (`config should implement the script:, run:, or trigger: keyword`)"))
                .severity(sev)
                .help("add a `script:`; if this was meant as a template, start its name with a dot (`.{name}`); if it is a global keyword, check its spelling");
        }
        CHECKED
    }
}
