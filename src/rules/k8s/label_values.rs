//! K8S025: label (or annotation) the API server rejects.

use super::node_of;
use crate::finding::Severity;
use crate::model::k8s::K8sObject;
use crate::parse::yaml::{Node, ScalarStyle};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct LabelValues;

fn name_ok(s: &str) -> bool {
    let b = s.as_bytes();
    !s.is_empty()
        && s.len() <= 63
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

fn dns_subdomain_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|part| {
            let b = part.as_bytes();
            !part.is_empty()
                && b.first().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                && b.last().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        })
}

/// Why a label key is invalid, if it is.
pub fn key_problem(k: &str) -> Option<&'static str> {
    let (prefix, name) = match k.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    if prefix.is_some_and(|p| !dns_subdomain_ok(p)) {
        return Some("its prefix is not a lowercase DNS subdomain");
    }
    if name.len() > 63 {
        return Some("its name is longer than 63 characters");
    }
    (!name_ok(name))
        .then_some("it must start and end with a letter or digit and hold only letters, digits, `-`, `_` and `.`")
}

/// Why a label value is invalid, if it is.
pub fn value_problem(v: &str) -> Option<&'static str> {
    if v.is_empty() {
        return None;
    }
    if v.len() > 63 {
        return Some("it is longer than 63 characters");
    }
    (!name_ok(v))
        .then_some("it must start and end with a letter or digit and hold only letters, digits, `-`, `_` and `.`")
}

/// An unquoted YAML scalar that the Go loader behind kubectl reads as a number or boolean (YAML
/// 1.1), not as the string a label or annotation must be.
fn non_string(v: Node<'_>) -> Option<&'static str> {
    if v.style() != Some(ScalarStyle::Plain) || v.is_null() {
        return None;
    }
    let s = v.as_str()?;
    if matches!(
        s,
        "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
            | "y"
            | "Y"
            | "n"
            | "N"
    ) {
        return Some("a boolean");
    }
    if s.parse::<i64>().is_ok() || (s.parse::<f64>().is_ok() && !s.contains("inf") && !s.contains("nan")) {
        return Some("a number");
    }
    None
}

fn templated(s: &str) -> bool {
    s.contains("{{") || s.contains("${")
}

fn check_map(cx: &mut Cx, obj: &K8sObject, map: Node<'_>, what: &str, syntax: bool) {
    for (k, v) in map.entries() {
        let Some(key) = k.as_str() else { continue };
        if templated(key) {
            continue;
        }
        if let Some(t) = non_string(v) {
            let raw = v.as_str().unwrap_or("");
            cx.report(
                v.span(),
                format!("{what} `{key}` of {} is {t} (`{raw}`), not a string: kubectl fails to decode the object (`cannot unmarshal {} into … of type string`)", obj.label(), if t == "a number" { "number" } else { "bool" }),
            )
            .by_env(Severity::Blocker, Severity::High)
            .help(format!("quote the value: `{key}: \"{raw}\"`"));
            continue;
        }
        if !syntax {
            continue;
        }
        if let Some(why) = key_problem(key) {
            cx.report(
                k.span(),
                format!("{what} key `{key}` of {} is invalid: {why}; the API server rejects the object", obj.label()),
            )
            .by_env(Severity::Blocker, Severity::High)
            .help("use keys like `app.kubernetes.io/name` (optional DNS prefix, `/`, a name of at most 63 characters)");
        }
        let Some(val) = v.as_str() else { continue };
        if templated(val) {
            continue;
        }
        if let Some(why) = value_problem(val) {
            cx.report(v.span(), format!("{what} `{key}` of {} has value `{val}`, which is invalid: {why}; the API server rejects the object", obj.label()))
                .by_env(Severity::Blocker, Severity::High)
                .help("label values are at most 63 characters of letters, digits, `-`, `_` and `.`, starting and ending alphanumeric; put free text in an annotation");
        }
    }
}

impl Rule for LabelValues {
    fn id(&self) -> RuleId {
        RuleId::K8S025
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let Some(node) = node_of(cx, obj) else { return NA };
        let mut maps: Vec<(Node<'_>, &str, bool)> = Vec::new();
        fn push<'a>(
            maps: &mut Vec<(Node<'a>, &'static str, bool)>,
            n: Option<Node<'a>>,
            what: &'static str,
            syntax: bool,
        ) {
            if let Some(n) = n.filter(|n| n.is_map()) {
                maps.push((n, what, syntax));
            }
        }
        push(&mut maps, node.path(&["metadata", "labels"]), "label", true);
        push(&mut maps, node.path(&["metadata", "annotations"]), "annotation", false);
        let spec = node.get("spec");
        for tpl in [&["template"][..], &["jobTemplate", "spec", "template"][..]] {
            let t = spec.and_then(|s| s.path(tpl));
            push(&mut maps, t.and_then(|t| t.path(&["metadata", "labels"])), "pod label", true);
            push(&mut maps, t.and_then(|t| t.path(&["metadata", "annotations"])), "pod annotation", false);
        }
        push(&mut maps, spec.and_then(|s| s.path(&["selector", "matchLabels"])), "selector label", true);
        if obj.kind.value == "Service" {
            push(&mut maps, spec.and_then(|s| s.get("selector")), "selector label", true);
        }
        if maps.is_empty() {
            return NA;
        }
        for (m, what, syntax) in maps {
            check_map(cx, obj, m, what, syntax);
        }
        CHECKED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values() {
        assert!(key_problem("app.kubernetes.io/name").is_none());
        assert!(key_problem("app").is_none());
        assert!(key_problem("Example.com/app").is_some());
        assert!(key_problem("-app").is_some());
        assert!(value_problem("").is_none());
        assert!(value_problem("v1.2.3").is_none());
        assert!(value_problem("my app").is_some());
        assert!(value_problem("release-").is_some());
        assert!(value_problem(&"a".repeat(64)).is_some());
    }
}
