//! The report: the one input of every renderer. Built from the analysis; renderers never import
//! rules and never see internal stages.

pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod markdown;
#[cfg(test)]
pub(crate) mod sample;
pub mod sarif;
pub mod terminal;
mod text;

pub(crate) use text::clean as text_clean;

#[cfg(test)]
pub(crate) use sample::sample_report;

use std::collections::BTreeMap;

pub use crate::baseline::BaselineInfo;
use crate::finding::{Diagnostic, Finding, Severity};
use crate::model::{ArtifactKind, EnvInfo, Environment};
use crate::rules::meta::RuleId;
use crate::score::Scorecard;

/// One audited (or inventoried) artifact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InventoryItem {
    pub path: String,
    pub kind: ArtifactKind,
    pub env: EnvInfo,
    pub tracked: bool,
    /// False for test data (inventoried, not audited).
    pub audited: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub items: Vec<InventoryItem>,
}

impl Inventory {
    /// kind → environment → count.
    pub fn counts(&self) -> BTreeMap<ArtifactKind, BTreeMap<Environment, u32>> {
        let mut m: BTreeMap<ArtifactKind, BTreeMap<Environment, u32>> = BTreeMap::new();
        for i in &self.items {
            *m.entry(i.kind).or_default().entry(i.env.env).or_default() += 1;
        }
        m
    }
}

/// The gate decision.
#[derive(Clone, Debug, PartialEq)]
pub struct Gate {
    pub passed: bool,
    /// Why it failed (empty when passed).
    pub reasons: Vec<String>,
    /// `blocker`, `high`, … or `never`.
    pub fail_on: String,
    pub min_score: Option<f64>,
}

/// Everything that varies between identical runs lives here.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub files_discovered: usize,
    pub files_scanned: usize,
    pub bytes_scanned: u64,
    pub duration_ms: u64,
    pub threads: usize,
}

#[derive(Clone, Debug)]
pub struct Report {
    pub tool_version: &'static str,
    /// Directory name of the audited root (never an absolute path).
    pub root_name: String,
    pub scorecard: Scorecard,
    /// Sorted by (path, line, column, rule).
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub inventory: Inventory,
    pub gate: Gate,
    pub stats: Stats,
    /// Rules that were evaluated.
    pub rules: Vec<RuleId>,
    /// `--baseline`: what is new, known and fixed.
    pub baseline: Option<BaselineInfo>,
    /// `--paths-from`: the change the gate was limited to.
    pub scope: Option<Scope>,
}

/// The gate limited to a change (`--paths-from`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// The changed paths listed.
    pub changed: crate::config::ChangedPaths,
    /// Repository-level findings gate too (`--gate-repo-level`).
    pub repo_level_gates: bool,
    /// Active findings that do not gate because they lie outside the change.
    pub outside: u32,
}

impl Report {
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_active())
    }

    /// Active findings of exactly this severity.
    pub fn with_severity(&self, s: Severity) -> impl Iterator<Item = &Finding> {
        self.active().filter(move |f| f.severity == s)
    }

    /// Active findings ordered for reading: most severe first, then by location.
    pub fn by_severity(&self) -> Vec<&Finding> {
        let mut v: Vec<&Finding> = self.active().collect();
        v.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.sort_key().cmp(&b.sort_key())));
        v
    }
}

impl Scope {
    /// Does this finding lie inside the change?
    pub fn contains(&self, f: &Finding) -> bool {
        match &f.location {
            Some(l) => self.changed.contains(&l.path),
            None => self.repo_level_gates,
        }
    }
}

impl Report {
    /// Is this active finding outside the change the gate was limited to (`--paths-from`)?
    pub fn outside_scope(&self, f: &Finding) -> bool {
        self.scope.as_ref().is_some_and(|s| !s.contains(f))
    }

    /// The file repository-level findings are shown on where a format needs one (SARIF, GitLab):
    /// the root README when there is one, else the first deployable artifact, else any artifact.
    pub fn repo_anchor(&self) -> Option<&str> {
        let items = &self.inventory.items;
        items
            .iter()
            .find(|i| i.path.eq_ignore_ascii_case("README.md"))
            .or_else(|| items.iter().find(|i| i.audited && i.kind.is_deployable()))
            .or_else(|| items.first())
            .map(|i| i.path.as_str())
    }
}

/// Options that shape rendering (not content).
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    pub color: bool,
    pub quiet: bool,
}
