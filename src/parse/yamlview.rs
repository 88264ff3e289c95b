//! Lenient typed reads over the YAML tree, shared by the compose, Kubernetes and CI views: a field
//! of the wrong type yields a schema issue on that field and `None`, never a lost file.

use super::yaml::Node;
use super::SchemaIssue;
use crate::model::compose::EnvEntry;
use crate::source::{Span, Spanned};

/// Collects schema issues while reading one file.
#[derive(Default)]
pub struct Reader {
    pub issues: Vec<SchemaIssue>,
}

impl Reader {
    pub fn issue(&mut self, node: Node<'_>, message: impl Into<String>) {
        self.issues.push(SchemaIssue { line: node.span().start.line, message: message.into() });
    }

    /// A scalar field as a string (numbers and booleans as written). Wrong type → issue.
    pub fn string(&mut self, map: Node<'_>, key: &str, ctx: &str) -> Option<Spanned<String>> {
        let v = map.get(key)?;
        if v.is_null() {
            return None;
        }
        match v.spanned_str() {
            Some(s) => Some(s),
            None => {
                self.issue(v, format!("{ctx}: `{key}` should be a string, found a {}", v.type_name()));
                None
            }
        }
    }

    pub fn boolean(&mut self, map: Node<'_>, key: &str, ctx: &str) -> Option<Spanned<bool>> {
        let v = map.get(key)?;
        if v.is_null() {
            return None;
        }
        match v.as_bool() {
            Some(b) => Some(Spanned::new(b, v.span())),
            None => {
                // `${VAR}` or an expression: not a type error, just unknown statically.
                if !v.as_str().is_some_and(|s| s.contains("${")) {
                    self.issue(
                        v,
                        format!("{ctx}: `{key}` should be a boolean, found `{}`", v.as_str().unwrap_or(v.type_name())),
                    );
                }
                None
            }
        }
    }

    pub fn integer(&mut self, map: Node<'_>, key: &str, ctx: &str) -> Option<Spanned<i64>> {
        let v = map.get(key)?;
        if v.is_null() {
            return None;
        }
        match v.as_i64() {
            Some(n) => Some(Spanned::new(n, v.span())),
            None => {
                if !v.as_str().is_some_and(|s| s.contains("${") || s.contains("{{")) {
                    self.issue(
                        v,
                        format!("{ctx}: `{key}` should be an integer, found `{}`", v.as_str().unwrap_or(v.type_name())),
                    );
                }
                None
            }
        }
    }

    /// A list of strings; a single scalar is accepted as a one-item list.
    pub fn strings(&mut self, map: Node<'_>, key: &str, ctx: &str) -> Vec<Spanned<String>> {
        let Some(v) = map.get(key) else { return Vec::new() };
        if v.is_null() {
            return Vec::new();
        }
        if v.is_seq() {
            let mut out = Vec::new();
            for item in v.items() {
                match item.spanned_str() {
                    Some(s) => out.push(s),
                    None => self.issue(
                        item,
                        format!("{ctx}: items of `{key}` should be strings, found a {}", item.type_name()),
                    ),
                }
            }
            return out;
        }
        match v.spanned_str() {
            Some(s) => vec![s],
            None => {
                self.issue(v, format!("{ctx}: `{key}` should be a list, found a {}", v.type_name()));
                Vec::new()
            }
        }
    }

    /// A mapping's keys (for `networks:` given as a map or a list).
    pub fn names(&mut self, map: Node<'_>, key: &str, ctx: &str) -> Vec<Spanned<String>> {
        let Some(v) = map.get(key) else { return Vec::new() };
        if v.is_map() {
            return v.entries().into_iter().filter_map(|(k, _)| k.spanned_str()).collect();
        }
        self.strings(map, key, ctx)
    }

    /// `environment:` in map form (`KEY: value`) or list form (`- KEY=value`, `- KEY`).
    pub fn env(&mut self, map: Node<'_>, key: &str, ctx: &str) -> Vec<EnvEntry> {
        let Some(v) = map.get(key) else { return Vec::new() };
        env_entries(self, v, key, ctx)
    }

    pub fn expect_map<'a>(&mut self, node: Node<'a>, what: &str) -> Option<Node<'a>> {
        if node.is_map() {
            Some(node)
        } else if node.is_null() {
            None
        } else {
            self.issue(node, format!("{what} should be a mapping, found a {}", node.type_name()));
            None
        }
    }
}

pub fn env_entries(r: &mut Reader, v: Node<'_>, key: &str, ctx: &str) -> Vec<EnvEntry> {
    let mut out = Vec::new();
    if v.is_map() {
        for (k, val) in v.entries() {
            let Some(key) = k.spanned_str() else { continue };
            let value = if val.is_null() { None } else { val.spanned_str() };
            if value.is_none() && !val.is_null() {
                r.issue(
                    val,
                    format!("{ctx}: value of `{}` should be a string, found a {}", key.value, val.type_name()),
                );
            }
            out.push(EnvEntry { key, value });
        }
    } else if v.is_seq() {
        for item in v.items() {
            let Some(s) = item.as_str() else {
                r.issue(item, format!("{ctx}: items of `{key}` should be `KEY=value` strings"));
                continue;
            };
            let span = item.span();
            let quote = usize::from(matches!(
                item.style(),
                Some(super::yaml::ScalarStyle::SingleQuoted | super::yaml::ScalarStyle::DoubleQuoted)
            ));
            match s.split_once('=') {
                Some((k, val)) => {
                    let kcols = u32::try_from(k.chars().count()).unwrap_or(0);
                    let q = u32::try_from(quote).unwrap_or(0);
                    let key_span =
                        Span::new(span.start, crate::source::Pos::new(span.start.line, span.start.col + q + kcols));
                    let val_start = crate::source::Pos::new(span.start.line, span.start.col + q + kcols + 1);
                    let val_span = Span::new(
                        val_start,
                        crate::source::Pos::new(
                            span.start.line,
                            val_start.col + u32::try_from(val.chars().count()).unwrap_or(0),
                        ),
                    );
                    out.push(EnvEntry {
                        key: Spanned::new(k.trim().to_owned(), key_span),
                        value: Some(Spanned::new(
                            val.to_owned(),
                            if span.start.line == span.end.line { val_span } else { span },
                        )),
                    });
                }
                None => out.push(EnvEntry { key: Spanned::new(s.trim().to_owned(), span), value: None }),
            }
        }
    } else if !v.is_null() {
        r.issue(v, format!("{ctx}: `{key}` should be a mapping or a list, found a {}", v.type_name()));
    }
    out
}

/// A command given as a string or a list of strings, joined with spaces.
pub fn command_line(v: Node<'_>) -> Option<Spanned<String>> {
    if v.is_seq() {
        let items = v.items();
        let parts: Vec<&str> = items.iter().filter_map(|i| i.as_str()).collect();
        if parts.is_empty() {
            return None;
        }
        Some(Spanned::new(parts.join(" "), v.span()))
    } else {
        v.spanned_str()
    }
}

/// `key: value` labels of a mapping node.
pub fn labels(v: Option<Node<'_>>) -> Vec<(String, String)> {
    let Some(v) = v else { return Vec::new() };
    v.entries()
        .into_iter()
        .filter_map(|(k, val)| Some((k.as_str()?.to_owned(), val.as_str().unwrap_or("").to_owned())))
        .collect()
}

/// A canonical text of a node's value (mapping keys sorted, aliases resolved, depth-bounded):
/// two nodes with equal canonical text are equal as data.
pub fn canonical(v: Node<'_>) -> String {
    let mut out = String::new();
    canonical_into(v, &mut out, 0);
    out
}

fn canonical_into(v: Node<'_>, out: &mut String, depth: usize) {
    if depth > 32 {
        out.push('…');
        return;
    }
    if v.is_map() {
        let mut entries: Vec<(String, Node<'_>)> =
            v.entries().into_iter().map(|(k, val)| (k.as_str().unwrap_or("").to_owned(), val)).collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        out.push('{');
        for (k, val) in entries {
            out.push_str(&k);
            out.push(':');
            canonical_into(val, out, depth + 1);
            out.push(',');
        }
        out.push('}');
    } else if v.is_seq() {
        out.push('[');
        for item in v.items() {
            canonical_into(item, out, depth + 1);
            out.push(',');
        }
        out.push(']');
    } else {
        out.push_str(&format!("{:?}", v.as_str().unwrap_or("")));
    }
}

/// Keys of a mapping with their spans.
pub fn keys(v: Node<'_>) -> Vec<Spanned<String>> {
    v.entries().into_iter().filter_map(|(k, _)| k.spanned_str()).collect()
}
