//! Adopting prodready on an existing repository: inline suppressions in every commentable format,
//! unused suppressions, baselines (a finding moved 20 lines stays known, a new one gates), gating
//! only what a change touched, and `prodready diff`.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn prodready() -> Command {
    let mut c = Command::cargo_bin("prodready").unwrap_or_else(|e| panic!("binary not built: {e}"));
    c.env_remove("PRODREADY_FAIL_ON")
        .env_remove("PRODREADY_MIN_SCORE")
        .env_remove("PRODREADY_CONFIG")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1");
    c
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Exit code and JSON report.
fn audit(root: &Path, extra: &[&str]) -> (i32, Value) {
    let (code, out, err) = run(prodready().arg("audit").arg(root).args(["--format", "json"]).args(extra));
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"));
    (code, v)
}

fn findings(doc: &Value) -> Vec<Value> {
    doc["findings"].as_array().cloned().unwrap_or_default()
}

fn notes(doc: &Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["kind"] == "note")
        .map(|d| format!("{}:{} {}", d["file"].as_str().unwrap_or(""), d["line"], d["message"].as_str().unwrap_or("")))
        .collect()
}

// ------------------------------------------------------------------------------------------------
// Inline suppressions

/// Every commentable format: a real finding in the file, suppressed by a comment on its line or
/// alone on the line above. Formats without rules of their own yet (Dockerfile, shell, nginx) use
/// SUP001, which fires on any directive without a reason — so the finding is real there too.
#[test]
fn inline_suppression_in_every_format() {
    let dir = tempdir();
    let root = dir.path();
    write(
        root,
        "docker-compose.yml",
        "services:\n  exporter:\n    image: prom/node-exporter:v1.8.2\n    privileged: true # prodready-ignore DC004 -- reads host metrics\n",
    );
    write(
        root,
        "k8s/agent.yaml",
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      containers:\n        - name: agent\n          image: ghcr.io/acme/agent:3.1.0\n          securityContext:\n            # prodready-ignore K8S004 -- needs the host's devices\n            privileged: true\n",
    );
    write(root, ".env.example", "API_URL=http://localhost:8080\n# prodready-ignore ENV001 -- the second value is the one to copy\nAPI_URL=http://localhost:3000\n");
    let sup = "# prodready-ignore SUP001 -- testing the directive itself\n# prodready-ignore DC004\n";
    write(root, "Dockerfile", &format!("{sup}FROM nginx:1.27.3\n"));
    write(root, "scripts/deploy.sh", &format!("#!/bin/sh\n{sup}echo deploy\n"));
    write(root, "nginx/nginx.conf", &format!("events {{}}\nhttp {{\n  {}\n}}\n", sup.replace('\n', "\n  ")));

    let (_, doc) = audit(root, &[]);
    let all = findings(&doc);
    let expect = [
        ("docker-compose.yml", "DC004", "reads host metrics"),
        ("k8s/agent.yaml", "K8S004", "needs the host's devices"),
        (".env.example", "ENV001", "the second value is the one to copy"),
        ("Dockerfile", "SUP001", "testing the directive itself"),
        ("scripts/deploy.sh", "SUP001", "testing the directive itself"),
        ("nginx/nginx.conf", "SUP001", "testing the directive itself"),
    ];
    for (file, rule, reason) in expect {
        let f = all.iter().find(|f| f["file"] == file && f["rule"] == rule);
        let Some(f) = f else { panic!("no {rule} finding in {file}: {all:#?}") };
        assert_eq!(f["suppressed"], true, "{file}: {f}");
        assert_eq!(f["suppression_kind"], "inline", "{file}");
        assert_eq!(f["suppression_reason"], reason, "{file}");
    }
    // suppressed findings are counted, not lost
    assert!(doc["summary"]["counts"]["suppressed"].as_u64().unwrap_or(0) >= 6);
}

#[test]
fn unused_and_unknown_suppressions_are_reported() {
    let dir = tempdir();
    let root = dir.path();
    write(
        root,
        "docker-compose.yml",
        "services:\n  web:\n    image: nginx:1.27.3 # prodready-ignore DC004 -- not privileged any more\n",
    );
    write(root, "scripts/deploy.sh", "#!/bin/sh\n# prodready-ignore DC007 -- nothing here\necho hi\n");
    write(root, "nginx.conf", "events {}\n# prodready-ignore NOPE123 -- typo\n");
    let (_, doc) = audit(root, &[]);
    let n = notes(&doc);
    assert!(!n.iter().any(|m| m.contains("unused suppression")), "only with the flag: {n:?}");
    assert!(n.iter().any(|m| m.starts_with("nginx.conf:2 ") && m.contains("unknown rule `NOPE123`")), "{n:?}");

    let (_, doc) = audit(root, &["--report-unused-suppressions"]);
    let n = notes(&doc);
    assert!(n.iter().any(|m| m.starts_with("docker-compose.yml:3 ") && m.contains("unused suppression")), "{n:?}");
    assert!(n.iter().any(|m| m.starts_with("scripts/deploy.sh:2 ") && m.contains("DC007")), "{n:?}");
    // rules that did not run are not "unused"
    let (_, doc) = audit(root, &["--report-unused-suppressions", "--select", "DC001"]);
    assert!(!notes(&doc).iter().any(|m| m.contains("unused suppression")));
}

// ------------------------------------------------------------------------------------------------
// Baselines

const SERVICE_A: &str = "  api:\n    image: nginx:1.27.3\n    privileged: true\n";
const SERVICE_B: &str = "  worker:\n    image: nginx:1.27.3\n    privileged: true\n";

#[test]
fn baseline_round_trip_survives_moves_and_gates_new_findings() {
    let dir = tempdir();
    let root = dir.path();
    let baseline = root.join(".prodready-baseline.json");
    let gate = ["--fail-on", "high", "--select", "DC004"];
    write(root, "docker-compose.yml", &format!("services:\n{SERVICE_A}"));

    // The legacy finding fails the gate until it is recorded.
    let (code, doc) = audit(root, &gate);
    assert_eq!(code, 1);
    let original_line = findings(&doc).first().map(|f| f["line"].clone()).unwrap_or_default();
    let (code, _) = audit(root, &[&gate[..], &["--write-baseline", baseline.to_str().unwrap_or("")]].concat());
    assert_eq!(code, 1, "writing a baseline does not change the gate");
    let recorded: Value = serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap_or_default())
        .unwrap_or_else(|e| panic!("baseline is JSON: {e}"));
    assert_eq!(recorded["prodready_baseline"], 1);
    assert_eq!(recorded["findings"].as_array().map(Vec::len), Some(1));

    // Move the finding down 20 lines: still known, the gate passes.
    let padding: String = (1..=20).map(|i| format!("# padding line {i}\n")).collect();
    write(root, "docker-compose.yml", &format!("{padding}services:\n{SERVICE_A}"));
    let with_baseline = [&gate[..], &["--baseline", baseline.to_str().unwrap_or("")]].concat();
    let (code, doc) = audit(root, &with_baseline);
    assert_eq!(code, 0, "{:#?}", doc["summary"]);
    let f = findings(&doc).first().cloned().unwrap_or_default();
    assert_eq!(f["line"].as_u64(), original_line.as_u64().map(|l| l + 20), "the finding moved");
    assert_eq!(f["suppressed"], true);
    assert_eq!(f["suppression_kind"], "baseline");
    assert_eq!(doc["baseline"]["known"], 1);
    assert_eq!(doc["baseline"]["new"], 0);
    // the score is honest: a known finding still counts
    let (_, plain) = audit(root, &gate);
    assert_eq!(doc["summary"]["score"], plain["summary"]["score"]);

    // A new finding gates.
    write(root, "docker-compose.yml", &format!("{padding}services:\n{SERVICE_A}{SERVICE_B}"));
    let (code, doc) = audit(root, &with_baseline);
    assert_eq!(code, 1);
    assert_eq!(doc["baseline"]["new"], 1);
    let all = findings(&doc);
    let new: Vec<&Value> = all.iter().filter(|f| f["suppressed"] == false).collect();
    assert_eq!(new.len(), 1);
    assert!(new[0]["message"].as_str().is_some_and(|m| m.contains("worker")));

    // Fixing the old one reports it as fixed (terminal and Markdown too).
    write(root, "docker-compose.yml", &format!("services:\n  api:\n    image: nginx:1.27.3\n{SERVICE_B}"));
    let (_, doc) = audit(root, &with_baseline);
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report-v1.schema.json"))
            .unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{e}"));
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "the baseline section follows the schema: {errors:?}");
    assert_eq!(doc["baseline"]["fixed"].as_array().map(Vec::len), Some(1));
    assert_eq!(doc["baseline"]["fixed"][0]["rule"], "DC004");
    let (_, md, _) = run(prodready().arg("audit").arg(root).args(&with_baseline).args(["--format", "markdown"]));
    assert!(md.contains("## Baseline") && md.contains("**1 fixed**"), "{md}");
    let (_, term, _) = run(prodready().arg("audit").arg(root).args(&with_baseline));
    assert!(term.contains("baseline") && term.contains("1 fixed"), "{term}");
}

#[test]
fn under_a_baseline_min_score_compares_with_the_recorded_score() {
    let dir = tempdir();
    let root = dir.path();
    let baseline = root.join("b.json");
    write(root, "docker-compose.yml", &format!("services:\n{SERVICE_A}"));
    let b = baseline.to_str().unwrap_or("");
    let (_, doc) = audit(root, &["--fail-on", "never", "--write-baseline", b]);
    let score = doc["summary"]["score"].as_f64().unwrap_or(10.0);
    assert!(score < 9.5, "the legacy repository scores low: {score}");
    // Without the baseline the legacy repository fails a high bar forever …
    assert_eq!(audit(root, &["--fail-on", "never", "--min-score", "9.5"]).0, 1);
    // … with it, it passes while it does not get worse …
    assert_eq!(audit(root, &["--fail-on", "never", "--min-score", "9.5", "--baseline", b]).0, 0);
    // … and fails when it does.
    // (the same service gains new problems; adding clean-ish services would dilute pass ratios)
    write(root, "docker-compose.yml", &format!("services:\n{SERVICE_A}    network_mode: host\n    cap_add: [SYS_ADMIN]\n    volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]\n"));
    let (code, doc) = audit(root, &["--fail-on", "never", "--min-score", "9.5", "--baseline", b]);
    assert_eq!(code, 1);
    let reasons = doc["summary"]["gate"]["reasons"].to_string();
    assert!(reasons.contains("baseline"), "{reasons}");
}

#[test]
fn bad_baselines_are_usage_errors() {
    let dir = tempdir();
    let root = dir.path();
    write(root, "docker-compose.yml", &format!("services:\n{SERVICE_A}"));
    write(root, "b.json", "{\"findings\": []}");
    let (code, _, err) = run(prodready().arg("audit").arg(root).arg("--baseline").arg(root.join("b.json")));
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = run(prodready().arg("audit").arg(root).arg("--baseline").arg(root.join("missing.json")));
    assert_eq!(code, 2);
}

// ------------------------------------------------------------------------------------------------
// Gating what a change touched

#[test]
fn paths_from_limits_the_gate_to_the_change() {
    let dir = tempdir();
    let root = dir.path();
    write(root, "docker-compose.yml", &format!("services:\n{SERVICE_A}"));
    write(root, "other/docker-compose.yml", "services:\n  ok:\n    image: nginx:1.27.3\n");
    let list = root.join("changed.txt");
    let gate = ["--fail-on", "high", "--select", "DC004,OPS001"];

    // The change touched only a clean file: the privileged service and the repository-level
    // OPS001 (no runbooks, high) are reported but do not gate.
    std::fs::write(&list, "./other/docker-compose.yml\n\n# comment\n").unwrap_or_else(|e| panic!("{e}"));
    let p = list.to_str().unwrap_or("");
    let (code, doc) = audit(root, &[&gate[..], &["--paths-from", p]].concat());
    assert_eq!(code, 0, "{:#?}", doc["summary"]["gate"]);
    assert!(findings(&doc).iter().any(|f| f["rule"] == "DC004" && f["suppressed"] == false), "still reported");
    // Repository-level findings gate on request.
    assert_eq!(audit(root, &[&gate[..], &["--paths-from", p, "--gate-repo-level"]].concat()).0, 1);
    // From stdin, touching the offending file.
    let (code, _, _) = run(prodready()
        .arg("audit")
        .arg(root)
        .args(gate)
        .args(["--paths-from", "-"])
        .write_stdin("docker-compose.yml\n"));
    assert_eq!(code, 1);
    // The Markdown report says what did not gate.
    let (_, md, _) =
        run(prodready().arg("audit").arg(root).args(gate).args(["--paths-from", p, "--format", "markdown"]));
    assert!(md.contains("Gate limited to 1 changed path"), "{md}");
}

// ------------------------------------------------------------------------------------------------
// prodready diff

#[test]
fn diff_shows_score_changes_new_and_fixed_findings() {
    let dir = tempdir();
    let root = dir.path();
    let (old, new) = (root.join("old.json"), root.join("new.json"));
    write(root, "repo/docker-compose.yml", &format!("services:\n{SERVICE_A}"));
    let repo = root.join("repo");
    let (_, out, _) = run(prodready().arg("audit").arg(&repo).args(["--format", "json"]));
    std::fs::write(&old, out).unwrap_or_else(|e| panic!("{e}"));
    write(
        root,
        "repo/docker-compose.yml",
        &format!("services:\n  api:\n    image: nginx:1.27.3\n{SERVICE_B}  db:\n    image: postgres\n"),
    );
    let (_, out, _) = run(prodready().arg("audit").arg(&repo).args(["--format", "json"]));
    std::fs::write(&new, out).unwrap_or_else(|e| panic!("{e}"));

    let (code, text, err) = run(prodready().arg("diff").arg(&old).arg(&new));
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("overall") && text.contains("New findings") && text.contains("Fixed findings"), "{text}");
    assert!(text.contains("worker") && text.contains("Infrastructure as Code"), "{text}");
    let fixed = text.split("Fixed findings").nth(1).unwrap_or("");
    assert!(fixed.contains("`api` runs privileged"), "{text}");

    let (code, md, _) = run(prodready().arg("diff").arg(&old).arg(&new).args(["--format", "markdown"]));
    assert_eq!(code, 0);
    assert!(md.contains("| Category | Before | After | Change |") && md.contains("### New findings"), "{md}");

    std::fs::write(root.join("junk.json"), "{}").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run(prodready().arg("diff").arg(&old).arg(root.join("junk.json"))).0, 2);
}
