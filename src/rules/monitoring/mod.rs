//! Monitoring and observability rules (`MON`).

use super::Rule;

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    let _ = rules;
}
