//! json renderer (stub).

use super::Report;

pub fn render(report: &Report) -> String {
    format!("{{\"schema_version\":1,\"root\":{:?}}}\n", report.root_name)
}
