//! Markdown renderer: a readiness report for humans, shaped like a reviewer's write-up (executive
//! summary, readiness table, blockers, findings per category, go-live checklist) and meant to render
//! cleanly on GitHub (files, PR comments, job summaries).
//!
//! Every string that comes from the scanned repository (messages, paths, labels, evidence,
//! diagnostics) goes through [`esc`] or [`code`], so it cannot break a table, open a code span,
//! emphasise, link or inject HTML. Rule metadata (titles, rationale, remediation) is authored
//! Markdown from `rules/*.toml` and is only unwrapped onto one line. Output is deterministic: no
//! timestamps, durations or absolute paths.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::text::{self, plural};
use super::Report;
use crate::finding::{Category, Finding, Location, Severity};
use crate::model::Environment;
use crate::rules::meta::RuleKind;
use crate::rules::meta::{Effort, RuleId};
use crate::score::{CategoryScore, CheckOutcome, Status, Verdict};

/// Longest list of strengths shown per category.
const MAX_STRENGTHS: usize = 10;
/// Key findings in the executive summary.
const MAX_KEY_FINDINGS: usize = 5;
/// Test-data paths listed by name.
const MAX_TEST_DATA: usize = 10;

// ---------------------------------------------------------------------------------------------
// Escaping

/// Untrusted text as inline Markdown: one line, no markup, no HTML, safe inside a table cell.
pub(crate) fn esc(s: &str) -> String {
    let s = text::clean(s);
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // CommonMark backslash escapes; `$` because GitHub renders `$…$` as math, `~` for
            // strikethrough, `|` for tables.
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '$' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn longest_run(s: &str, ch: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for c in s.chars() {
        if c == ch {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// Untrusted text as a code span (paths, commands). The delimiter is longer than any backtick
/// run inside. In a table cell `|` must still be escaped (GFM strips the backslash there); outside
/// tables a `|` is literal.
pub(crate) fn code(s: &str, in_table: bool) -> String {
    let s = text::clean(s);
    if s.trim().is_empty() {
        return esc(&s);
    }
    let fence = "`".repeat(longest_run(&s, '`') + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    let body = if in_table { s.replace('|', "\\|") } else { s };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// A finding message or help text: prodready writes names and values between backticks; those
/// become code spans (with a safe fence), everything else is escaped. An unpaired backtick is
/// escaped like any other character, so hostile content can shift the pairing but never inject.
pub(crate) fn msg(s: &str, in_table: bool) -> String {
    let s = text::clean(s);
    let parts: Vec<&str> = s.split('`').collect();
    let mut out = String::with_capacity(s.len() + 8);
    let paired = parts.len() % 2 == 1; // an even number of backticks
    for (i, p) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if i % 2 == 1 && (paired || !last) && !p.is_empty() {
            out.push_str(&code(p, in_table));
        } else {
            if i % 2 == 1 {
                out.push_str("\\`");
            }
            let e = esc(p);
            out.push_str(&if in_table { e } else { e.replace("\\|", "|") });
        }
    }
    out
}

/// Authored rule prose (Markdown) on one line; inside a table `|` is escaped.
fn prose(s: &str, in_table: bool) -> String {
    let s = text::one_line(s);
    if in_table {
        s.replace('|', "\\|")
    } else {
        s
    }
}

/// A fenced code block whose fence is longer than any backtick run in the content.
fn fenced(out: &mut String, lines: &[String], info: &str) {
    let lines: Vec<String> = lines.iter().map(|l| text::clean_source_line(l)).collect();
    let longest = lines.iter().map(|l| longest_run(l, '`')).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{fence}{info}");
    for l in &lines {
        let _ = writeln!(out, "{l}");
    }
    let _ = writeln!(out, "{fence}");
}

/// Syntax-highlighting hint for a snippet, from a fixed list (never from the path itself).
fn language(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if name.contains("dockerfile") || name.ends_with(".containerfile") || name == "containerfile" {
        "dockerfile"
    } else if name.ends_with(".yml") || name.ends_with(".yaml") {
        "yaml"
    } else if name.starts_with(".env") || name.ends_with(".env") {
        "dotenv"
    } else if name.ends_with(".json") {
        "json"
    } else if name.ends_with(".toml") {
        "toml"
    } else if name.ends_with(".sh") || name.ends_with(".bash") {
        "sh"
    } else if name == "makefile" || name.ends_with(".mk") {
        "makefile"
    } else if name.ends_with(".conf") && name.contains("nginx") {
        "nginx"
    } else {
        "text"
    }
}

// ---------------------------------------------------------------------------------------------
// Labels

fn verdict_emoji(v: Verdict) -> &'static str {
    match v {
        Verdict::Ready => "✅",
        Verdict::NeedsAttention => "⚠️",
        Verdict::DoNotDeploy => "❌",
        Verdict::NotAssessed => "➖",
    }
}

fn status_cell(s: Status) -> String {
    let emoji = match s {
        Status::Excellent | Status::Good => "✅",
        Status::Partial | Status::Limited => "⚠️",
        Status::Poor => "❌",
        Status::NotApplicable => "➖",
    };
    format!("{emoji} {}", s.label())
}

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Blocker => "🔴 Blocker",
        Severity::High => "🟠 High",
        Severity::Medium => "🟡 Medium",
        Severity::Low => "🔵 Low",
        Severity::Info => "⚪ Info",
    }
}

fn score_text(s: Option<f64>) -> String {
    s.map_or_else(|| "n/a".to_owned(), |s| format!("{s:.1}/10"))
}

/// `path:line` of a location (no column: this is for people).
fn place(l: &Location) -> String {
    if l.span.start.line == 0 {
        l.path.clone()
    } else {
        format!("{}:{}", l.path, l.span.start.line)
    }
}

/// The location of a finding as Markdown.
fn where_md(f: &Finding, in_table: bool) -> String {
    match &f.location {
        Some(l) => code(&place(l), in_table),
        None => "repository-wide".to_owned(),
    }
}

fn category_of(f: &Finding) -> Category {
    f.rule.meta().category
}

fn effort_word(e: Effort) -> &'static str {
    match e {
        Effort::Minutes => "minutes",
        Effort::Hours => "hours",
        Effort::Days => "days",
    }
}

// ---------------------------------------------------------------------------------------------
// Sections

fn header(out: &mut String, r: &Report) {
    let _ = writeln!(out, "# Production Readiness Report: {}\n", esc(&r.root_name));
    let _ = writeln!(
        out,
        "Audited by prodready {} from the repository's deployment artifacts: {} evaluated over {} \
         (of {} discovered).\n",
        esc(r.tool_version),
        plural(r.rules.len(), "rule"),
        plural(r.stats.files_scanned, "file"),
        r.stats.files_discovered
    );
    let _ = writeln!(out, "---\n");
}

/// Key findings: the most severe, one per rule and message, blockers first.
fn key_findings(r: &Report) -> Vec<&Finding> {
    let mut seen = std::collections::BTreeSet::new();
    r.by_severity()
        .into_iter()
        .filter(|f| f.severity >= Severity::Medium)
        .filter(|f| seen.insert((f.rule, f.message.as_str())))
        .take(MAX_KEY_FINDINGS)
        .collect()
}

fn recommendation(r: &Report) -> String {
    let c = &r.scorecard.counts;
    let high = if c.high > 0 {
        format!(" Then fix the {}.", plural(c.high as usize, "high-severity finding"))
    } else {
        String::new()
    };
    match r.scorecard.verdict {
        Verdict::DoNotDeploy => format!(
            "**DO NOT DEPLOY TO PRODUCTION** until the {} below {} resolved.{high}",
            plural(c.blocker as usize, "blocker"),
            if c.blocker == 1 { "is" } else { "are" }
        ),
        Verdict::NeedsAttention if c.high > 0 => format!(
            "**Needs attention before going live:** fix the {} and re-run the audit.",
            plural(c.high as usize, "high-severity finding")
        ),
        Verdict::NeedsAttention => {
            "**Needs attention before going live:** no single blocker, but the overall score is below 7.0; \
             work through the go-live checklist."
                .to_owned()
        }
        Verdict::Ready => {
            "**Ready to deploy:** no blocker or high-severity finding. Remaining findings are listed below.".to_owned()
        }
        Verdict::NotAssessed => "**Not assessed:** nothing deployable (Dockerfile, compose file, Kubernetes \
             manifest, Helm chart or Kustomization) was found, so production readiness could not be judged."
            .to_owned(),
    }
}

/// "Effort to clear blockers and high findings", from the rules' rough effort sizes.
fn effort_summary(r: &Report) -> Option<String> {
    let mut rules: BTreeMap<RuleId, Effort> = BTreeMap::new();
    for f in r.active().filter(|f| f.severity >= Severity::High) {
        rules.insert(f.rule, f.rule.meta().effort);
    }
    if rules.is_empty() {
        return None;
    }
    let mut by: BTreeMap<Effort, usize> = BTreeMap::new();
    for e in rules.values() {
        *by.entry(*e).or_default() += 1;
    }
    let parts: Vec<String> = by
        .iter()
        .rev()
        .map(|(e, n)| format!("{n} {} sized in {}", if *n == 1 { "fix" } else { "fixes" }, effort_word(*e)))
        .collect();
    Some(format!(
        "**Estimated effort to clear blockers and high findings:** {} ({} to address; rough sizes from the rule catalog).",
        parts.join(", "),
        plural(rules.len(), "rule")
    ))
}

fn executive_summary(out: &mut String, r: &Report) {
    let sc = &r.scorecard;
    let c = &sc.counts;
    let _ = writeln!(out, "## Executive Summary\n");
    let _ = writeln!(
        out,
        "### Overall Readiness Score: **{}** {} {}\n",
        score_text(sc.overall),
        verdict_emoji(sc.verdict),
        sc.verdict.label()
    );
    let _ = writeln!(out, "| Blocker | High | Medium | Low | Info | Suppressed |");
    let _ = writeln!(out, "| ---: | ---: | ---: | ---: | ---: | ---: |");
    let _ =
        writeln!(out, "| {} | {} | {} | {} | {} | {} |\n", c.blocker, c.high, c.medium, c.low, c.info, c.suppressed);

    let keys = key_findings(r);
    let mut strengths: Vec<&CategoryScore> =
        sc.categories.iter().filter(|c| matches!(c.status, Status::Excellent | Status::Good)).collect();
    strengths.sort_by(|a, b| b.score.partial_cmp(&a.score).unwrap_or(std::cmp::Ordering::Equal));
    if !keys.is_empty() || !strengths.is_empty() {
        let _ = writeln!(out, "**Key findings:**\n");
        for f in &keys {
            let icon = if f.severity >= Severity::High { "❌" } else { "⚠️" };
            let _ = writeln!(
                out,
                "- {icon} **{}**: {} ({})",
                severity_label(f.severity).split_once(' ').map_or("", |(_, l)| l),
                msg(&f.message, false),
                where_md(f, false)
            );
        }
        for c in strengths.iter().take(3) {
            let _ = writeln!(
                out,
                "- ✅ **{}**: {} ({})",
                c.category.name(),
                c.status.label().to_lowercase(),
                score_text(c.score)
            );
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "**Recommendation:** {}\n", recommendation(r));
    if let Some(e) = effort_summary(r) {
        let _ = writeln!(out, "{e}\n");
    }
    let _ = writeln!(out, "---\n");
}

/// Short list of a category's blocker and high messages, or "—".
fn critical_issues(r: &Report, cat: Category) -> String {
    let mut seen = std::collections::BTreeSet::new();
    let msgs: Vec<String> = r
        .by_severity()
        .into_iter()
        .filter(|f| category_of(f) == cat && f.severity >= Severity::High)
        .filter(|f| seen.insert(f.message.as_str()))
        .map(|f| msg(&text::truncate(&text::clean(&f.message), 80), true))
        .collect();
    match msgs.len() {
        0 => "—".to_owned(),
        n if n <= 3 => msgs.join("; "),
        n => {
            let shown: Vec<&str> = msgs.iter().take(3).map(String::as_str).collect();
            format!("{}; +{} more", shown.join("; "), n - 3)
        }
    }
}

fn readiness_table(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## Production Readiness Checklist\n");
    let _ = writeln!(out, "| Category | Status | Score | Critical issues |");
    let _ = writeln!(out, "| --- | --- | ---: | --- |");
    for (i, c) in r.scorecard.categories.iter().enumerate() {
        let _ = writeln!(
            out,
            "| **{}. {}** | {} | {} | {} |",
            i + 1,
            c.category.name(),
            status_cell(c.status),
            score_text(c.score),
            critical_issues(r, c.category)
        );
    }
    let _ = writeln!(out, "\n---\n");
}

fn snippet_block(out: &mut String, f: &Finding) {
    let (Some(s), Some(l)) = (&f.snippet, &f.location) else { return };
    let last = s.first_line as usize + s.lines.len().saturating_sub(1);
    let range =
        if s.lines.len() > 1 { format!("lines {}–{last}", s.first_line) } else { format!("line {}", s.first_line) };
    let _ = writeln!(out, "{} ({range}):\n", code(&l.path, false));
    fenced(out, &s.lines, language(&l.path));
    let _ = writeln!(out);
}

fn blockers(out: &mut String, r: &Report) {
    let list: Vec<&Finding> = r.with_severity(Severity::Blocker).collect();
    let _ = writeln!(out, "## Blockers\n");
    if list.is_empty() {
        let _ = writeln!(out, "✅ No blockers.\n\n---\n");
        return;
    }
    let _ =
        writeln!(out, "Each of these stops a safe production deployment on its own and caps its category at 4.0.\n");
    for (i, f) in list.iter().enumerate() {
        let m = f.rule.meta();
        let _ = writeln!(out, "### {}. {} (`{}`)\n", i + 1, m.summary, m.code);
        let _ = writeln!(out, "**Finding:** {}\n", msg(&f.message, false));
        let env = if f.location.is_some() && f.environment != Environment::Default {
            format!(" ({})", f.environment.id())
        } else {
            String::new()
        };
        let _ = writeln!(out, "- **Location:** {}{env}", where_md(f, false));
        let _ = writeln!(out, "- **Impact:** {}", prose(&text::first_paragraph(m.rationale), false));
        let _ = writeln!(out, "- **Remediation:** {}", prose(m.remediation, false));
        if let Some(h) = &f.help {
            let _ = writeln!(out, "- **For this finding:** {}", msg(h, false));
        }
        if let Some(v) = m.verify {
            let _ = writeln!(out, "- **Verify:** {}", code(v, false));
        }
        for rel in &f.related {
            let _ = writeln!(out, "- **Related:** {}: {}", code(&place(&rel.location), false), esc(&rel.label));
        }
        let _ = writeln!(out, "- **Effort:** {}\n", effort_word(m.effort));
        snippet_block(out, f);
    }
    let _ = writeln!(out, "---\n");
}

fn strengths(c: &CategoryScore) -> Vec<String> {
    let mut items = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut validity_passed = 0usize;
    for k in &c.checks {
        let m = k.rule.meta();
        if m.kind == RuleKind::Validity {
            validity_passed += usize::from(k.outcome == CheckOutcome::Pass);
            continue;
        }
        // What the rule found, as it said it; engine-generated target labels become one summary line.
        let mut generated = Vec::new();
        for e in &k.evidence {
            if e.generated {
                generated.push(e);
                continue;
            }
            let at = e.location.as_ref().map(|l| format!(" ({})", code(&place(l), false))).unwrap_or_default();
            let line = format!("- ✅ {}{at}", msg(&e.text, false));
            if seen.insert(line.clone()) {
                items.push(line);
            }
        }
        if k.outcome == CheckOutcome::Pass && k.evidence.iter().all(|e| e.generated) {
            let examples: Vec<String> = generated.iter().take(2).map(|e| msg(&e.text, false)).collect();
            let eg = if examples.is_empty() { String::new() } else { format!(" (e.g. {})", examples.join(", ")) };
            items.push(format!(
                "- ✅ `{}` {}: nothing found on {}{eg}",
                m.code,
                m.name,
                plural(k.targets as usize, "target")
            ));
        }
    }
    if validity_passed > 0 {
        items.push(format!(
            "- ✅ {} validity check{} pass (files load, keys and references resolve)",
            validity_passed,
            if validity_passed == 1 { "" } else { "s" }
        ));
    }
    items
}

fn finding_row(f: &Finding) -> String {
    let m = f.rule.meta();
    let mut fix = prose(m.remediation, true);
    if let Some(h) = &f.help {
        fix.push_str(" — ");
        fix.push_str(&msg(h, true));
    }
    format!(
        "| {} | {} | {} (`{}`) | {} |",
        severity_label(f.severity),
        where_md(f, true),
        msg(&f.message, true),
        m.code,
        fix
    )
}

fn categories(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## Findings by Category\n");
    for (i, c) in r.scorecard.categories.iter().enumerate() {
        let _ = writeln!(
            out,
            "### {}. {}: {} ({})\n",
            i + 1,
            c.category.name(),
            status_cell(c.status),
            score_text(c.score)
        );
        let _ = writeln!(out, "_{}_\n", esc(&c.explanation));
        let strengths = strengths(c);
        if !strengths.is_empty() {
            let _ = writeln!(out, "**Strengths:**\n");
            for s in strengths.iter().take(MAX_STRENGTHS) {
                let _ = writeln!(out, "{s}");
            }
            if strengths.len() > MAX_STRENGTHS {
                let _ = writeln!(out, "- … and {} more", strengths.len() - MAX_STRENGTHS);
            }
            let _ = writeln!(out);
        }
        let findings: Vec<&Finding> = r.by_severity().into_iter().filter(|f| category_of(f) == c.category).collect();
        if findings.is_empty() {
            if c.score.is_some() {
                let _ = writeln!(out, "No findings.\n");
            }
            continue;
        }
        let _ = writeln!(out, "**Findings:**\n");
        let _ = writeln!(out, "| Severity | Location | Finding | Remediation |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for f in findings {
            let _ = writeln!(out, "{}", finding_row(f));
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "---\n");
}

fn checklist(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## Go-Live Checklist\n");
    // one item per (rule, message), most severe first; by_severity is already ordered
    let mut items: Vec<(&Finding, Vec<&Finding>)> = Vec::new();
    for f in r.by_severity().into_iter().filter(|f| f.severity >= Severity::Medium) {
        match items.iter_mut().find(|(g, _)| g.rule == f.rule && g.message == f.message) {
            Some((_, more)) => more.push(f),
            None => items.push((f, Vec::new())),
        }
    }
    if items.is_empty() {
        let _ = writeln!(out, "No blocker, high or medium findings: nothing to fix before go-live.\n");
    }
    for (f, more) in &items {
        let m = f.rule.meta();
        let also = match more.len() {
            0 => String::new(),
            1 => " and 1 more place".to_owned(),
            n => format!(" and {n} more places"),
        };
        let _ = writeln!(
            out,
            "- [ ] **{}**: {} ({}{also}) · `{}`",
            severity_label(f.severity).split_once(' ').map_or("", |(_, l)| l),
            msg(&f.message, false),
            where_md(f, false),
            m.code
        );
    }
    if !items.is_empty() {
        let _ = writeln!(out, "- [ ] Re-run `prodready audit` and confirm the verdict is READY");
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "---\n");
}

fn suppressed(out: &mut String, r: &Report) {
    // Findings known from a baseline are summarised in the Baseline section.
    let list: Vec<&Finding> =
        r.findings.iter().filter(|f| f.suppressed.as_ref().is_some_and(|s| s.kind != "baseline")).collect();
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Suppressed Findings\n");
    let _ = writeln!(out, "Not counted in scores or the gate; listed so suppressions stay reviewable.\n");
    let _ = writeln!(out, "| Severity | Location | Finding | Suppression |");
    let _ = writeln!(out, "| --- | --- | --- | --- |");
    for f in list {
        let (kind, reason) = f.suppressed.as_ref().map_or(("", ""), |s| (s.kind, s.reason.as_str()));
        let _ = writeln!(
            out,
            "| {} | {} | {} (`{}`) | {}: {} |",
            severity_label(f.severity),
            where_md(f, true),
            msg(&f.message, true),
            f.rule.code(),
            esc(kind),
            esc(reason)
        );
    }
    let _ = writeln!(out, "\n---\n");
}

fn inventory(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## What Was Scanned\n");
    let counts = r.inventory.counts();
    if counts.is_empty() {
        let _ = writeln!(out, "No deployment artifacts were found.\n");
    } else {
        let envs: Vec<Environment> = Environment::ALL
            .iter()
            .copied()
            .filter(|e| counts.values().any(|m| m.get(e).is_some_and(|n| *n > 0)))
            .collect();
        let head: Vec<&str> = envs.iter().map(|e| e.id()).collect();
        let _ = writeln!(out, "| Artifact | {} | Total |", head.join(" | "));
        let _ = writeln!(out, "| --- |{} ---: |", " ---: |".repeat(envs.len()));
        let mut totals = vec![0u32; envs.len()];
        for (kind, per_env) in &counts {
            let cells: Vec<String> = envs
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let n = per_env.get(e).copied().unwrap_or(0);
                    if let Some(t) = totals.get_mut(i) {
                        *t += n;
                    }
                    if n == 0 {
                        "·".to_owned()
                    } else {
                        n.to_string()
                    }
                })
                .collect();
            let total: u32 = per_env.values().sum();
            let _ = writeln!(out, "| {} | {} | {total} |", esc(kind.label()), cells.join(" | "));
        }
        let all: u32 = totals.iter().sum();
        let cells: Vec<String> = totals.iter().map(|t| format!("**{t}**")).collect();
        let _ = writeln!(out, "| **Total** | {} | **{all}** |\n", cells.join(" | "));
    }
    let test_data: Vec<&str> = r.inventory.items.iter().filter(|i| !i.audited).map(|i| i.path.as_str()).collect();
    if !test_data.is_empty() {
        let _ = writeln!(
            out,
            "{} of test data {} inventoried but not audited:\n",
            plural(test_data.len(), "file"),
            if test_data.len() == 1 { "was" } else { "were" }
        );
        for p in test_data.iter().take(MAX_TEST_DATA) {
            let _ = writeln!(out, "- {}", code(p, false));
        }
        if test_data.len() > MAX_TEST_DATA {
            let _ = writeln!(out, "- … and {} more", test_data.len() - MAX_TEST_DATA);
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "---\n");
}

fn diagnostics(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## Parse Diagnostics\n");
    if r.diagnostics.is_empty() {
        let _ = writeln!(out, "Every file was read and parsed.\n\n---\n");
        return;
    }
    let _ = writeln!(
        out,
        "Problems with files themselves (not readiness findings); affected files may be only partly audited.\n"
    );
    let _ = writeln!(out, "| File | Line | Kind | Message |");
    let _ = writeln!(out, "| --- | ---: | --- | --- |");
    for d in &r.diagnostics {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            code(&d.path, true),
            d.line.map_or_else(|| "—".to_owned(), |l| l.to_string()),
            d.kind.id(),
            esc(&d.message)
        );
    }
    let _ = writeln!(out, "\n---\n");
}

fn gate(out: &mut String, r: &Report) {
    let g = &r.gate;
    let _ = writeln!(out, "## Gate\n");
    let min = g.min_score.map_or_else(|| "none".to_owned(), |m| format!("{m:.1}"));
    let _ = writeln!(
        out,
        "**{}** (fail on: `{}`, minimum score: {min})\n",
        if g.passed { "✅ PASSED" } else { "❌ FAILED" },
        esc(&g.fail_on)
    );
    for reason in &g.reasons {
        let _ = writeln!(out, "- {}", esc(reason));
    }
    if !g.reasons.is_empty() {
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "---\n");
}

fn footer(out: &mut String, r: &Report) {
    let _ = writeln!(
        out,
        "_Scores: each category is 0–10 from its checks' pass ratios, weighted by severity (blocker 10, \
         high 7.5, medium 5, low 2.5); an active blocker caps its category and the overall score at 4.0; \
         n/a categories are left out of the overall. Run `prodready explain --scoring` for the exact formula \
         and `prodready explain <RULE>` for any rule. Generated by prodready {}._",
        esc(r.tool_version)
    );
}

fn baseline(out: &mut String, r: &Report) {
    let Some(b) = &r.baseline else { return };
    let _ = writeln!(out, "## Baseline\n");
    let recorded = b.recorded_score.map_or_else(|| "n/a".to_owned(), |s| format!("{s:.1}"));
    let _ = writeln!(
        out,
        "Compared with the baseline {} (recorded score {recorded}): **{} new** (these gate), {} known (listed in \
         the JSON report, scored, not gating), **{} fixed**.\n",
        code(&b.file, false),
        b.new,
        b.known,
        b.fixed.len()
    );
    if !b.fixed.is_empty() {
        let _ = writeln!(out, "| Fixed since the baseline | Where | Rule |");
        let _ = writeln!(out, "| --- | --- | --- |");
        for e in b.fixed.iter().take(MAX_FIXED) {
            let place = match (&e.path, e.line) {
                (Some(p), Some(l)) => code(&format!("{p}:{l}"), true),
                (Some(p), None) => code(p, true),
                _ => "repository".to_owned(),
            };
            let _ = writeln!(out, "| {} | {place} | {} |", esc(&e.message), code(&e.rule, true));
        }
        if b.fixed.len() > MAX_FIXED {
            let _ = writeln!(out, "\n… and {} more.", b.fixed.len() - MAX_FIXED);
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "Re-record the baseline (`--write-baseline`) to lock the fixes in.\n");
    }
    let _ = writeln!(out, "---\n");
}

fn scope(out: &mut String, r: &Report) {
    let Some(s) = &r.scope else { return };
    let _ = writeln!(
        out,
        "Gate limited to {} changed path{}{}: {} outside them {} reported but not gating.\n",
        s.changed.len(),
        if s.changed.len() == 1 { "" } else { "s" },
        if s.repo_level_gates { " (repository-level findings gate too)" } else { "" },
        plural(s.outside as usize, "active finding"),
        if s.outside == 1 { "is" } else { "are" }
    );
}

/// Most fixed baseline entries listed.
const MAX_FIXED: usize = 50;
/// Sections longer than this many lines are folded in `<details>` by [`render_limited`].
const FOLD_LINES: usize = 40;

struct Section {
    title: &'static str,
    text: String,
    /// Never dropped to fit a size limit.
    keep: bool,
}

fn sections(report: &Report) -> Vec<Section> {
    type Writer = fn(&mut String, &Report);
    let parts: [(&'static str, Writer, bool); 13] = [
        ("Header", header, true),
        ("Executive Summary", executive_summary, true),
        ("Readiness", readiness_table, true),
        ("Baseline", baseline, true),
        ("Blockers", blockers, true),
        ("Findings by Category", categories, false),
        ("Go-Live Checklist", checklist, false),
        ("Suppressed Findings", suppressed, false),
        ("Inventory", inventory, false),
        ("Diagnostics", diagnostics, false),
        ("Gate", gate, true),
        ("Scope", scope, true),
        ("Footer", footer, true),
    ];
    parts
        .into_iter()
        .map(|(title, f, keep)| {
            let mut text = String::new();
            f(&mut text, report);
            Section { title, text, keep }
        })
        .filter(|s| !s.text.is_empty())
        .collect()
}

/// The Markdown report.
pub fn render(report: &Report) -> String {
    sections(report).into_iter().map(|s| s.text).collect()
}

/// Fold a long section's body (after its `## ` heading) into `<details>`.
fn fold(s: &Section) -> String {
    let lines = s.text.lines().count();
    if s.keep || lines <= FOLD_LINES {
        return s.text.clone();
    }
    let (head, body) = s.text.split_once('\n').unwrap_or((&s.text, ""));
    let body = body.trim_end().trim_end_matches("---").trim_end();
    format!("{head}\n\n<details><summary>{} ({lines} lines)</summary>\n\n{body}\n\n</details>\n\n---\n\n", s.title)
}

/// Cut `text` to at most `max` bytes at a line boundary, closing an open code fence or `<details>`.
fn cut(text: &str, max: usize) -> String {
    const CLOSE: &str = "\n```\n\n</details>\n\n";
    let mut out = String::new();
    let (mut fence, mut details) = (false, 0usize);
    for line in text.split_inclusive('\n') {
        if out.len() + line.len() + CLOSE.len() > max {
            break;
        }
        let t = line.trim_start();
        if t.starts_with("```") {
            fence = !fence;
        }
        if t.starts_with("<details>") {
            details += 1;
        }
        if t.starts_with("</details>") {
            details = details.saturating_sub(1);
        }
        out.push_str(line);
    }
    if fence {
        out.push_str("\n```\n");
    }
    if details > 0 {
        out.push_str("\n</details>\n\n");
    }
    out
}

fn prefix_at_char_boundary(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// The Markdown report in at most `max_bytes` bytes (a PR comment, a job summary): long sections
/// folded in `<details>`, then whole sections dropped (diagnostics, inventory, suppressed findings,
/// checklist, per-category findings, in that order), then the rest cut at a line; what was left out
/// is stated at the top.
pub fn render_limited(report: &Report, max_bytes: usize) -> String {
    let full = render(report);
    if full.len() <= max_bytes {
        return full;
    }
    let mut secs = sections(report);
    let note = |omitted: &[&str], shortened: Option<&str>, cut_rest: bool| {
        let mut parts = Vec::new();
        if !omitted.is_empty() {
            parts.push(format!("left out: {}", omitted.join(", ")));
        }
        if let Some(s) = shortened {
            parts.push(format!("shortened: {s}"));
        }
        if cut_rest {
            parts.push("the remaining sections were cut".to_owned());
        }
        format!(
            "> [!NOTE]\n> Report shortened to fit {max_bytes} bytes ({}). The complete report: \
             `prodready audit --format markdown` (or `--format json`).\n\n",
            parts.join("; ")
        )
    };
    let assemble = |secs: &[Section], note: &str| -> String {
        let mut out = String::new();
        for (i, s) in secs.iter().enumerate() {
            out.push_str(&fold(s));
            if i == 0 {
                out.push_str(note);
            }
        }
        out
    };
    let mut omitted: Vec<&'static str> = Vec::new();
    let drop_order = ["Diagnostics", "Inventory", "Suppressed Findings", "Go-Live Checklist", "Findings by Category"];
    let mut text = assemble(&secs, &note(&omitted, None, false));
    for name in drop_order {
        if text.len() <= max_bytes {
            return text;
        }
        let Some(i) = secs.iter().position(|s| s.title == name) else { continue };
        let removed = secs.remove(i);
        omitted.push(name);
        text = assemble(&secs, &note(&omitted, None, false));
        if text.len() <= max_bytes {
            // Room left: put back as much of the section as fits, cut at a line.
            let others: Vec<&str> = omitted.iter().copied().filter(|o| *o != name).collect();
            let n = note(&others, Some(name), false);
            let without = assemble(&secs, &n);
            let room = max_bytes.saturating_sub(without.len() + 64);
            if room > 1024 {
                let body = cut(&fold(&removed), room) + "\n_… cut to fit._\n\n---\n\n";
                secs.insert(i, Section { title: removed.title, text: body, keep: true });
                let shortened = assemble(&secs, &n);
                if shortened.len() <= max_bytes {
                    return shortened;
                }
                secs.remove(i);
            }
            return text;
        }
    }
    if text.len() <= max_bytes {
        return text;
    }
    // Still too long: keep the header, the note and the gate; cut the middle.
    let n = note(&omitted, None, true);
    let head: String = secs.first().map(|s| s.text.clone()).unwrap_or_default() + &n;
    let tail: String = secs.iter().filter(|s| matches!(s.title, "Gate" | "Scope")).map(|s| s.text.as_str()).collect();
    let middle: String =
        secs.iter().skip(1).filter(|s| !matches!(s.title, "Gate" | "Scope" | "Footer")).map(fold).collect();
    let room = max_bytes.saturating_sub(head.len() + tail.len());
    let out = head + &cut(&middle, room) + &tail;
    if out.len() <= max_bytes {
        out
    } else {
        prefix_at_char_boundary(&n, max_bytes).to_owned()
    }
}

#[cfg(test)]
mod tests {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

    use super::*;
    use crate::report::sample::hostile_report;
    use crate::report::sample_report;
    use crate::score::Scorecard;

    fn events(md: &str) -> Vec<Event<'_>> {
        let opts = Options::ENABLE_TABLES
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_MATH
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_GFM;
        Parser::new_ext(md, opts).collect()
    }

    /// `|` not preceded by a backslash: the column separators GFM sees.
    fn unescaped_pipes(line: &str) -> usize {
        let (mut n, mut escaped) = (0, false);
        for c in line.chars() {
            match c {
                '\\' if !escaped => escaped = true,
                '|' if !escaped => n += 1,
                _ => escaped = false,
            }
            if c != '\\' {
                escaped = false;
            }
        }
        n
    }

    /// Every table in the text: its lines (header, delimiter, rows).
    fn tables(md: &str) -> Vec<Vec<&str>> {
        let mut out: Vec<Vec<&str>> = Vec::new();
        let mut cur: Vec<&str> = Vec::new();
        for line in md.lines() {
            if line.starts_with('|') {
                cur.push(line);
            } else if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    }

    fn section<'a>(md: &'a str, heading: &str) -> &'a str {
        let start = md.find(heading).unwrap_or_else(|| panic!("no section {heading}"));
        let rest = &md[start + heading.len()..];
        let end = rest.find("\n## ").map_or(rest.len(), |e| e);
        &rest[..end]
    }

    /// Tables are well formed: every row has as many separators as the header, and the parser sees
    /// as many cells in every row as in the header.
    fn assert_tables_well_formed(md: &str) {
        for t in tables(md) {
            let head = unescaped_pipes(t[0]);
            for row in &t {
                assert_eq!(unescaped_pipes(row), head, "row breaks its table:\n{row}\nheader: {}", t[0]);
            }
        }
        let (mut cells, mut header_cells, mut in_head) = (0usize, 0usize, false);
        for e in events(md) {
            match e {
                Event::Start(Tag::TableHead) => {
                    in_head = true;
                    cells = 0;
                }
                Event::End(TagEnd::TableHead) => {
                    in_head = false;
                    header_cells = cells;
                }
                Event::Start(Tag::TableRow) => cells = 0,
                Event::End(TagEnd::TableRow) => assert_eq!(cells, header_cells),
                Event::Start(Tag::TableCell) => cells += 1,
                _ => {}
            }
            let _ = in_head;
        }
    }

    #[test]
    fn title_and_shape_follow_the_reference_report() {
        let md = render(&sample_report());
        assert!(md.starts_with("# Production Readiness Report: acme-shop\n"));
        let order = [
            "## Executive Summary",
            "## Production Readiness Checklist",
            "## Blockers",
            "## Findings by Category",
            "## Go-Live Checklist",
            "## Suppressed Findings",
            "## What Was Scanned",
            "## Parse Diagnostics",
            "## Gate",
        ];
        let pos: Vec<usize> = order.iter().map(|h| md.find(h).unwrap_or_else(|| panic!("missing {h}"))).collect();
        assert!(pos.windows(2).all(|w| w[0] < w[1]), "sections out of order");
        assert!(md.contains("### Overall Readiness Score: **4.0/10** ❌ DO NOT DEPLOY"));
        assert!(md.contains("| 1 | 2 | 1 | 1 | 1 | 1 |"), "counts table");
        assert!(md.contains("prodready explain --scoring"));
        assert!(md.ends_with("._\n"));
    }

    #[test]
    fn readiness_table_has_eight_rows_and_parses() {
        let md = render(&sample_report());
        let table = tables(section(&md, "## Production Readiness Checklist")).into_iter().next().unwrap_or_default();
        assert_eq!(table[0], "| Category | Status | Score | Critical issues |");
        assert_eq!(table.len(), 2 + 8, "header, delimiter and 8 data rows");
        assert!(table.iter().all(|r| unescaped_pipes(r) == 5));
        assert!(table[2].contains("➖ N/A | n/a | — |"), "n/a category: {}", table[2]);
        assert!(table[3].contains("❌ POOR | 2.4/10 | docker-compose.prod.yml does not parse"));
        assert!(table[4].contains("✅ GOOD | 8.5/10 | — |"));
        assert!(table[5].contains("⚠️ PARTIAL | 5.0/10"));
        assert!(table[9].contains("no runbook"));
        let rows = events(&md).iter().filter(|e| matches!(e, Event::End(TagEnd::TableRow))).count();
        assert!(rows >= 8);
        assert_tables_well_formed(&md);
    }

    #[test]
    fn executive_summary_lists_blockers_first() {
        let md = render(&sample_report());
        let summary = section(&md, "## Executive Summary");
        let keys: Vec<&str> = summary.lines().filter(|l| l.starts_with("- ")).collect();
        assert!(keys[0].starts_with("- ❌ **Blocker**"), "{keys:?}");
        assert!(keys[1].starts_with("- ❌ **High**"));
        assert!(keys.iter().any(|k| k.contains("✅ **Security Hardening**")), "strengths in key findings");
        assert!(summary.contains("**DO NOT DEPLOY TO PRODUCTION** until the 1 blocker below is resolved"));
    }

    #[test]
    fn blockers_show_location_impact_remediation_and_snippet() {
        let md = render(&sample_report());
        let b = section(&md, "## Blockers");
        assert!(b.contains("### 1. Deployment file cannot be loaded (`PARSE001`)"));
        assert!(b.contains("- **Location:** `docker-compose.prod.yml:4` (production)"));
        assert!(b.contains("- **Impact:** A compose file, manifest, workflow or Dockerfile that does not parse"));
        assert!(b.contains("- **Remediation:** Fix the syntax error"));
        assert!(b.contains("- **Related:** `apps/api/Dockerfile:1`: the service \\`api\\` builds"));
        assert!(b.contains("```yaml\n     ports: [\"80:4000\"]\n    environment:\n```"));
        // only blockers here: the high PARSE001 finding is not a blocker
        assert!(!b.contains("k8s/deploy.yaml"));
    }

    #[test]
    fn categories_show_strengths_and_findings() {
        let md = render(&sample_report());
        let c = section(&md, "## Findings by Category");
        assert_eq!(c.matches("\n### ").count() + usize::from(c.starts_with("### ")), 8);
        assert!(c.contains("- ✅ service `web` has a healthcheck (wget /health) (`docker-compose.yml:12`)"));
        assert!(c.contains("| 🟡 Medium | `docker-compose.yml:3` | service `api` has no healthcheck (`DC001`) |"));
        assert!(c.contains("| 🟠 High | repository-wide | no runbook"));
        assert!(!c.contains("worker"), "suppressed findings are not listed as findings");
        assert!(section(&md, "## Suppressed Findings").contains("inline: the worker exposes no port"));
    }

    #[test]
    fn checklist_lists_blockers_then_high_then_medium_deduplicated() {
        let mut r = sample_report();
        // the same problem in a second place, and a duplicate message
        let mut dup = r.findings.iter().find(|f| f.severity == Severity::Medium && f.is_active()).cloned();
        if let Some(d) = &mut dup {
            if let Some(l) = &mut d.location {
                l.span.start.line = 30;
            }
        }
        r.findings.extend(dup);
        let md = render(&r);
        let items: Vec<&str> =
            section(&md, "## Go-Live Checklist").lines().filter(|l| l.starts_with("- [ ]")).collect();
        let rank = |l: &str| {
            if l.contains("**Blocker**") {
                0
            } else if l.contains("**High**") {
                1
            } else if l.contains("**Medium**") {
                2
            } else {
                3
            }
        };
        let ranks: Vec<i32> = items.iter().map(|l| rank(l)).collect();
        assert_eq!(ranks, [0, 1, 1, 2, 3], "{items:?}");
        assert!(items[0].contains("docker-compose.prod.yml does not parse"));
        assert_eq!(items.iter().filter(|l| l.contains("service `api` has no healthcheck")).count(), 1);
        assert!(items[3].contains("and 1 more place"), "{}", items[3]);
        assert!(!items.iter().any(|l| l.contains("**Low**") || l.contains("**Info**")));
    }

    #[test]
    fn inventory_diagnostics_and_gate() {
        let md = render(&sample_report());
        let inv = section(&md, "## What Was Scanned");
        assert!(inv.contains("| Compose file | 1 | · | 1 | 1 | 1 | 1 | 5 |"), "{inv}");
        assert!(inv.contains("| **Total** |"));
        assert!(inv.contains("1 file of test data was inventoried but not audited"));
        assert!(inv.contains("- `tests/fixtures/docker-compose.yml`"));
        let d = section(&md, "## Parse Diagnostics");
        assert!(d.contains("| `docker-compose.prod.yml` | 4 | parse | mapping values are not allowed |"));
        assert!(d.contains("| `assets/big.yaml` | — | skipped |"));
        let g = section(&md, "## Gate");
        assert!(g.contains("**❌ FAILED** (fail on: `blocker`, minimum score: 7.0)"));
        assert!(g.contains("- overall score 4.0 is below the minimum 7.0"));
    }

    #[test]
    fn hostile_strings_are_escaped() {
        let md = render(&hostile_report());
        // `<script>` appears verbatim only inside code spans (paths), where it is inert text
        let in_code: usize = events(&md)
            .iter()
            .map(|e| match e {
                Event::Code(t) => t.matches("<script>").count(),
                _ => 0,
            })
            .sum();
        assert_eq!(md.matches("<script>").count(), in_code, "raw HTML outside code spans");
        assert!(!md.contains('\u{1b}'), "escape characters");
        assert!(md.contains("a\\|b \\`x\\` &lt;script&gt;alert(1)&lt;/script&gt; \\*em\\* \\_u\\_ \\[l\\](http://e) &amp;amp; \\$x\\$ \\~\\~s\\~\\~ NEXTLINE"));
        // the embedded newline did not start a new line
        for line in md.lines().filter(|l| l.contains("NEXTLINE")) {
            assert!(line.contains("~ NEXTLINE"), "newline leaked: {line}");
        }
        let evs = events(&md);
        for e in &evs {
            assert!(
                !matches!(
                    e,
                    Event::Html(_)
                        | Event::InlineHtml(_)
                        | Event::InlineMath(_)
                        | Event::DisplayMath(_)
                        | Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::Strikethrough)
                ),
                "markup injected: {e:?}"
            );
        }
        // the text survives as text
        let text: String = evs
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        assert!(text.contains("a|b `x` <script>alert(1)</script> *em* _u_ [l](http://e) &amp; $x$ ~~s~~ NEXTLINE"));
        // same structure as the clean report: no heading, table row or code block was injected
        let mut plain = sample_report();
        plain.gate.reasons.push("one more reason".to_owned()); // the hostile report adds one
        let clean = render(&plain);
        let count = |md: &str, pred: fn(&Event<'_>) -> bool| events(md).iter().filter(|e| pred(e)).count();
        let headings = |e: &Event<'_>| matches!(e, Event::Start(Tag::Heading { .. }));
        let rows = |e: &Event<'_>| matches!(e, Event::Start(Tag::TableRow));
        let blocks = |e: &Event<'_>| matches!(e, Event::Start(Tag::CodeBlock(_)));
        let items = |e: &Event<'_>| matches!(e, Event::Start(Tag::Item));
        assert_eq!(count(&md, headings), count(&clean, headings));
        assert_eq!(count(&md, rows), count(&clean, rows));
        assert_eq!(count(&md, blocks), count(&clean, blocks));
        assert_eq!(count(&md, items), count(&clean, items));
        assert_tables_well_formed(&md);
    }

    #[test]
    fn code_blocks_outfence_their_content() {
        let md = render(&hostile_report());
        let code: Vec<String> = {
            let mut in_block = false;
            let mut cur = String::new();
            let mut out = Vec::new();
            for e in events(&md) {
                match e {
                    Event::Start(Tag::CodeBlock(_)) => in_block = true,
                    Event::End(TagEnd::CodeBlock) => {
                        in_block = false;
                        out.push(std::mem::take(&mut cur));
                    }
                    Event::Text(t) if in_block => cur.push_str(&t),
                    _ => {}
                }
            }
            out
        };
        assert!(!code.is_empty());
        for block in &code {
            assert!(block.contains("```\n"), "inner fence kept as content: {block:?}");
            assert!(block.contains("x ```` y \u{FFFD}[2J"), "control neutralised, backticks kept: {block:?}");
        }
        assert!(md.contains("`````yaml\n"), "fence longer than the longest backtick run");
    }

    #[test]
    fn escaping_helpers() {
        assert_eq!(esc("a|b"), "a\\|b");
        assert_eq!(esc("<b>&"), "&lt;b&gt;&amp;");
        assert_eq!(esc("x\ny"), "x y");
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`a", false), "`` `a ``");
        assert_eq!(code("a|b", true), "`a\\|b`");
        assert_eq!(code("a|b", false), "`a|b`");
        assert_eq!(language("apps/api/Dockerfile"), "dockerfile");
        assert_eq!(language("x/`evil`.yml"), "yaml");
        assert_eq!(language("weird name"), "text");
    }

    #[test]
    fn deterministic_and_free_of_run_variance() {
        let a = sample_report();
        let mut b = sample_report();
        b.stats.duration_ms = 99_999;
        b.stats.threads = 77;
        assert_eq!(render(&a), render(&b));
        let md = render(&a);
        assert!(!md.contains("99999") && !md.contains("77 threads"), "no timings");
        assert!(!md.contains("/work/") && !md.contains("/home/"), "no absolute paths");
    }

    #[test]
    fn not_assessed_and_clean_reports() {
        let mut r = sample_report();
        r.findings.clear();
        r.scorecard = Scorecard {
            categories: r
                .scorecard
                .categories
                .into_iter()
                .map(|c| CategoryScore {
                    score: None,
                    status: Status::NotApplicable,
                    na_reason: Some("nothing deployable was found in this repository".into()),
                    explanation: "n/a: nothing deployable was found in this repository".into(),
                    checks: Vec::new(),
                    ..c
                })
                .collect(),
            overall: None,
            verdict: Verdict::NotAssessed,
            counts: Default::default(),
        };
        let md = render(&r);
        assert!(md.contains("### Overall Readiness Score: **n/a** ➖ NOT ASSESSED"));
        assert!(md.contains("**Not assessed:**"));
        assert!(md.contains("✅ No blockers."));
        assert!(md.contains("nothing to fix before go-live"));
        let table = tables(section(&md, "## Production Readiness Checklist")).into_iter().next().unwrap_or_default();
        assert_eq!(table.len(), 10);
        assert!(table[2..].iter().all(|r| r.contains("| ➖ N/A | n/a | — |")));
        assert_tables_well_formed(&md);
    }
}
