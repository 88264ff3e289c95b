//! ENV007: an unquoted value with whitespace.

use crate::finding::Severity;
use crate::index::mask::mask;
use crate::index::secrets;
use crate::model::EnvFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct UnquotedSpace;

impl Rule for UnquotedSpace {
    fn id(&self) -> RuleId {
        RuleId::ENV007
    }

    fn env_file(&self, cx: &mut Cx, env: &EnvFile) -> Checked {
        if env.entries.is_empty() {
            return NA;
        }
        for e in env.entries.iter().filter(|e| e.unquoted_space) {
            let key = &e.key.value;
            let secret = secrets::is_secret_key(key);
            let shown = if secret { mask(&e.value.value) } else { format!("`{}`", e.value.value) };
            let first = e.value.value.split_whitespace().next().unwrap_or("");
            let second = e.value.value.split_whitespace().nth(1).unwrap_or("");
            let mut f = cx
                .report(
                    e.value.span,
                    format!("`{key}` has an unquoted value with spaces ({shown}): compose reads it whole, but a shell that sources the file sets `{key}={}` and runs {} as a command", if secret { "…".to_owned() } else { first.to_owned() }, if secret { "the rest".to_owned() } else { format!("`{second}`") }),
                )
                .by_env(Severity::Medium, Severity::Low)
                .help(format!("quote it: `{key}=\"…\"`"));
            if secret {
                f = f.secret(e.value.span);
            }
            let _ = f;
        }
        CHECKED
    }
}
