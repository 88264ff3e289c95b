//! CI024: a job or step gated on `github.actor` being a bot, which the last pusher controls.

use super::expr::{parsed, sites};
use crate::finding::Severity;
use crate::model::Workflow;
use crate::parse::gha_expr::{self, BinOp, Expr};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct BotCondition;

fn is_actor(e: &Expr) -> bool {
    matches!(e, Expr::Prop(b, p) if (p == "actor" || p == "triggering_actor")
        && matches!(b.as_ref(), Expr::Context { name, .. } if name.eq_ignore_ascii_case("github")))
}

fn is_bot_name(e: &Expr) -> bool {
    matches!(e, Expr::Str(s) if s.ends_with("[bot]"))
}

impl Rule for BotCondition {
    fn id(&self) -> RuleId {
        RuleId::CI024
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        if wf.jobs.is_empty() {
            return NA;
        }
        let privileged = wf.has_trigger("pull_request_target") || wf.has_trigger("workflow_run");
        for site in sites(wf).into_iter().filter(|s| s.condition) {
            for (e, text, _) in parsed(&site) {
                let mut hit = false;
                gha_expr::walk(&e, &mut |n| {
                    if let Expr::Bin(BinOp::Eq, l, r) = n {
                        if (is_actor(l) && is_bot_name(r)) || (is_actor(r) && is_bot_name(l)) {
                            hit = true;
                        }
                    }
                });
                if !hit {
                    continue;
                }
                let span = cx.find(site.span(), text.trim());
                cx.report(span, format!("{}: `{}` trusts `github.actor`, which is whoever acted last: anyone can push a commit onto a bot's pull request branch, or retrigger a bot's run, and pass the check", site.where_(), text.trim()))
                    .severity(if privileged { Severity::High } else { Severity::Medium })
                    .help("check who opened the pull request instead: `github.event.pull_request.user.login == 'dependabot[bot]'`");
            }
        }
        CHECKED
    }
}
