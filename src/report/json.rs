//! JSON renderer: the machine-readable report, schema version 1.
//!
//! The wire format is defined here by its own serde structs (module [`v1`]), not by the internal
//! types, so refactoring the pipeline cannot silently change the output. The contract is written
//! down in `schemas/report-v1.schema.json`; a test validates rendered reports against it.
//!
//! Compatibility: adding a field is a minor change (consumers must ignore unknown fields);
//! removing, renaming or reshaping a field bumps `schema_version`.
//!
//! Everything that varies between two runs on the same tree (timing, thread count) lives only in
//! `stats`, so the rest of the document can be diffed or cached.

use super::Report;

/// The current schema version, written as `schema_version`.
pub const SCHEMA_VERSION: u32 = 1;

/// Version 1 of the report's wire format. Field order is the serialisation order.
pub mod v1 {
    use std::collections::BTreeMap;

    use serde::Serialize;

    #[derive(Debug, Serialize)]
    pub struct Report {
        pub schema_version: u32,
        pub tool: Tool,
        /// Directory name of the audited root (never an absolute path).
        pub root: String,
        pub summary: Summary,
        pub categories: Vec<Category>,
        pub findings: Vec<Finding>,
        pub diagnostics: Vec<Diagnostic>,
        pub inventory: Inventory,
        /// Present when the audit ran with `--baseline` (added in 0.2; additive).
        pub baseline: Option<Baseline>,
        pub stats: Stats,
    }

    #[derive(Debug, Serialize)]
    pub struct Baseline {
        /// The baseline file as given.
        pub file: String,
        /// Overall score recorded in the baseline.
        pub recorded_score: Option<f64>,
        /// Active findings not in the baseline (they gate).
        pub new: u32,
        /// Findings in the baseline and still present (suppressed, kind `baseline`).
        pub known: u32,
        /// Baseline findings that are gone.
        pub fixed: Vec<BaselineEntry>,
    }

    #[derive(Debug, Serialize)]
    pub struct BaselineEntry {
        pub fingerprint: String,
        pub rule: String,
        pub file: Option<String>,
        pub line: Option<u32>,
        pub message: String,
    }

    #[derive(Debug, Serialize)]
    pub struct Tool {
        pub name: &'static str,
        pub version: String,
    }

    #[derive(Debug, Serialize)]
    pub struct Summary {
        /// 0.0–10.0, one decimal; `None` when nothing was assessed.
        pub score: Option<f64>,
        pub verdict: &'static str,
        pub verdict_label: &'static str,
        pub counts: Counts,
        pub gate: Gate,
    }

    #[derive(Debug, Serialize)]
    pub struct Counts {
        pub blocker: u32,
        pub high: u32,
        pub medium: u32,
        pub low: u32,
        pub info: u32,
        pub suppressed: u32,
    }

    #[derive(Debug, Serialize)]
    pub struct Gate {
        pub passed: bool,
        pub fail_on: String,
        pub min_score: Option<f64>,
        pub reasons: Vec<String>,
    }

    #[derive(Debug, Serialize)]
    pub struct Category {
        pub id: &'static str,
        pub name: &'static str,
        pub score: Option<f64>,
        pub status: &'static str,
        pub na_reason: Option<String>,
        pub checks_passed: u32,
        pub checks_total: u32,
        pub blockers: u32,
        pub explanation: String,
        pub checks: Vec<Check>,
    }

    #[derive(Debug, Serialize)]
    pub struct Check {
        pub rule: &'static str,
        pub name: &'static str,
        pub title: &'static str,
        /// Severity the check was scored with (configuration overrides applied).
        pub severity: &'static str,
        pub outcome: &'static str,
        pub targets: u32,
        pub failed_targets: u32,
        pub findings: u32,
        pub suppressed: u32,
        /// What the check found when it passed (the strengths).
        pub evidence: Vec<Evidence>,
    }

    #[derive(Debug, Serialize)]
    pub struct Evidence {
        pub text: String,
        pub file: Option<String>,
        pub line: Option<u32>,
        pub column: Option<u32>,
    }

    #[derive(Debug, Serialize)]
    pub struct Finding {
        pub rule: &'static str,
        pub name: &'static str,
        pub title: &'static str,
        pub category: &'static str,
        pub severity: &'static str,
        pub confidence: &'static str,
        pub environment: &'static str,
        pub message: String,
        /// Repository-relative path with `/`; `None` for repository-level findings.
        pub file: Option<String>,
        /// 1-based.
        pub line: Option<u32>,
        /// 1-based, in Unicode scalar values.
        pub column: Option<u32>,
        pub end_line: Option<u32>,
        /// Exclusive, 1-based, in Unicode scalar values.
        pub end_column: Option<u32>,
        pub related: Vec<Related>,
        /// The rule's remediation.
        pub remediation: &'static str,
        /// Finding-specific advice, in addition to `remediation`.
        pub help: Option<String>,
        pub effort: &'static str,
        pub snippet: Option<Snippet>,
        pub fingerprint: String,
        pub suppressed: bool,
        pub suppression_reason: Option<String>,
        /// `inline`, `config` or `baseline` when suppressed (added in 0.2; additive).
        pub suppression_kind: Option<&'static str>,
    }

    #[derive(Debug, Serialize)]
    pub struct Related {
        pub file: String,
        pub line: Option<u32>,
        pub column: Option<u32>,
        pub label: String,
    }

    #[derive(Debug, Serialize)]
    pub struct Snippet {
        pub first_line: u32,
        pub lines: Vec<String>,
    }

    #[derive(Debug, Serialize)]
    pub struct Diagnostic {
        pub file: String,
        pub line: Option<u32>,
        pub kind: &'static str,
        pub message: String,
    }

    #[derive(Debug, Serialize)]
    pub struct Inventory {
        /// Artifact kind id → environment id → number of files.
        pub by_kind: BTreeMap<&'static str, BTreeMap<&'static str, u32>>,
        pub artifacts: Vec<Artifact>,
    }

    #[derive(Debug, Serialize)]
    pub struct Artifact {
        pub path: String,
        pub kind: &'static str,
        pub environment: &'static str,
        pub environment_reason: String,
        pub tracked: bool,
        pub audited: bool,
    }

    #[derive(Debug, Serialize)]
    pub struct Stats {
        pub files_discovered: usize,
        pub files_scanned: usize,
        pub bytes_scanned: u64,
        pub duration_ms: u64,
        pub threads: usize,
    }
}

/// A line or column of 0 means "unknown" internally; JSON says `null`.
fn known(n: u32) -> Option<u32> {
    (n > 0).then_some(n)
}

/// The severity a check was scored with, recovered from its weight (so severity overrides show);
/// unscored checks report the rule's own severity.
fn check_severity(c: &crate::score::CheckResult) -> &'static str {
    use crate::finding::Severity;
    let scored = [Severity::Blocker, Severity::High, Severity::Medium, Severity::Low]
        .into_iter()
        .find(|s| c.weight > 0.0 && (s.weight() - c.weight).abs() < 1e-9);
    scored.unwrap_or(c.rule.meta().severity).id()
}

fn outcome_id(o: crate::score::CheckOutcome) -> &'static str {
    use crate::score::CheckOutcome;
    match o {
        CheckOutcome::Pass => "pass",
        CheckOutcome::Fail => "fail",
        CheckOutcome::Unscored => "unscored",
    }
}

fn confidence_id(c: crate::finding::Confidence) -> &'static str {
    use crate::finding::Confidence;
    match c {
        Confidence::Low => "low",
        Confidence::Medium => "medium",
        Confidence::High => "high",
    }
}

fn evidence(e: &crate::rules::Evidence) -> v1::Evidence {
    let (file, line, column) = match &e.location {
        Some(l) => (Some(l.path.clone()), known(l.span.start.line), known(l.span.start.col)),
        None => (None, None, None),
    };
    v1::Evidence { text: e.text.clone(), file, line, column }
}

fn category(c: &crate::score::CategoryScore) -> v1::Category {
    v1::Category {
        id: c.category.id(),
        name: c.category.name(),
        score: c.score,
        status: c.status.id(),
        na_reason: c.na_reason.clone(),
        checks_passed: c.checks_passed,
        checks_total: c.checks_total,
        blockers: c.blockers,
        explanation: c.explanation.clone(),
        checks: c
            .checks
            .iter()
            .map(|k| {
                let meta = k.rule.meta();
                v1::Check {
                    rule: meta.code,
                    name: meta.name,
                    title: meta.summary,
                    severity: check_severity(k),
                    outcome: outcome_id(k.outcome),
                    targets: k.targets,
                    failed_targets: k.failed_targets,
                    findings: k.findings,
                    suppressed: k.suppressed,
                    evidence: k.evidence.iter().map(evidence).collect(),
                }
            })
            .collect(),
    }
}

fn finding(f: &crate::finding::Finding) -> v1::Finding {
    let meta = f.rule.meta();
    let (file, line, column, end_line, end_column) = match &f.location {
        Some(l) => {
            let (s, e) = (l.span.start, l.span.end);
            let line = known(s.line);
            let column = line.and(known(s.col));
            // A point span has no extent: end = start.
            let (end_line, end_column) = if e.line >= s.line && e.line > 0 && line.is_some() {
                (known(e.line), known(e.col))
            } else {
                (line, column)
            };
            (Some(l.path.clone()), line, column, end_line, end_column)
        }
        None => (None, None, None, None, None),
    };
    v1::Finding {
        rule: meta.code,
        name: meta.name,
        title: meta.summary,
        category: meta.category.id(),
        severity: f.severity.id(),
        confidence: confidence_id(f.confidence),
        environment: f.environment.id(),
        message: f.message.clone(),
        file,
        line,
        column,
        end_line,
        end_column,
        related: f
            .related
            .iter()
            .map(|r| v1::Related {
                file: r.location.path.clone(),
                line: known(r.location.span.start.line),
                column: known(r.location.span.start.line).and(known(r.location.span.start.col)),
                label: r.label.clone(),
            })
            .collect(),
        remediation: meta.remediation,
        help: f.help.clone(),
        effort: meta.effort.id(),
        snippet: f.snippet.as_ref().map(|s| v1::Snippet { first_line: s.first_line, lines: s.lines.clone() }),
        fingerprint: f.fingerprint.clone(),
        suppressed: f.suppressed.is_some(),
        suppression_reason: f.suppressed.as_ref().map(|s| s.reason.clone()),
        suppression_kind: f.suppressed.as_ref().map(|s| s.kind),
    }
}

/// Build the version-1 document.
pub fn to_v1(report: &Report) -> v1::Report {
    let sc = &report.scorecard;
    let c = &sc.counts;
    let mut by_kind = std::collections::BTreeMap::new();
    for (kind, envs) in report.inventory.counts() {
        let e: std::collections::BTreeMap<&'static str, u32> = envs.into_iter().map(|(e, n)| (e.id(), n)).collect();
        by_kind.insert(kind.id(), e);
    }
    v1::Report {
        schema_version: SCHEMA_VERSION,
        tool: v1::Tool { name: "prodready", version: report.tool_version.to_owned() },
        root: report.root_name.clone(),
        summary: v1::Summary {
            score: sc.overall,
            verdict: sc.verdict.id(),
            verdict_label: sc.verdict.label(),
            counts: v1::Counts {
                blocker: c.blocker,
                high: c.high,
                medium: c.medium,
                low: c.low,
                info: c.info,
                suppressed: c.suppressed,
            },
            gate: v1::Gate {
                passed: report.gate.passed,
                fail_on: report.gate.fail_on.clone(),
                min_score: report.gate.min_score,
                reasons: report.gate.reasons.clone(),
            },
        },
        categories: sc.categories.iter().map(category).collect(),
        findings: report.findings.iter().map(finding).collect(),
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| v1::Diagnostic {
                file: d.path.clone(),
                line: d.line.and_then(known),
                kind: d.kind.id(),
                message: d.message.clone(),
            })
            .collect(),
        inventory: v1::Inventory {
            by_kind,
            artifacts: report
                .inventory
                .items
                .iter()
                .map(|i| v1::Artifact {
                    path: i.path.clone(),
                    kind: i.kind.id(),
                    environment: i.env.env.id(),
                    environment_reason: i.env.reason.clone(),
                    tracked: i.tracked,
                    audited: i.audited,
                })
                .collect(),
        },
        baseline: report.baseline.as_ref().map(|b| v1::Baseline {
            file: b.file.clone(),
            recorded_score: b.recorded_score,
            new: b.new,
            known: b.known,
            fixed: b
                .fixed
                .iter()
                .map(|e| v1::BaselineEntry {
                    fingerprint: e.fingerprint.clone(),
                    rule: e.rule.clone(),
                    file: e.path.clone(),
                    line: e.line,
                    message: e.message.clone(),
                })
                .collect(),
        }),
        stats: v1::Stats {
            files_discovered: report.stats.files_discovered,
            files_scanned: report.stats.files_scanned,
            bytes_scanned: report.stats.bytes_scanned,
            duration_ms: report.stats.duration_ms,
            threads: report.stats.threads,
        },
    }
}

/// The report as pretty-printed JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    match serde_json::to_string_pretty(&to_v1(report)) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        // Serialising plain structs of strings and numbers cannot fail; if it ever does, still
        // emit valid JSON that says so rather than nothing.
        Err(e) => format!(
            "{{\"schema_version\": {SCHEMA_VERSION}, \"error\": {}}}\n",
            serde_json::Value::String(e.to_string())
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;
    use crate::finding::{Category, DiagnosticKind};
    use crate::model::{ArtifactKind, Environment};
    use crate::report::sample::hostile_report;
    use crate::report::sample_report;

    const SCHEMA: &str = include_str!("../../schemas/report-v1.schema.json");

    fn schema() -> Value {
        serde_json::from_str(SCHEMA).unwrap_or_else(|e| panic!("schema is not JSON: {e}"))
    }

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("report is not JSON: {e}\n{text}"))
    }

    fn validate(doc: &Value) {
        let validator = jsonschema::validator_for(&schema()).unwrap_or_else(|e| panic!("schema does not compile: {e}"));
        let errors: Vec<String> = validator.iter_errors(doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "report does not validate:\n{}", errors.join("\n"));
    }

    /// The object's keys, sorted (serde_json's map is ordered by key; the order of the text is
    /// checked separately).
    fn keys(v: &Value) -> Vec<&str> {
        v.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default()
    }

    fn sorted<const N: usize>(mut k: [&'static str; N]) -> Vec<&'static str> {
        k.sort_unstable();
        k.to_vec()
    }

    #[test]
    fn schema_is_a_valid_draft_2020_12_schema() {
        let s = schema();
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert!(jsonschema::meta::is_valid(&s));
        let desc = s["description"].as_str().unwrap_or_default();
        assert!(desc.contains("minor"), "description states the semver rule");
        assert!(desc.contains("schema_version"));
        assert!(desc.contains("Unicode scalar values"), "description documents the column unit");
    }

    #[test]
    fn sample_report_validates_against_the_schema() {
        let text = render(&sample_report());
        validate(&parse(&text));
    }

    #[test]
    fn hostile_report_validates_against_the_schema() {
        validate(&parse(&render(&hostile_report())));
    }

    #[test]
    fn schema_rejects_drift() {
        let mut doc = parse(&render(&sample_report()));
        doc["summary"]["surprise"] = Value::Bool(true);
        let v = jsonschema::validator_for(&schema()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!v.is_valid(&doc), "unknown fields are rejected");
        let mut doc = parse(&render(&sample_report()));
        doc["findings"][0]["severity"] = Value::String("critical".into());
        assert!(!v.is_valid(&doc), "severity is a closed enum");
        let mut doc = parse(&render(&sample_report()));
        doc["schema_version"] = Value::from(2);
        assert!(!v.is_valid(&doc));
    }

    #[test]
    fn pretty_printed_with_trailing_newline_and_stable() {
        let r = sample_report();
        let a = render(&r);
        assert!(a.ends_with("}\n"));
        assert!(a.starts_with("{\n  \"schema_version\": 1,\n  \"tool\": {"));
        assert_eq!(a, render(&r), "deterministic");
    }

    #[test]
    fn only_stats_vary_between_runs() {
        let a = sample_report();
        let mut b = sample_report();
        b.stats.duration_ms += 1000;
        b.stats.threads = 64;
        b.stats.bytes_scanned += 1;
        let (mut ja, mut jb) = (parse(&render(&a)), parse(&render(&b)));
        assert_ne!(ja, jb);
        ja["stats"] = Value::Null;
        jb["stats"] = Value::Null;
        assert_eq!(ja, jb);
    }

    #[test]
    fn contains_exactly_the_documented_fields() {
        let doc = parse(&render(&sample_report()));
        assert_eq!(
            keys(&doc),
            sorted([
                "schema_version",
                "tool",
                "root",
                "summary",
                "categories",
                "findings",
                "diagnostics",
                "inventory",
                "baseline",
                "stats"
            ])
        );
        assert_eq!(keys(&doc["tool"]), sorted(["name", "version"]));
        assert_eq!(keys(&doc["summary"]), sorted(["score", "verdict", "verdict_label", "counts", "gate"]));
        assert_eq!(keys(&doc["summary"]["counts"]), sorted(["blocker", "high", "medium", "low", "info", "suppressed"]));
        assert_eq!(keys(&doc["summary"]["gate"]), sorted(["passed", "fail_on", "min_score", "reasons"]));
        for c in doc["categories"].as_array().into_iter().flatten() {
            assert_eq!(
                keys(c),
                sorted([
                    "id",
                    "name",
                    "score",
                    "status",
                    "na_reason",
                    "checks_passed",
                    "checks_total",
                    "blockers",
                    "explanation",
                    "checks"
                ])
            );
            for k in c["checks"].as_array().into_iter().flatten() {
                assert_eq!(
                    keys(k),
                    sorted([
                        "rule",
                        "name",
                        "title",
                        "severity",
                        "outcome",
                        "targets",
                        "failed_targets",
                        "findings",
                        "suppressed",
                        "evidence"
                    ])
                );
                for e in k["evidence"].as_array().into_iter().flatten() {
                    assert_eq!(keys(e), sorted(["text", "file", "line", "column"]));
                }
            }
        }
        for f in doc["findings"].as_array().into_iter().flatten() {
            assert_eq!(
                keys(f),
                sorted([
                    "rule",
                    "name",
                    "title",
                    "category",
                    "severity",
                    "confidence",
                    "environment",
                    "message",
                    "file",
                    "line",
                    "column",
                    "end_line",
                    "end_column",
                    "related",
                    "remediation",
                    "help",
                    "effort",
                    "snippet",
                    "fingerprint",
                    "suppressed",
                    "suppression_reason",
                    "suppression_kind"
                ])
            );
            for r in f["related"].as_array().into_iter().flatten() {
                assert_eq!(keys(r), sorted(["file", "line", "column", "label"]));
            }
            if !f["snippet"].is_null() {
                assert_eq!(keys(&f["snippet"]), sorted(["first_line", "lines"]));
            }
        }
        for d in doc["diagnostics"].as_array().into_iter().flatten() {
            assert_eq!(keys(d), sorted(["file", "line", "kind", "message"]));
        }
        assert_eq!(keys(&doc["inventory"]), sorted(["by_kind", "artifacts"]));
        for a in doc["inventory"]["artifacts"].as_array().into_iter().flatten() {
            assert_eq!(keys(a), sorted(["path", "kind", "environment", "environment_reason", "tracked", "audited"]));
        }
        assert_eq!(
            keys(&doc["stats"]),
            sorted(["files_discovered", "files_scanned", "bytes_scanned", "duration_ms", "threads"])
        );
    }

    /// Keys are written in declaration order (stable for line-based diffs), not alphabetically.
    #[test]
    fn keys_are_written_in_declaration_order() {
        let text = render(&sample_report());
        let order = |keys: &[&str], indent: &str, from: &str| {
            let text = &text[text.find(from).unwrap_or(0)..];
            let pos: Vec<usize> = keys
                .iter()
                .map(|k| text.find(&format!("\n{indent}\"{k}\":")).unwrap_or_else(|| panic!("key {k} missing")))
                .collect();
            assert!(pos.windows(2).all(|w| w[0] < w[1]), "keys out of order: {keys:?}");
        };
        order(
            &[
                "schema_version",
                "tool",
                "root",
                "summary",
                "categories",
                "findings",
                "diagnostics",
                "inventory",
                "stats",
            ],
            "  ",
            "{",
        );
        order(&["score", "verdict", "verdict_label", "counts", "gate"], "    ", "\"summary\"");
        let finding = ["rule", "name", "title", "category", "severity", "confidence", "environment", "message", "file"];
        order(&finding, "      ", "\n  \"findings\": [");
    }

    #[test]
    fn values_follow_the_report() {
        let r = sample_report();
        let doc = parse(&render(&r));
        assert_eq!(doc["tool"]["name"], "prodready");
        assert_eq!(doc["root"], "acme-shop");
        assert_eq!(doc["summary"]["score"], 4.0);
        assert_eq!(doc["summary"]["verdict"], "do_not_deploy");
        assert_eq!(doc["summary"]["verdict_label"], "DO NOT DEPLOY");
        assert_eq!(doc["summary"]["counts"]["blocker"], 1);
        assert_eq!(doc["summary"]["counts"]["high"], 2);
        assert_eq!(doc["summary"]["counts"]["suppressed"], 1);
        assert_eq!(doc["summary"]["gate"]["passed"], false);
        assert_eq!(doc["summary"]["gate"]["min_score"], 7.0);

        let cats = doc["categories"].as_array().cloned().unwrap_or_default();
        assert_eq!(cats.len(), 8);
        assert_eq!(cats[0]["id"], "env");
        assert!(cats[0]["score"].is_null());
        assert_eq!(cats[0]["status"], "not_applicable");
        assert!(cats[0]["na_reason"].is_string());
        assert_eq!(cats[1]["score"], 2.4);
        assert_eq!(cats[1]["status"], "poor");
        assert_eq!(cats[1]["checks"][0]["outcome"], "fail");
        assert_eq!(cats[1]["checks"][0]["severity"], "high");
        let obs = &cats[3]["checks"][0];
        assert_eq!(obs["evidence"][0]["file"], "docker-compose.yml");
        assert_eq!(obs["evidence"][0]["line"], 12);

        let findings = doc["findings"].as_array().cloned().unwrap_or_default();
        assert_eq!(findings.len(), r.findings.len());
        // repository-level finding first, with no position at all
        let repo = &findings[0];
        assert_eq!(repo["rule"], "OPS001");
        assert!(repo["file"].is_null() && repo["line"].is_null() && repo["column"].is_null());
        assert!(repo["end_line"].is_null() && repo["end_column"].is_null() && repo["snippet"].is_null());
        let blocker = findings.iter().find(|f| f["severity"] == "blocker").cloned().unwrap_or_default();
        assert_eq!(blocker["file"], "docker-compose.prod.yml");
        assert_eq!(blocker["category"], "iac");
        assert_eq!(blocker["environment"], "production");
        assert_eq!((blocker["line"].clone(), blocker["column"].clone()), (Value::from(4), Value::from(11)));
        assert_eq!((blocker["end_line"].clone(), blocker["end_column"].clone()), (Value::from(4), Value::from(12)));
        assert_eq!(blocker["related"][0]["file"], "apps/api/Dockerfile");
        assert_eq!(blocker["snippet"]["first_line"], 4);
        assert_eq!(blocker["remediation"], crate::rules::meta::RuleId::PARSE001.meta().remediation);
        assert!(blocker["help"].is_string());
        assert_eq!(blocker["suppressed"], false);
        assert!(blocker["suppression_reason"].is_null());
        let sup = findings.iter().find(|f| f["suppressed"] == true).cloned().unwrap_or_default();
        assert!(sup["suppression_reason"].as_str().is_some_and(|s| s.contains("queue depth")));

        assert_eq!(doc["diagnostics"][0]["kind"], "skipped");
        assert!(doc["diagnostics"][0]["line"].is_null());
        assert_eq!(doc["inventory"]["by_kind"]["compose"]["production"], 1);
        assert_eq!(doc["inventory"]["by_kind"]["compose"]["test"], 1);
        let test_data =
            doc["inventory"]["artifacts"].as_array().into_iter().flatten().filter(|a| a["audited"] == false).count();
        assert_eq!(test_data, 1);
        assert_eq!(doc["stats"]["threads"], 4);
    }

    fn schema_enum(pointer: &str) -> BTreeSet<String> {
        schema()
            .pointer(pointer)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    /// The closed enums of the schema match the code, so adding a kind or category cannot drift.
    #[test]
    fn schema_enums_match_the_code() {
        let kinds: BTreeSet<String> = ArtifactKind::ALL.iter().map(|k| k.id().to_owned()).collect();
        assert_eq!(schema_enum("/$defs/artifact/properties/kind/enum"), kinds);
        let envs: BTreeSet<String> = Environment::ALL.iter().map(|e| e.id().to_owned()).collect();
        assert_eq!(schema_enum("/$defs/artifact/properties/environment/enum"), envs);
        assert_eq!(schema_enum("/$defs/finding/properties/environment/enum"), envs);
        let cats: BTreeSet<String> = Category::ALL.iter().map(|c| c.id().to_owned()).collect();
        assert_eq!(schema_enum("/$defs/category/properties/id/enum"), cats);
        assert_eq!(schema_enum("/$defs/finding/properties/category/enum"), cats);
        let all_kinds = [
            DiagnosticKind::Parse,
            DiagnosticKind::Schema,
            DiagnosticKind::Io,
            DiagnosticKind::Skipped,
            DiagnosticKind::Encoding,
            DiagnosticKind::Internal,
            DiagnosticKind::Note,
        ];
        // exhaustive: a new variant fails to compile here until it is listed above and in the schema
        for k in all_kinds {
            match k {
                DiagnosticKind::Parse
                | DiagnosticKind::Schema
                | DiagnosticKind::Io
                | DiagnosticKind::Skipped
                | DiagnosticKind::Encoding
                | DiagnosticKind::Internal
                | DiagnosticKind::Note => {}
            }
        }
        let diag: BTreeSet<String> = all_kinds.iter().map(|k| k.id().to_owned()).collect();
        assert_eq!(schema_enum("/$defs/diagnostic/properties/kind/enum"), diag);
        for code in crate::rules::meta::RuleId::ALL.iter().map(|r| r.code()) {
            let pattern = schema()["$defs"]["finding"]["properties"]["rule"]["pattern"].as_str().map(str::to_owned);
            let re = regex::Regex::new(&pattern.unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
            assert!(re.is_match(code), "rule code {code} matches the schema pattern");
        }
    }
}
