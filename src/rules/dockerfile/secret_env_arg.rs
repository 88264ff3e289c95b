//! DF006: a secret baked into the image through ENV or ARG.

use crate::finding::{Confidence, Severity};
use crate::index::mask::mask;
use crate::index::secrets::{self, ValueClass};
use crate::model::dockerfile::{Args, Dockerfile};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct SecretEnvArg;

impl Rule for SecretEnvArg {
    fn id(&self) -> RuleId {
        RuleId::DF006
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        if df.instructions.is_empty() {
            return NA;
        }
        for i in &df.instructions {
            let (kvs, kw) = match &i.args {
                Args::Env(kvs) => (kvs, "ENV"),
                Args::Arg(kvs) => (kvs, "ARG"),
                _ => continue,
            };
            for kv in kvs {
                let key = kv.key.value.as_str();
                match &kv.value {
                    Some(v) if !v.value.is_empty() => {
                        let Some(m) = secrets::check(Some(key), &v.value) else { continue };
                        let (prod, other) = match m.class {
                            ValueClass::Literal => (Severity::Blocker, Severity::High),
                            _ => (Severity::High, Severity::Medium),
                        };
                        let kind = match m.class {
                            ValueClass::Placeholder => "a placeholder secret",
                            ValueClass::Weak => "a weak secret",
                            _ => "a secret",
                        };
                        cx.report(
                            v.span,
                            format!("`{kw} {key}` bakes {kind} ({}, {}) into the image", m.what, mask(&v.value)),
                        )
                        .by_env(prod, other)
                        .confidence(m.confidence)
                        .secret(v.span);
                    }
                    _ if kw == "ARG" && secrets::is_secret_key(key) => {
                        cx.report(
                            kv.key.span,
                            format!(
                                "`ARG {key}` passes a secret at build time; its value is recorded in the image history"
                            ),
                        )
                        .severity(Severity::Medium)
                        .confidence(Confidence::Medium);
                    }
                    _ => {}
                }
            }
        }
        CHECKED
    }
}
