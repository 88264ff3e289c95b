//! Terminal renderer: a score bar per category, blockers and high findings with their source
//! snippet (drawn by miette), everything else one line each, diagnostics summarised, and a final
//! one-line summary that CI logs can grep.
//!
//! Colour is decided by the caller (`RenderOptions::color`); nothing here probes the terminal, so
//! output is deterministic. Text from the scanned repository (messages, paths, labels, snippets)
//! is stripped of ANSI escapes and control characters before it is printed.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
    SpanContents,
};
use owo_colors::{OwoColorize, Style};

use super::text::{self, clean, plural};
use super::{RenderOptions, Report};
use crate::finding::{Finding, Location, Severity, Snippet};
use crate::score::{CategoryScore, Status, Verdict};

/// Width miette wraps to; fixed so output does not depend on the terminal.
const WIDTH: usize = 100;
/// Diagnostics listed by name (the rest are counted).
const MAX_DIAGNOSTICS: usize = 5;
/// Column the category bars start at.
const NAME_WIDTH: usize = 28;

// ---------------------------------------------------------------------------------------------
// Colour

#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn paint(self, s: &str, style: Style) -> String {
        if self.0 {
            s.style(style).to_string()
        } else {
            s.to_owned()
        }
    }

    fn bold(self, s: &str) -> String {
        self.paint(s, Style::new().bold())
    }

    fn dim(self, s: &str) -> String {
        self.paint(s, Style::new().dimmed())
    }
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Blocker => Style::new().red().bold(),
        Severity::High => Style::new().red(),
        Severity::Medium => Style::new().yellow(),
        Severity::Low => Style::new().blue(),
        Severity::Info => Style::new().dimmed(),
    }
}

fn status_style(s: Status) -> Style {
    match s {
        Status::Excellent | Status::Good => Style::new().green(),
        Status::Partial | Status::Limited => Style::new().yellow(),
        Status::Poor => Style::new().red(),
        Status::NotApplicable => Style::new().dimmed(),
    }
}

fn verdict_style(v: Verdict) -> Style {
    match v {
        Verdict::Ready => Style::new().green().bold(),
        Verdict::NeedsAttention => Style::new().yellow().bold(),
        Verdict::DoNotDeploy => Style::new().red().bold(),
        Verdict::NotAssessed => Style::new().dimmed().bold(),
    }
}

// ---------------------------------------------------------------------------------------------
// Snippets through miette

/// A finding's snippet as miette source: the snippet lines alone, reported with their real line
/// numbers and with columns counted in characters (as prodready counts them).
#[derive(Debug)]
struct SnippetSource {
    name: String,
    text: String,
    /// Real line number of the first snippet line, minus one.
    line_offset: usize,
}

impl SourceCode for SnippetSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, context_lines_before, context_lines_after)?;
        let offset = span.offset().min(self.text.len());
        let line_start = self.text.get(..offset).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
        let column = self.text.get(line_start..offset).map_or(inner.column(), |t| t.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.line_offset,
            column,
            inner.line_count(),
        )))
    }
}

/// One finding as a miette diagnostic.
#[derive(Debug)]
struct FindingDiagnostic {
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<SnippetSource>,
    label: Option<LabeledSpan>,
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl miette::Diagnostic for FindingDiagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.label.clone().map(|l| Box::new(std::iter::once(l)) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
}

/// Byte offset of 1-based character column `col` in `line` (clamped to the line's end).
fn byte_at(line: &str, col: u32) -> usize {
    let skip = usize::try_from(col.saturating_sub(1)).unwrap_or(usize::MAX);
    line.char_indices().nth(skip).map_or(line.len(), |(i, _)| i)
}

/// The snippet as source text plus the byte span of the finding inside it.
fn snippet_source(snippet: &Snippet, loc: &Location) -> Option<(SnippetSource, SourceSpan)> {
    let lines: Vec<String> = snippet.lines.iter().map(|l| text::clean_source_line(l)).collect();
    let (start, end) = (loc.span.start, loc.span.end);
    let idx = usize::try_from(start.line.checked_sub(snippet.first_line)?).ok()?;
    let line = lines.get(idx)?;
    let line_start: usize = lines.iter().take(idx).map(|l| l.len() + 1).sum();
    let from = line_start + byte_at(line, start.col);
    let to = if end.line == start.line && end.col > start.col {
        line_start + byte_at(line, end.col)
    } else if end.line > start.line {
        usize::try_from(end.line - snippet.first_line)
            .ok()
            .and_then(|i| lines.get(i).map(|l| (i, l)))
            .map_or(line_start + line.len(), |(i, l)| {
                lines.iter().take(i).map(|l| l.len() + 1).sum::<usize>() + byte_at(l, end.col)
            })
    } else {
        // a point: underline the character there, if any
        let at = byte_at(line, start.col);
        line_start + line.get(at..).and_then(|r| r.chars().next()).map_or(at, |c| at + c.len_utf8())
    };
    let span = SourceSpan::new(from.into(), to.saturating_sub(from));
    let source = SnippetSource {
        name: clean(&loc.path),
        text: lines.join("\n"),
        line_offset: usize::try_from(snippet.first_line.saturating_sub(1)).unwrap_or(0),
    };
    Some((source, span))
}

fn miette_block(f: &Finding, color: bool) -> String {
    let meta = f.rule.meta();
    let mut help = text::one_line(meta.remediation);
    if let Some(h) = &f.help {
        help = format!("{} {help}", clean(h));
    }
    let (source, label) = match (&f.snippet, &f.location) {
        (Some(s), Some(l)) => match snippet_source(s, l) {
            Some((src, span)) => {
                (Some(src), Some(LabeledSpan::new_primary_with_span(Some(meta.summary.to_owned()), span)))
            }
            None => (None, None),
        },
        _ => (None, None),
    };
    let diag = FindingDiagnostic {
        message: clean(&f.message),
        severity: if f.severity == Severity::Blocker { miette::Severity::Error } else { miette::Severity::Warning },
        help: Some(help),
        source,
        label,
    };
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false)
        .with_urls(false)
        .with_context_lines(2)
        .without_syntax_highlighting();
    let mut out = String::new();
    if handler.render_report(&mut out, &diag).is_err() {
        // miette refused (e.g. a span it cannot read): fall back to plain lines
        out = format!("  {}\n  help: {}\n", diag.message, diag.help.unwrap_or_default());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Sections

fn position(l: &Location) -> String {
    if l.span.start.line == 0 {
        clean(&l.path)
    } else {
        format!("{}:{}:{}", clean(&l.path), l.span.start.line, l.span.start.col)
    }
}

fn where_(f: &Finding) -> String {
    f.location.as_ref().map_or_else(|| "(repository)".to_owned(), position)
}

fn header(out: &mut String, r: &Report, p: Paint) {
    let _ = writeln!(
        out,
        "{} {} · production readiness of {}",
        p.bold("prodready"),
        r.tool_version,
        p.bold(&clean(&r.root_name))
    );
    let _ = writeln!(
        out,
        "{}",
        p.dim(&format!(
            "{} evaluated over {} (of {} discovered)",
            plural(r.rules.len(), "rule"),
            plural(r.stats.files_scanned, "file"),
            r.stats.files_discovered
        ))
    );
    let _ = writeln!(out);
}

fn bar(score: Option<f64>) -> String {
    let filled = score.map_or(0, |s| {
        let cells = s.clamp(0.0, 10.0).round();
        // 0..=10 after the clamp: the cast cannot truncate
        cells as usize
    });
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled.min(10)))
}

fn category_line(out: &mut String, c: &CategoryScore, p: Paint) {
    let name = format!("{:<NAME_WIDTH$}", c.category.name());
    let style = status_style(c.status);
    match c.score {
        Some(s) => {
            let mut line =
                format!("  {name}{}  {:>4.1}  {}", p.paint(&bar(Some(s)), style), s, p.paint(c.status.label(), style));
            if c.blockers > 0 {
                let note = format!("  capped: {}", plural(c.blockers as usize, "blocker"));
                line.push_str(&p.paint(&note, severity_style(Severity::Blocker)));
            }
            let _ = writeln!(out, "{line}");
        }
        None => {
            let reason = c.na_reason.as_deref().unwrap_or("not applicable");
            let _ = writeln!(out, "  {name}{}   {}  {}", p.dim(&bar(None)), p.dim("n/a"), p.dim(&clean(reason)));
        }
    }
}

fn scores(out: &mut String, r: &Report, p: Paint) {
    let _ = writeln!(out, "{}", p.bold("Readiness by category"));
    for c in &r.scorecard.categories {
        category_line(out, c, p);
    }
    let sc = &r.scorecard;
    let name = format!("{:<NAME_WIDTH$}", "Overall");
    let score = sc.overall.map_or_else(|| " n/a".to_owned(), |s| format!("{s:>4.1}"));
    let _ = writeln!(
        out,
        "  {}{}  {}  {}\n",
        p.bold(&name),
        p.paint(&bar(sc.overall), verdict_style(sc.verdict)),
        p.bold(&score),
        p.paint(sc.verdict.label(), verdict_style(sc.verdict))
    );
}

fn detailed(out: &mut String, r: &Report, severity: Severity, title: &str, p: Paint) {
    let list: Vec<&Finding> = r.with_severity(severity).collect();
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}\n", p.paint(&format!("{title} ({})", list.len()), severity_style(severity)));
    for f in list {
        let meta = f.rule.meta();
        let _ = writeln!(
            out,
            "{}  {}  {}",
            p.paint(&severity.id().to_uppercase(), severity_style(severity)),
            p.bold(&where_(f)),
            p.dim(&format!("[{} {}]", meta.code, meta.name))
        );
        out.push_str(&miette_block(f, p.0));
        for rel in &f.related {
            let _ = writeln!(out, "  {} {}  {}", p.dim("related:"), position(&rel.location), clean(&rel.label));
        }
        if severity == Severity::Blocker {
            if let Some(v) = meta.verify {
                let _ = writeln!(out, "  {} {v}", p.dim("verify:"));
            }
        }
        let _ = writeln!(out);
    }
}

fn one_liners(out: &mut String, r: &Report, p: Paint) {
    let rest: Vec<&Finding> = r.by_severity().into_iter().filter(|f| f.severity < Severity::High).collect();
    if !rest.is_empty() {
        let _ = writeln!(out, "{}", p.bold(&format!("Other findings ({})", rest.len())));
        for f in rest {
            let _ = writeln!(
                out,
                "  {}  {}  {}  {}",
                p.paint(&format!("{:<6}", f.severity.id()), severity_style(f.severity)),
                where_(f),
                clean(&f.message),
                p.dim(&format!("[{}]", f.rule.code()))
            );
        }
    }
    let suppressed = r.scorecard.counts.suppressed as usize;
    if suppressed > 0 {
        let _ = writeln!(out, "  {}", p.dim(&format!("({} not shown)", plural(suppressed, "suppressed finding"))));
    }
    if !out.ends_with("\n\n") {
        let _ = writeln!(out);
    }
}

fn diagnostics(out: &mut String, r: &Report, p: Paint) {
    if r.diagnostics.is_empty() {
        return;
    }
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &r.diagnostics {
        *by_kind.entry(d.kind.id()).or_default() += 1;
    }
    let kinds: Vec<String> = by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let _ = writeln!(out, "{} {}", p.bold(&format!("Diagnostics ({}):", r.diagnostics.len())), kinds.join(", "));
    for d in r.diagnostics.iter().take(MAX_DIAGNOSTICS) {
        let place = match d.line {
            Some(l) => format!("{}:{l}", clean(&d.path)),
            None => clean(&d.path),
        };
        let _ = writeln!(out, "  {}  {place}  {}", p.dim(&format!("{:<8}", d.kind.id())), clean(&d.message));
    }
    if r.diagnostics.len() > MAX_DIAGNOSTICS {
        let _ = writeln!(
            out,
            "  {}",
            p.dim(&format!("… and {} more (see the JSON or Markdown report)", r.diagnostics.len() - MAX_DIAGNOSTICS))
        );
    }
    let _ = writeln!(out);
}

/// Most fixed baseline entries listed.
const MAX_FIXED: usize = 20;

/// Baseline and change scope, when the run had them.
fn change_context(out: &mut String, r: &Report, p: Paint) {
    if let Some(b) = &r.baseline {
        let recorded = b.recorded_score.map_or_else(|| "n/a".to_owned(), |s| format!("{s:.1}"));
        let _ = writeln!(
            out,
            "{} {} (recorded score {recorded}): {} new, {} known (not gating), {} fixed",
            p.bold("Compared with baseline"),
            clean(&b.file),
            b.new,
            b.known,
            b.fixed.len()
        );
        for e in b.fixed.iter().take(MAX_FIXED) {
            let place = match (&e.path, e.line) {
                (Some(f), Some(l)) => format!("{}:{l}", clean(f)),
                (Some(f), None) => clean(f),
                _ => "(repository)".to_owned(),
            };
            let _ = writeln!(
                out,
                "  {}  {place}  {}  {}",
                p.paint("fixed ", Style::new().green()),
                clean(&e.message),
                p.dim(&format!("[{}]", clean(&e.rule)))
            );
        }
        if b.fixed.len() > MAX_FIXED {
            let _ = writeln!(out, "  {}", p.dim(&format!("… and {} more fixed", b.fixed.len() - MAX_FIXED)));
        }
        let _ = writeln!(out);
    }
    if let Some(s) = &r.scope {
        let _ = writeln!(
            out,
            "{} {}: {} outside them {} reported but not gating{}.\n",
            p.bold("Gate limited to"),
            plural(s.changed.len(), "changed path"),
            plural(s.outside as usize, "active finding"),
            if s.outside == 1 { "is" } else { "are" },
            if s.repo_level_gates { " (repository-level findings gate)" } else { "" }
        );
    }
}

fn summary_text(r: &Report, p: Paint) -> String {
    let sc = &r.scorecard;
    let c = &sc.counts;
    let score = sc.overall.map_or_else(|| "n/a".to_owned(), |s| format!("{s:.1}/10"));
    let mut counts =
        format!("{} blocker, {} high, {} medium, {} low, {} info", c.blocker, c.high, c.medium, c.low, c.info);
    if c.suppressed > 0 {
        counts.push_str(&format!(" ({} suppressed)", c.suppressed));
    }
    let gate = if r.gate.passed {
        p.paint("gate PASSED", Style::new().green().bold())
    } else {
        let reasons: Vec<String> = r.gate.reasons.iter().map(|s| clean(s)).collect();
        let mut g = p.paint("gate FAILED", Style::new().red().bold());
        if !reasons.is_empty() {
            g.push_str(&format!(": {}", reasons.join("; ")));
        }
        g
    };
    format!("prodready: {} — score {score} — {counts} — {gate}", p.paint(sc.verdict.label(), verdict_style(sc.verdict)))
}

/// The full terminal report (or only the summary line when `quiet`).
pub fn render(report: &Report, opts: RenderOptions) -> String {
    if opts.quiet {
        return summary(report, opts.color);
    }
    let p = Paint(opts.color);
    let mut out = String::with_capacity(8 * 1024);
    header(&mut out, report, p);
    scores(&mut out, report, p);
    if report.scorecard.verdict == Verdict::NotAssessed {
        let _ = writeln!(
            out,
            "{}\n",
            p.dim(
                "Nothing deployable (Dockerfile, compose file, Kubernetes manifest, Helm chart or Kustomization) \
                 was found, so readiness was not assessed."
            )
        );
    }
    detailed(&mut out, report, Severity::Blocker, "BLOCKERS", p);
    detailed(&mut out, report, Severity::High, "HIGH", p);
    one_liners(&mut out, report, p);
    change_context(&mut out, report, p);
    diagnostics(&mut out, report, p);
    out.push_str(&summary(report, opts.color));
    out
}

/// The one-line summary, uncoloured, without a newline: verdict, score, counts, gate.
pub fn summary_line(report: &Report) -> String {
    summary_text(report, Paint(false))
}

/// The one-line summary (with a trailing newline).
pub fn summary(report: &Report, color: bool) -> String {
    format!("{}\n", summary_text(report, Paint(color)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Confidence, Related};
    use crate::model::Environment;
    use crate::report::sample::hostile_report;
    use crate::report::sample_report;
    use crate::rules::meta::RuleId;
    use crate::source::{Pos, Span};

    const PLAIN: RenderOptions = RenderOptions { color: false, quiet: false };
    const COLOR: RenderOptions = RenderOptions { color: true, quiet: false };

    #[test]
    fn plain_mode_has_no_escapes_and_ends_with_the_summary() {
        let r = sample_report();
        let out = render(&r, PLAIN);
        assert!(!out.contains('\u{1b}'), "plain output contains ESC:\n{out}");
        assert!(out.ends_with('\n'));
        let last = out.lines().last().unwrap_or_default();
        assert_eq!(last, summary_line(&r));
        assert!(
            last.starts_with("prodready: DO NOT DEPLOY — score 4.0/10 — 1 blocker, 2 high, 1 medium, 1 low, 1 info")
        );
        assert!(last.contains("(1 suppressed)"));
        assert!(last.contains("gate FAILED: 1 blocker finding; overall score 4.0 is below the minimum 7.0"));
        assert_eq!(out, render(&r, PLAIN), "deterministic");
    }

    #[test]
    fn color_mode_is_colored() {
        let r = sample_report();
        let out = render(&r, COLOR);
        assert!(out.contains('\u{1b}'), "color output has ANSI styling");
        assert!(!out.contains("\u{1b}]8;"), "no hyperlinks");
        assert_eq!(out, render(&r, COLOR), "deterministic");
        assert!(summary(&r, true).contains('\u{1b}'));
        assert!(!summary(&r, false).contains('\u{1b}'));
    }

    #[test]
    fn quiet_prints_only_the_summary_line() {
        let r = sample_report();
        let out = render(&r, RenderOptions { color: false, quiet: true });
        assert_eq!(out, format!("{}\n", summary_line(&r)));
        assert_eq!(out.lines().count(), 1);
        assert_eq!(render(&r, RenderOptions { color: true, quiet: true }), summary(&r, true));
    }

    #[test]
    fn one_bar_per_category() {
        let out = render(&sample_report(), PLAIN);
        let bars: Vec<&str> = out.lines().filter(|l| l.contains('░') || l.contains("██")).collect();
        assert_eq!(bars.len(), 9, "8 categories and the overall: {bars:?}");
        assert!(bars[0].starts_with("  Environment Configuration   ░░░░░░░░░░   n/a  no env files"));
        assert_eq!(bars[1], "  Infrastructure as Code      ██░░░░░░░░   2.4  POOR  capped: 1 blocker");
        assert_eq!(bars[5], "  Security Hardening          █████████░   9.4  EXCELLENT");
        assert_eq!(bars[8], "  Overall                     ████░░░░░░   4.0  DO NOT DEPLOY");
    }

    #[test]
    fn blockers_and_high_findings_show_snippets() {
        let out = render(&sample_report(), PLAIN);
        let b = out.find("BLOCKERS (1)").unwrap_or_else(|| panic!("no blockers section:\n{out}"));
        let h = out.find("HIGH (2)").unwrap_or_else(|| panic!("no high section"));
        assert!(b < h);
        assert!(out.contains("BLOCKER  docker-compose.prod.yml:4:11  [PARSE001 unloadable-deployment-file]"));
        assert!(out.contains("╭─[docker-compose.prod.yml:4:11]"), "real line and column in the header:\n{out}");
        assert!(out.contains(" 4 │      ports: [\"80:4000\"]"), "real line numbers");
        assert!(out.contains(" 5 │     environment:"));
        assert!(out.contains("╰── Deployment file cannot be loaded"));
        assert!(out.contains("related: apps/api/Dockerfile:1:1  the service `api` builds from this Dockerfile"));
        assert!(out.contains("verify: docker compose"));
        assert!(out.contains("HIGH  (repository)  [OPS001 no-runbooks]"));
        assert!(out.contains("╭─[k8s/deploy.yaml:7:9]"));
        // the label points at column 9 of line 7
        let lines: Vec<&str> = out.lines().collect();
        let src = lines.iter().position(|l| l.starts_with(" 7 │")).unwrap_or_default();
        let caret = lines[src + 1].chars().position(|c| c == '┬').unwrap_or_default();
        assert_eq!(caret, " 7 │ ".chars().count() + 8, "{}\n{}", lines[src], lines[src + 1]);
    }

    #[test]
    fn label_columns_count_characters_not_bytes() {
        let mut r = sample_report();
        let line = "  name: café → ünïcode";
        let col = u32::try_from(line.chars().position(|c| c == 'ü').unwrap_or_default() + 1).unwrap_or(0);
        r.findings = vec![Finding {
            rule: RuleId::PARSE001,
            severity: Severity::High,
            confidence: Confidence::High,
            environment: Environment::Default,
            message: "bad token".into(),
            location: Some(Location::new("x.yml", Span::new(Pos::new(12, col), Pos::new(12, col + 7)))),
            related: Vec::<Related>::new(),
            help: None,
            snippet: Some(Snippet { first_line: 12, lines: vec![line.into()] }),
            fingerprint: "f".into(),
            suppressed: None,
            target: 0,
        }];
        let out = render(&r, PLAIN);
        assert!(out.contains(&format!("╭─[x.yml:12:{col}]")), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        let src = lines.iter().position(|l| l.starts_with(" 12 │")).unwrap_or_default();
        let under = lines[src + 1];
        let start = under.chars().position(|c| c == '─').unwrap_or_default();
        let gutter = " 12 │ ".chars().count();
        assert_eq!(start - gutter, usize::try_from(col).unwrap_or(0) - 1, "\n{}\n{under}", lines[src]);
    }

    #[test]
    fn the_rest_is_one_line_each() {
        let out = render(&sample_report(), PLAIN);
        assert!(out.contains("Other findings (3)"));
        assert!(out.contains("\n  medium  docker-compose.yml:3:3  service `api` has no healthcheck  [DC001]\n"));
        assert!(out.contains("\n  low     docker-compose.dev.yml:2:3  service `db` has no healthcheck  [DC001]\n"));
        assert!(out.contains("\n  info    examples/docker-compose.yml:2:3"));
        assert!(!out.contains("worker"), "suppressed findings are not printed");
        assert!(out.contains("(1 suppressed finding not shown)"));
        assert!(out.contains("Diagnostics (2): 1 parse, 1 skipped"));
        assert!(out.contains("  parse     docker-compose.prod.yml:4  mapping values are not allowed"));
    }

    #[test]
    fn hostile_content_cannot_drive_the_terminal() {
        for opts in [PLAIN, COLOR] {
            let out = render(&hostile_report(), opts);
            assert!(!out.contains("NEXTLINE\u{1b}"), "ANSI from scanned content is stripped");
            assert!(out.contains("NEXTLINEred"));
            assert!(!out.contains("\u{1b}[2J"), "ANSI from snippets is neutralised");
            assert!(!out.chars().any(|c| c.is_control() && c != '\n' && c != '\u{1b}'), "control characters");
            if !opts.color {
                assert!(!out.contains('\u{1b}'));
            }
            // the embedded newline did not split a finding line
            assert!(!out.lines().any(|l| l.starts_with("NEXTLINE")));
        }
        let out = render(&hostile_report(), PLAIN);
        assert!(out.contains("x ```` y \u{FFFD}[2J"), "snippet control replaced in place");
        assert!(summary_line(&hostile_report()).lines().count() == 1);
    }

    #[test]
    fn summary_line_variants() {
        let mut r = sample_report();
        r.gate = crate::report::Gate { passed: true, reasons: Vec::new(), fail_on: "never".into(), min_score: None };
        assert!(summary_line(&r).ends_with("— gate PASSED"));
        r.scorecard.overall = None;
        r.scorecard.verdict = Verdict::NotAssessed;
        let line = summary_line(&r);
        assert!(line.starts_with("prodready: NOT ASSESSED — score n/a — "), "{line}");
        assert!(!line.contains('\n'));
        assert!(render(&r, PLAIN).contains("readiness was not assessed"));
    }

    #[test]
    fn out_of_range_snippets_degrade_gracefully() {
        let mut r = sample_report();
        for f in &mut r.findings {
            if let Some(s) = &mut f.snippet {
                s.first_line = 100; // does not contain the finding's line
            }
            if let Some(l) = &mut f.location {
                l.span.start.col = 500; // past the end of the line
            }
        }
        let out = render(&r, PLAIN);
        assert!(out.contains("BLOCKER  docker-compose.prod.yml:4:500"));
        assert!(out.contains("× docker-compose.prod.yml does not parse"));
    }
}
