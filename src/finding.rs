//! Findings and diagnostics: what rules and the pipeline produce, before scoring.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::model::Environment;
use crate::rules::meta::RuleId;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Blocker,
}

impl Severity {
    pub const ALL_DESC: [Severity; 5] =
        [Severity::Blocker, Severity::High, Severity::Medium, Severity::Low, Severity::Info];

    pub fn id(self) -> &'static str {
        match self {
            Severity::Blocker => "blocker",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// Scoring weight (OpenSSF Scorecard's 10 / 7.5 / 5 / 2.5; info does not score).
    pub fn weight(self) -> f64 {
        match self {
            Severity::Blocker => 10.0,
            Severity::High => 7.5,
            Severity::Medium => 5.0,
            Severity::Low => 2.5,
            Severity::Info => 0.0,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "blocker" | "critical" => Severity::Blocker,
            "high" => Severity::High,
            "medium" => Severity::Medium,
            "low" => Severity::Low,
            "info" => Severity::Info,
            other => return Err(format!("unknown severity `{other}` (expected blocker, high, medium, low or info)")),
        })
    }
}

/// The eight readiness categories (ids and names are fixed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Env,
    Iac,
    Cicd,
    Observability,
    Backup,
    Security,
    Scalability,
    Operations,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Env,
        Category::Iac,
        Category::Cicd,
        Category::Observability,
        Category::Backup,
        Category::Security,
        Category::Scalability,
        Category::Operations,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Category::Env => "env",
            Category::Iac => "iac",
            Category::Cicd => "cicd",
            Category::Observability => "observability",
            Category::Backup => "backup",
            Category::Security => "security",
            Category::Scalability => "scalability",
            Category::Operations => "operations",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Category::Env => "Environment Configuration",
            Category::Iac => "Infrastructure as Code",
            Category::Cicd => "CI/CD Pipelines",
            Category::Observability => "Monitoring & Observability",
            Category::Backup => "Backup & Disaster Recovery",
            Category::Security => "Security Hardening",
            Category::Scalability => "Scalability Preparation",
            Category::Operations => "Operational Readiness",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL.into_iter().find(|c| c.id().eq_ignore_ascii_case(s)).ok_or_else(|| {
            format!("unknown category `{s}` (expected one of: {})", Category::ALL.map(|c| c.id()).join(", "))
        })
    }
}

/// How sure a rule is that a finding is real.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// A place in a file of the repository.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// Repository-relative path with `/`.
    pub path: String,
    pub span: Span,
}

impl Location {
    pub fn new(path: impl Into<String>, span: Span) -> Self {
        Location { path: path.into(), span }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.span.start.line == 0 {
            write!(f, "{}", self.path)
        } else {
            write!(f, "{}:{}:{}", self.path, self.span.start.line, self.span.start.col)
        }
    }
}

/// A secondary location with a label ("builds from this Dockerfile").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    pub location: Location,
    pub label: String,
}

/// Source lines around a finding, already masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub first_line: u32,
    pub lines: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `inline`, `config` or `baseline`.
    pub kind: &'static str,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub confidence: Confidence,
    pub environment: Environment,
    pub message: String,
    /// `None` only for repository-level absences.
    pub location: Option<Location>,
    pub related: Vec<Related>,
    /// Extra, finding-specific remediation (the rule's remediation is always shown too).
    pub help: Option<String>,
    pub snippet: Option<Snippet>,
    pub fingerprint: String,
    pub suppressed: Option<Suppression>,
    /// Index of the rule target this finding failed (engine-internal; used by scoring).
    pub target: u32,
}

impl Finding {
    pub fn sort_key(&self) -> (&str, u32, u32, &'static str, &str) {
        let (path, line, col) = match &self.location {
            Some(l) => (l.path.as_str(), l.span.start.line, l.span.start.col),
            None => ("", 0, 0),
        };
        (path, line, col, self.rule.code(), self.message.as_str())
    }

    pub fn is_active(&self) -> bool {
        self.suppressed.is_none()
    }

    /// Counts in scores and the verdict: active, or known from a baseline (a baseline decides what
    /// gates, it does not make the repository more ready).
    pub fn scores(&self) -> bool {
        self.suppressed.as_ref().is_none_or(|s| s.kind == "baseline")
    }
}

/// Problems with files (not with the repository's readiness): parse errors, skipped files.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub path: String,
    /// 1-based line when known.
    pub line: Option<u32>,
    pub kind: DiagnosticKind,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticKind {
    /// The file could not be parsed (or only partly).
    Parse,
    /// The file was parsed but a field has the wrong shape.
    Schema,
    /// The file could not be read (permissions, vanished, I/O error).
    Io,
    /// Skipped on purpose: too large, binary, symlink out of the root.
    Skipped,
    /// Text was decoded lossily or similar, analysis continued.
    Encoding,
    /// A rule failed internally on this file; the run continued.
    Internal,
    /// Informational note about discovery (ignored local files, etc.).
    Note,
}

impl DiagnosticKind {
    pub fn id(self) -> &'static str {
        match self {
            DiagnosticKind::Parse => "parse",
            DiagnosticKind::Schema => "schema",
            DiagnosticKind::Io => "io",
            DiagnosticKind::Skipped => "skipped",
            DiagnosticKind::Encoding => "encoding",
            DiagnosticKind::Internal => "internal",
            DiagnosticKind::Note => "note",
        }
    }
}

impl Diagnostic {
    pub fn new(path: impl Into<String>, line: Option<u32>, kind: DiagnosticKind, message: impl Into<String>) -> Self {
        Diagnostic { path: path.into(), line, kind, message: message.into() }
    }
}
