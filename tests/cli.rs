//! End-to-end tests of the real binary: exit codes, output routing, formats, usage errors.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos").join(name)
}

fn prodready() -> Command {
    let mut c = Command::cargo_bin("prodready").unwrap_or_else(|e| panic!("binary not built: {e}"));
    c.env_remove("PRODREADY_FAIL_ON").env_remove("PRODREADY_MIN_SCORE").env("NO_COLOR", "1");
    c
}

fn json_of(args: &[&str]) -> (serde_json::Value, i32) {
    let out = prodready().args(args).output().unwrap_or_else(|e| panic!("run failed: {e}"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (v, out.status.code().unwrap_or(-1))
}

#[test]
fn malformed_repo_fails_the_gate_with_exit_1_not_2() {
    prodready().args(["audit"]).arg(fixture("malformed")).assert().code(1);
}

#[test]
fn well_prepared_repo_passes_the_gate() {
    prodready().args(["audit"]).arg(fixture("well-prepared")).assert().code(0);
}

#[test]
fn empty_repo_is_not_assessed_and_fails_closed() {
    let out = prodready().args(["audit", "--quiet"]).arg(fixture("empty")).assert().code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned()
        + &String::from_utf8_lossy(&out.get_output().stderr);
    assert!(text.contains("NOT ASSESSED"), "{text}");
    prodready().args(["audit", "--allow-empty"]).arg(fixture("empty")).assert().code(0);
}

#[test]
fn a_truly_empty_directory_is_not_assessed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    prodready().args(["audit"]).arg(dir.path()).assert().code(1);
    prodready().args(["audit", "--allow-empty"]).arg(dir.path()).assert().code(0);
}

#[test]
fn missing_root_is_a_usage_error() {
    prodready().args(["audit", "/definitely/not/here/prodready"]).assert().code(2);
    let f = tempfile::NamedTempFile::new().unwrap_or_else(|e| panic!("{e}"));
    prodready().args(["audit"]).arg(f.path()).assert().code(2);
}

#[test]
fn bad_flags_are_usage_errors() {
    prodready().args(["audit", "--fail-on", "sometimes", "."]).assert().code(2);
    prodready().args(["audit", "--min-score", "11", "."]).assert().code(2);
    prodready().args(["audit", "--format", "yaml", "."]).assert().code(2);
    prodready().args(["audit", "--jobs", "0", "."]).assert().code(2);
    prodready().args(["audit", "--format", "json", "--format", "markdown", "."]).assert().code(2);
    prodready().args(["explain", "NOPE999"]).assert().code(2);
}

#[test]
fn gate_thresholds() {
    // well-prepared has nothing above low: gating on high passes, gating on low may fail.
    prodready().args(["audit", "--fail-on", "high"]).arg(fixture("well-prepared")).assert().code(0);
    prodready().args(["audit", "--fail-on", "never"]).arg(fixture("malformed")).assert().code(0);
    // --min-score gates on its own, independently of --fail-on.
    prodready().args(["audit", "--fail-on", "never", "--min-score", "9.5"]).arg(fixture("poor")).assert().code(1);
    prodready().args(["audit", "--fail-on", "never", "--min-score", "0"]).arg(fixture("poor")).assert().code(0);
    prodready().args(["audit", "--min-score", "0"]).arg(fixture("well-prepared")).assert().code(0);
}

#[test]
fn json_on_stdout_is_json_alone() {
    let (v, code) = json_of(&["audit", "--format", "json", fixture("malformed").to_str().unwrap_or("")]);
    assert_eq!(code, 1);
    assert_eq!(v.get("schema_version").and_then(|s| s.as_u64()), Some(1));
}

#[test]
fn several_reports_from_one_run() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let json = dir.path().join("r.json");
    let md = dir.path().join("r.md");
    let out = prodready()
        .args(["audit"])
        .arg(fixture("poor"))
        .arg("--format")
        .arg(format!("json={}", json.display()))
        .arg("--format")
        .arg(format!("markdown={}", md.display()))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let json_text = std::fs::read_to_string(&json).unwrap_or_default();
    let parsed: Result<serde_json::Value, _> = serde_json::from_str(&json_text);
    assert!(parsed.is_ok(), "json report: {json_text}");
    let md_text = std::fs::read_to_string(&md).unwrap_or_default();
    assert!(md_text.starts_with("# "), "markdown report: {md_text}");
    // The terminal shows the human report.
    assert!(!out.stdout.is_empty());
}

#[test]
fn output_flag_writes_the_single_format() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let md = dir.path().join("report.md");
    prodready()
        .args(["audit", "--format", "markdown", "--output"])
        .arg(&md)
        .arg(fixture("well-prepared"))
        .assert()
        .code(0);
    assert!(std::fs::read_to_string(&md).unwrap_or_default().starts_with("# "));
}

#[test]
fn quiet_prints_only_the_summary_line() {
    let out = prodready().args(["audit", "--quiet"]).arg(fixture("poor")).output().unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(text.trim_end().lines().count(), 1, "{text}");
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let strip = |mut v: serde_json::Value| {
        if let Some(o) = v.as_object_mut() {
            o.remove("stats");
        }
        v
    };
    for name in ["poor", "well-prepared", "malformed"] {
        let p = fixture(name);
        let p = p.to_str().unwrap_or("");
        let (a, _) = json_of(&["audit", "--format", "json", "--jobs", "1", p]);
        let (b, _) = json_of(&["audit", "--format", "json", "--jobs", "4", p]);
        assert_eq!(strip(a), strip(b), "{name}");
    }
}

#[test]
fn rules_catalog_in_json_lists_codes_and_peers() {
    let (v, code) = json_of(&["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let rules = v.as_array().cloned().unwrap_or_default();
    assert!(!rules.is_empty());
    for r in &rules {
        for k in ["code", "name", "category", "severity", "peer"] {
            assert!(r.get(k).is_some(), "rule entry without `{k}`: {r}");
        }
    }
    let (v, _) = json_of(&["rules", "--format", "json", "--category", "operations"]);
    assert!(v
        .as_array()
        .is_some_and(|a| a.iter().all(|r| r.get("category").and_then(|c| c.as_str()) == Some("operations"))));
}

#[test]
fn explain_shows_rule_and_scoring() {
    let out = prodready().args(["explain", "OPS001"]).output().unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("OPS001") && text.contains("Remediation") && text.contains("Operational Readiness"),
        "{text}"
    );
    let out = prodready().args(["explain", "--scoring"]).output().unwrap_or_else(|e| panic!("{e}"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("pass ratio"));
}
