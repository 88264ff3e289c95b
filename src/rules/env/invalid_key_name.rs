//! ENV005: an env key that is not a valid shell variable name (`FOO-BAR`, `app.port`, `1KEY`).

use crate::finding::Severity;
use crate::model::EnvFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct InvalidKeyName;

/// What is wrong with a key as a POSIX shell variable name.
pub(crate) fn name_problem(key: &str) -> Option<String> {
    let first = key.chars().next()?;
    if first.is_ascii_digit() {
        return Some(format!("starts with the digit `{first}`"));
    }
    let bad: Vec<char> = key.chars().filter(|c| !(c.is_ascii_alphanumeric() || *c == '_')).collect();
    let mut uniq: Vec<char> = Vec::new();
    for c in bad {
        if !uniq.contains(&c) {
            uniq.push(c);
        }
    }
    if uniq.is_empty() {
        return None;
    }
    let shown: Vec<String> = uniq.iter().map(|c| format!("`{c}`")).collect();
    Some(format!("contains {}", shown.join(" and ")))
}

impl Rule for InvalidKeyName {
    fn id(&self) -> RuleId {
        RuleId::ENV005
    }

    fn env_file(&self, cx: &mut Cx, env: &EnvFile) -> Checked {
        if env.entries.is_empty() {
            return NA;
        }
        for e in &env.entries {
            let Some(problem) = name_problem(&e.key.value) else { continue };
            let fixed: String = e
                .key
                .value
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' })
                .collect();
            let fixed = if fixed.starts_with(|c: char| c.is_ascii_digit()) { format!("_{fixed}") } else { fixed };
            cx.report(
                e.key.span,
                format!("key `{}` {problem}: it is not a valid shell variable name, so `source`/`set -a` loaders and many process managers reject or drop it, and the app may never see it", e.key.value),
            )
            .by_env(Severity::Medium, Severity::Low)
            .help(format!("use letters, digits and `_`, starting with a letter: `{fixed}`"));
        }
        CHECKED
    }
}
