//! Markdown → `crate::model::markdown` with `pulldown-cmark` (offset iterator, so every element
//! keeps its span), then a classification by path and headings and the RTO/RPO statements found
//! in prose (never inside code blocks).

use std::sync::LazyLock;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use regex::Regex;

use crate::model::markdown::{
    Classification, CodeBlock, DocClass, Heading, Link, ListItem, MarkdownDoc, Objective, ObjectiveKind, Section,
};
use crate::source::{SourceFile, Span, Spanned};

struct OpenItem {
    start: usize,
    text: String,
    checked: Option<bool>,
    number: Option<u64>,
    depth: u32,
    /// Text collection stopped (a nested list began).
    closed_text: bool,
}

/// Parse a Markdown document.
pub fn parse(src: &SourceFile) -> MarkdownDoc {
    let mut doc = MarkdownDoc::default();
    let opts = Options::ENABLE_TASKLISTS | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let parser = Parser::new_ext(&src.text, opts).into_offset_iter();
    let mut heading: Option<(u8, usize, String)> = None;
    let mut code: Option<(String, usize, String)> = None;
    let mut link: Option<(String, usize, String)> = None;
    // Open lists: next number (None for bullet lists).
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut items: Vec<OpenItem> = Vec::new();
    for (ev, range) in parser {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level as u8, range.start, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, text)) = heading.take() {
                    let end = src.text.get(start..range.end).map_or(range.end, |s| start + s.trim_end().len());
                    doc.headings.push(Heading { level, text: text.trim().to_owned(), span: src.span(start..end) });
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, range.start, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, start, content)) = code.take() {
                    let end = src.text.get(start..range.end).map_or(range.end, |s| start + s.trim_end().len());
                    let span = src.span(start..end);
                    let fenced = src.line(span.start.line).is_some_and(|l| {
                        let t = l.trim_start();
                        t.starts_with("```") || t.starts_with("~~~")
                    });
                    let content_line = span.start.line + u32::from(fenced);
                    doc.code_blocks.push(CodeBlock { lang, content, span, content_line });
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => link = Some((dest_url.to_string(), range.start, String::new())),
            Event::End(TagEnd::Link) => {
                if let Some((target, start, text)) = link.take() {
                    doc.links.push(Link { target, text, span: src.span(start..range.end) });
                }
            }
            Event::Start(Tag::List(first)) => {
                if let Some(it) = items.last_mut() {
                    it.closed_text = true;
                }
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                let number = lists.last_mut().and_then(|n| {
                    let cur = *n;
                    if let Some(v) = n.as_mut() {
                        *v += 1;
                    }
                    cur
                });
                items.push(OpenItem {
                    start: range.start,
                    text: String::new(),
                    checked: None,
                    number,
                    depth: u32::try_from(lists.len().saturating_sub(1)).unwrap_or(0),
                    closed_text: false,
                });
            }
            Event::End(TagEnd::Item) => {
                if let Some(it) = items.pop() {
                    // The item's own line(s): up to the end of its first line of text.
                    let first_line_end =
                        src.text.get(it.start..).and_then(|s| s.find('\n')).map_or(range.end, |i| it.start + i);
                    let end = first_line_end.min(range.end.max(it.start));
                    doc.list_items.push(ListItem {
                        text: it.text.trim().to_owned(),
                        span: src.span(it.start..end),
                        checked: it.checked,
                        number: it.number,
                        depth: it.depth,
                    });
                }
            }
            Event::TaskListMarker(done) => {
                if let Some(it) = items.last_mut() {
                    it.checked = Some(done);
                }
            }
            Event::Text(t) => {
                if let Some((_, _, c)) = code.as_mut() {
                    c.push_str(&t);
                    continue;
                }
                push_text(&mut heading, &mut link, &mut items, &t);
            }
            Event::Code(t) => {
                doc.inline_code.push(Spanned::new(t.to_string(), src.span(range.clone())));
                push_text(&mut heading, &mut link, &mut items, &t);
            }
            Event::SoftBreak | Event::HardBreak => push_text(&mut heading, &mut link, &mut items, " "),
            _ => {}
        }
    }
    doc.list_items.sort_by_key(|i| i.span.start);
    doc.sections = sections(&doc.headings, src.line_count());
    doc.objectives = objectives(src, &doc);
    doc.classes = classify(&src.path, &doc);
    doc
}

fn push_text(
    heading: &mut Option<(u8, usize, String)>,
    link: &mut Option<(String, usize, String)>,
    items: &mut [OpenItem],
    t: &str,
) {
    if let Some((_, _, h)) = heading.as_mut() {
        h.push_str(t);
    }
    if let Some((_, _, l)) = link.as_mut() {
        l.push_str(t);
    }
    if let Some(it) = items.last_mut() {
        if !it.closed_text && it.text.len() < 400 {
            it.text.push_str(t);
        }
    }
}

fn sections(headings: &[Heading], last_line: u32) -> Vec<Section> {
    headings
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let end = headings
                .iter()
                .skip(i + 1)
                .find(|n| n.level <= h.level)
                .map_or(last_line, |n| n.span.start.line.saturating_sub(1));
            Section { heading: i, lines: (h.span.start.line, end.max(h.span.start.line)) }
        })
        .collect()
}

static OBJECTIVE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(RTO|RPO|recovery\s+time\s+objective|recovery\s+point\s+objective)\b[^0-9\n]{0,40}?(\d+(?:\.\d+)?)\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|[smhd])\b",
    )
    .ok()
});

fn objectives(src: &SourceFile, doc: &MarkdownDoc) -> Vec<Objective> {
    let Some(re) = OBJECTIVE.as_ref() else { return Vec::new() };
    let mut out = Vec::new();
    let mut offset = 0usize;
    for (i, line) in src.text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if doc.in_code(n) {
            continue;
        }
        for c in re.captures_iter(line) {
            let (Some(kind), Some(num), Some(unit)) = (c.get(1), c.get(2), c.get(3)) else { continue };
            let k = kind.as_str().to_ascii_lowercase();
            let kind = if k == "rto" || k.contains("time") { ObjectiveKind::Rto } else { ObjectiveKind::Rpo };
            let value = line.get(num.start()..unit.end()).unwrap_or("").to_owned();
            let factor = match unit.as_str().to_ascii_lowercase().chars().next() {
                Some('s') => 0,
                Some('m') => 1,
                Some('h') => 60,
                Some('d') => 1440,
                _ => 0,
            };
            let minutes = num.as_str().parse::<f64>().ok().map(|v| {
                let m = if factor == 0 { (v / 60.0).ceil() } else { v * f64::from(factor) };
                // Values are small human numbers: the cast is exact after rounding.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let r = m.round().max(0.0) as u64;
                r
            });
            out.push(Objective {
                kind,
                value: Spanned::new(value, src.span(start + num.start()..start + unit.end())),
                minutes,
            });
        }
    }
    out
}

struct ClassRule {
    class: DocClass,
    path: Option<Regex>,
    heading: Option<Regex>,
}

static CLASS_RULES: LazyLock<Vec<ClassRule>> = LazyLock::new(|| {
    let r = |p: &str| Regex::new(p).ok();
    vec![
        ClassRule {
            class: DocClass::Runbook,
            path: r(r"(?i)(runbook|playbook|operations|troubleshoot|(^|/)ops/|(^|/)sre/)"),
            heading: r(r"(?i)\b(runbooks?|playbooks?|troubleshoot(ing)?|operational procedures?|operations guide)\b"),
        },
        ClassRule {
            class: DocClass::Deploy,
            path: r(r"(?i)deploy"),
            heading: r(r"(?i)\b(deploy(ing|ment)?|release process|go-live|going live)\b"),
        },
        ClassRule {
            class: DocClass::Rollback,
            path: r(r"(?i)roll-?back"),
            heading: r(r"(?i)\b(roll-?backs?|roll(ing)? back)\b"),
        },
        ClassRule {
            class: DocClass::IncidentResponse,
            path: r(r"(?i)(incident|post-?mortem)"),
            heading: r(r"(?i)\b(incidents?|incident response|outages?|post-?mortems?)\b"),
        },
        ClassRule {
            class: DocClass::DisasterRecovery,
            path: r(r"(?i)(disaster|(^|[/_\-])dr([_\-.]|$)|business-continuity)"),
            heading: r(
                r"(?i)\b(disaster recovery|disaster-recovery|dr (plan|procedure|drill)s?|failover|business continuity)\b",
            ),
        },
        ClassRule {
            class: DocClass::OnCall,
            path: r(r"(?i)(on-?call|escalation)"),
            heading: r(r"(?i)\b(on-?call|on call|escalation|paging)\b"),
        },
        ClassRule {
            class: DocClass::BackupRestore,
            path: r(r"(?i)(backup|restore)"),
            heading: r(r"(?i)\b(backups?|restor(e|ing|ation)|point-in-time recovery)\b"),
        },
        ClassRule {
            class: DocClass::Slo,
            path: r(r"(?i)(^|[/_\-.])(slos?|slas?|slis?|service-level)([/_\-.]|$)"),
            heading: r(
                r"(?i)\b(slos?|slas?|slis?|service level (objectives?|agreements?|indicators?)|error budgets?)\b",
            ),
        },
        ClassRule {
            class: DocClass::SecurityPolicy,
            path: r(r"(?i)((^|/)security\.md$|security-policy|vulnerability-disclosure)"),
            heading: r(
                r"(?i)\b(reporting (a )?(security )?vulnerabilit(y|ies)|security policy|(responsible|coordinated|vulnerability) disclosure)\b",
            ),
        },
        ClassRule {
            class: DocClass::Architecture,
            path: r(r"(?i)(architecture|(^|/)adrs?/|(^|/)design/)"),
            heading: r(r"(?i)\b(architecture|system design|system overview)\b"),
        },
        ClassRule {
            class: DocClass::ReadinessClaims,
            path: r(
                r"(?i)(readiness|production[_\-]ready|implementation[_\-](summary|complete)|_complete\.md$|completion[_\-]report|status[_\-]report)",
            ),
            heading: r(
                r"(?i)(files created|production[- ]ready|readiness (report|assessment|checklist)|implementation (complete|summary)|✅)",
            ),
        },
    ]
});

fn classify(path: &str, doc: &MarkdownDoc) -> Vec<Classification> {
    let mut out = Vec::new();
    for rule in CLASS_RULES.iter() {
        if rule.path.as_ref().is_some_and(|re| re.is_match(path)) {
            out.push(Classification { class: rule.class, heading: None, reason: format!("path `{path}`") });
            continue;
        }
        if let Some(h) = doc.headings.iter().find(|h| rule.heading.as_ref().is_some_and(|re| re.is_match(&h.text))) {
            out.push(Classification {
                class: rule.class,
                heading: Some(h.span),
                reason: format!("heading `{}`", h.text),
            });
        }
    }
    out
}

/// Span of the first heading matching `re`, for evidence.
pub fn heading_matching<'a>(doc: &'a MarkdownDoc, re: &Regex) -> Option<&'a Heading> {
    doc.headings.iter().find(|h| re.is_match(&h.text))
}

/// Lines spanned by a heading's section (for step counting).
pub fn section_lines(doc: &MarkdownDoc, heading_span: Span) -> Option<(u32, u32)> {
    let i = doc.headings.iter().position(|h| h.span == heading_span)?;
    doc.section_of(i).map(|s| s.lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Pos;

    fn sp(l1: u32, c1: u32, l2: u32, c2: u32) -> Span {
        Span::new(Pos::new(l1, c1), Pos::new(l2, c2))
    }

    const DOC: &str = "# Disaster Recovery

RTO: 1 hour. Our **RPO < 15 minutes** (see [backups](docs/backup.md)).

## Restore steps

1. Stop the API: `docker compose stop api`
2. Restore:

   ```bash
   # latest archive
   ./scripts/backup/restore-mongodb.sh latest
   $ docker compose start api
   ```

- [x] drill done
- [ ] automate
  - nested note

```yaml
rto: 5 minutes
```
";

    #[test]
    fn elements_with_spans() {
        let d = parse(&SourceFile::from_text("docs/runbooks/dr.md", DOC));
        let h: Vec<(u8, &str, Span)> = d.headings.iter().map(|h| (h.level, h.text.as_str(), h.span)).collect();
        assert_eq!(h, vec![(1, "Disaster Recovery", sp(1, 1, 1, 20)), (2, "Restore steps", sp(5, 1, 5, 17))]);
        assert_eq!(d.code_blocks.len(), 2);
        let c = &d.code_blocks[0];
        assert_eq!((c.lang.as_str(), c.span, c.content_line), ("bash", sp(10, 4, 14, 7), 11));
        assert_eq!(c.commands(), vec!["./scripts/backup/restore-mongodb.sh latest", "docker compose start api"]);
        assert_eq!(d.code_blocks[1].lang, "yaml");
        assert_eq!(d.inline_code[0].value, "docker compose stop api");
        assert_eq!(d.inline_code[0].span, sp(7, 18, 7, 43));
        assert_eq!(d.links.len(), 1);
        assert_eq!((d.links[0].target.as_str(), d.links[0].text.as_str()), ("docs/backup.md", "backups"));
        assert_eq!(d.links[0].span, sp(3, 44, 3, 69));
        let items: Vec<(Option<u64>, Option<bool>, u32, &str)> =
            d.list_items.iter().map(|i| (i.number, i.checked, i.depth, i.text.as_str())).collect();
        assert_eq!(
            items,
            vec![
                (Some(1), None, 0, "Stop the API: docker compose stop api"),
                (Some(2), None, 0, "Restore:"),
                (None, Some(true), 0, "drill done"),
                (None, Some(false), 0, "automate"),
                (None, None, 1, "nested note"),
            ]
        );
        assert_eq!(d.list_items[0].span, sp(7, 1, 7, 43));
        // 2 numbered items + 2 shell commands (comment skipped); the yaml block is not steps.
        assert_eq!(d.steps(), 4);
        assert_eq!(d.sections[0].lines, (1, 22));
        assert_eq!(d.sections[1].lines, (5, 22));
    }

    #[test]
    fn objectives_and_classes() {
        let d = parse(&SourceFile::from_text("docs/runbooks/dr.md", DOC));
        let o: Vec<(ObjectiveKind, &str, Option<u64>, Span)> =
            d.objectives.iter().map(|o| (o.kind, o.value.value.as_str(), o.minutes, o.value.span)).collect();
        // The yaml block's `rto: 5 minutes` is quoted code, not a statement.
        assert_eq!(
            o,
            vec![
                (ObjectiveKind::Rto, "1 hour", Some(60), sp(3, 6, 3, 12)),
                (ObjectiveKind::Rpo, "15 minutes", Some(15), sp(3, 26, 3, 36)),
            ]
        );
        let classes: Vec<DocClass> = d.classes.iter().map(|c| c.class).collect();
        assert_eq!(classes, vec![DocClass::Runbook, DocClass::DisasterRecovery, DocClass::BackupRestore]);
        assert!(d.is(DocClass::Runbook).is_some_and(|c| c.heading.is_none()));
        assert_eq!(d.is(DocClass::BackupRestore).and_then(|c| c.heading), Some(sp(5, 1, 5, 17)));
        let s = parse(&SourceFile::from_text(
            "SECURITY.md",
            "# Security\n\n## Reporting a Vulnerability\n\nMail security@acme.io.\n",
        ));
        assert!(s.is(DocClass::SecurityPolicy).is_some());
        let t = parse(&SourceFile::from_text(
            "docs/x.md",
            "| Objective | Target |\n|---|---|\n| RTO | 4 hours |\n| RPO | 30 min |\n",
        ));
        assert_eq!(t.objectives.iter().map(|o| o.minutes).collect::<Vec<_>>(), vec![Some(240), Some(30)]);
        let n = parse(&SourceFile::from_text("README.md", "# App\n\nSlow queries are logged.\n"));
        assert!(n.classes.is_empty());
    }
}
