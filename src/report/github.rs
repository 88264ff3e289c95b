//! GitHub Actions renderer: workflow commands (`::error file=…,line=…::message`) that become
//! annotations on the pull request, escaped exactly as `@actions/core` escapes them. GitHub shows
//! at most 10 errors and 10 warnings per step, so blockers come first, then by severity.

use std::fmt::Write as _;

use super::{markdown, Report};
use crate::finding::{DiagnosticKind, Finding, Severity};

/// `@actions/core` `escapeData`: the message of a command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// `@actions/core` `escapeProperty`: a property value of a command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The workflow command of a severity.
pub fn command(s: Severity) -> &'static str {
    match s {
        Severity::Blocker | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

fn annotation(out: &mut String, cmd: &str, props: &[(&str, String)], message: &str) {
    let props: Vec<String> = props.iter().map(|(k, v)| format!("{k}={}", escape_property(v))).collect();
    if props.is_empty() {
        let _ = writeln!(out, "::{cmd}::{}", escape_data(message));
    } else {
        let _ = writeln!(out, "::{cmd} {}::{}", props.join(","), escape_data(message));
    }
}

fn finding(out: &mut String, f: &Finding, outside: bool) {
    let meta = f.rule.meta();
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(l) = &f.location {
        props.push(("file", l.path.clone()));
        let (s, e) = (l.span.start, l.span.end);
        if s.line > 0 {
            props.push(("line", s.line.to_string()));
            if e.line > s.line {
                // GitHub takes columns only for single-line annotations.
                props.push(("endLine", e.line.to_string()));
            } else {
                if s.col > 0 {
                    props.push(("col", s.col.to_string()));
                }
                props.push(("endLine", s.line.to_string()));
                if s.col > 0 && e.line == s.line && e.col > s.col {
                    props.push(("endColumn", e.col.to_string()));
                }
            }
        }
    }
    props.push(("title", format!("{} {} ({})", meta.code, meta.summary, f.severity)));
    let mut msg = f.message.clone();
    if let Some(h) = &f.help {
        msg.push_str(&format!("\n{h}"));
    }
    msg.push_str(&format!("\nFix: {}", meta.remediation));
    if f.location.is_none() {
        msg.push_str("\n(repository-level finding: no single file is at fault)");
    }
    if outside {
        msg.push_str("\n(outside the changed paths: reported, not gating)");
    }
    // Findings that do not gate are at most warnings, so they never read as the failure.
    let cmd = if outside && command(f.severity) == "error" { "warning" } else { command(f.severity) };
    annotation(out, cmd, &props, &msg);
}

/// Workflow commands for the active findings (blockers first) and the diagnostics that matter.
/// (The summary line goes to stderr, as with every machine format.)
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in report.by_severity() {
        finding(&mut out, f, report.outside_scope(f));
    }
    for d in &report.diagnostics {
        let cmd = match d.kind {
            DiagnosticKind::Parse | DiagnosticKind::Io | DiagnosticKind::Internal => "warning",
            DiagnosticKind::Schema | DiagnosticKind::Encoding | DiagnosticKind::Skipped => "notice",
            DiagnosticKind::Note => continue,
        };
        let mut props = vec![("file", d.path.clone())];
        if let Some(l) = d.line {
            props.push(("line", l.to_string()));
        }
        props.push(("title", format!("prodready: {}", d.kind.id())));
        annotation(&mut out, cmd, &props, &d.message);
    }
    out
}

/// The Markdown report for `$GITHUB_STEP_SUMMARY`, within the budget left in it (GitHub's limit is
/// 1 MiB per step).
pub fn step_summary(report: &Report, budget: usize) -> String {
    markdown::render_limited(report, budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_actions_core() {
        assert_eq!(escape_data("100% sure\r\nnext: a,b"), "100%25 sure%0D%0Anext: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn blockers_come_first() {
        let r = crate::report::sample_report();
        let out = render(&r);
        let first = out.lines().next().unwrap_or("");
        assert!(
            first.starts_with("::error file=docker-compose.prod.yml,line=4,col=11,endLine=4,endColumn=12,title="),
            "{first}"
        );
        assert!(out.lines().all(|l| l.starts_with("::")));
    }
}
