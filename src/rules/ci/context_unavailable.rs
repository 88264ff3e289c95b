//! CI009: a context or function used where GitHub does not provide it (`secrets` in an `if:`,
//! `matrix` in a job without a matrix, `steps.<id>` of no earlier step, `always()` outside `if:`).

use super::expr::{availability, parsed, sites};
use super::validity_severity;
use crate::finding::Severity;
use crate::model::Workflow;
use crate::parse::gha_expr::{self, accesses, Expr};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct ContextUnavailable;

const STATUS: &[&str] = &["success", "always", "cancelled", "failure"];

impl Rule for ContextUnavailable {
    fn id(&self) -> RuleId {
        RuleId::CI009
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        if wf.jobs.is_empty() {
            return NA;
        }
        let invalid = validity_severity(cx, wf);
        for site in sites(wf) {
            let Some(avail) = availability(&site) else { continue };
            let key = site.key().unwrap_or("").to_owned();
            let scope = if site.step.is_some() {
                format!("a step's `{key}:`")
            } else if site.job.is_some() {
                format!("a job's `{key}:`")
            } else {
                format!("the workflow's `{key}:`")
            };
            for (e, text, _) in parsed(&site) {
                let text = text.trim().to_owned();
                let span = cx.find(site.span(), &text);
                for a in accesses(&e) {
                    let ctx = a.context.to_ascii_lowercase();
                    if !gha_expr::CONTEXTS.contains(&ctx.as_str()) {
                        continue; // CI008
                    }
                    if !avail.contexts.contains(&ctx.as_str()) {
                        cx.report(span, format!("{}: the `{ctx}` context is not available in {scope} (GitHub rejects the workflow: unrecognized named-value `{ctx}`)", site.where_()))
                            .severity(invalid)
                            .help(match ctx.as_str() {
                                "secrets" => "map the secret to an `env:` variable of the job or step and test the variable (`if: env.HAS_TOKEN == 'true'`)",
                                _ => "move the expression to a key where the context exists (GitHub's context availability table lists them)",
                            });
                        continue;
                    }
                    let Some(job) = site.job else { continue };
                    if ctx == "matrix" && !job.has_matrix {
                        cx.report(
                            span,
                            format!(
                                "{}: job `{}` has no `strategy.matrix`, so `{}` is always empty",
                                site.where_(),
                                job.id.value,
                                text
                            ),
                        )
                        .severity(Severity::Medium)
                        .help("define the matrix in `strategy.matrix`, or use a literal value");
                    }
                    if ctx == "steps" {
                        let Some(id) = a.path.first().filter(|i| *i != "*") else { continue };
                        let before = site.step.unwrap_or(usize::MAX);
                        let known =
                            job.steps.iter().any(|s| s.index < before && s.id.as_ref().is_some_and(|i| &i.value == id));
                        if !known {
                            let later = job.steps.iter().any(|s| s.id.as_ref().is_some_and(|i| &i.value == id));
                            let why = if later { "a step that runs later" } else { "no step of this job" };
                            cx.report(
                                span,
                                format!("{}: `steps.{id}` refers to {why}, so `{text}` is always empty", site.where_()),
                            )
                            .severity(Severity::Medium)
                            .help("give the step that produces the value `id:` and reference it only after it has run");
                        }
                    }
                }
                gha_expr::walk(&e, &mut |n| {
                    let Expr::Call { name, .. } = n else { return };
                    let lower = name.to_ascii_lowercase();
                    if STATUS.contains(&lower.as_str()) && !avail.status_functions {
                        cx.report(
                            span,
                            format!(
                                "{}: `{name}()` can only be used in an `if:` condition (GitHub rejects the workflow)",
                                site.where_()
                            ),
                        )
                        .severity(invalid)
                        .help("move the status check to the job's or step's `if:`");
                    } else if lower == "hashfiles" && !avail.hash_files {
                        cx.report(
                            span,
                            format!(
                                "{}: `hashFiles()` is only available in steps (GitHub rejects the workflow)",
                                site.where_()
                            ),
                        )
                        .severity(invalid)
                        .help("compute the hash in a step and pass it on as a step or job output");
                    }
                });
            }
        }
        CHECKED
    }
}
