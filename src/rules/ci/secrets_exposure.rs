//! CI019: the whole `secrets` context handed to a step or job (`toJSON(secrets)`,
//! `secrets[<computed name>]`).

use super::expr::{parsed, sites};
use crate::model::Workflow;
use crate::parse::gha_expr::{self, Expr};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct SecretsExposure;

fn is_secrets(e: &Expr) -> bool {
    matches!(e, Expr::Context { name, .. } if name.eq_ignore_ascii_case("secrets"))
}

impl Rule for SecretsExposure {
    fn id(&self) -> RuleId {
        RuleId::CI019
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        if wf.jobs.is_empty() {
            return NA;
        }
        for site in sites(wf) {
            for (e, text, _) in parsed(&site) {
                let mut how = None;
                gha_expr::walk(&e, &mut |n| match n {
                    Expr::Call { name, args, .. }
                        if name.eq_ignore_ascii_case("toJSON") && args.first().is_some_and(is_secrets) =>
                    {
                        how = Some("serializes every secret of the repository");
                    }
                    Expr::Index(b, i) if is_secrets(b) && !matches!(i.as_ref(), Expr::Str(_)) => {
                        how = Some(
                            "looks a secret up by a computed name, so the runner has to expose every secret to the job",
                        );
                    }
                    _ => {}
                });
                let Some(how) = how else { continue };
                let span = cx.find(site.span(), text.trim());
                cx.report(
                    span,
                    format!(
                        "{}: `{}` {how}: a compromised step gets all of them, not only the one it needs",
                        site.where_(),
                        text.trim()
                    ),
                )
                .help("reference each secret by name (`${{ secrets.DEPLOY_KEY }}`) where it is needed");
            }
        }
        CHECKED
    }
}
