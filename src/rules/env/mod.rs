//! Env-file rules (`ENV`): one file per rule, one registration line each.

mod committed_secrets;
mod duplicate_key;
mod malformed_line;
mod weak_secret;

use super::Rule;

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(duplicate_key::DuplicateKey));
    rules.push(Box::new(malformed_line::MalformedLine));
    rules.push(Box::new(weak_secret::WeakSecret));
    rules.push(Box::new(committed_secrets::CommittedSecrets));
}
