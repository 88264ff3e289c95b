//! CI025: an `if:` that is always true because text surrounds its `${{ }}` (often the newline a
//! `|` block scalar keeps).

use super::expr::sites;
use crate::model::Workflow;
use crate::parse::gha_expr;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct UnsoundCondition;

impl Rule for UnsoundCondition {
    fn id(&self) -> RuleId {
        RuleId::CI025
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        if wf.jobs.is_empty() {
            return NA;
        }
        for site in sites(wf).into_iter().filter(|s| s.condition) {
            let (ts, errors) = gha_expr::templates(&site.value);
            if ts.is_empty() || !errors.is_empty() {
                continue;
            }
            // The text outside the templates.
            let mut rest = String::new();
            let mut pos = 0;
            for t in &ts {
                rest.push_str(site.value.get(pos..t.start).unwrap_or(""));
                pos = t.end;
            }
            rest.push_str(site.value.get(pos..).unwrap_or(""));
            if rest.is_empty() {
                continue;
            }
            let why = if rest.trim().is_empty() {
                "the block scalar keeps a trailing newline outside `${{ }}`".to_owned()
            } else {
                format!("`{}` is text outside `${{{{ }}}}`", rest.trim())
            };
            let span = site.span();
            cx.report(span, format!("{}: the condition is always true: {why}, so GitHub evaluates a non-empty string instead of the expression", site.where_()))
                .help("write the condition without `${{ }}` (`if: github.ref == 'refs/heads/main'`), or use `|-`/`>-` so no newline is kept");
        }
        CHECKED
    }
}
