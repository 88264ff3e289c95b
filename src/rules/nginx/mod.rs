//! nginx hardening and validity rules (`NGX`): one file per rule, one registration line each,
//! plus the helpers they share: whether a config is loaded by a production service, the
//! directives in effect at a block with nginx's inheritance *and* `include`s resolved, and what a
//! `server` block serves.

mod config_rejected;
mod include_missing;
mod legacy_tls;
mod missing_headers;
mod no_hsts;
mod no_rate_limit;
mod no_tls;
mod server_tokens;
mod unknown_upstream;
mod weak_ciphers;

use crate::index::mounts::{resolve_nginx_include, IncludeTarget};
use crate::index::Project;
use crate::model::nginx::{header_of, DirectiveId, Header, NginxConfig, Server};
use crate::model::{ArtifactData, Environment};
use crate::rules::Cx;
use crate::source::Span;

use super::Rule;

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(no_tls::NoTls));
    rules.push(Box::new(legacy_tls::LegacyTls));
    rules.push(Box::new(weak_ciphers::WeakCiphers));
    rules.push(Box::new(missing_headers::MissingHeaders));
    rules.push(Box::new(no_hsts::NoHsts));
    rules.push(Box::new(no_rate_limit::NoRateLimit));
    rules.push(Box::new(server_tokens::ServerTokens));
    rules.push(Box::new(config_rejected::ConfigRejected));
    rules.push(Box::new(include_missing::IncludeMissing));
    rules.push(Box::new(unknown_upstream::UnknownUpstream));
}

/// How the current nginx file is loaded: the consumer's environment and a description
/// ("service `nginx` of `docker-compose.prod.yml`"). `None`: nothing loads it (present but unused);
/// hardening rules do not judge (nor credit) such a file.
pub fn loaded_by(cx: &Cx, path: &str) -> Option<(Environment, String)> {
    let (_, m) = cx.project.mounts.production_use(path)?;
    Some((m.env, m.describe()))
}

/// A directive found while resolving settings through includes: where and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub path: String,
    pub span: Span,
    pub args: Vec<String>,
}

/// Directives named `name` written directly at `level` of `conf` (file `path`), including those
/// that `include`d files contribute at that level.
fn at_level(
    project: &Project,
    path: &str,
    conf: &NginxConfig,
    level: Option<DirectiveId>,
    name: &str,
    depth: u32,
) -> Vec<Found> {
    let mut out = Vec::new();
    for d in conf.children(level) {
        if d.name.value == name {
            out.push(Found {
                path: path.to_owned(),
                span: d.span,
                args: d.args.iter().map(|a| a.value.clone()).collect(),
            });
        } else if d.name.value == "include" && depth < 4 {
            let Some(arg) = d.arg(0) else { continue };
            if let IncludeTarget::Files(files) = resolve_nginx_include(project, path, arg) {
                for f in files {
                    if let Some(ArtifactData::Nginx(inc)) = project.artifact(&f).map(|a| &a.data) {
                        out.extend(at_level(project, &f, inc, None, name, depth + 1));
                    }
                }
            }
        }
    }
    out
}

/// The directives named `name` in effect at block `at` of `conf`, with nginx's inheritance (the
/// nearest level that writes any wins) and `include`s resolved; for a fragment, the levels of the
/// configs that include it continue the search outwards.
pub fn effective(project: &Project, path: &str, conf: &NginxConfig, at: Option<DirectiveId>, name: &str) -> Vec<Found> {
    effective_depth(project, path, conf, at, name, 0)
}

fn effective_depth(
    project: &Project,
    path: &str,
    conf: &NginxConfig,
    at: Option<DirectiveId>,
    name: &str,
    depth: u32,
) -> Vec<Found> {
    let mut level = at;
    let mut guard = 0;
    loop {
        let here = at_level(project, path, conf, level, name, 0);
        if !here.is_empty() {
            return here;
        }
        match level {
            None => break,
            Some(id) => level = conf.get(id).and_then(|d| d.parent),
        }
        guard += 1;
        if guard > 256 {
            return Vec::new();
        }
    }
    if conf.is_main || depth > 3 {
        return Vec::new();
    }
    // A fragment: continue at the level where other configs include it.
    let mut included = false;
    for a in project.audited() {
        let ArtifactData::Nginx(outer) = &a.data else { continue };
        if a.path() == path {
            continue;
        }
        for inc in &outer.includes {
            let hits = matches!(resolve_nginx_include(project, a.path(), &inc.path.value),
                IncludeTarget::Files(fs) if fs.iter().any(|f| f == path));
            if hits {
                included = true;
                let parent = outer.get(inc.id).and_then(|d| d.parent);
                let found = effective_depth(project, a.path(), outer, parent, name, depth + 1);
                if !found.is_empty() {
                    return found;
                }
            }
        }
    }
    if included {
        return Vec::new();
    }
    // No visible include (placed by an entrypoint script, `envsubst` templates): the main
    // configuration loaded into the same container includes it into `http`.
    for u in project.mounts.uses(path) {
        for f in project.mounts.container_files(project, u.mount) {
            let Some(ArtifactData::Nginx(main)) = project.artifact(f).map(|a| &a.data) else { continue };
            if f == path || !main.is_main {
                continue;
            }
            if let Some(http) = main.named("http").next() {
                let found = at_level(project, f, main, Some(http.id), name, 0);
                if !found.is_empty() {
                    return found;
                }
                let top = at_level(project, f, main, None, name, 0);
                if !top.is_empty() {
                    return top;
                }
            }
        }
    }
    Vec::new()
}

/// The `add_header`s in effect at `at`, includes resolved.
pub fn headers(project: &Project, path: &str, conf: &NginxConfig, at: Option<DirectiveId>) -> Vec<(Found, Header)> {
    effective(project, path, conf, at, "add_header")
        .into_iter()
        .filter_map(|f| {
            let name = f.args.first()?.to_ascii_lowercase();
            let value = f.args.get(1).cloned().unwrap_or_default();
            let always = f.args.get(2).is_some_and(|a| a == "always");
            let h = Header { span: f.span, name, value, always };
            Some((f, h))
        })
        .collect()
}

/// `add_header`s written directly in block `at` (no includes, no inheritance).
pub fn own_headers(conf: &NginxConfig, at: DirectiveId) -> Vec<Header> {
    conf.child_named(Some(at), "add_header").into_iter().filter_map(header_of).collect()
}

/// A `return 30x https://…` or `rewrite … https://… permanent|redirect` directive in `block`.
fn https_redirect_in(conf: &NginxConfig, block: DirectiveId) -> Option<Span> {
    for d in conf.children(Some(block)) {
        let args: Vec<&str> = d.args.iter().map(|a| a.value.as_str()).collect();
        match d.name.value.as_str() {
            "return" => {
                let code = args.first().and_then(|c| c.parse::<u16>().ok());
                if matches!(code, Some(301 | 302 | 307 | 308)) && args.get(1).is_some_and(|u| u.starts_with("https://"))
                {
                    return Some(d.span);
                }
            }
            "rewrite" if args.get(1).is_some_and(|u| u.starts_with("https://")) => return Some(d.span),
            _ => {}
        }
    }
    None
}

/// The server redirects HTTP to HTTPS (at server level or in its `location /`).
pub fn https_redirect(conf: &NginxConfig, s: &Server) -> Option<Span> {
    if let Some(sp) = https_redirect_in(conf, s.id) {
        return Some(sp);
    }
    for l in &s.locations {
        let is_root = conf.get(*l).is_some_and(|d| d.args.last().is_some_and(|a| a.value == "/"));
        if is_root {
            if let Some(sp) = https_redirect_in(conf, *l) {
                return Some(sp);
            }
        }
    }
    // `if ($scheme = http) { return 301 https://… }`
    for d in conf.child_named(Some(s.id), "if") {
        if let Some(sp) = https_redirect_in(conf, d.id) {
            return Some(sp);
        }
    }
    None
}

/// An HTTP server that serves responses (not a `stream` proxy and not a pure redirect).
pub fn serves_content(conf: &NginxConfig, s: &Server) -> bool {
    if s.stream {
        return false;
    }
    let server_returns = conf
        .child_named(Some(s.id), "return")
        .iter()
        .any(|r| r.arg(0).and_then(|c| c.parse::<u16>().ok()).is_some_and(|c| (300..400).contains(&c) || c == 444));
    if server_returns && s.locations.is_empty() {
        return false;
    }
    if s.locations.is_empty() {
        return !conf.child_named(Some(s.id), "root").is_empty()
            || !conf.child_named(Some(s.id), "proxy_pass").is_empty()
            || !conf.child_named(Some(s.id), "return").is_empty();
    }
    // Every location only redirects: a redirect server.
    !s.locations.iter().all(|l| {
        let ch = conf.children(Some(*l));
        !ch.is_empty()
            && ch.iter().all(|d| {
                d.name.value == "return"
                    && d.arg(0).and_then(|c| c.parse::<u16>().ok()).is_some_and(|c| (300..400).contains(&c))
            })
    })
}

/// The server (or one of its locations) proxies to an application.
pub fn proxies(conf: &NginxConfig, s: &Server) -> Vec<DirectiveId> {
    conf.proxy_passes.iter().filter(|p| conf.server_of(p.id).is_some_and(|o| o.id == s.id)).map(|p| p.id).collect()
}
