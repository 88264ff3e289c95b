//! Resolved settings: defaults ⊕ config file ⊕ command line, one immutable value that the
//! pipeline, rules and renderers read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::str::FromStr;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::finding::{Category, Severity};
use crate::rules::meta::RuleId;

/// Default size cap for a single file.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Fail when any active finding is at least this severe.
    Severity(Severity),
    Never,
}

impl FromStr for FailOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("never") || s.eq_ignore_ascii_case("none") {
            return Ok(FailOn::Never);
        }
        match Severity::from_str(s) {
            Ok(Severity::Info) => Err("`info` cannot gate; use blocker, high, medium, low or never".to_owned()),
            Ok(sev) => Ok(FailOn::Severity(sev)),
            Err(_) => Err(format!("unknown gate threshold `{s}` (expected blocker, high, medium, low or never)")),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Terminal,
    Markdown,
    Json,
}

impl Format {
    pub fn id(self) -> &'static str {
        match self {
            Format::Terminal => "terminal",
            Format::Markdown => "markdown",
            Format::Json => "json",
        }
    }

    /// Formats meant for programs (stdout then holds that format alone).
    pub fn is_machine(self) -> bool {
        matches!(self, Format::Json)
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "terminal" | "text" | "human" => Format::Terminal,
            "markdown" | "md" => Format::Markdown,
            "json" => Format::Json,
            other => return Err(format!("unknown format `{other}` (expected terminal, markdown or json)")),
        })
    }
}

/// One report to write: a format and where (`None` = stdout).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputSpec {
    pub format: Format,
    pub path: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl FromStr for ColorChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "auto" => ColorChoice::Auto,
            "always" => ColorChoice::Always,
            "never" => ColorChoice::Never,
            other => return Err(format!("unknown color choice `{other}` (expected auto, always or never)")),
        })
    }
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub root: PathBuf,
    pub outputs: Vec<OutputSpec>,
    pub fail_on: FailOn,
    pub min_score: Option<f64>,
    /// Worker threads (`None` = all cores).
    pub jobs: Option<usize>,
    pub quiet: bool,
    pub color: ColorChoice,
    /// An empty / non-deployable root passes the gate.
    pub allow_empty: bool,
    /// Audit files that `.gitignore` excludes (and git does not track).
    pub include_ignored: bool,
    pub max_file_size: u64,
    pub disabled: BTreeSet<RuleId>,
    /// When set, only these rules run (`--select`).
    pub select: Option<BTreeSet<RuleId>>,
    pub severity_overrides: BTreeMap<RuleId, Severity>,
    production_env: Option<GlobSet>,
    pub production_env_patterns: Vec<String>,
    /// Relative weight of each category in the overall score (default 1 each).
    pub category_weights: BTreeMap<Category, f64>,
}

impl Settings {
    pub fn new(root: PathBuf) -> Settings {
        Settings {
            root,
            outputs: Vec::new(),
            fail_on: FailOn::Severity(Severity::Blocker),
            min_score: None,
            jobs: None,
            quiet: false,
            color: ColorChoice::Auto,
            allow_empty: false,
            include_ignored: false,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            disabled: BTreeSet::new(),
            select: None,
            severity_overrides: BTreeMap::new(),
            production_env: None,
            production_env_patterns: Vec::new(),
            category_weights: Category::ALL.iter().map(|c| (*c, 1.0)).collect(),
        }
    }

    /// Set the globs of files that are production whatever their name says.
    pub fn set_production_env(&mut self, patterns: Vec<String>) -> Result<(), String> {
        let mut b = GlobSetBuilder::new();
        for p in &patterns {
            b.add(Glob::new(p).map_err(|e| format!("invalid glob `{p}` in production_env: {e}"))?);
        }
        self.production_env = Some(b.build().map_err(|e| e.to_string())?);
        self.production_env_patterns = patterns;
        Ok(())
    }

    pub fn is_production_path(&self, path: &str) -> bool {
        self.production_env.as_ref().is_some_and(|g| g.is_match(path))
    }

    pub fn is_enabled(&self, rule: RuleId) -> bool {
        !self.disabled.contains(&rule) && self.select.as_ref().is_none_or(|s| s.contains(&rule))
    }

    pub fn category_weight(&self, c: Category) -> f64 {
        self.category_weights.get(&c).copied().unwrap_or(1.0)
    }
}
