//! CI output formats end to end: SARIF validates against the official 2.1.0 schema (vendored in
//! tests/data), GitHub workflow commands are escaped like `@actions/core`, GitLab Code Quality has
//! the shape GitLab reads, JUnit XML parses back, Markdown fits `--max-bytes`, the step summary
//! stays within 1 MiB — and prodready's own repository passes its audit.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

use prodready::app;
use prodready::config::Settings;
use prodready::report::{gitlab, junit, sarif};

fn prodready() -> Command {
    let mut c = Command::cargo_bin("prodready").unwrap_or_else(|e| panic!("binary not built: {e}"));
    c.env_remove("PRODREADY_FAIL_ON")
        .env_remove("PRODREADY_MIN_SCORE")
        .env_remove("PRODREADY_CONFIG")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1");
    c
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
}

/// Every rule fixture and fixture repository, plus a repository with awkward names.
fn audited_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for base in ["fixtures/rules", "fixtures/repos"] {
        for e in std::fs::read_dir(manifest().join(base)).into_iter().flatten().flatten() {
            for kind in ["fail", "pass", ""] {
                let d = if kind.is_empty() { e.path() } else { e.path().join(kind) };
                if d.is_dir() && (base == "fixtures/repos") == kind.is_empty() {
                    dirs.push(d);
                }
            }
        }
    }
    dirs.sort();
    dirs
}

fn report_of(dir: &Path) -> prodready::report::Report {
    let mut s = Settings::new(dir.to_path_buf());
    s.jobs = Some(1);
    app::run(&s).unwrap_or_else(|e| panic!("audit of {}: {e}", dir.display()))
}

/// A repository whose names and messages carry every character the formats must escape.
fn awkward_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "odd%dir,x:y/docker-compose.yml",
        "services:\n  \"api%1:2,3<&>\":\n    image: nginx:1.27.3\n    privileged: true\n",
    );
    dir
}

/// The published schema's one pattern that is not a valid regex (a stray `]` in the `language`
/// pattern, `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`), corrected in memory so the validator
/// compiles the schema; the vendored file stays byte-for-byte the published one. prodready never
/// writes `language`, so the correction cannot hide an error in its output.
fn fix_published_pattern(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "pattern" && x.as_str() == Some("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$") {
                    *x = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                } else {
                    fix_published_pattern(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(fix_published_pattern),
        _ => {}
    }
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let mut schema: Value = serde_json::from_str(
        &std::fs::read_to_string(manifest().join("tests/data/sarif-schema-2.1.0.json")).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("schema: {e}"));
    fix_published_pattern(&mut schema);
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema does not compile: {e}"));
    let awkward = awkward_repo();
    let mut dirs = audited_dirs();
    dirs.push(awkward.path().to_path_buf());
    let mut results = 0;
    for dir in &dirs {
        let report = report_of(dir);
        let doc: Value = serde_json::from_str(&sarif::render(&report)).unwrap_or_else(|e| panic!("{e}"));
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: SARIF does not validate:\n{}", dir.display(), errors.join("\n"));

        // What GitHub code scanning needs beyond the schema.
        let run = &doc["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().cloned().unwrap_or_default();
        let ids: BTreeSet<String> = rules.iter().filter_map(|r| r["id"].as_str().map(str::to_owned)).collect();
        assert_eq!(ids.len(), rules.len(), "unique rule ids");
        for r in run["results"].as_array().into_iter().flatten() {
            results += 1;
            assert!(ids.contains(r["ruleId"].as_str().unwrap_or("")));
            let loc = &r["locations"][0]["physicalLocation"];
            assert!(loc["region"]["startLine"].as_u64().is_some_and(|l| l >= 1), "{}: {r}", dir.display());
            let uri = loc["artifactLocation"]["uri"].as_str().unwrap_or("");
            assert!(!uri.is_empty() && !uri.starts_with('/') && !uri.contains(' '), "{uri}");
            assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            assert!(r["partialFingerprints"]["prodready/v1"].as_str().is_some_and(|f| f.len() == 16));
            if r["properties"]["prodready/repositoryLevel"] == true {
                assert!(r["message"]["text"].as_str().is_some_and(|t| t.contains("repository-level")));
            }
        }
        for rule in &rules {
            if rule["properties"]["tags"][0] == "security" {
                assert!(rule["properties"]["security-severity"].is_string(), "{rule}");
            }
        }
    }
    assert!(results > 50, "the fixtures produced {results} results");
    let doc: Value = serde_json::from_str(&sarif::render(&report_of(awkward.path()))).unwrap_or_default();
    assert_eq!(
        doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "odd%25dir,x%3Ay/docker-compose.yml" // `:` encoded: a relative reference must not look like a scheme
    );
}

/// Manual check over real repositories: `PRODREADY_CORPUS=/path/with/repos cargo test --test formats
/// -- --ignored`. Every format renders and SARIF validates for each immediate subdirectory.
#[test]
#[ignore = "needs PRODREADY_CORPUS"]
fn formats_hold_on_a_corpus() {
    let Some(corpus) = std::env::var_os("PRODREADY_CORPUS") else { return };
    let mut schema: Value = serde_json::from_str(
        &std::fs::read_to_string(manifest().join("tests/data/sarif-schema-2.1.0.json")).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("schema: {e}"));
    fix_published_pattern(&mut schema);
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{e}"));
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(corpus).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for dir in dirs {
        let started = std::time::Instant::now();
        let report = report_of(&dir);
        let audit_ms = started.elapsed().as_millis();
        let started = std::time::Instant::now();
        let doc: Value = serde_json::from_str(&sarif::render(&report)).unwrap_or_else(|e| panic!("{e}"));
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: {}", dir.display(), errors.join("\n"));
        roxmltree::Document::parse(&junit::render(&report)).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let gl: Value = serde_json::from_str(&gitlab::render(&report)).unwrap_or_else(|e| panic!("{e}"));
        let md = prodready::report::markdown::render_limited(&report, 65_000);
        assert!(md.len() <= 65_000);
        let gh = prodready::report::github::render(&report);
        eprintln!(
            "{}: {} findings, audit {audit_ms} ms, all formats {} ms; sarif results {}, gitlab issues {}, github lines {}, markdown {} bytes (full {})",
            dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            report.findings.len(),
            started.elapsed().as_millis(),
            doc["runs"][0]["results"].as_array().map_or(0, Vec::len),
            gl.as_array().map_or(0, Vec::len),
            gh.lines().count(),
            md.len(),
            prodready::report::markdown::render(&report).len()
        );
    }
}

#[test]
fn sarif_fingerprints_are_stable_across_line_shifts() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let compose = "services:\n  api:\n    image: nginx:1.27.3\n    privileged: true\n";
    write(dir.path(), "docker-compose.yml", compose);
    let fp = |d: &Path| -> Vec<String> {
        let doc: Value = serde_json::from_str(&sarif::render(&report_of(d))).unwrap_or_default();
        doc["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["partialFingerprints"]["prodready/v1"].as_str().map(str::to_owned))
            .collect()
    };
    let before = fp(dir.path());
    write(dir.path(), "docker-compose.yml", &format!("# moved\n\n{compose}"));
    assert_eq!(before, fp(dir.path()));
}

#[test]
fn github_annotations_escape_like_actions_core() {
    let dir = awkward_repo();
    let (code, out, err) = run(prodready().args(["audit", "--format", "github", "--fail-on", "high"]).arg(dir.path()));
    assert_eq!(code, 1, "{err}");
    let line = out.lines().find(|l| l.contains("DC004")).unwrap_or_else(|| panic!("no DC004 annotation: {out}"));
    // properties: `%`, `:` and `,` escaped; the message: `%` and newlines escaped, `:` and `,` kept
    assert!(line.starts_with("::error file=odd%25dir%2Cx%3Ay/docker-compose.yml,line=4,col="), "{line}");
    let (props, message) = line.split_once("::").and_then(|(_, rest)| rest.split_once("::")).unwrap_or(("", ""));
    assert!(props.contains("title=DC004 Compose service runs privileged (high)"), "{props}");
    assert!(message.contains("`api%251:2,3<&>`"), "{message}");
    assert!(message.contains("%0AFix: "), "{message}");
    assert!(!message.contains('\n') && !message.contains('\r'));
    // every line is one workflow command; blockers and errors come before warnings and notices
    assert!(out.lines().all(|l| l.starts_with("::")), "{out}");
    let rank = |l: &str| match l.split([' ', ':']).nth(2) {
        Some("error") => 0,
        Some("warning") => 1,
        _ => 2,
    };
    let ranks: Vec<u8> = out.lines().filter(|l| !l.contains("title=prodready%3A ")).map(rank).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{out}");
    let poor = manifest().join("fixtures/repos/poor");
    let (_, out, _) = run(prodready().args(["audit", "--format", "github"]).arg(&poor));
    assert!(out.lines().next().is_some_and(|l| l.contains("(blocker)")), "blockers first: {out}");
    // the summary line goes to stderr
    assert!(err.contains("gate FAILED"), "{err}");
}

#[test]
fn github_step_summary_is_appended_within_the_limit() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "# Earlier step output\n").unwrap_or_else(|e| panic!("{e}"));
    let poor = manifest().join("fixtures/repos/poor");
    let (code, _, err) =
        run(prodready().args(["audit", "--format", "github"]).arg(&poor).env("GITHUB_STEP_SUMMARY", &summary));
    assert_eq!(code, 1, "{err}");
    let text = std::fs::read_to_string(&summary).unwrap_or_default();
    assert!(text.starts_with("# Earlier step output\n# Production Readiness Report"), "{text}");
    assert!(text.len() <= 1024 * 1024);
    // Nearly full already: what is appended fits what is left, and says it was shortened.
    let filler = "x".repeat(1024 * 1024 - 6000);
    std::fs::write(&summary, &filler).unwrap_or_else(|e| panic!("{e}"));
    run(prodready().args(["audit", "--format", "github"]).arg(&poor).env("GITHUB_STEP_SUMMARY", &summary));
    let text = std::fs::read_to_string(&summary).unwrap_or_default();
    assert!(text.len() <= 1024 * 1024, "{}", text.len());
    assert!(text.contains("Report shortened to fit"), "truncation is stated");
}

#[test]
fn markdown_fits_max_bytes_and_says_so() {
    let poor = manifest().join("fixtures/repos/poor");
    let (_, full, _) = run(prodready().args(["audit", "--format", "markdown"]).arg(&poor));
    for max in [65_000usize, 8_000, 3_000, 1_000, 200] {
        let (_, text, _) =
            run(prodready().args(["audit", "--format", "markdown", "--max-bytes", &max.to_string()]).arg(&poor));
        assert!(text.len() <= max, "{max}: {} bytes", text.len());
        if full.len() > max {
            assert!(text.contains("Report shortened to fit"), "{max}: {text}");
        } else {
            assert_eq!(text, full);
        }
        // fences and details stay balanced
        assert_eq!(text.matches("<details>").count(), text.matches("</details>").count(), "{max}: {text}");
        assert_eq!(text.lines().filter(|l| l.trim_start().starts_with("```")).count() % 2, 0, "{max}");
    }
}

#[test]
fn gitlab_code_quality_shape() {
    let awkward = awkward_repo();
    let dirs = [manifest().join("fixtures/repos/poor"), awkward.path().to_path_buf()];
    for dir in &dirs {
        let report = report_of(dir);
        let doc: Value = serde_json::from_str(&gitlab::render(&report)).unwrap_or_else(|e| panic!("{e}"));
        let issues = doc.as_array().cloned().unwrap_or_default();
        assert_eq!(issues.len(), report.active().count());
        let mut fingerprints = BTreeSet::new();
        for i in &issues {
            for k in ["description", "check_name", "fingerprint", "severity"] {
                assert!(i[k].as_str().is_some_and(|s| !s.is_empty()), "{k}: {i}");
            }
            assert!(["info", "minor", "major", "critical", "blocker"].contains(&i["severity"].as_str().unwrap_or("")));
            assert!(i["location"]["path"].as_str().is_some_and(|p| !p.is_empty() && !p.starts_with('/')));
            assert!(i["location"]["lines"]["begin"].as_u64().is_some_and(|l| l >= 1));
            assert!(fingerprints.insert(i["fingerprint"].as_str().unwrap_or("").to_owned()), "unique fingerprints");
        }
    }
    // the CLI writes it too
    let (_, out, _) = run(prodready().args(["audit", "--format", "gitlab"]).arg(&dirs[0]));
    assert!(serde_json::from_str::<Value>(&out).is_ok_and(|v| v.is_array()));
}

#[test]
fn junit_xml_is_well_formed_and_counts_add_up() {
    let awkward = awkward_repo();
    let mut dirs = vec![manifest().join("fixtures/repos/poor"), awkward.path().to_path_buf()];
    dirs.extend(audited_dirs().into_iter().take(20));
    for dir in &dirs {
        let report = report_of(dir);
        let xml = junit::render(&report);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{}: {e}\n{xml}", dir.display()));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let num =
            |n: roxmltree::Node, a: &str| n.attribute(a).and_then(|v| v.parse::<usize>().ok()).unwrap_or(usize::MAX);
        let mut total = 0;
        for suite in root.children().filter(|n| n.has_tag_name("testsuite")) {
            let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
            assert_eq!(num(suite, "tests"), cases.len());
            let failed = cases.iter().filter(|c| c.children().any(|n| n.has_tag_name("failure"))).count();
            assert_eq!(num(suite, "failures"), failed);
            total += cases.len();
        }
        assert_eq!(num(root, "tests"), total);
        let failing_rules: BTreeSet<_> = report.active().map(|f| f.rule).collect();
        assert_eq!(num(root, "failures"), failing_rules.len(), "{}", dir.display());
    }
    let xml = junit::render(&report_of(awkward.path()));
    assert!(xml.contains("api%1:2,3&lt;&amp;&gt;"), "{xml}");
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, _) = run(prodready().args(["completions", shell]));
        assert_eq!(code, 0);
        assert!(out.contains("prodready") && out.contains("write-baseline"), "{shell}");
    }
    let (code, out, _) = run(prodready().arg("man"));
    assert_eq!(code, 0);
    assert!(out.starts_with(".ie") || out.contains(".TH"), "{out}");
    assert!(out.contains("audit"));
}

/// prodready audits itself in CI: its own action.yml, workflows and Dockerfile must pass.
#[test]
fn this_repository_passes_its_own_audit() {
    let (code, out, err) = run(prodready().args(["audit", "--quiet"]).arg(manifest()));
    assert_eq!(code, 0, "{out}{err}");
    let (_, out, _) = run(prodready().args(["audit", "--format", "json"]).arg(manifest()));
    let doc: Value = serde_json::from_str(&out).unwrap_or_default();
    let bad: Vec<String> = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["file"] == "action.yml" || f["file"] == ".pre-commit-hooks.yaml")
        .map(|f| f.to_string())
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}
