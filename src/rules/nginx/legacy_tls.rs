//! NGX002: `ssl_protocols` enables SSLv2/SSLv3/TLSv1/TLSv1.1 for a TLS server.

use super::{effective, loaded_by};
use crate::finding::{Location, Severity};
use crate::model::nginx::{NginxConfig, Server};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct LegacyTls;

impl Rule for LegacyTls {
    fn id(&self) -> RuleId {
        RuleId::NGX002
    }

    fn nginx_server(&self, cx: &mut Cx, conf: &NginxConfig, s: &Server) -> Checked {
        if !s.listens_tls() {
            return NA;
        }
        let Some((env, _)) = loaded_by(cx, cx.path()) else { return NA };
        let project = cx.project;
        let found = effective(project, cx.path(), conf, Some(s.id), "ssl_protocols");
        let Some(p) = found.last() else {
            // nginx ≥ 1.23.4 defaults to TLSv1.2 TLSv1.3.
            return CHECKED;
        };
        let legacy: Vec<&str> = p
            .args
            .iter()
            .map(String::as_str)
            .filter(|a| matches!(*a, "SSLv2" | "SSLv3" | "TLSv1" | "TLSv1.1"))
            .collect();
        if legacy.is_empty() {
            cx.evidence(
                Some(Location::new(&p.path, p.span)),
                format!("nginx {} allows only `{}`", s.label(), p.args.join(" ")),
            );
            return CHECKED;
        }
        let list = legacy.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ");
        let msg = format!("nginx {} enables deprecated protocol(s) {list} in `ssl_protocols`", s.label());
        let f = if p.path == cx.path() {
            cx.report(p.span, msg)
        } else {
            {
                let here = cx.path().to_owned();
                cx.report_at(&p.path.clone(), p.span, msg).related(here, s.keyword, "the TLS server it applies to")
            }
        };
        f.environment(env).by_env(Severity::High, Severity::Medium);
        CHECKED
    }
}
