//! Rule metadata, compiled from `rules/**/*.toml` by `build.rs`.

use serde::Serialize;

use crate::finding::{Category, Severity};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleStatus {
    Stable,
    /// New rules: reported, never gate until promoted.
    Preview,
    Deprecated,
    Removed,
}

/// What a rule judges: a readiness property, or whether configuration can load and run at all.
/// Validity rules never earn credit in scores; their failures take it away (see `score.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    Readiness,
    Validity,
}

/// Rough size of the fix, for the "estimated effort to ready" of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effort {
    Minutes,
    Hours,
    Days,
}

impl Effort {
    pub fn id(self) -> &'static str {
        match self {
            Effort::Minutes => "minutes",
            Effort::Hours => "hours",
            Effort::Days => "days",
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Example {
    pub file: Option<&'static str>,
    pub bad: &'static str,
    pub good: &'static str,
}

#[derive(Debug, Serialize)]
pub struct RuleMeta {
    #[serde(skip)]
    pub id: RuleId,
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub status: RuleStatus,
    pub effort: Effort,
    pub kind: RuleKind,
    pub summary: &'static str,
    pub rationale: &'static str,
    pub remediation: &'static str,
    pub peer: &'static [&'static str],
    pub aliases: &'static [&'static str],
    pub verify: Option<&'static str>,
    /// Metadata file, relative to the crate root.
    pub source: &'static str,
    pub examples: &'static [Example],
}

include!(concat!(env!("OUT_DIR"), "/rules_generated.rs"));

impl RuleId {
    /// Look up by code, name or alias (case-insensitive code).
    pub fn lookup(s: &str) -> Option<RuleId> {
        RULES
            .iter()
            .find(|m| {
                m.code.eq_ignore_ascii_case(s) || m.name == s || m.aliases.iter().any(|a| a.eq_ignore_ascii_case(s))
            })
            .map(|m| m.id)
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}
