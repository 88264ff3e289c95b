//! Env-file rules (`ENV`): one file per rule, one registration line each.

mod bad_substitution;
mod committed_secrets;
mod duplicate_key;
mod invalid_key_name;
mod lowercase_key;
mod malformed_line;
mod space_around_equals;
mod unquoted_space;
mod weak_secret;

use super::Rule;

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(duplicate_key::DuplicateKey));
    rules.push(Box::new(malformed_line::MalformedLine));
    rules.push(Box::new(weak_secret::WeakSecret));
    rules.push(Box::new(committed_secrets::CommittedSecrets));
    rules.push(Box::new(invalid_key_name::InvalidKeyName));
    rules.push(Box::new(lowercase_key::LowercaseKey));
    rules.push(Box::new(unquoted_space::UnquotedSpace));
    rules.push(Box::new(space_around_equals::SpaceAroundEquals));
    rules.push(Box::new(bad_substitution::BadSubstitution));
}
