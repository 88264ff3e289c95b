//! NGX009: `include` of a file that does not exist (a glob that matches nothing is only noted).

use super::loaded_by;
use crate::finding::{Confidence, Severity};
use crate::index::mounts::{resolve_nginx_include, IncludeTarget};
use crate::model::nginx::NginxConfig;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct IncludeMissing;

impl Rule for IncludeMissing {
    fn id(&self) -> RuleId {
        RuleId::NGX009
    }

    fn nginx(&self, cx: &mut Cx, conf: &NginxConfig) -> Checked {
        if conf.includes.is_empty() {
            return NA;
        }
        let loaded = loaded_by(cx, cx.path());
        let project = cx.project;
        let path = cx.path();
        let mut judged = false;
        for inc in &conf.includes {
            let target = resolve_nginx_include(project, path, &inc.path.value);
            match target {
                IncludeTarget::Files(files) => {
                    judged = true;
                    cx.evidence_here(
                        inc.path.span,
                        format!("`include {}` resolves to `{}`", inc.path.value, files.join("`, `")),
                    );
                }
                IncludeTarget::Missing { looked_for, mapped } => {
                    judged = true;
                    let (prod, other) = match (&loaded, mapped) {
                        (Some((e, _)), true) if e.is_production_path() => (Severity::Blocker, Severity::High),
                        (Some(_), _) => (Severity::High, Severity::Medium),
                        (None, _) => (Severity::Medium, Severity::Low),
                    };
                    let how = if mapped {
                        "where the service's mounts put it"
                    } else {
                        "taking the config's directory as `/etc/nginx`"
                    };
                    let f = cx.report(
                        inc.path.span,
                        format!(
                            "nginx includes `{}`, but `{looked_for}` ({how}) does not exist: nginx fails to start",
                            inc.path.value
                        ),
                    );
                    let f = match &loaded {
                        Some((e, _)) => f.environment(*e),
                        None => f,
                    };
                    f.by_env(prod, other).confidence(if mapped { Confidence::High } else { Confidence::Medium });
                }
                IncludeTarget::EmptyGlob(g) => {
                    judged = true;
                    cx.report(
                        inc.path.span,
                        format!("nginx `include {g}` matches no file in the repository (nginx accepts an empty glob)"),
                    )
                    .severity(Severity::Info);
                }
                IncludeTarget::Unknown => {}
            }
        }
        if judged {
            CHECKED
        } else {
            NA
        }
    }
}
