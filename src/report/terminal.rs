//! terminal renderer (stub).

use super::{RenderOptions, Report};

pub fn render(report: &Report, _opts: RenderOptions) -> String {
    summary_line(report)
}

pub fn summary_line(report: &Report) -> String {
    let c = &report.scorecard.counts;
    format!(
        "prodready: {} — score {} — {} blocker, {} high, {} medium, {} low",
        report.scorecard.verdict.label(),
        report.scorecard.overall.map_or("n/a".to_owned(), |s| format!("{s:.1}/10")),
        c.blocker,
        c.high,
        c.medium,
        c.low
    )
}

/// The one-line summary (with a trailing newline).
pub fn summary(report: &Report, _color: bool) -> String {
    format!("{}\n", summary_line(report))
}
