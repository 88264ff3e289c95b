//! NGX008: nginx would refuse the file: directives in contexts nginx does not allow, unbalanced
//! braces, directives without `;`.

use super::loaded_by;
use crate::finding::Severity;
use crate::model::nginx::{Context, NginxConfig};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct ConfigRejected;

/// Contexts nginx allows a directive in (a curated set of common directives); `None`: not judged.
fn allowed(name: &str, block: bool) -> Option<&'static [&'static str]> {
    Some(match (name, block) {
        ("http" | "events" | "stream" | "mail", true) => &["main"],
        ("server", true) => &["http", "stream", "mail"],
        ("location", true) => &["server", "location"],
        ("upstream", true) => &["http", "stream"],
        ("map" | "geo" | "split_clients", true) => &["http", "stream"],
        ("if", true) => &["server", "location"],
        ("limit_except", true) => &["location"],
        ("listen", false) => &["server"],
        ("server_name", false) => &["server"],
        ("proxy_pass", false) => &["location", "if", "limit_except", "stream-server"],
        ("try_files", false) => &["server", "location"],
        ("limit_req_zone" | "proxy_cache_path" | "log_format", false) => &["http"],
        ("limit_conn_zone", false) => &["http", "stream"],
        (
            "worker_processes" | "worker_rlimit_nofile" | "pid" | "user" | "load_module" | "daemon" | "master_process",
            false,
        ) => &["main"],
        ("worker_connections" | "multi_accept", false) => &["events"],
        ("ssl_protocols" | "ssl_ciphers" | "ssl_certificate" | "ssl_certificate_key", false) => {
            &["http", "server", "stream", "mail"]
        }
        ("limit_req", false) => &["http", "server", "location"],
        _ => return None,
    })
}

impl Rule for ConfigRejected {
    fn id(&self) -> RuleId {
        RuleId::NGX008
    }

    fn nginx(&self, cx: &mut Cx, conf: &NginxConfig) -> Checked {
        let loaded = loaded_by(cx, cx.path());
        let (prod, other) = match &loaded {
            Some((env, _)) if env.is_production_path() => (Severity::Blocker, Severity::High),
            Some(_) => (Severity::High, Severity::Medium),
            None => (Severity::Medium, Severity::Low),
        };
        let env = loaded.as_ref().map(|(e, _)| *e);
        let report = |cx: &mut Cx, span, msg: String| {
            let f = cx.report(span, msg);
            let f = match env {
                Some(e) => f.environment(e),
                None => f,
            };
            f.by_env(prod, other);
        };
        for p in &conf.problems {
            report(cx, p.span, format!("nginx refuses this file: {}", p.message));
        }
        for d in conf.iter() {
            let Some(ok) = allowed(&d.name.value, d.is_block()) else { continue };
            let ctx = conf.context(d.id);
            let label = match &ctx {
                Context::Fragment => continue, // included somewhere we cannot see
                Context::Data | Context::Other(_) => continue,
                Context::If
                    if !matches!(d.name.value.as_str(), "listen" | "server_name" | "location" | "server" | "http") =>
                {
                    continue
                }
                Context::Server if conf.in_stream(d.id) => "stream-server",
                c => c.label(),
            };
            if ok.contains(&label) || (label == "stream-server" && ok.contains(&"server")) {
                continue;
            }
            let ctx_label = if label == "stream-server" { "stream server" } else { label };
            let kind = if d.is_block() { "block" } else { "directive" };
            report(
                cx,
                d.name.span,
                format!(
                    "nginx refuses `{}` {kind} in the `{ctx_label}` context (allowed in: {})",
                    d.name.value,
                    ok.iter()
                        .map(|c| format!("`{}`", c.replace("stream-server", "stream server")))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        if loaded.is_none() && conf.problems.is_empty() && cx.findings.is_empty() {
            return NA;
        }
        if cx.findings.is_empty() {
            let what = if conf.is_main { "main configuration" } else { "fragment" };
            let path = cx.path().to_owned();
            cx.evidence_here(
                crate::source::Span::file_start(),
                format!("nginx {what} `{path}` has balanced blocks and directives in allowed contexts"),
            );
        }
        CHECKED
    }
}
