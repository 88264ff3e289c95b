//! K8S006: a Secret manifest with its values committed.

use crate::finding::Severity;
use crate::index::secrets::{classify_value, ValueClass};
use crate::model::k8s::{K8sBody, K8sObject};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct SecretLiteral;

/// Standard base64 (as in Secret `data`), whitespace ignored; `None` when it is not base64.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if clean.is_empty() || !clean.len().is_multiple_of(4) {
        return None;
    }
    let val = |b: u8| -> Option<u32> {
        Some(u32::from(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    for chunk in clean.chunks(4) {
        let pad = chunk.iter().rev().take_while(|b| **b == b'=').count();
        if pad > 2 {
            return None;
        }
        let mut n: u32 = 0;
        for (i, b) in chunk.iter().enumerate() {
            let v = if i >= 4 - pad { 0 } else { val(*b)? };
            n = (n << 6) | v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(bytes.get(..3 - pad).unwrap_or(&[]));
    }
    Some(out)
}

/// A value that is not a committed secret: empty, a reference or template, a placeholder, a
/// SOPS-encrypted value, or a public certificate.
fn is_stand_in(key: &str, text: &str) -> bool {
    let t = text.trim();
    t.is_empty()
        || t.starts_with("ENC[")
        || t.starts_with("-----BEGIN CERTIFICATE")
        || key.ends_with(".crt")
        || matches!(classify_value(t), ValueClass::Empty | ValueClass::Reference | ValueClass::Placeholder)
}

impl Rule for SecretLiteral {
    fn id(&self) -> RuleId {
        RuleId::K8S006
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let K8sBody::Secret(d) = &obj.body else { return NA };
        // Filled in by the token controller, not by the manifest.
        if d.secret_type.as_deref() == Some("kubernetes.io/service-account-token") {
            return NA;
        }
        let mut found = Vec::new();
        let mut encoded = false;
        for (k, v) in &d.entries {
            // `data` holds base64; `stringData` plain text. The model merges both maps, so a value
            // counts as encoded when it decodes to text.
            // TODO: `DataMap` should say per entry which map it came from.
            let decoded = base64_decode(&v.value).and_then(|b| String::from_utf8(b).ok());
            if is_stand_in(&k.value, &v.value) || decoded.as_deref().is_some_and(|t| is_stand_in(&k.value, t)) {
                continue;
            }
            encoded |= decoded.is_some();
            found.push((k, v));
        }
        let Some((first, _)) = found.first() else {
            if !d.entries.is_empty() {
                cx.evidence_here(obj.anchor(), format!("{} holds only placeholders", obj.label()));
            }
            return CHECKED;
        };
        let keys: Vec<String> = found.iter().map(|(k, _)| format!("`{}`", k.value)).collect();
        let n = keys.len();
        let why = if encoded { ": base64 in `data` is an encoding, not encryption" } else { "" };
        let mut f = cx
            .report(
                first.span,
                format!(
                    "{} commits {n} secret value{} ({}) to the repository{why}",
                    obj.label(),
                    if n == 1 { "" } else { "s" },
                    keys.join(", ")
                ),
            )
            .by_env(Severity::Blocker, Severity::High);
        for (_, v) in &found {
            f = f.secret(v.span);
        }
        f.help("keep the values out of git: a SealedSecret, an ExternalSecret (Vault, cloud secret manager), SOPS-encrypted values, or `kubectl create secret` at deploy time; rotate the committed ones");
        CHECKED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64() {
        assert_eq!(base64_decode("cGFzc3dvcmQ=").as_deref(), Some(&b"password"[..]));
        assert_eq!(base64_decode("YWRtaW4=").as_deref(), Some(&b"admin"[..]));
        assert_eq!(base64_decode("YQ==").as_deref(), Some(&b"a"[..]));
        assert!(base64_decode("not base64!").is_none());
        assert!(base64_decode("abc").is_none());
    }

    #[test]
    fn stand_ins() {
        assert!(is_stand_in("password", ""));
        assert!(is_stand_in("password", "REPLACE_ME"));
        assert!(is_stand_in("password", "{{ .Values.db.password }}"));
        assert!(is_stand_in("password", "ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]"));
        assert!(is_stand_in("tls.crt", "LS0tLS1CRUdJTi..."));
        assert!(!is_stand_in("password", "Vx93kLq0ZpRt"));
        assert!(!is_stand_in("password", "admin"));
    }
}
