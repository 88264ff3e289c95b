//! NGX010: `proxy_pass` to a name that can only be an upstream (underscore, near-miss of a
//! defined one) but no `upstream` block of that name exists in the project's nginx configs.

use crate::finding::Severity;
use crate::model::nginx::NginxConfig;
use crate::model::ArtifactData;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct UnknownUpstream;

/// Edit distance ≤ 1 after normalising `-`/`_` and case.
fn near(a: &str, b: &str) -> bool {
    let n = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    let (a, b) = (n(a), n(b));
    if a == b {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a.get(i) == b.get(j) {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

impl Rule for UnknownUpstream {
    fn id(&self) -> RuleId {
        RuleId::NGX010
    }

    fn nginx(&self, cx: &mut Cx, conf: &NginxConfig) -> Checked {
        let candidates: Vec<_> = conf
            .proxy_passes
            .iter()
            .filter(|p| !p.dynamic && !p.unix && p.port.is_none() && !p.host.is_empty())
            .filter(|p| !p.host.contains('.') && p.host.parse::<std::net::IpAddr>().is_err() && p.host != "localhost")
            .collect();
        if candidates.is_empty() {
            return NA;
        }
        let project = cx.project;
        let upstreams: Vec<(String, String)> = project
            .audited()
            .filter_map(|a| match &a.data {
                ArtifactData::Nginx(n) => Some((a, n)),
                _ => None,
            })
            .flat_map(|(a, n)| n.upstreams.iter().map(move |u| (u.name.value.clone(), a.path().to_owned())))
            .collect();
        for p in candidates {
            if upstreams.iter().any(|(n, _)| *n == p.host) {
                cx.evidence_here(p.url.span, format!("`{}` proxies to the defined upstream `{}`", p.directive, p.host));
                continue;
            }
            let near_miss = upstreams.iter().find(|(n, _)| near(n, &p.host));
            if !p.host.contains('_') && near_miss.is_none() {
                continue; // a host name (compose service, DNS name): a consistency question, not this rule's
            }
            let mut msg = format!("`{} {}` names upstream `{}`, which no `upstream` block defines: nginx fails with \"host not found in upstream\"", p.directive, p.url.value, p.host);
            if let Some((n, file)) = near_miss {
                msg.push_str(&format!(" (did you mean `{n}` from `{file}`?)"));
            }
            cx.report(p.url.span, msg).by_env(Severity::High, Severity::Medium);
        }
        CHECKED
    }
}

#[cfg(test)]
mod tests {
    use super::near;

    #[test]
    fn near_misses() {
        assert!(near("api_backend", "api-backend"));
        assert!(near("api_backend", "api_backen"));
        assert!(near("backend", "backends"));
        assert!(!near("api", "web"));
    }
}
