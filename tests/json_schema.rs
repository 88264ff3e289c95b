//! Real audits (every rule fixture, fail and pass) render JSON that validates against
//! `schemas/report-v1.schema.json`, and Markdown/terminal output that stays well formed.

use std::path::{Path, PathBuf};

use prodready::app;
use prodready::config::Settings;
use prodready::report::{json, markdown, terminal, RenderOptions};

fn fixture_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut dirs = Vec::new();
    for rule in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for kind in ["fail", "pass"] {
            let d = rule.path().join(kind);
            if d.is_dir() {
                dirs.push(d);
            }
        }
    }
    dirs.sort();
    dirs
}

#[test]
fn fixture_reports_validate_against_the_schema() {
    let schema_text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report-v1.schema.json"))
            .unwrap_or_else(|e| panic!("schema: {e}"));
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap_or_else(|e| panic!("schema: {e}"));
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema does not compile: {e}"));
    let dirs = fixture_dirs();
    assert!(!dirs.is_empty(), "no fixtures found");
    for dir in dirs {
        let mut settings = Settings::new(dir.clone());
        settings.jobs = Some(1);
        let report = app::run(&settings).unwrap_or_else(|e| panic!("audit of {} failed: {e}", dir.display()));
        let text = json::render(&report);
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: JSON does not validate:\n{}", dir.display(), errors.join("\n"));

        let md = markdown::render(&report);
        assert!(md.starts_with("# Production Readiness Report: "));
        assert!(!md.contains(&*dir.to_string_lossy()), "{}: absolute path in Markdown", dir.display());
        let plain = terminal::render(&report, RenderOptions { color: false, quiet: false });
        assert!(!plain.contains('\u{1b}'), "{}: ESC in plain terminal output", dir.display());
        assert!(plain.ends_with(&format!("{}\n", terminal::summary_line(&report))));
    }
}
