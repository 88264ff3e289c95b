//! `prodready diff OLD.json NEW.json`: did this change make the repository less ready? Reads two
//! JSON reports (schema version 1) and shows the score change per category, and the findings that
//! are new and fixed (matched by fingerprint, active findings only).

use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use crate::error::Error;
use crate::report::markdown::{code, esc};

#[derive(Debug, Deserialize)]
struct Doc {
    schema_version: u32,
    root: String,
    summary: Summary,
    categories: Vec<Cat>,
    findings: Vec<F>,
}

#[derive(Debug, Deserialize)]
struct Summary {
    score: Option<f64>,
    verdict_label: String,
}

#[derive(Debug, Deserialize)]
struct Cat {
    id: String,
    name: String,
    score: Option<f64>,
}

#[derive(Clone, Debug, Deserialize)]
struct F {
    rule: String,
    severity: String,
    message: String,
    file: Option<String>,
    line: Option<u32>,
    fingerprint: String,
    suppressed: bool,
}

impl F {
    fn place(&self) -> String {
        match (&self.file, self.line) {
            (Some(f), Some(l)) => format!("{f}:{l}"),
            (Some(f), None) => f.clone(),
            _ => "(repository)".to_owned(),
        }
    }
}

fn severity_rank(s: &str) -> u8 {
    match s {
        "blocker" => 0,
        "high" => 1,
        "medium" => 2,
        "low" => 3,
        _ => 4,
    }
}

fn read(path: &Path) -> Result<Doc, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Usage(format!("`{}`: {e}", path.display())))?;
    let doc: Doc = serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!("`{}` is not a prodready JSON report (--format json): {e}", path.display()))
    })?;
    if doc.schema_version != 1 {
        return Err(Error::Usage(format!(
            "`{}`: report schema version {} is not supported (expected 1)",
            path.display(),
            doc.schema_version
        )));
    }
    Ok(doc)
}

/// The comparison of two reports.
#[derive(Debug)]
pub struct Comparison {
    root: String,
    overall: (Option<f64>, Option<f64>),
    verdict: (String, String),
    /// (name, old, new) for every category in either report.
    categories: Vec<(String, Option<f64>, Option<f64>)>,
    new: Vec<F>,
    fixed: Vec<F>,
}

impl Comparison {
    /// The overall score dropped or new findings appeared.
    pub fn regressed(&self) -> bool {
        !self.new.is_empty() || matches!(self.overall, (Some(a), Some(b)) if b < a)
    }
}

pub fn compare(old: &Path, new: &Path) -> Result<Comparison, Error> {
    let (a, b) = (read(old)?, read(new)?);
    let active = |d: &Doc| -> Vec<F> { d.findings.iter().filter(|f| !f.suppressed).cloned().collect() };
    let (fa, fb) = (active(&a), active(&b));
    let mut new: Vec<F> = fb.iter().filter(|f| !fa.iter().any(|g| g.fingerprint == f.fingerprint)).cloned().collect();
    let mut fixed: Vec<F> = fa.iter().filter(|f| !fb.iter().any(|g| g.fingerprint == f.fingerprint)).cloned().collect();
    for v in [&mut new, &mut fixed] {
        v.sort_by(|x, y| severity_rank(&x.severity).cmp(&severity_rank(&y.severity)).then(x.place().cmp(&y.place())));
    }
    let mut categories: Vec<(String, Option<f64>, Option<f64>)> = Vec::new();
    for c in &b.categories {
        let old = a.categories.iter().find(|o| o.id == c.id).and_then(|o| o.score);
        categories.push((c.name.clone(), old, c.score));
    }
    for c in a.categories.iter().filter(|c| !b.categories.iter().any(|n| n.id == c.id)) {
        categories.push((c.name.clone(), c.score, None));
    }
    Ok(Comparison {
        root: b.root,
        overall: (a.summary.score, b.summary.score),
        verdict: (a.summary.verdict_label, b.summary.verdict_label),
        categories,
        new,
        fixed,
    })
}

fn score(s: Option<f64>) -> String {
    s.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1}"))
}

fn delta(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if (b - a).abs() < 0.05 => "±0.0".to_owned(),
        (Some(a), Some(b)) if b > a => format!("+{:.1}", b - a),
        (Some(a), Some(b)) => format!("−{:.1}", a - b),
        (None, Some(_)) => "new".to_owned(),
        (Some(_), None) => "n/a now".to_owned(),
        (None, None) => String::new(),
    }
}

pub fn render_terminal(c: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "prodready diff: {}  overall {} → {} ({})  {} → {}\n",
        c.root,
        score(c.overall.0),
        score(c.overall.1),
        delta(c.overall.0, c.overall.1),
        c.verdict.0,
        c.verdict.1
    );
    for (name, a, b) in &c.categories {
        let _ = writeln!(out, "  {name:<30} {:>4} → {:>4}  {}", score(*a), score(*b), delta(*a, *b));
    }
    for (title, list) in [("New findings", &c.new), ("Fixed findings", &c.fixed)] {
        let _ = writeln!(out, "\n{title} ({}):", list.len());
        if list.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for f in list {
            let _ = writeln!(
                out,
                "  {:<7} {:<8} {}  {}",
                f.severity,
                f.rule,
                f.place(),
                crate::report::text_clean(&f.message)
            );
        }
    }
    let _ =
        writeln!(out, "\n{}", if c.regressed() { "Less ready than before." } else { "Not less ready than before." });
    out
}

pub fn render_markdown(c: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## prodready: readiness change for {}\n", code(&c.root, false));
    let _ = writeln!(
        out,
        "**Overall {} → {} ({})** · verdict {} → {}\n",
        score(c.overall.0),
        score(c.overall.1),
        delta(c.overall.0, c.overall.1),
        esc(&c.verdict.0),
        esc(&c.verdict.1)
    );
    let _ = writeln!(out, "| Category | Before | After | Change |\n| --- | ---: | ---: | ---: |");
    for (name, a, b) in &c.categories {
        let _ = writeln!(out, "| {} | {} | {} | {} |", esc(name), score(*a), score(*b), delta(*a, *b));
    }
    for (title, list) in [("New findings", &c.new), ("Fixed findings", &c.fixed)] {
        let _ = writeln!(out, "\n### {title} ({})\n", list.len());
        if list.is_empty() {
            let _ = writeln!(out, "None.");
            continue;
        }
        let _ = writeln!(out, "| Severity | Rule | Where | Finding |\n| --- | --- | --- | --- |");
        for f in list {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                esc(&f.severity),
                code(&f.rule, true),
                code(&f.place(), true),
                esc(&f.message)
            );
        }
    }
    let _ = writeln!(
        out,
        "\n_{}_",
        if c.regressed() {
            "This change makes the repository less ready."
        } else {
            "This change does not make the repository less ready."
        }
    );
    out
}
