//! NGX003: `ssl_ciphers` enables weak suites (RC4, DES/3DES, MD5, NULL, EXPORT, anonymous, LOW).

use super::{effective, loaded_by};
use crate::finding::{Location, Severity};
use crate::model::nginx::{NginxConfig, Server};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct WeakCiphers;

/// Enabled (not `!`/`-` excluded) cipher-string elements that are weak.
pub fn weak_elements(ciphers: &str) -> Vec<String> {
    ciphers
        .split([':', ' ', ','])
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.starts_with('!') && !e.starts_with('-'))
        .filter(|e| {
            let u = e.trim_start_matches('+').to_ascii_uppercase();
            matches!(
                u.as_str(),
                "LOW"
                    | "EXPORT"
                    | "EXP"
                    | "MEDIUM"
                    | "NULL"
                    | "ENULL"
                    | "ANULL"
                    | "ADH"
                    | "AECDH"
                    | "RC4"
                    | "DES"
                    | "3DES"
                    | "MD5"
                    | "SSLV3"
            ) || u.contains("RC4")
                || u.contains("DES-CBC")
                || u.ends_with("-DES")
                || u.contains("3DES")
                || u.contains("EXPORT")
                || u.starts_with("EXP-")
                || u.contains("NULL")
                || u.ends_with("-MD5")
                || u.starts_with("ADH-")
                || u.starts_with("AECDH-")
        })
        .map(str::to_owned)
        .collect()
}

impl Rule for WeakCiphers {
    fn id(&self) -> RuleId {
        RuleId::NGX003
    }

    fn nginx_server(&self, cx: &mut Cx, conf: &NginxConfig, s: &Server) -> Checked {
        if !s.listens_tls() {
            return NA;
        }
        let Some((env, _)) = loaded_by(cx, cx.path()) else { return NA };
        let project = cx.project;
        let found = effective(project, cx.path(), conf, Some(s.id), "ssl_ciphers");
        let Some(c) = found.last() else { return CHECKED };
        let weak = weak_elements(&c.args.join(" "));
        if weak.is_empty() {
            cx.evidence(Some(Location::new(&c.path, c.span)), format!("nginx {} restricts `ssl_ciphers`", s.label()));
            return CHECKED;
        }
        let list = weak.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ");
        let msg = format!("nginx {} allows weak cipher suites {list} in `ssl_ciphers`", s.label());
        let f = if c.path == cx.path() {
            cx.report(c.span, msg)
        } else {
            {
                let here = cx.path().to_owned();
                cx.report_at(&c.path.clone(), c.span, msg).related(here, s.keyword, "the TLS server it applies to")
            }
        };
        f.environment(env).by_env(Severity::Medium, Severity::Low);
        CHECKED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cipher_strings() {
        assert!(weak_elements("HIGH:!aNULL:!MD5").is_empty());
        assert!(weak_elements("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305").is_empty());
        assert_eq!(weak_elements("ALL:RC4:!aNULL:DES-CBC3-SHA"), vec!["RC4", "DES-CBC3-SHA"]);
        assert_eq!(weak_elements("HIGH:MEDIUM:!ADH"), vec!["MEDIUM"]);
        assert_eq!(weak_elements("EXP-RC4-MD5"), vec!["EXP-RC4-MD5"]);
    }
}
