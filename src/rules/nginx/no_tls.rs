//! NGX001: nginx serves plain HTTP only (no TLS server, no redirect to HTTPS), unless TLS is
//! terminated in front of it and the repository shows where.

use std::sync::LazyLock;

use regex::Regex;

use super::{https_redirect, loaded_by, serves_content};
use crate::finding::{Location, Severity};
use crate::index::files::parent_dir;
use crate::index::mounts::UseKind;
use crate::index::Project;
use crate::model::k8s::K8sBody;
use crate::model::nginx::NginxConfig;
use crate::model::ArtifactData;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct NoTls;

static TLS_DOC: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:tls|ssl|https)\b[^.\n]{0,40}\bterminat\w*\b[^.\n]{0,40}\b(?:load[- ]balancer|alb|elb|nlb|cloudflare|cdn|ingress|traefik|caddy|gateway|front ?door|cloudfront)").ok()
});

/// Images that terminate TLS in front of other services.
fn tls_proxy_image(image: &str) -> bool {
    let l = image.to_ascii_lowercase();
    [
        "traefik",
        "caddy",
        "cloudflared",
        "nginx-proxy-manager",
        "acme-companion",
        "letsencrypt-nginx-proxy-companion",
        "haproxy",
    ]
    .iter()
    .any(|p| l.contains(p))
}

/// Two directories belong to the same deployment when one contains the other (a monorepo of
/// independent samples must not lend one sample's TLS proxy to another).
fn related(a: &str, b: &str) -> bool {
    a == b || a.is_empty() || b.is_empty() || a.starts_with(&format!("{b}/")) || b.starts_with(&format!("{a}/"))
}

/// Where the repository shows TLS terminated in front of the nginx loaded from `scope` (the
/// directory of the compose file / Dockerfile that loads it); `compose`: loaded by a compose
/// service (a Kubernetes Ingress is not in front of it).
pub fn upstream_tls(project: &Project, scope: &str, compose: bool) -> Option<(Location, String)> {
    if !compose {
        for (a, o) in project.k8s_objects() {
            if let K8sBody::Ingress(i) = &o.body {
                if i.tls && a.env.env.is_production_path() {
                    return Some((
                        Location::new(a.path(), o.anchor()),
                        format!("TLS is terminated by {} in `{}`", o.label(), a.path()),
                    ));
                }
            }
        }
    }
    for (a, _, s) in project.compose_services() {
        if !related(parent_dir(a.path()), scope) || !a.env.env.is_production_path() {
            continue;
        }
        if let Some(img) = s.image.as_ref().filter(|i| tls_proxy_image(&i.value)) {
            return Some((
                Location::new(a.path(), img.span),
                format!("TLS is terminated by service `{}` (`{}`) in `{}`", s.name.value, img.value, a.path()),
            ));
        }
    }
    let re = TLS_DOC.as_ref()?;
    for a in project.audited() {
        let ArtifactData::Markdown(doc) = &a.data else { continue };
        let dir = parent_dir(a.path());
        let in_scope = dir.is_empty()
            || dir == "docs"
            || dir.starts_with("docs/")
            || scope == dir
            || scope.starts_with(&format!("{dir}/"));
        if !in_scope {
            continue;
        }
        for (i, line) in a.source.text.lines().enumerate() {
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if doc.in_code(n) {
                continue;
            }
            if re.is_match(line) {
                return Some((
                    Location::new(a.path(), a.source.line_span(n)),
                    format!("`{}` documents TLS termination in front of nginx", a.path()),
                ));
            }
        }
    }
    None
}

/// A TLS server in another loaded nginx config of the same deployment.
fn tls_elsewhere(project: &Project, scope: &str) -> Option<(Location, String)> {
    for a in project.audited() {
        let ArtifactData::Nginx(n) = &a.data else { continue };
        let Some((_, m)) = project.mounts.production_use(a.path()) else { continue };
        if !related(parent_dir(&m.declared_in), scope) {
            continue;
        }
        for s in &n.servers {
            if let Some(l) = s.listens.iter().find(|l| l.ssl || l.quic) {
                return Some((
                    Location::new(a.path(), l.span),
                    format!("{} listens with TLS in `{}`", s.label(), a.path()),
                ));
            }
        }
    }
    None
}

impl Rule for NoTls {
    fn id(&self) -> RuleId {
        RuleId::NGX001
    }

    fn nginx(&self, cx: &mut Cx, conf: &NginxConfig) -> Checked {
        let Some((env, used_by)) = loaded_by(cx, cx.path()) else { return NA };
        let Some((_, mount)) = cx.project.mounts.production_use(cx.path()) else { return NA };
        let scope = parent_dir(&mount.declared_in).to_owned();
        let compose = matches!(mount.kind, UseKind::BindMount | UseKind::ComposeConfig);
        let http: Vec<_> = conf.servers.iter().filter(|s| !s.stream).collect();
        if http.is_empty() {
            return NA;
        }
        for s in &http {
            if let Some(l) = s.listens.iter().find(|l| l.ssl || l.quic) {
                cx.evidence_here(l.span, format!("nginx {} listens with TLS (loaded by {used_by})", s.label()));
                return CHECKED;
            }
            if let Some(r) = https_redirect(conf, s) {
                cx.evidence_here(r, format!("nginx {} redirects HTTP to HTTPS", s.label()));
                return CHECKED;
            }
        }
        let project = cx.project;
        if let Some((loc, text)) = tls_elsewhere(project, &scope).or_else(|| upstream_tls(project, &scope, compose)) {
            cx.evidence(Some(loc), text);
            return CHECKED;
        }
        let Some(first) = http.iter().find(|s| serves_content(conf, s)) else { return NA };
        let span: Span = first.listens.first().map_or(first.keyword, |l| l.span);
        cx.report(span, format!("nginx {} (loaded by {used_by}) serves plain HTTP: no `listen 443 ssl` server and no redirect to HTTPS", first.label()))
            .environment(env)
            .by_env(Severity::High, Severity::Medium)
            .help("if TLS is terminated in front of nginx (load balancer, Ingress), say so in the deployment docs or use an Ingress with `tls:`");
        CHECKED
    }
}
