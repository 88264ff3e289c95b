//! SARIF 2.1.0 renderer (GitHub code scanning and other SARIF consumers), with its own small serde
//! structs (serde-sarif does not build standalone). One run; the evaluated rules in
//! `tool.driver.rules`; every finding a result, suppressed ones with a `suppressions` entry (and
//! `baselineState` under `--baseline`); paths relative to `%SRCROOT%`; `columnKind` set explicitly
//! (columns are Unicode code points); stable `partialFingerprints`.
//!
//! GitHub code scanning rejects results without a location, so repository-level findings are
//! shown on [`Report::repo_anchor`] (the root README, else the first deployable artifact) at line
//! 1, with the property `prodready/repositoryLevel: true` and a message that says so.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Report;
use crate::finding::{Category, Finding, Severity};
use crate::rules::meta::RuleId;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The `partialFingerprints` key of prodready's fingerprint.
pub const FINGERPRINT_KEY: &str = "prodready/v1";
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    semantic_version: &'a str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    help: MultiformatMessage,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct MultiformatMessage {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    properties: ResultProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Message>,
}

#[derive(Serialize)]
struct SarifSuppression {
    kind: &'static str,
    justification: String,
}

#[derive(Serialize)]
struct ResultProperties {
    severity: &'static str,
    category: &'static str,
    environment: &'static str,
    #[serde(rename = "prodready/repositoryLevel", skip_serializing_if = "std::ops::Not::not")]
    repository_level: bool,
}

/// SARIF level of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Blocker | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (0–10; ≥9 critical, ≥7 high, ≥4 medium) for security rules.
fn security_severity(rule: RuleId, s: Severity) -> Option<&'static str> {
    (rule.meta().category == Category::Security).then_some(match s {
        Severity::Blocker => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    })
}

/// A repository-relative path as a URI reference: each segment percent-encoded except unreserved
/// characters and the sub-delimiters that are safe in a path.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let safe = b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b);
        if safe {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn physical(path: &str, region: Option<Region>) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation { uri: Some(uri(path)), uri_base_id: Some(SRCROOT), description: None },
        region,
    }
}

fn region(f: &Finding) -> Option<Region> {
    let l = f.location.as_ref()?;
    let (s, e) = (l.span.start, l.span.end);
    if s.line == 0 {
        return None;
    }
    let start_column = (s.col > 0).then_some(s.col);
    // Only a span with extent gets an end; a point span highlights its line.
    let has_extent = e.line > s.line || (e.line == s.line && e.col > s.col);
    let (end_line, end_column) =
        if has_extent && start_column.is_some() { (Some(e.line), (e.col > 0).then_some(e.col)) } else { (None, None) };
    let snippet = f.snippet.as_ref().and_then(|sn| sn.lines.first()).map(|t| Message { text: t.clone() });
    Some(Region { start_line: s.line, start_column, end_line, end_column, snippet })
}

fn rule_descriptor(id: RuleId, severity: Severity) -> ReportingDescriptor {
    let m = id.meta();
    let mut md = format!("**{}**\n\n{}\n\n**Remediation:** {}", m.summary, m.rationale.trim(), m.remediation);
    for ex in m.examples.iter().take(1) {
        let lang = ex.file.map_or("", |f| if f.ends_with(".yml") || f.ends_with(".yaml") { "yaml" } else { "" });
        md.push_str(&format!(
            "\n\nBad{}:\n\n```{lang}\n{}\n```\n\nGood:\n\n```{lang}\n{}\n```",
            ex.file.map(|f| format!(" (`{f}`)")).unwrap_or_default(),
            ex.bad.trim_end(),
            ex.good.trim_end()
        ));
    }
    md.push_str(&format!("\n\nMore: `prodready explain {}`.", m.code));
    ReportingDescriptor {
        id: m.code,
        name: m.name,
        short_description: Message { text: m.summary.to_owned() },
        full_description: Message { text: m.rationale.split_whitespace().collect::<Vec<_>>().join(" ") },
        help: MultiformatMessage { text: m.remediation.to_owned(), markdown: md },
        default_configuration: Configuration { level: level(severity) },
        properties: RuleProperties {
            tags: vec![m.category.id(), "prodready"],
            security_severity: security_severity(id, severity),
            precision: "high",
            problem_severity: match level(severity) {
                "error" => "error",
                "warning" => "warning",
                _ => "recommendation",
            },
        },
    }
}

fn result(f: &Finding, rule_index: usize, anchor: Option<&str>, baseline: bool) -> SarifResult {
    let meta = f.rule.meta();
    let mut text = f.message.clone();
    if let Some(h) = &f.help {
        text.push_str(&format!(". {h}"));
    }
    let (locations, repository_level) = match (&f.location, anchor) {
        (Some(l), _) => (vec![Location { physical_location: physical(&l.path, region(f)) }], false),
        (None, Some(a)) => {
            text.push_str(&format!(" (repository-level finding: no single file is at fault; shown on `{a}`)"));
            let r = Region { start_line: 1, start_column: None, end_line: None, end_column: None, snippet: None };
            (vec![Location { physical_location: physical(a, Some(r)) }], true)
        }
        (None, None) => (Vec::new(), true),
    };
    let related_locations = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let s = r.location.span.start;
            let region = (s.line > 0).then(|| Region {
                start_line: s.line,
                start_column: (s.col > 0).then_some(s.col),
                end_line: None,
                end_column: None,
                snippet: None,
            });
            RelatedLocation {
                id: i + 1,
                physical_location: physical(&r.location.path, region),
                message: Message { text: r.label.clone() },
            }
        })
        .collect();
    let suppressions = f
        .suppressed
        .as_ref()
        .map(|s| SarifSuppression {
            kind: if s.kind == crate::suppress::INLINE { "inSource" } else { "external" },
            justification: s.reason.clone(),
        })
        .into_iter()
        .collect();
    let baseline_state = baseline.then(|| {
        if f.suppressed.as_ref().is_some_and(|s| s.kind == crate::suppress::BASELINE) {
            "unchanged"
        } else {
            "new"
        }
    });
    SarifResult {
        rule_id: meta.code,
        rule_index,
        level: level(f.severity),
        message: Message { text },
        locations,
        related_locations,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint.clone())]),
        suppressions,
        baseline_state,
        properties: ResultProperties {
            severity: f.severity.id(),
            category: meta.category.id(),
            environment: f.environment.id(),
            repository_level,
        },
    }
}

/// The SARIF log.
pub fn render(report: &Report) -> String {
    // The rules that ran plus any that reported (unique, in code order).
    let mut ids: Vec<RuleId> = report.rules.iter().copied().chain(report.findings.iter().map(|f| f.rule)).collect();
    ids.sort();
    ids.dedup();
    // A rule's configured severity: the one its findings carry, else its default.
    let severity_of =
        |id: RuleId| report.findings.iter().find(|f| f.rule == id).map_or(id.meta().severity, |f| f.severity);
    let rules: Vec<ReportingDescriptor> = ids.iter().map(|id| rule_descriptor(*id, severity_of(*id))).collect();
    let anchor = report.repo_anchor();
    let results = report
        .findings
        .iter()
        .map(|f| {
            let idx = ids.binary_search(&f.rule).unwrap_or(0);
            result(f, idx, anchor, report.baseline.is_some())
        })
        .collect();
    let notifications = report
        .diagnostics
        .iter()
        .map(|d| Notification {
            level: match d.kind {
                crate::finding::DiagnosticKind::Note | crate::finding::DiagnosticKind::Skipped => "note",
                _ => "warning",
            },
            message: Message { text: format!("{}: {}", d.kind.id(), d.message) },
            locations: if d.path.contains('<') || d.path.starts_with('-') {
                Vec::new()
            } else {
                let region = d.line.filter(|l| *l > 0).map(|l| Region {
                    start_line: l,
                    start_column: None,
                    end_line: None,
                    end_column: None,
                    snippet: None,
                });
                vec![Location { physical_location: physical(&d.path, region) }]
            },
        })
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "prodready",
                    version: report.tool_version,
                    semantic_version: report.tool_version,
                    rules,
                },
            },
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                ArtifactLocation {
                    uri: None,
                    uri_base_id: None,
                    description: Some(Message {
                        text: format!("The root of the audited repository `{}`", report.root_name),
                    }),
                },
            )]),
            invocations: vec![Invocation { execution_successful: true, tool_execution_notifications: notifications }],
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_string_pretty(&log).map(|s| s + "\n").unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample_report;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("apps/api/Dockerfile"), "apps/api/Dockerfile");
        assert_eq!(uri("my dir/ä#?.yml"), "my%20dir/%C3%A4%23%3F.yml");
    }

    #[test]
    fn sample_report_shape() {
        let doc: serde_json::Value = serde_json::from_str(&render(&sample_report())).unwrap_or_default();
        let run = &doc["runs"][0];
        assert_eq!(doc["version"], "2.1.0");
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let results = run["results"].as_array().cloned().unwrap_or_default();
        assert!(!results.is_empty());
        for r in &results {
            let loc = &r["locations"][0]["physicalLocation"];
            assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            assert!(loc["region"]["startLine"].as_u64().is_some_and(|l| l >= 1), "{r}");
            assert!(r["partialFingerprints"][FINGERPRINT_KEY].is_string());
            let idx = r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
            assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], r["ruleId"]);
        }
        let repo = results.iter().find(|r| r["properties"]["prodready/repositoryLevel"] == true);
        assert!(repo.is_some_and(|r| r["message"]["text"].as_str().is_some_and(|t| t.contains("repository-level"))));
        assert!(results.iter().any(|r| r["suppressions"][0]["kind"] == "inSource"));
    }
}
