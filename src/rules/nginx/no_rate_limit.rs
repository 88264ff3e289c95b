//! NGX006: a server proxies to an application and no `limit_req` applies there.

use super::{effective, loaded_by, proxies};
use crate::finding::{Location, Severity};
use crate::model::nginx::{NginxConfig, Server};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoRateLimit;

impl Rule for NoRateLimit {
    fn id(&self) -> RuleId {
        RuleId::NGX006
    }

    fn nginx_server(&self, cx: &mut Cx, conf: &NginxConfig, s: &Server) -> Checked {
        if s.stream {
            return NA;
        }
        let targets = proxies(conf, s);
        if targets.is_empty() {
            return NA;
        }
        let Some((env, _)) = loaded_by(cx, cx.path()) else { return NA };
        let project = cx.project;
        let path = cx.path();
        let mut limited = None;
        let mut unlimited = Vec::new();
        for p in &targets {
            let at = conf.get(*p).and_then(|d| d.parent);
            let found = effective(project, path, conf, at, "limit_req");
            match found.first() {
                Some(f) => limited = limited.or(Some(f.clone())),
                None => unlimited.push(*p),
            }
        }
        if unlimited.is_empty() {
            if let Some(f) = limited {
                cx.evidence(
                    Some(Location::new(&f.path, f.span)),
                    format!("nginx {} rate-limits proxied requests (`limit_req {}`)", s.label(), f.args.join(" ")),
                );
            }
            return CHECKED;
        }
        let Some(first) = unlimited.first().and_then(|p| conf.proxy_passes.iter().find(|x| x.id == *p)) else {
            return CHECKED;
        };
        let more = if unlimited.len() > 1 {
            format!(" (and {} more proxied location(s))", unlimited.len() - 1)
        } else {
            String::new()
        };
        cx.report(
            first.span,
            format!(
                "nginx {} proxies to `{}` without rate limiting (no `limit_req` applies){more}",
                s.label(),
                first.url.value
            ),
        )
        .environment(env)
        .by_env(Severity::Medium, Severity::Low);
        CHECKED
    }
}
