//! Per-rule tests: every rule runs alone on `fixtures/rules/<CODE>/fail/` (must report, findings
//! snapshotted) and `fixtures/rules/<CODE>/pass/` (must report nothing). Fixtures are mini
//! repositories because discovery depends on real file names.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use prodready::app;
use prodready::config::Settings;
use prodready::finding::Finding;
use prodready::rules::meta::{RuleId, RuleStatus, RULES};

fn fixture_dir(code: &str, kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules").join(code).join(kind)
}

fn run_rule(rule: RuleId, dir: &Path) -> Vec<Finding> {
    let mut s = Settings::new(dir.to_path_buf());
    s.select = Some(BTreeSet::from([rule]));
    s.jobs = Some(1);
    match app::run(&s) {
        Ok(r) => r.findings.into_iter().filter(|f| f.rule == rule).collect(),
        Err(e) => panic!("{rule}: audit of {} failed: {e}", dir.display()),
    }
}

fn describe(f: &Finding) -> String {
    let loc = f.location.as_ref().map_or_else(|| "<repo>".to_owned(), |l| l.to_string());
    let mut s = format!("{loc} {} {}", f.severity, f.message);
    for r in &f.related {
        s.push_str(&format!("\n    related {}: {}", r.location, r.label));
    }
    if let Some(sup) = &f.suppressed {
        s.push_str(&format!("\n    suppressed ({}): {}", sup.kind, sup.reason));
    }
    s
}

#[test]
fn every_rule_has_fixtures_that_pin_it() {
    let mut problems = Vec::new();
    for meta in RULES.iter().filter(|m| m.status != RuleStatus::Removed) {
        let code = meta.code;
        let fail = fixture_dir(code, "fail");
        let pass = fixture_dir(code, "pass");
        if !fail.is_dir() || !pass.is_dir() {
            problems.push(format!("{code}: missing fixtures/rules/{code}/fail or /pass"));
            continue;
        }
        let bad = run_rule(meta.id, &fail);
        if bad.is_empty() {
            problems.push(format!("{code}: reported nothing on its fail fixture"));
        }
        for f in &bad {
            if f.location.is_some() && f.location.as_ref().is_some_and(|l| l.span.start.line == 0) {
                problems.push(format!("{code}: finding without a line: {}", describe(f)));
            }
        }
        let good = run_rule(meta.id, &pass);
        for f in &good {
            problems.push(format!("{code}: false positive on its pass fixture: {}", describe(f)));
        }
        let text: Vec<String> = bad.iter().map(describe).collect();
        insta::with_settings!({ snapshot_suffix => code, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("rule", text.join("\n"));
        });
    }
    assert!(problems.is_empty(), "rule fixture problems:\n{}", problems.join("\n"));
}

#[test]
fn no_stray_fixture_directories() {
    let codes: BTreeSet<&str> = RULES.iter().map(|m| m.code).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let Ok(rd) = std::fs::read_dir(&root) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(codes.contains(name.as_str()), "fixtures/rules/{name} has no rule");
    }
}
