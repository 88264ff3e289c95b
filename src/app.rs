//! The pipeline, end to end: discover → parse (rayon) → index → rules → score → report.

use std::time::Instant;

use rayon::prelude::*;

use crate::config::{FailOn, Settings};
use crate::discover;
use crate::engine;
use crate::error::Error;
use crate::finding::Severity;
use crate::index::{FileMeta, FileSet, Project};
use crate::parse;
use crate::report::{Gate, Inventory, InventoryItem, Report, Stats};
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
    let discovery = discover::discover(settings)?;
    let mut diagnostics = discovery.diagnostics;

    let loaded: Vec<parse::Loaded> = discovery.files.par_iter().map(parse::load).collect();
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
    let out = engine::run(&project, &registry, settings);
    diagnostics.extend(out.diagnostics);
    diagnostics.sort();
    diagnostics.dedup();

    let deployable = project.is_deployable();
    let scorecard = score::score(&out.evaluated, &out.stats, &out.findings, deployable, settings);
    let gate = gate(settings, &scorecard, &out.findings);

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
    })
}

fn gate(settings: &Settings, card: &score::Scorecard, findings: &[crate::finding::Finding]) -> Gate {
    let mut reasons = Vec::new();
    if card.verdict == Verdict::NotAssessed && !settings.allow_empty {
        reasons.push("nothing deployable was found (verdict NOT ASSESSED); pass --allow-empty to accept".to_owned());
    }
    if let FailOn::Severity(threshold) = settings.fail_on {
        let gating = findings
            .iter()
            .filter(|f| f.is_active() && f.severity >= threshold && f.rule.meta().status != RuleStatus::Preview)
            .count();
        if gating > 0 {
            let what =
                if threshold == Severity::Blocker { "blocker".to_owned() } else { format!("{threshold}-or-worse") };
            reasons.push(format!("{gating} {what} finding{}", if gating == 1 { "" } else { "s" }));
        }
    }
    if let (Some(min), Some(score)) = (settings.min_score, card.overall) {
        if score < min {
            reasons.push(format!("overall score {score:.1} is below the minimum {min:.1}"));
        }
    }
    Gate {
        passed: reasons.is_empty(),
        reasons,
        fail_on: match settings.fail_on {
            FailOn::Never => "never".to_owned(),
            FailOn::Severity(s) => s.id().to_owned(),
        },
        min_score: settings.min_score,
    }
}
