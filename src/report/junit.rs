//! JUnit XML renderer, for CI systems that only read test results: one `<testsuite>` per category,
//! one `<testcase>` per evaluated rule, a `<failure>` listing the rule's active findings, and
//! `<skipped>` for rules that had nothing to check.

use std::fmt::Write as _;

use super::Report;
use crate::finding::{Category, Finding};
use crate::rules::meta::RuleId;

/// Text safe in XML content and attribute values: markup escaped, characters XML 1.0 forbids
/// dropped.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn place(f: &Finding) -> String {
    f.location.as_ref().map_or_else(|| "(repository)".to_owned(), |l| l.to_string())
}

struct Case {
    rule: RuleId,
    findings: Vec<String>,
    suppressed: usize,
    applied: bool,
}

pub fn render(report: &Report) -> String {
    let mut suites = String::new();
    let (mut all_tests, mut all_failures, mut all_skipped) = (0usize, 0usize, 0usize);
    for cat in Category::ALL {
        let score = report.scorecard.categories.iter().find(|c| c.category == cat);
        let mut rules: Vec<RuleId> = report
            .rules
            .iter()
            .copied()
            .chain(report.findings.iter().map(|f| f.rule))
            .filter(|r| r.meta().category == cat)
            .collect();
        rules.sort();
        rules.dedup();
        if rules.is_empty() {
            continue;
        }
        let cases: Vec<Case> = rules
            .iter()
            .map(|r| {
                let applied = score.is_some_and(|c| c.checks.iter().any(|k| k.rule == *r));
                let findings: Vec<String> = report
                    .active()
                    .filter(|f| f.rule == *r)
                    .map(|f| format!("[{}] {}: {}", f.severity, place(f), f.message))
                    .collect();
                let suppressed = report.findings.iter().filter(|f| f.rule == *r && !f.is_active()).count();
                Case { rule: *r, applied: applied || !findings.is_empty(), findings, suppressed }
            })
            .collect();
        let failures = cases.iter().filter(|c| !c.findings.is_empty()).count();
        let skipped = cases.iter().filter(|c| !c.applied).count();
        all_tests += cases.len();
        all_failures += failures;
        all_skipped += skipped;
        let score_text = score.and_then(|c| c.score).map_or_else(|| "n/a".to_owned(), |s| format!("{s:.1}"));
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
            xml_escape(cat.id()),
            cases.len()
        );
        let _ = writeln!(
            suites,
            "    <properties><property name=\"score\" value=\"{}\"/><property name=\"category\" value=\"{}\"/></properties>",
            xml_escape(&score_text),
            xml_escape(cat.name())
        );
        for c in &cases {
            let m = c.rule.meta();
            let _ = write!(
                suites,
                "    <testcase name=\"{}\" classname=\"prodready.{}\"",
                xml_escape(&format!("{} {}", m.code, m.summary)),
                xml_escape(cat.id())
            );
            if c.findings.is_empty() && c.applied && c.suppressed == 0 {
                let _ = writeln!(suites, "/>");
                continue;
            }
            let _ = writeln!(suites, ">");
            if !c.findings.is_empty() {
                let _ = writeln!(
                    suites,
                    "      <failure message=\"{}\" type=\"{}\">{}\n\nFix: {}</failure>",
                    xml_escape(&format!(
                        "{} finding{}",
                        c.findings.len(),
                        if c.findings.len() == 1 { "" } else { "s" }
                    )),
                    xml_escape(m.severity.id()),
                    xml_escape(&c.findings.join("\n")),
                    xml_escape(m.remediation)
                );
            } else if !c.applied {
                let _ = writeln!(suites, "      <skipped message=\"nothing to check\"/>");
            }
            if c.suppressed > 0 {
                let _ = writeln!(suites, "      <system-out>{} suppressed finding(s)</system-out>", c.suppressed);
            }
            let _ = writeln!(suites, "    </testcase>");
        }
        let _ = writeln!(suites, "  </testsuite>");
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"prodready {}\" tests=\"{all_tests}\" failures=\"{all_failures}\" errors=\"0\" skipped=\"{all_skipped}\">",
        xml_escape(&report.root_name)
    );
    out.push_str(&suites);
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(xml_escape("a<b>&\"c'\u{1}\u{1b}d\r"), "a&lt;b&gt;&amp;&quot;c&apos;d&#13;");
    }

    #[test]
    fn sample_report_parses_back() {
        let xml = render(&crate::report::sample_report());
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let failures: usize = root.descendants().filter(|n| n.has_tag_name("failure")).count();
        assert_eq!(root.attribute("failures").and_then(|f| f.parse().ok()), Some(failures));
    }
}
