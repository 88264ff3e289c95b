//! ENV009: a `${…}` reference in an env value that compose cannot interpolate.

use crate::finding::Severity;
use crate::model::envfile::Quote;
use crate::model::EnvFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct BadSubstitution;

/// The first malformed reference in `value`, as written.
pub(crate) fn bad_reference(value: &str) -> Option<String> {
    let b = value.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'\\' {
            i += 2;
            continue;
        }
        if c != b'$' {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'$') => i += 2,
            Some(b'{') => {
                let Some(rel) = value.get(i + 2..).and_then(|r| r.find('}')) else {
                    return Some(value.get(i..).unwrap_or("").chars().take(24).collect());
                };
                let body = value.get(i + 2..i + 2 + rel).unwrap_or("");
                let name_len = body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(body.len());
                let (name, rest) = body.split_at(name_len);
                let op_ok = rest.is_empty() || [":-", ":?", ":+", "-", "?", "+"].iter().any(|op| rest.starts_with(op));
                // A nested `${` inside a default has its own closing brace: skip to the outer one.
                if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) || !op_ok {
                    return Some(value.get(i..i + 3 + rel).unwrap_or("").to_owned());
                }
                i += 3 + rel;
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let mut j = i + 1;
                while b.get(j).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
                    j += 1;
                }
                if b.get(j) == Some(&b'}') {
                    return Some(value.get(i..=j).unwrap_or("").to_owned());
                }
                i = j;
            }
            _ => i += 1,
        }
    }
    None
}

impl Rule for BadSubstitution {
    fn id(&self) -> RuleId {
        RuleId::ENV009
    }

    fn env_file(&self, cx: &mut Cx, env: &EnvFile) -> Checked {
        if env.entries.is_empty() {
            return NA;
        }
        for e in &env.entries {
            // Single-quoted values are literal: no interpolation.
            if e.quote == Quote::Single {
                continue;
            }
            let Some(bad) = bad_reference(&e.value.value) else { continue };
            let at = cx.find(e.value.span, &bad);
            cx.report(
                at,
                format!("`{}` contains `{bad}`, which is not a valid variable reference: compose refuses to interpolate the file (“invalid template”) and the services using it do not start", e.key.value),
            )
            .by_env(Severity::High, Severity::Medium)
            .help("write `${NAME}` or `${NAME:-default}`; for a literal dollar sign use `$$` or single quotes");
        }
        CHECKED
    }
}

#[cfg(test)]
mod tests {
    use super::bad_reference;

    #[test]
    fn references() {
        assert_eq!(bad_reference("${BAR"), Some("${BAR".into()));
        assert_eq!(bad_reference("x${BAR!}y"), Some("${BAR!}".into()));
        assert_eq!(bad_reference("$BAR}"), Some("$BAR}".into()));
        assert_eq!(bad_reference("${BAR}$XYZ-${A:-b} $$ \\${x"), None);
        assert_eq!(bad_reference("cost: 5$"), None);
        assert_eq!(bad_reference("${A:?set A}"), None);
    }
}
