//! `prodready rules` and `prodready explain`: generated from the rule metadata.

use std::fmt::Write as _;

use serde::Serialize;

use crate::finding::Category;
use crate::rules::meta::{RuleId, RULES};

#[derive(Serialize)]
struct JsonRule<'a> {
    code: &'a str,
    name: &'a str,
    category: &'a str,
    severity: &'a str,
    status: crate::rules::meta::RuleStatus,
    summary: &'a str,
    peer: &'a [&'a str],
}

/// The catalog as text (one rule per line) or JSON.
pub fn rules_listing(category: Option<&str>, format: &str) -> Result<String, String> {
    let cat = category.map(str::parse::<Category>).transpose()?;
    let rules: Vec<_> = RULES.iter().filter(|m| cat.is_none_or(|c| m.category == c)).collect();
    match format {
        "json" => {
            let v: Vec<JsonRule<'_>> = rules
                .iter()
                .map(|m| JsonRule {
                    code: m.code,
                    name: m.name,
                    category: m.category.id(),
                    severity: m.severity.id(),
                    status: m.status,
                    summary: m.summary,
                    peer: m.peer,
                })
                .collect();
            serde_json::to_string_pretty(&v).map(|s| s + "\n").map_err(|e| e.to_string())
        }
        "text" => {
            let mut out = String::new();
            for m in rules {
                let _ = writeln!(
                    out,
                    "{:<8} {:<8} {:<14} {:<44} {}",
                    m.code,
                    m.severity.id(),
                    m.category.id(),
                    m.name,
                    m.summary
                );
            }
            Ok(out)
        }
        "markdown" => Ok(markdown_table(&rules)),
        other => Err(format!("unknown format `{other}` (expected text, json or markdown)")),
    }
}

/// The README rule table (kept current by a test).
pub fn markdown_table(rules: &[&&crate::rules::meta::RuleMeta]) -> String {
    let mut out = String::from("| Code | Name | Category | Severity | Summary |\n|---|---|---|---|---|\n");
    for m in rules {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            m.code,
            m.name,
            m.category.id(),
            m.severity.id(),
            m.summary.replace('|', "\\|")
        );
    }
    out
}

/// The full catalog as a Markdown table.
pub fn readme_table() -> String {
    let all: Vec<_> = RULES.iter().collect();
    markdown_table(&all)
}

/// `prodready explain CODE`.
pub fn explain(code: &str) -> Option<String> {
    let m = RuleId::lookup(code)?.meta();
    let mut out = String::new();
    let _ = writeln!(out, "{} {} — {}", m.code, m.name, m.summary);
    let _ = writeln!(out, "category: {} ({})", m.category.name(), m.category.id());
    let _ = writeln!(out, "severity: {}   status: {:?}   effort: {}", m.severity, m.status, m.effort.id());
    if !m.peer.is_empty() {
        let _ = writeln!(out, "same check in: {}", m.peer.join(", "));
    }
    let _ = writeln!(out, "\nWhy it matters\n  {}", m.rationale.replace('\n', "\n  "));
    let _ = writeln!(out, "\nRemediation\n  {}", m.remediation.replace('\n', "\n  "));
    if let Some(v) = m.verify {
        let _ = writeln!(out, "\nVerify\n  {v}");
    }
    for e in m.examples {
        let file = e.file.unwrap_or("");
        let _ = writeln!(
            out,
            "\nExample{}\n  bad:\n    {}\n  good:\n    {}",
            if file.is_empty() { String::new() } else { format!(" ({file})") },
            e.bad.trim_end().replace('\n', "\n    "),
            e.good.trim_end().replace('\n', "\n    ")
        );
    }
    Some(out)
}
