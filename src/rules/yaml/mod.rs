//! YAML validity rules (`YAML`) that apply to every YAML artifact kind.

mod duplicate_keys;

use super::Rule;

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(duplicate_keys::DuplicateKeys));
}
