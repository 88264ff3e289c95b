//! ENV006: an env key with lowercase letters.

use crate::finding::Severity;
use crate::model::EnvFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::invalid_key_name::name_problem;

pub struct LowercaseKey;

impl Rule for LowercaseKey {
    fn id(&self) -> RuleId {
        RuleId::ENV006
    }

    fn env_file(&self, cx: &mut Cx, env: &EnvFile) -> Checked {
        if env.entries.is_empty() {
            return NA;
        }
        for e in &env.entries {
            let key = &e.key.value;
            // Invalid names are ENV005's; one finding per key.
            if !key.chars().any(|c| c.is_ascii_lowercase()) || name_problem(key).is_some() {
                continue;
            }
            let upper = key.to_ascii_uppercase();
            let clash = env.entries.iter().any(|o| o.key.value == upper);
            let why = if clash {
                format!(
                    "the file also sets `{upper}`: on Linux these are two different variables, on Windows the same one"
                )
            } else {
                "variable names are case-sensitive on Linux, so code reading the conventional upper-case name does not see it".to_owned()
            };
            cx.report(e.key.span, format!("key `{key}` has lowercase letters: {why}"))
                .severity(if clash { Severity::Medium } else { Severity::Low })
                .help(format!("rename it to `{upper}` (and the code that reads it)"));
        }
        CHECKED
    }
}
