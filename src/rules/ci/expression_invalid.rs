//! CI008: a `${{ }}` expression GitHub cannot parse (syntax, nesting, unknown function or named
//! value, wrong number of arguments).

use super::expr::{sites, Site};
use super::validity_severity;
use crate::model::Workflow;
use crate::parse::gha_expr::{self, Expr, TemplateError, CONTEXTS, FUNCTIONS};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct ExpressionInvalid;

fn report(cx: &mut Cx, wf: &Workflow, site: &Site, needle: &str, message: String) {
    let span = cx.find(site.span(), needle);
    let sev = validity_severity(cx, wf);
    cx.report(span, format!("{}: {message}; GitHub rejects the workflow and none of its jobs run", site.where_()))
        .severity(sev)
        .help("fix the expression; `actionlint` shows the same error locally");
}

fn check_expr(cx: &mut Cx, wf: &Workflow, site: &Site, text: &str) {
    let e = match gha_expr::parse(text) {
        Ok(e) => e,
        Err(err) => {
            let near = text.get(err.offset..).map(str::trim).filter(|t| !t.is_empty());
            let at = near.map(|n| format!(" at `{}`", n.chars().take(20).collect::<String>())).unwrap_or_default();
            report(
                cx,
                wf,
                site,
                text.trim(),
                format!("`{}` is not a valid expression ({}{at})", text.trim(), err.message),
            );
            return;
        }
    };
    let mut problems = Vec::new();
    gha_expr::walk(&e, &mut |n| match n {
        Expr::Call { name, args, .. } => match FUNCTIONS.iter().find(|(f, _, _)| f.eq_ignore_ascii_case(name)) {
            None => problems.push(format!("`{name}()` is not a function of the expression language")),
            Some((f, min, max)) if args.len() < *min || args.len() > *max => {
                let want = if min == max {
                    min.to_string()
                } else if *max == usize::MAX {
                    format!("at least {min}")
                } else {
                    format!("{min} to {max}")
                };
                problems.push(format!(
                    "`{f}()` takes {want} argument{}, not {}",
                    if *min == 1 && *max == 1 { "" } else { "s" },
                    args.len()
                ));
            }
            Some(_) => {}
        },
        Expr::Context { name, .. } if !CONTEXTS.iter().any(|c| c.eq_ignore_ascii_case(name)) => {
            problems.push(format!("`{name}` is not a context (unrecognized named-value)"));
        }
        _ => {}
    });
    for p in problems {
        report(cx, wf, site, text.trim(), format!("`{}`: {p}", text.trim()));
    }
}

impl Rule for ExpressionInvalid {
    fn id(&self) -> RuleId {
        RuleId::CI008
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        if wf.jobs.is_empty() {
            return NA;
        }
        for site in sites(wf) {
            let (ts, errors) = gha_expr::templates(&site.value);
            for e in errors {
                let (at, what) = match e {
                    TemplateError::Unterminated { at } => (at, "`${{` is never closed with `}}`"),
                    TemplateError::Nested { at } => {
                        (at, "`${{` appears inside another `${{ … }}`; expressions do not nest")
                    }
                };
                let needle: String =
                    site.value.get(at..).unwrap_or("").lines().next().unwrap_or("").chars().take(40).collect();
                report(cx, wf, &site, &needle, what.to_owned());
            }
            if site.condition && ts.is_empty() {
                check_expr(cx, wf, &site, &site.value);
            }
            for t in ts {
                check_expr(cx, wf, &site, &t.body);
            }
        }
        CHECKED
    }
}
