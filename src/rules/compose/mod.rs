//! Compose rules (`DC`): one file per rule, one registration line each.

mod no_healthcheck;

pub use no_healthcheck::is_one_shot;

use super::Rule;

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(no_healthcheck::NoHealthcheck));
}
