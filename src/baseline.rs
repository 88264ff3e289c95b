//! Baselines: `--write-baseline FILE` records the current findings; `--baseline FILE` marks the
//! recorded ones as suppressed (kind `baseline`: listed, scored, not gating) and reports the
//! recorded findings that are gone.
//!
//! Findings are matched by fingerprint only. The fingerprint hashes the rule's original code, the
//! file and the whitespace-normalised first line of the finding's snippet (plus an occurrence
//! number among identical ones) — never the line number — so a finding that moves survives, and a
//! renamed rule keeps matching.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::file::{renamed_note, resolve_rule};
use crate::error::Error;
use crate::finding::{Diagnostic, DiagnosticKind, Finding, Suppression};
use crate::report::Report;
use crate::suppress;

/// Version of the baseline file format.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaselineFile {
    /// Format version (this is version 1).
    pub prodready_baseline: u32,
    pub tool_version: String,
    /// Overall score when recorded (`null` when nothing was assessed).
    pub score: Option<f64>,
    pub findings: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    /// `null` for repository-level findings.
    pub path: Option<String>,
    /// Informational: where it was when recorded (matching never uses it).
    pub line: Option<u32>,
    pub message: String,
}

/// What a `--baseline` run found, for reports.
#[derive(Clone, Debug, PartialEq)]
pub struct BaselineInfo {
    /// The baseline file as given on the command line.
    pub file: String,
    pub recorded_score: Option<f64>,
    /// Active findings (not in the baseline).
    pub new: u32,
    /// Findings recorded in the baseline and still present.
    pub known: u32,
    /// Recorded findings that are gone.
    pub fixed: Vec<Entry>,
}

/// The baseline of a report: its findings that are not suppressed inline or by configuration.
pub fn from_report(r: &Report) -> BaselineFile {
    let findings = r
        .findings
        .iter()
        .filter(|f| f.suppressed.as_ref().is_none_or(|s| s.kind == suppress::BASELINE))
        .map(|f| Entry {
            fingerprint: f.fingerprint.clone(),
            rule: f.rule.code().to_owned(),
            path: f.location.as_ref().map(|l| l.path.clone()),
            line: f.location.as_ref().map(|l| l.span.start.line).filter(|l| *l > 0),
            message: f.message.clone(),
        })
        .collect();
    BaselineFile {
        prodready_baseline: FORMAT_VERSION,
        tool_version: r.tool_version.to_owned(),
        score: r.scorecard.overall,
        findings,
    }
}

pub fn render(r: &Report) -> String {
    serde_json::to_string_pretty(&from_report(r)).map(|s| s + "\n").unwrap_or_default()
}

pub fn load(path: &Path) -> Result<BaselineFile, Error> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::Usage(format!("--baseline `{}`: {e}", path.display())))?;
    let b: BaselineFile = serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "--baseline `{}`:{}:{}: not a prodready baseline: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    if b.prodready_baseline != FORMAT_VERSION {
        return Err(Error::Usage(format!(
            "--baseline `{}`: baseline format {} is not supported (this prodready reads format {FORMAT_VERSION})",
            path.display(),
            b.prodready_baseline
        )));
    }
    Ok(b)
}

/// Mark the findings the baseline knows; return the summary and notes (renamed rule codes).
pub fn apply(findings: &mut [Finding], b: &BaselineFile, file: &str) -> (BaselineInfo, Vec<Diagnostic>) {
    let mut notes = Vec::new();
    let mut renamed = BTreeMap::new();
    for e in &b.findings {
        if let Some(r) = resolve_rule(&e.rule) {
            if let Some(old) = r.renamed_from {
                renamed.entry(old.to_owned()).or_insert_with(|| renamed_note(old, r.id));
            }
        }
    }
    for (_, n) in renamed {
        notes.push(Diagnostic::new(file, None, DiagnosticKind::Note, format!("{n} (re-record the baseline)")));
    }
    let recorded: BTreeSet<&str> = b.findings.iter().map(|e| e.fingerprint.as_str()).collect();
    let mut present = BTreeSet::new();
    let (mut new, mut known) = (0, 0);
    for f in findings.iter_mut() {
        if recorded.contains(f.fingerprint.as_str()) {
            present.insert(f.fingerprint.clone());
            if f.suppressed.is_none() {
                f.suppressed =
                    Some(Suppression { kind: suppress::BASELINE, reason: format!("recorded in baseline `{file}`") });
                known += 1;
            }
        } else if f.suppressed.is_none() {
            new += 1;
        }
    }
    let fixed = b.findings.iter().filter(|e| !present.contains(&e.fingerprint)).cloned().collect();
    (BaselineInfo { file: file.to_owned(), recorded_score: b.score, new, known, fixed }, notes)
}
