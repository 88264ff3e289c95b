//! CI rules (`CI`, GitHub Actions and GitLab CI): one file per rule, one registration line each.

mod action_not_pinned;
mod no_test_step;
mod permissions;
mod pr_target_checkout;
mod script_injection;
mod security_non_blocking;

use super::Rule;

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(security_non_blocking::SecurityNonBlocking));
    rules.push(Box::new(action_not_pinned::ActionNotPinned));
    rules.push(Box::new(permissions::Permissions));
    rules.push(Box::new(script_injection::ScriptInjection));
    rules.push(Box::new(no_test_step::NoTestStep));
    rules.push(Box::new(pr_target_checkout::PrTargetCheckout));
}
