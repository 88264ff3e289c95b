//! The pipeline, end to end: discover → parse (rayon) → index → rules → score → report.

use std::time::Instant;

use rayon::prelude::*;

use crate::config::{FailOn, Settings};
use crate::discover;
use crate::engine;
use crate::error::Error;
use crate::finding::{Diagnostic, DiagnosticKind, Finding, Severity};
use crate::index::{FileMeta, FileSet, Project};
use crate::parse;
use crate::report::{Gate, Inventory, InventoryItem, Report, Scope, Stats};
use crate::rules;
use crate::rules::meta::RuleStatus;
use crate::score::{self, Verdict};

/// Run an audit. `Err` only for problems with the invocation or the root itself.
pub fn run(settings: &Settings) -> Result<Report, Error> {
    let threads = settings.jobs.unwrap_or(0);
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| Error::Threads(e.to_string()))?;
    pool.install(|| audit(settings, pool.current_num_threads()))
}

fn audit(settings: &Settings, threads: usize) -> Result<Report, Error> {
    let started = Instant::now();
    let baseline = match &settings.baseline {
        Some(p) => Some((crate::baseline::load(p)?, p.display().to_string())),
        None => None,
    };
    let discovery = discover::discover(settings)?;
    let mut diagnostics = discovery.diagnostics;
    diagnostics.extend(settings.config_notes.iter().cloned());
    diagnostics.extend(unmatched_patterns(settings, &discovery.files));

    let to_parse: Vec<&discover::DiscoveredFile> =
        discovery.files.iter().filter(|f| !settings.is_excluded(&f.path)).collect();
    let loaded: Vec<parse::Loaded> = to_parse.par_iter().map(|f| parse::load(f)).collect();
    let mut artifacts = Vec::new();
    let mut bytes = 0;
    for l in loaded {
        bytes += l.bytes;
        diagnostics.extend(l.diagnostics);
        artifacts.extend(l.artifact);
    }
    let mut files = FileSet::default();
    for f in &discovery.files {
        files.insert(f.path.clone(), FileMeta { size: f.size, tracked: f.tracked, executable: f.executable });
    }
    let scanned = artifacts.len();
    let project = Project::build(discovery.root_name, files, artifacts, discovery.has_git, settings);

    // Test data is inventoried, not audited: its parse problems are not the repository's.
    let test_paths: std::collections::HashSet<&str> =
        project.artifacts.iter().filter(|a| a.env.env == crate::model::Environment::Test).map(|a| a.path()).collect();
    diagnostics.retain(|d| !test_paths.contains(d.path.as_str()));

    let registry = rules::registry();
    let mut out = engine::run(&project, &registry, settings);
    diagnostics.extend(out.diagnostics);
    let baseline_info = baseline.map(|(b, file)| {
        let (info, notes) = crate::baseline::apply(&mut out.findings, &b, &file);
        diagnostics.extend(notes);
        info
    });
    diagnostics.sort();
    diagnostics.dedup();

    let deployable = project.is_deployable();
    let scorecard = score::score(&out.evaluated, &out.stats, &out.findings, deployable, settings);
    let (gate, scope) = gate(settings, &scorecard, &out.findings, baseline_info.as_ref());

    let inventory = Inventory {
        items: project
            .artifacts
            .iter()
            .map(|a| InventoryItem {
                path: a.path().to_owned(),
                kind: a.kind,
                env: a.env.clone(),
                tracked: a.tracked,
                audited: a.env.env != crate::model::Environment::Test,
            })
            .collect(),
    };
    Ok(Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        root_name: project.root_name.clone(),
        scorecard,
        findings: out.findings,
        diagnostics,
        inventory,
        gate,
        stats: Stats {
            files_discovered: project.files.len(),
            files_scanned: scanned,
            bytes_scanned: bytes,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            threads,
        },
        rules: out.evaluated,
        baseline: baseline_info,
        scope,
    })
}

/// `[paths] exclude`/`include` globs that match no discovered file.
fn unmatched_patterns(settings: &Settings, files: &[discover::DiscoveredFile]) -> Vec<Diagnostic> {
    let file = settings.config_file.as_deref().unwrap_or("configuration");
    let mut notes = Vec::new();
    for (key, pats) in [("paths.exclude", &settings.exclude), ("paths.include", &settings.include)] {
        for p in pats.iter().filter(|p| !files.iter().any(|f| p.is_match(&f.path))) {
            notes.push(Diagnostic::new(
                file,
                p.line,
                DiagnosticKind::Note,
                format!("{key}: `{}` matches no file; remove it or fix the glob", p.glob),
            ));
        }
    }
    notes
}

/// Does this finding lie inside the change (`--paths-from`)? Always true without one.
fn in_scope(settings: &Settings, f: &Finding) -> bool {
    match (&settings.changed_paths, &f.location) {
        (None, _) => true,
        (Some(c), Some(l)) => c.contains(&l.path),
        (Some(_), None) => settings.gate_repo_level,
    }
}

fn gate(
    settings: &Settings,
    card: &score::Scorecard,
    findings: &[Finding],
    baseline: Option<&crate::baseline::BaselineInfo>,
) -> (Gate, Option<Scope>) {
    let mut reasons = Vec::new();
    if card.verdict == Verdict::NotAssessed && !settings.allow_empty {
        reasons.push("nothing deployable was found (verdict NOT ASSESSED); pass --allow-empty to accept".to_owned());
    }
    let scope = settings.changed_paths.as_ref().map(|c| Scope {
        changed: c.clone(),
        repo_level_gates: settings.gate_repo_level,
        outside: u32::try_from(findings.iter().filter(|f| f.is_active() && !in_scope(settings, f)).count())
            .unwrap_or(u32::MAX),
    });
    if let FailOn::Severity(threshold) = settings.fail_on {
        let gating = findings
            .iter()
            .filter(|f| {
                f.is_active()
                    && f.severity >= threshold
                    && f.rule.meta().status != RuleStatus::Preview
                    && in_scope(settings, f)
            })
            .count();
        if gating > 0 {
            let what =
                if threshold == Severity::Blocker { "blocker".to_owned() } else { format!("{threshold}-or-worse") };
            reasons.push(format!("{gating} {what} finding{}", if gating == 1 { "" } else { "s" }));
        }
    }
    if let (Some(min), Some(score)) = (settings.min_score, card.overall) {
        // Under a baseline a legacy repository fails when it gets worse, not for its history.
        let recorded = baseline.and_then(|b| b.recorded_score);
        match recorded {
            Some(base) if base < min => {
                if score < base {
                    reasons.push(format!(
                        "overall score {score:.1} is below the baseline's {base:.1} (and the minimum {min:.1})"
                    ));
                }
            }
            _ => {
                if score < min {
                    reasons.push(format!("overall score {score:.1} is below the minimum {min:.1}"));
                }
            }
        }
    }
    let gate = Gate {
        passed: reasons.is_empty(),
        reasons,
        fail_on: match settings.fail_on {
            FailOn::Never => "never".to_owned(),
            FailOn::Severity(s) => s.id().to_owned(),
        },
        min_score: settings.min_score,
    };
    (gate, scope)
}
