//! DC011: compose service without `security_opt: [no-new-privileges:true]`.

use crate::model::compose::ComposeService;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{is_fragment, merged_definitions};

pub struct NoNewPrivileges;

/// `Some(true)` for `no-new-privileges[:=]true` (or bare), `Some(false)` when explicitly false.
pub(crate) fn no_new_privileges(opt: &str) -> Option<bool> {
    let o = opt.trim().to_ascii_lowercase();
    let rest = o.strip_prefix("no-new-privileges")?;
    match rest.trim_start_matches([':', '=']) {
        "" | "true" | "1" => Some(true),
        _ => Some(false),
    }
}

impl Rule for NoNewPrivileges {
    fn id(&self) -> RuleId {
        RuleId::DC011
    }

    fn compose_service(&self, cx: &mut Cx, file: &ComposeFile, s: &ComposeService) -> Checked {
        if is_fragment(s) {
            return NA;
        }
        let path = cx.path();
        let defs = merged_definitions(cx.project, path, file, s);
        for (p, d) in &defs {
            for o in &d.security_opt {
                match no_new_privileges(&o.value) {
                    Some(true) => {
                        cx.evidence(
                            Some(crate::finding::Location::new((*p).to_owned(), o.span)),
                            format!("service `{}` sets `no-new-privileges`", s.name.value),
                        );
                        return CHECKED;
                    }
                    Some(false) if *p == path => {
                        cx.report(
                            o.span,
                            format!(
                                "service `{}` explicitly allows privilege escalation (`{}`)",
                                s.name.value, o.value
                            ),
                        )
                        .help("set `no-new-privileges:true`");
                        return CHECKED;
                    }
                    _ => {}
                }
            }
        }
        if s.privileged.as_ref().is_some_and(|p| p.value) {
            return CHECKED; // privileged is DC004's, and no-new-privileges would not help
        }
        cx.report(
            s.name.span,
            format!("service `{}` does not set `no-new-privileges`: a setuid binary in the image (su, sudo, ping…) can still raise a compromised process to root", s.name.value),
        )
        .help("add `security_opt: [\"no-new-privileges:true\"]` (a shared `x-security` anchor keeps it in one place)");
        CHECKED
    }
}
