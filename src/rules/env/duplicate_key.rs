//! ENV001: a key defined twice in one env file.

use std::collections::HashMap;

use crate::finding::Severity;
use crate::model::envfile::EnvLine;
use crate::model::EnvFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED};

pub struct DuplicateKey;

impl Rule for DuplicateKey {
    fn id(&self) -> RuleId {
        RuleId::ENV001
    }

    fn env_file(&self, cx: &mut Cx, env: &EnvFile) -> Checked {
        let mut first: HashMap<&str, &EnvLine> = HashMap::new();
        for e in &env.entries {
            let Some(f) = first.get(e.key.value.as_str()) else {
                first.insert(e.key.value.as_str(), e);
                continue;
            };
            let same = f.value.value == e.value.value;
            let (message, severity) = if same {
                (format!("`{}` is defined twice with the same value", e.key.value), Severity::Low)
            } else if env.is_template() {
                (
                    format!(
                        "`{}` is defined twice with different values: whoever copies the template gets the later one",
                        e.key.value
                    ),
                    Severity::Low,
                )
            } else {
                (
                    format!("`{}` is defined twice with different values: the later one silently wins", e.key.value),
                    Severity::Medium,
                )
            };
            cx.report(e.key.span, message)
                .severity(severity)
                .related_here(f.key.span, "first definition")
                .help("keep one definition and delete the other");
        }
        CHECKED
    }
}
