//! DF028: an ENV value refers to a variable set earlier in the same ENV instruction.

use crate::finding::Severity;
use crate::model::dockerfile::{Args, Dockerfile};
use crate::model::interp;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct EnvSelfReference;

impl Rule for EnvSelfReference {
    fn id(&self) -> RuleId {
        RuleId::DF028
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let mut seen = false;
        for (idx, i) in df.instructions.iter().enumerate() {
            let Args::Env(kvs) = &i.args else { continue };
            seen = true;
            for (k, kv) in kvs.iter().enumerate() {
                let Some(value) = &kv.value else { continue };
                for r in interp::parse(&value.value) {
                    let Some(earlier) = kvs.iter().take(k).find(|e| e.key.value == r.name) else { continue };
                    let before = df.expand_at(idx, &format!("${{{}}}", r.name));
                    let new = earlier.value.as_ref().map_or("", |v| v.value.as_str());
                    let outcome = if before.contains('$') {
                        "nothing (it is not set before this line), so it expands to an empty string".to_owned()
                    } else if before == new {
                        continue; // same value either way
                    } else {
                        "its value from before this line, not the one set here".to_owned()
                    };
                    cx.report(
                        value.span,
                        format!(
                            "`{}` uses `${}`, which this same `ENV` sets: Docker substitutes {outcome}",
                            kv.key.value, r.name
                        ),
                    )
                    .by_env(Severity::Medium, Severity::Low)
                    .related_here(earlier.key.span, "set here, in the same instruction")
                    .help(format!(
                        "move `{}` to its own `ENV` line after the one that sets `{}`",
                        kv.key.value, r.name
                    ));
                }
            }
        }
        if seen {
            CHECKED
        } else {
            NA
        }
    }
}
