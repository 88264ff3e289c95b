//! Resolved settings: defaults ⊕ config file ⊕ command line, one immutable value that the
//! pipeline, rules and renderers read.

pub mod file;
pub mod print;
pub mod starter;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::str::FromStr;

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};

use crate::finding::{Category, Diagnostic, Severity};
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
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality (Code Climate JSON subset).
    Gitlab,
    /// JUnit XML, for CI systems that only read test results.
    Junit,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Terminal,
        Format::Markdown,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Gitlab,
        Format::Junit,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Format::Terminal => "terminal",
            Format::Markdown => "markdown",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Junit => "junit",
        }
    }

    /// Formats meant for programs (stdout then holds that format alone).
    pub fn is_machine(self) -> bool {
        !matches!(self, Format::Terminal | Format::Markdown)
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "terminal" | "text" | "human" => Format::Terminal,
            "markdown" | "md" => Format::Markdown,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "github" | "github-actions" => Format::Github,
            "gitlab" | "codequality" | "code-quality" => Format::Gitlab,
            "junit" | "junit-xml" => Format::Junit,
            other => {
                return Err(format!(
                    "unknown format `{other}` (expected one of: {})",
                    Format::ALL.map(Format::id).join(", ")
                ))
            }
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
    /// Rules disabled for paths (`[rules.per_path]`).
    pub per_path: Vec<PathRule>,
    /// Files not audited (still known to reference resolution).
    pub exclude: Vec<Pattern>,
    /// Files audited even where they would be inventoried as test data.
    pub include: Vec<Pattern>,
    /// Resources the platform provides outside the repository (`[external]`).
    pub external: External,
    /// Capabilities the platform provides (`[provided]`): capability → where/how.
    pub provided: BTreeMap<Capability, String>,
    /// The configuration file that was read, as shown in messages (relative to the root when inside it).
    pub config_file: Option<String>,
    /// Notes produced while reading the configuration (renamed rule codes, …), reported as diagnostics.
    pub config_notes: Vec<Diagnostic>,
    /// `--baseline`: known findings do not gate.
    pub baseline: Option<PathBuf>,
    /// `--write-baseline`: record the current findings.
    pub write_baseline: Option<PathBuf>,
    /// `--paths-from`: only findings in these repository-relative paths gate.
    pub changed_paths: Option<ChangedPaths>,
    /// `--gate-repo-level`: with `changed_paths`, repository-level findings gate too.
    pub gate_repo_level: bool,
    /// `--report-unused-suppressions`.
    pub report_unused_suppressions: bool,
    /// `--max-bytes`: size cap of Markdown reports.
    pub max_bytes: Option<usize>,
}

/// A glob from the configuration, with the line it was written on (for "matched nothing" notes).
#[derive(Clone, Debug)]
pub struct Pattern {
    pub glob: String,
    pub line: Option<u32>,
    matchers: Vec<GlobMatcher>,
}

impl Pattern {
    /// `vendor` also matches everything under `vendor/`.
    pub fn new(glob: &str, line: Option<u32>) -> Result<Pattern, String> {
        let g = glob.trim_start_matches("./");
        let mut matchers = vec![Glob::new(g).map_err(|e| format!("invalid glob `{glob}`: {e}"))?.compile_matcher()];
        let dir = format!("{}/**", g.trim_end_matches('/'));
        if let Ok(d) = Glob::new(&dir) {
            matchers.push(d.compile_matcher());
        }
        Ok(Pattern { glob: glob.to_owned(), line, matchers })
    }

    pub fn is_match(&self, path: &str) -> bool {
        self.matchers.iter().any(|m| m.is_match(path))
    }
}

/// Rules disabled under a glob.
#[derive(Clone, Debug)]
pub struct PathRule {
    pub pattern: Pattern,
    pub rules: Vec<RuleId>,
}

/// What the cluster or platform provides that the repository only references.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct External {
    pub secrets: BTreeSet<String>,
    pub configmaps: BTreeSet<String>,
    pub volumes: BTreeSet<String>,
    pub networks: BTreeSet<String>,
}

/// A kind of external resource (for [`Settings::is_external`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExternalKind {
    Secret,
    ConfigMap,
    Volume,
    Network,
}

/// Operational capabilities a platform can provide outside the repository (`[provided]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    Monitoring,
    Alerting,
    Logging,
    Backups,
    Tracing,
    ErrorTracking,
    SecretsManagement,
    Autoscaling,
    Ci,
    Deploy,
}

impl Capability {
    pub const ALL: [Capability; 10] = [
        Capability::Monitoring,
        Capability::Alerting,
        Capability::Logging,
        Capability::Backups,
        Capability::Tracing,
        Capability::ErrorTracking,
        Capability::SecretsManagement,
        Capability::Autoscaling,
        Capability::Ci,
        Capability::Deploy,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Capability::Monitoring => "monitoring",
            Capability::Alerting => "alerting",
            Capability::Logging => "logging",
            Capability::Backups => "backups",
            Capability::Tracing => "tracing",
            Capability::ErrorTracking => "error_tracking",
            Capability::SecretsManagement => "secrets_management",
            Capability::Autoscaling => "autoscaling",
            Capability::Ci => "ci",
            Capability::Deploy => "deploy",
        }
    }
}

impl FromStr for Capability {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Capability::ALL.into_iter().find(|c| c.id() == s).ok_or_else(|| {
            format!("unknown capability `{s}` (expected one of: {})", Capability::ALL.map(Capability::id).join(", "))
        })
    }
}

/// The paths a change touched (`--paths-from`), repository-relative with `/`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangedPaths {
    files: BTreeSet<String>,
}

impl ChangedPaths {
    /// One path per line; blank lines and `#` comments skipped; `./` and `\\` normalised. A line
    /// ending in `/` names a directory.
    pub fn parse(text: &str) -> ChangedPaths {
        let files = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| l.replace('\\', "/").trim_start_matches("./").to_owned())
            .collect();
        ChangedPaths { files }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains(path) || self.files.iter().any(|d| d.ends_with('/') && path.starts_with(d.as_str()))
    }
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
            per_path: Vec::new(),
            exclude: Vec::new(),
            include: Vec::new(),
            external: External::default(),
            provided: BTreeMap::new(),
            config_file: None,
            config_notes: Vec::new(),
            baseline: None,
            write_baseline: None,
            changed_paths: None,
            gate_repo_level: false,
            report_unused_suppressions: false,
            max_bytes: None,
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

    /// Not audited because `[paths] exclude` matches it.
    pub fn is_excluded(&self, path: &str) -> bool {
        self.exclude.iter().any(|p| p.is_match(path))
    }

    /// Audited even as test data because `[paths] include` matches it.
    pub fn is_included(&self, path: &str) -> bool {
        self.include.iter().any(|p| p.is_match(path))
    }

    /// The `[rules.per_path]` entry (index) that disables `rule` at `path`, if any.
    pub fn path_disable(&self, rule: RuleId, path: &str) -> Option<usize> {
        self.per_path.iter().position(|p| p.rules.contains(&rule) && p.pattern.is_match(path))
    }

    /// Is this resource provided outside the repository (`[external]` in the configuration)?
    pub fn is_external(&self, kind: ExternalKind, name: &str) -> bool {
        let set = match kind {
            ExternalKind::Secret => &self.external.secrets,
            ExternalKind::ConfigMap => &self.external.configmaps,
            ExternalKind::Volume => &self.external.volumes,
            ExternalKind::Network => &self.external.networks,
        };
        set.contains(name)
    }

    /// How the platform provides a capability (`[provided]`), when the configuration says so.
    pub fn provided(&self, c: Capability) -> Option<&str> {
        self.provided.get(&c).map(String::as_str)
    }
}
