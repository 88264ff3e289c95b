//! Report snapshots and end-to-end expectations for the fixture repositories: findings (rule,
//! file, line), scores, verdicts and the Markdown/JSON reports as a whole.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos").join(name)
}

fn run(name: &str, format: &str) -> (String, i32) {
    let out = Command::cargo_bin("prodready")
        .unwrap_or_else(|e| panic!("{e}"))
        .env("NO_COLOR", "1")
        .args(["audit", "--jobs", "2", "--format", format])
        .arg(fixture(name))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (String::from_utf8_lossy(&out.stdout).into_owned(), out.status.code().unwrap_or(-1))
}

fn json(name: &str) -> (Value, i32) {
    let (text, code) = run(name, "json");
    let mut v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
    // Everything that varies between identical runs lives in `stats`.
    if let Some(o) = v.as_object_mut() {
        o.remove("stats");
    }
    (v, code)
}

fn findings(v: &Value) -> Vec<(String, String, String, i64)> {
    v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["suppressed"] == Value::Bool(false))
                .map(|f| {
                    (
                        f["severity"].as_str().unwrap_or("").to_owned(),
                        f["rule"].as_str().unwrap_or("").to_owned(),
                        f["file"].as_str().unwrap_or("").to_owned(),
                        f["line"].as_i64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn poor_repository_lists_its_blockers_with_locations() {
    let (v, code) = json("poor");
    assert_eq!(code, 1);
    assert_eq!(v["summary"]["verdict"], "do_not_deploy");
    let blockers: Vec<_> = findings(&v).into_iter().filter(|f| f.0 == "blocker").map(|f| (f.1, f.2, f.3)).collect();
    for expected in [
        ("REF001", "docker-compose.prod.yml", 19),
        ("DC006", "docker-compose.prod.yml", 11),
        ("DF006", "apps/api/Dockerfile", 6),
        ("K8S006", "k8s/api.yaml", 29),
        ("ENV004", ".env.production", 2),
    ] {
        let e = (expected.0.to_owned(), expected.1.to_owned(), expected.2);
        assert!(blockers.contains(&e), "missing blocker {expected:?} in {blockers:?}");
    }
    let score = v["summary"]["score"].as_f64().unwrap_or(99.0);
    assert!(score <= 4.0, "blockers cap the overall score at 4.0, got {score}");
    // Secrets never appear in full.
    let text = v.to_string();
    assert!(!text.contains("k3Jq9vTz2LmW8xRp4NcY7bHd") && !text.contains("Sh0pP4ssw0rd2024"), "secret leaked");
}

#[test]
fn well_prepared_repository_has_nothing_above_low() {
    let (v, code) = json("well-prepared");
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["verdict"], "ready");
    let worst: Vec<_> = findings(&v).into_iter().filter(|f| f.0 != "low" && f.0 != "info").collect();
    assert!(worst.is_empty(), "{worst:?}");
    assert!(v["summary"]["score"].as_f64().unwrap_or(0.0) >= 8.5);
}

#[test]
fn malformed_files_are_diagnostics_and_findings_not_crashes() {
    let (v, code) = json("malformed");
    assert_eq!(code, 1);
    let diags: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| (d["file"].as_str().unwrap_or("").to_owned(), d["kind"].as_str().unwrap_or("").to_owned()))
                .collect()
        })
        .unwrap_or_default();
    for (file, kind) in [
        ("docker-compose.yml", "parse"),
        (".github/workflows/ci.yml", "parse"),
        ("k8s/app.yaml", "parse"),
        ("k8s/app.yaml", "schema"),
        ("app/Dockerfile", "parse"),
        ("charts/web/templates/deployment.yaml", "parse"),
    ] {
        let present = diags.contains(&(file.to_owned(), kind.to_owned()));
        if file.contains("templates/") {
            assert!(!present, "Helm templates must never be reported as YAML errors: {diags:?}");
        } else {
            assert!(present, "missing {kind} diagnostic for {file}: {diags:?}");
        }
    }
    let parse_findings: Vec<_> = findings(&v).into_iter().filter(|f| f.1 == "PARSE001").map(|f| (f.0, f.2)).collect();
    assert!(parse_findings.contains(&("blocker".to_owned(), "docker-compose.yml".to_owned())), "{parse_findings:?}");
    assert!(
        parse_findings.contains(&("blocker".to_owned(), ".github/workflows/ci.yml".to_owned())),
        "{parse_findings:?}"
    );
}

#[test]
fn empty_repository_is_not_assessed() {
    let (v, code) = json("empty");
    assert_eq!(code, 1);
    assert_eq!(v["summary"]["verdict"], "not_assessed");
    assert!(v["summary"]["score"].is_null());
    assert!(v["categories"].as_array().is_some_and(|c| c.iter().all(|c| c["score"].is_null())));
}

#[test]
fn report_snapshots() {
    for name in ["poor", "well-prepared", "malformed", "empty"] {
        let (v, _) = json(name);
        insta::with_settings!({ snapshot_suffix => name, prepend_module_to_snapshot => false }, {
            insta::assert_json_snapshot!("report_json", v);
        });
        let (md, _) = run(name, "markdown");
        insta::with_settings!({ snapshot_suffix => name, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("report_markdown", md);
        });
    }
}

#[test]
fn a_repository_that_ships_only_a_cli_image_is_not_asked_for_service_operations() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM rust:1.88-slim AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n\nFROM gcr.io/distroless/cc-debian12:nonroot\nCOPY --from=build /src/target/release/tool /tool\nENTRYPOINT [\"/tool\"]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join(".dockerignore"), "target\n").unwrap_or_else(|e| panic!("{e}"));
    let out = Command::cargo_bin("prodready")
        .unwrap_or_else(|e| panic!("{e}"))
        .args(["audit", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let rules: Vec<String> = findings(&v).into_iter().map(|f| f.1).collect();
    for r in ["MON001", "MON009", "MON010", "OPS001"] {
        assert!(!rules.contains(&r.to_owned()), "{r} fired on a CLI-only repository: {rules:?}");
    }
    // …but a server image (it exposes a port) is.
    std::fs::write(dir.path().join("Dockerfile"), "FROM nginx:1.25.4\nEXPOSE 80\n").unwrap_or_else(|e| panic!("{e}"));
    let out = Command::cargo_bin("prodready")
        .unwrap_or_else(|e| panic!("{e}"))
        .args(["audit", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let rules: Vec<String> = findings(&v).into_iter().map(|f| f.1).collect();
    assert!(rules.contains(&"OPS001".to_owned()) && rules.contains(&"MON001".to_owned()), "{rules:?}");
}
