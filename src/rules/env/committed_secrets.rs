//! ENV004: a real env file with secrets that git tracks (or that nothing keeps out of git).

use crate::finding::Severity;
use crate::index::secrets::{self, ValueClass};
use crate::model::EnvFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct CommittedSecrets;

impl Rule for CommittedSecrets {
    fn id(&self) -> RuleId {
        RuleId::ENV004
    }

    fn env_file(&self, cx: &mut Cx, env: &EnvFile) -> Checked {
        if env.is_template() {
            return NA;
        }
        // Literal and weak values are real credentials; placeholders are ENV003's business.
        let found: Vec<_> = env
            .entries
            .iter()
            .filter(|e| {
                secrets::check(Some(&e.key.value), &e.value.value)
                    .is_some_and(|m| matches!(m.class, ValueClass::Literal | ValueClass::Weak))
            })
            .collect();
        let Some(first) = found.first() else { return CHECKED };
        let mut keys: Vec<String> = Vec::new();
        for e in &found {
            let k = format!("`{}`", e.key.value);
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        let n = keys.len();
        let what = format!("{n} secret{} ({})", if n == 1 { "" } else { "s" }, keys.join(", "));
        let path = cx.path().to_owned();
        let tracked = cx.artifact().is_some_and(|a| a.tracked);
        let (message, severity) = if tracked {
            (
                format!("`{path}` is tracked by git and holds {what}: everyone who can read the repository has them, whatever `.gitignore` says now"),
                Severity::Blocker,
            )
        } else if !cx.project.has_git {
            (
                format!("`{path}` holds {what} and is not tracked by git (no git repository found): whoever commits this directory publishes them"),
                Severity::High,
            )
        } else {
            (
                format!("`{path}` holds {what} and is neither tracked nor ignored by git: the next `git add .` commits them"),
                Severity::High,
            )
        };
        let mut f = cx.report(first.key.span, message).severity(severity);
        for e in &found {
            f = f.secret(e.value.span);
        }
        f.help(if tracked {
            "rotate every secret in it, `git rm --cached` the file, add it to `.gitignore`, and commit a `.env.example` with empty values instead"
        } else {
            "add it to `.gitignore` and commit a `.env.example` with empty values instead"
        });
        CHECKED
    }
}
