//! The configuration file end to end: discovery, precedence (file < environment < command line),
//! errors with file:line:col and exit 2, `--print-config`, `init`, per-path disables, notes for
//! entries that match nothing, and the published JSON Schema.

use std::path::{Path, PathBuf};

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

/// A repository with one high finding (DC004) and mediums, nothing else deployable-critical.
fn repo(config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), "docker-compose.yml", "services:\n  api:\n    image: nginx:1.27.3\n    privileged: true\n");
    write(dir.path(), "examples/docker-compose.yml", "services:\n  demo:\n    image: nginx:1.27.3\n");
    if let Some(c) = config {
        write(dir.path(), "prodready.toml", c);
    }
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(cmd: &mut Command) -> Value {
    let (_, out, err) = run(cmd.args(["--format", "json"]));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"))
}

#[test]
fn file_then_environment_then_command_line() {
    let dir = repo(Some("[gate]\nfail_on = \"never\"\n"));
    let p = dir.path();
    // default would fail on the high finding only with --fail-on high; the file says never
    assert_eq!(run(prodready().args(["audit", "--quiet"]).arg(p)).0, 0);
    // the environment overrides the file
    assert_eq!(run(prodready().args(["audit", "--quiet"]).arg(p).env("PRODREADY_FAIL_ON", "high")).0, 1);
    // the command line overrides the environment
    let (code, _, _) =
        run(prodready().args(["audit", "--quiet", "--fail-on", "never"]).arg(p).env("PRODREADY_FAIL_ON", "high"));
    assert_eq!(code, 0);
    // --print-config shows the winner
    let (code, out, _) = run(prodready().args(["audit", "--print-config"]).arg(p).env("PRODREADY_FAIL_ON", "high"));
    assert_eq!(code, 0);
    assert!(out.contains("fail_on = \"high\"") && out.contains("# configuration file: prodready.toml"), "{out}");
    // --no-config ignores the file: back to the default gate (blocker), which passes here
    let (_, out, _) = run(prodready().args(["audit", "--print-config", "--no-config"]).arg(p));
    assert!(out.contains("fail_on = \"blocker\"") && out.contains("# configuration file: none"), "{out}");
}

#[test]
fn errors_name_the_key_and_the_line_and_exit_2() {
    let cases = [
        ("[rules]\ndisable = [\"DC001\"]\ndisabel = []\n", "prodready.toml:3:1", "disabel"),
        ("[gate]\nfail_on = \"high\"\nmin_score = 11\n", "prodready.toml:3:13", "min_score"),
        ("[gate]\n\n\nfail_on = \"sometimes\"\n", "prodready.toml:4:11", "sometimes"),
        ("[rules]\ndisable = [\n  \"DC001\",\n  \"XX999\",\n]\n", "prodready.toml:4:3", "XX999"),
        ("[rules.severity]\nDC001 = \"urgent\"\n", "prodready.toml:2:9", "urgent"),
        ("[rules.per_path]\n\"examples/**\" = [\"NOPE001\"]\n", "prodready.toml:2:18", "NOPE001"),
        ("[weights]\nsecurity = -1\n", "prodready.toml:2:12", "weights.security"),
        ("[provided]\nmonitoring = \"\"\n", "prodready.toml:2:14", "provided.monitoring"),
        ("[provided]\nbackup = \"RDS snapshots\"\n", "prodready.toml:2:1", "backup"),
        ("[externals]\nsecrets = []\n", "prodready.toml:1:", "externals"),
        ("[paths]\nexclude = \"legacy\"\n", "prodready.toml:2:11", "exclude"),
        ("[gate\nfail_on = 1\n", "prodready.toml:1:", ""),
    ];
    for (text, at, key) in cases {
        let dir = repo(Some(text));
        let (code, _, err) = run(prodready().args(["audit"]).arg(dir.path()));
        assert_eq!(code, 2, "{text}: {err}");
        assert!(err.contains(at) && err.contains(key), "{text}: expected `{at}` and `{key}` in: {err}");
    }
}

#[test]
fn explicit_and_hidden_config_files() {
    let dir = repo(None);
    write(dir.path(), ".prodready.toml", "[gate]\nfail_on = \"high\"\n");
    let (_, out, _) = run(prodready().args(["audit", "--print-config"]).arg(dir.path()));
    assert!(out.contains("# configuration file: .prodready.toml") && out.contains("fail_on = \"high\""), "{out}");
    // both names: ambiguous
    write(dir.path(), "prodready.toml", "");
    assert_eq!(run(prodready().args(["audit"]).arg(dir.path())).0, 2);
    // --config wins over discovery
    let other = dir.path().join("ci.toml");
    std::fs::write(&other, "[gate]\nfail_on = \"never\"\n").unwrap_or_else(|e| panic!("{e}"));
    let (code, out, _) = run(prodready().args(["audit", "--print-config", "--config"]).arg(&other).arg(dir.path()));
    assert_eq!(code, 0);
    assert!(out.contains("fail_on = \"never\""), "{out}");
    let (code, _, err) = run(prodready().args(["audit", "--config", "/no/such/prodready.toml"]).arg(dir.path()));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn print_config_is_a_valid_config_file_that_round_trips() {
    let cfg = r#"
[rules]
disable = ["DC003"]
[rules.severity]
DC004 = "blocker"
[rules.per_path]
"examples/**" = ["DC001", "DC002"]
[paths]
exclude = ["legacy/**"]
production_env = ["deploy/*.env"]
[gate]
fail_on = "medium"
min_score = 6
[weights]
security = 2
[external]
secrets = ["db-credentials", "quote\"d"]
[provided]
backups = "RDS automated snapshots"
"#;
    let dir = repo(Some(cfg));
    let (code, first, err) = run(prodready().args(["audit", "--print-config"]).arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    let printed = dir.path().join("printed.toml");
    std::fs::write(&printed, &first).unwrap_or_else(|e| panic!("{e}"));
    let (code, second, err) =
        run(prodready().args(["audit", "--print-config", "--config"]).arg(&printed).arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    let body = |s: &str| s.lines().filter(|l| !l.starts_with("# configuration file")).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&first), body(&second));
    for want in [
        "disable = [\"DC003\"]",
        "DC004 = \"blocker\"",
        "\"examples/**\" = [\"DC001\", \"DC002\"]",
        "min_score = 6.0",
        "security = 2.0",
        "backups = \"RDS automated snapshots\"",
        "\"quote\\\"d\"",
    ] {
        assert!(first.contains(want), "missing {want}:\n{first}");
    }
}

#[test]
fn init_writes_a_starter_that_loads() {
    let dir = repo(None);
    let (code, _, err) = run(prodready().args(["init"]).arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.path().join("prodready.toml")).unwrap_or_default();
    assert!(text.contains("[provided]") && text.contains("# monitoring ="), "{text}");
    assert_eq!(run(prodready().args(["init"]).arg(dir.path())).0, 2, "refuses to overwrite");
    assert_eq!(run(prodready().args(["init", "--force"]).arg(dir.path())).0, 0);
    let (code, out, err) = run(prodready().args(["audit", "--print-config"]).arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("# configuration file: prodready.toml"));
    // the starter changes nothing: same result as without it
    let with = json(prodready().args(["audit"]).arg(dir.path()));
    let without = json(prodready().args(["audit", "--no-config"]).arg(dir.path()));
    assert_eq!(with["summary"], without["summary"]);
}

#[test]
fn rules_severities_and_per_path_disables_apply() {
    let cfg = "[rules]\ndisable = [\"DC003\"]\n[rules.severity]\nDC004 = \"blocker\"\n[rules.per_path]\n\"examples\" = [\"DC001\"]\n\"nothing/**\" = [\"DC002\"]\n[paths]\nexclude = [\"legacy/**\"]\n";
    let dir = repo(Some(cfg));
    let doc = json(prodready().args(["audit"]).arg(dir.path()));
    let findings = doc["findings"].as_array().cloned().unwrap_or_default();
    assert!(findings.iter().all(|f| f["rule"] != "DC003"), "disabled rule ran");
    let dc004 = findings.iter().find(|f| f["rule"] == "DC004").cloned().unwrap_or_default();
    assert_eq!(dc004["severity"], "blocker");
    let ex = findings
        .iter()
        .find(|f| f["rule"] == "DC001" && f["file"] == "examples/docker-compose.yml")
        .cloned()
        .unwrap_or_default();
    assert_eq!(ex["suppressed"], true, "{ex}");
    assert_eq!(ex["suppression_kind"], "config");
    let notes: Vec<String> = doc["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["kind"] == "note" && d["file"] == "prodready.toml")
        .map(|d| format!("{}:{}", d["line"], d["message"]))
        .collect();
    assert!(notes.iter().any(|n| n.starts_with("7:") && n.contains("nothing/**")), "{notes:?}");
    assert!(notes.iter().any(|n| n.starts_with("9:") && n.contains("legacy/**")), "{notes:?}");
    // --select replaces, --ignore adds
    let doc = json(
        prodready().args(["audit", "--select", "DC004,compose-no-memory-limit", "--ignore", "DC002"]).arg(dir.path()),
    );
    let rules: Vec<String> = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str().map(str::to_owned))
        .collect();
    assert!(rules.iter().all(|r| r == "DC004"), "{rules:?}");
    assert_eq!(run(prodready().args(["audit", "--select", "NOPE001"]).arg(dir.path())).0, 2);
}

#[test]
fn exclude_keeps_files_out_of_the_audit_and_include_brings_test_data_in() {
    let dir = repo(Some("[paths]\nexclude = [\"examples\"]\ninclude = [\"fixtures/deploy/**\"]\n"));
    write(
        dir.path(),
        "fixtures/deploy/docker-compose.yml",
        "services:\n  w:\n    image: nginx:1.27.3\n    privileged: true\n",
    );
    let doc = json(prodready().args(["audit"]).arg(dir.path()));
    let files: Vec<String> = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["file"].as_str().map(str::to_owned))
        .collect();
    assert!(!files.iter().any(|f| f.starts_with("examples/")), "{files:?}");
    assert!(files.iter().any(|f| f == "fixtures/deploy/docker-compose.yml"), "{files:?}");
}

fn schema() -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas/config.schema.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"))
}

fn toml_to_json(text: &str) -> Value {
    let v: toml::Value = toml::from_str(text).unwrap_or_else(|e| panic!("{e}"));
    serde_json::to_value(v).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_json_schema_accepts_what_prodready_accepts() {
    let validator = jsonschema::validator_for(&schema()).unwrap_or_else(|e| panic!("schema: {e}"));
    let full = r#"
[rules]
disable = ["ENV001"]
select = ["DC004", "compose-privileged"]
[rules.severity]
DC003 = "low"
[rules.per_path]
"examples/**" = ["DC002", "DC003"]
[paths]
exclude = ["legacy/**"]
include = ["fixtures/deploy/**"]
production_env = [".env.production", "deploy/*.env"]
[gate]
fail_on = "high"
min_score = 7.5
[weights]
security = 2.0
[external]
secrets = ["db-credentials"]
configmaps = ["app-config"]
volumes = []
networks = []
[provided]
monitoring = "platform Prometheus, see docs/ops.md"
backups = "RDS automated snapshots"
"#;
    let uncommented: String = prodready::config::starter::STARTER
        .lines()
        .map(|l| l.strip_prefix("# ").filter(|r| r.contains(" = ")).unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    for (name, text) in
        [("full", full), ("starter", prodready::config::starter::STARTER), ("uncommented starter", &uncommented)]
    {
        let doc = toml_to_json(text);
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        let mut s = prodready::config::Settings::new(PathBuf::from("."));
        prodready::config::file::apply_text(text, "prodready.toml", &mut s).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    for bad in [
        "[rules]\ndisabel = []\n",
        "[gate]\nfail_on = \"sometimes\"\n",
        "[provided]\nbackup = \"x\"\n",
        "[weights]\nsecurty = 1\n",
    ] {
        assert!(!validator.is_valid(&toml_to_json(bad)), "schema accepts {bad}");
        let mut s = prodready::config::Settings::new(PathBuf::from("."));
        assert!(prodready::config::file::apply_text(bad, "prodready.toml", &mut s).is_err(), "prodready accepts {bad}");
    }
}
