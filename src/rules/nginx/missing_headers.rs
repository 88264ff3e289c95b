//! NGX004: a content-serving server lacks X-Content-Type-Options, X-Frame-Options (or CSP
//! frame-ancestors), Referrer-Policy — at server level or in a location that drops the server's
//! headers by writing its own `add_header` (nginx does not merge them).

use super::{headers, loaded_by, own_headers, serves_content};
use crate::finding::{Location, Severity};
use crate::model::nginx::{Header, NginxConfig, Server};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct MissingHeaders;

/// The basic headers missing from a set (display names, in backticks).
pub fn missing(headers: &[Header]) -> Vec<&'static str> {
    let has = |n: &str| headers.iter().any(|h| h.name == n);
    let csp_frames = headers
        .iter()
        .any(|h| h.name == "content-security-policy" && h.value.to_ascii_lowercase().contains("frame-ancestors"));
    let mut out = Vec::new();
    if !has("x-content-type-options") {
        out.push("`X-Content-Type-Options`");
    }
    if !has("x-frame-options") && !csp_frames {
        out.push("`X-Frame-Options` (or CSP `frame-ancestors`)");
    }
    if !has("referrer-policy") {
        out.push("`Referrer-Policy`");
    }
    out
}

fn list(names: &[&str]) -> String {
    names.join(", ")
}

impl Rule for MissingHeaders {
    fn id(&self) -> RuleId {
        RuleId::NGX004
    }

    fn nginx_server(&self, cx: &mut Cx, conf: &NginxConfig, s: &Server) -> Checked {
        if !serves_content(conf, s) {
            return NA;
        }
        let Some((env, _)) = loaded_by(cx, cx.path()) else { return NA };
        let project = cx.project;
        let path = cx.path();
        let at_server: Vec<Header> = headers(project, path, conf, Some(s.id)).into_iter().map(|(_, h)| h).collect();
        let miss = missing(&at_server);
        if !miss.is_empty() {
            cx.report(s.keyword, format!("nginx {} does not send {}", s.label(), list(&miss)))
                .environment(env)
                .by_env(Severity::Medium, Severity::Low);
        }
        // Locations that write their own add_header lose the server's (nginx does not merge).
        for l in &s.locations {
            let own = own_headers(conf, *l);
            let Some(first) = own.first() else { continue };
            let here: Vec<Header> = headers(project, path, conf, Some(*l)).into_iter().map(|(_, h)| h).collect();
            let lost: Vec<&str> = missing(&here).into_iter().filter(|m| !miss.contains(m)).collect();
            if lost.is_empty() {
                continue;
            }
            let loc = conf.get(*l).map(|d| d.args_text()).unwrap_or_default();
            cx.report(first.span, format!(
                "`location {loc}` of nginx {} writes its own `add_header`, so the server's {} are not sent there (nginx does not inherit `add_header` into a level that has one)",
                s.label(),
                list(&lost)
            ))
            .environment(env)
            .by_env(Severity::Medium, Severity::Low)
            .related_here(s.keyword, "the server whose headers are dropped");
        }
        if miss.is_empty() && cx.findings.is_empty() {
            cx.evidence(
                Some(Location::new(path, s.keyword)),
                format!("nginx {} sends X-Content-Type-Options, frame protection and Referrer-Policy", s.label()),
            );
        }
        CHECKED
    }
}
