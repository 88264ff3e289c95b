//! markdown renderer (stub).

use super::Report;

pub fn render(report: &Report) -> String {
    format!("# prodready report: {}\n", report.root_name)
}
