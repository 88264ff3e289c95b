//! NGX005: TLS server without `Strict-Transport-Security` (or with `max-age=0`).

use super::{headers, loaded_by, own_headers, serves_content};
use crate::finding::{Location, Severity};
use crate::model::nginx::{NginxConfig, Server};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoHsts;

fn max_age(value: &str) -> Option<u64> {
    let l = value.to_ascii_lowercase();
    let i = l.find("max-age=")?;
    l.get(i + 8..)?.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
}

impl Rule for NoHsts {
    fn id(&self) -> RuleId {
        RuleId::NGX005
    }

    fn nginx_server(&self, cx: &mut Cx, conf: &NginxConfig, s: &Server) -> Checked {
        if !s.listens_tls() || !serves_content(conf, s) {
            return NA;
        }
        let Some((env, _)) = loaded_by(cx, cx.path()) else { return NA };
        let project = cx.project;
        let path = cx.path();
        let hs = headers(project, path, conf, Some(s.id));
        match hs.iter().find(|(_, h)| h.name == "strict-transport-security") {
            None => {
                cx.report(s.keyword, format!("nginx TLS {} does not send `Strict-Transport-Security`", s.label()))
                    .environment(env)
                    .by_env(Severity::Medium, Severity::Low);
            }
            Some((f, h)) if max_age(&h.value) == Some(0) => {
                let msg = format!(
                    "nginx TLS {} sends `Strict-Transport-Security` with `max-age=0`, which disables HSTS",
                    s.label()
                );
                if f.path == path {
                    cx.report(f.span, msg).environment(env).by_env(Severity::Medium, Severity::Low);
                } else {
                    cx.report_at(&f.path.clone(), f.span, msg).environment(env).by_env(Severity::Medium, Severity::Low);
                }
            }
            Some((f, _)) => {
                cx.evidence(Some(Location::new(&f.path, f.span)), format!("nginx TLS {} sends HSTS", s.label()))
            }
        }
        for l in &s.locations {
            if own_headers(conf, *l).is_empty() {
                continue;
            }
            let here = headers(project, path, conf, Some(*l));
            let server_has = hs.iter().any(|(_, h)| h.name == "strict-transport-security");
            if server_has && !here.iter().any(|(_, h)| h.name == "strict-transport-security") {
                let loc = conf.get(*l).map(|d| d.args_text()).unwrap_or_default();
                let span = own_headers(conf, *l).first().map_or(s.keyword, |h| h.span);
                cx.report(span, format!("`location {loc}` of nginx {} writes its own `add_header`, so the server's `Strict-Transport-Security` is not sent there", s.label()))
                    .environment(env)
                    .by_env(Severity::Medium, Severity::Low)
                    .related_here(s.keyword, "the TLS server");
            }
        }
        CHECKED
    }
}
