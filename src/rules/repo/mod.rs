//! Repository-level rules (`PARSE`, `OPS`, `REF`, `SEC`…): one file per rule, one registration line each.

mod build_missing;
mod env_file_missing;
mod no_runbooks;
mod suppression_without_reason;
mod unloadable;

pub use no_runbooks::{runbook_evidence, runbook_evidence_in};

use super::Rule;

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(build_missing::BuildMissing));
    rules.push(Box::new(env_file_missing::EnvFileMissing));
    rules.push(Box::new(no_runbooks::NoRunbooks));
    rules.push(Box::new(suppression_without_reason::SuppressionWithoutReason));
    rules.push(Box::new(unloadable::Unloadable));
}
