//! Conventions that keep the rule catalog honest.

use std::collections::BTreeSet;

use prodready::rules::meta::{RuleId, RULES};
use prodready::rules::registry;

#[test]
fn every_rule_has_exactly_one_implementation() {
    let reg = registry();
    let implemented: Vec<RuleId> = reg.iter().map(|r| r.id()).collect();
    let unique: BTreeSet<RuleId> = implemented.iter().copied().collect();
    assert_eq!(unique.len(), implemented.len(), "a rule is registered twice");
    for m in RULES {
        assert!(unique.contains(&m.id), "{} has metadata but no implementation", m.code);
    }
}

#[test]
fn metadata_follows_the_style() {
    for m in RULES {
        assert!(!m.summary.ends_with('.'), "{}: summary is a title, no trailing period", m.code);
        assert!(m.remediation.ends_with('.'), "{}: remediation must end with a period", m.code);
        assert!(m.rationale.len() > 40, "{}: rationale too short", m.code);
        assert!(
            m.examples.iter().all(|e| !e.bad.trim().is_empty() && !e.good.trim().is_empty()),
            "{}: empty example",
            m.code
        );
        assert!(RuleId::lookup(m.code) == Some(m.id));
        assert!(RuleId::lookup(m.name) == Some(m.id));
    }
}
