//! NGX007: `server_tokens` not turned off (explicitly `on`, or absent: nginx's default is on).

use super::{effective, loaded_by, serves_content};
use crate::finding::{Location, Severity};
use crate::model::nginx::NginxConfig;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct ServerTokens;

impl Rule for ServerTokens {
    fn id(&self) -> RuleId {
        RuleId::NGX007
    }

    fn nginx(&self, cx: &mut Cx, conf: &NginxConfig) -> Checked {
        let servers: Vec<_> = conf.servers.iter().filter(|s| serves_content(conf, s)).collect();
        if servers.is_empty() {
            return NA;
        }
        let Some((env, _)) = loaded_by(cx, cx.path()) else { return NA };
        let project = cx.project;
        let path = cx.path();
        for s in servers {
            let found = effective(project, path, conf, Some(s.id), "server_tokens");
            match found.last() {
                Some(f) if f.args.first().is_some_and(|v| v == "off") => {
                    cx.evidence(
                        Some(Location::new(&f.path, f.span)),
                        "nginx hides its version (`server_tokens off`)".to_owned(),
                    );
                }
                Some(f) => {
                    let msg =
                        format!("`server_tokens {}` makes nginx {} disclose its version", f.args.join(" "), s.label());
                    if f.path == path {
                        cx.report(f.span, msg).environment(env).by_env(Severity::Low, Severity::Info);
                    } else {
                        cx.report_at(&f.path.clone(), f.span, msg)
                            .environment(env)
                            .by_env(Severity::Low, Severity::Info);
                    }
                    return CHECKED;
                }
                None => {
                    let anchor = conf.named("http").next().map_or(s.keyword, |h| h.name.span);
                    cx.report(
                        anchor,
                        format!(
                            "nginx {} discloses its version: `server_tokens off` is not set (the default is `on`)",
                            s.label()
                        ),
                    )
                    .environment(env)
                    .by_env(Severity::Low, Severity::Info);
                    return CHECKED;
                }
            }
        }
        CHECKED
    }
}
