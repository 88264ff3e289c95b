//! CI026: `contains('a b c', x)`: a substring test where a membership test was meant.

use super::expr::{parsed, sites};
use crate::model::Workflow;
use crate::parse::gha_expr::{self, Expr};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct UnsoundContains;

impl Rule for UnsoundContains {
    fn id(&self) -> RuleId {
        RuleId::CI026
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        if wf.jobs.is_empty() {
            return NA;
        }
        for site in sites(wf).into_iter().filter(|s| s.condition) {
            for (e, text, _) in parsed(&site) {
                let mut hit = None;
                gha_expr::walk(&e, &mut |n| {
                    if let Expr::Call { name, args, .. } = n {
                        if let (true, Some(Expr::Str(list)), Some(b)) =
                            (name.eq_ignore_ascii_case("contains"), args.first(), args.get(1))
                        {
                            if !matches!(b, Expr::Str(_)) {
                                hit = Some(list.clone());
                            }
                        }
                    }
                });
                let Some(list) = hit else { continue };
                let span = cx.find(site.span(), text.trim());
                cx.report(span, format!("{}: `contains('{list}', …)` tests for a substring of the string, so any prefix or part of an allowed value (a branch named `mai`, a ref `refs/heads/m`) passes too", site.where_()))
                    .help("test membership in a real list: `contains(fromJSON('[\"refs/heads/main\", \"refs/heads/develop\"]'), github.ref)`");
            }
        }
        CHECKED
    }
}
