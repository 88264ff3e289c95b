//! CI020: a secret used as structured data (`fromJSON(secrets.X).field`), whose parts the log
//! masking does not know.

use super::expr::{parsed, sites};
use crate::model::Workflow;
use crate::parse::gha_expr::{self, Expr};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct UnredactedSecret;

fn reads_secret(e: &Expr) -> bool {
    let mut found = false;
    gha_expr::walk(e, &mut |n| {
        if matches!(n, Expr::Context { name, .. } if name.eq_ignore_ascii_case("secrets")) {
            found = true;
        }
    });
    found
}

impl Rule for UnredactedSecret {
    fn id(&self) -> RuleId {
        RuleId::CI020
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        if wf.jobs.is_empty() {
            return NA;
        }
        for site in sites(wf) {
            for (e, text, _) in parsed(&site) {
                let mut hit = false;
                gha_expr::walk(&e, &mut |n| {
                    // `fromJSON(secrets.X).field` / `fromJSON(secrets.X)['field']`
                    if let Expr::Prop(b, _) | Expr::Index(b, _) = n {
                        if let Expr::Call { name, args, .. } = b.as_ref() {
                            if name.eq_ignore_ascii_case("fromJSON") && args.first().is_some_and(reads_secret) {
                                hit = true;
                            }
                        }
                    }
                });
                if !hit {
                    continue;
                }
                let span = cx.find(site.span(), text.trim());
                cx.report(span, format!("{}: `{}` takes a field out of a JSON secret: the runner masks only whole secret values, so this field is printed in clear wherever it appears in the logs", site.where_(), text.trim()))
                    .help("store each field as its own secret (`secrets.DB_USER`, `secrets.DB_PASSWORD`), or mask the field with `::add-mask::` before using it");
            }
        }
        CHECKED
    }
}
