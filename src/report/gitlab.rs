//! GitLab Code Quality renderer: the Code Climate JSON subset GitLab reads (`description`,
//! `check_name`, `fingerprint`, `severity`, `location.path`, `location.lines.begin`). Only active
//! findings are listed. GitLab needs a path for every issue, so repository-level findings are shown
//! on [`Report::repo_anchor`] at line 1 and say so.

use serde::Serialize;

use super::Report;
use crate::finding::Severity;

#[derive(Serialize)]
struct Issue {
    #[serde(rename = "type")]
    kind: &'static str,
    engine_name: &'static str,
    check_name: &'static str,
    description: String,
    categories: Vec<&'static str>,
    severity: &'static str,
    fingerprint: String,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

/// GitLab's severities: info, minor, major, critical, blocker.
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Blocker => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
        Severity::Info => "info",
    }
}

/// Code Climate's category names.
fn category(c: crate::finding::Category) -> &'static str {
    match c {
        crate::finding::Category::Security => "Security",
        crate::finding::Category::Scalability => "Performance",
        _ => "Bug Risk",
    }
}

pub fn render(report: &Report) -> String {
    let anchor = report.repo_anchor().unwrap_or("README.md");
    let issues: Vec<Issue> = report
        .active()
        .map(|f| {
            let meta = f.rule.meta();
            let (path, begin, repo) = match &f.location {
                Some(l) => (l.path.clone(), l.span.start.line.max(1), false),
                None => (anchor.to_owned(), 1, true),
            };
            let mut description = format!("{}: {}", meta.code, f.message);
            if repo {
                description.push_str(" (repository-level finding; shown on this file)");
            }
            Issue {
                kind: "issue",
                engine_name: "prodready",
                check_name: meta.code,
                description,
                categories: vec![category(meta.category)],
                severity: severity(f.severity),
                fingerprint: f.fingerprint.clone(),
                location: Location { path, lines: Lines { begin } },
            }
        })
        .collect();
    serde_json::to_string_pretty(&issues).map(|s| s + "\n").unwrap_or_default()
}
