//! A small span-preserving JSON reader (serde_json keeps no positions): objects, arrays, strings
//! with escapes, and other scalars kept as written. Tolerant: on an error the value read so far
//! is returned with the error's position. Nesting is capped.

use crate::source::{SourceFile, Span, Spanned};

const MAX_DEPTH: usize = 128;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonKind {
    Object(Vec<(Spanned<String>, Json)>),
    Array(Vec<Json>),
    String(String),
    /// Number, `true`, `false`, `null` as written.
    Scalar(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Json {
    pub kind: JsonKind,
    pub span: Span,
}

impl Json {
    pub fn get(&self, key: &str) -> Option<&Json> {
        match &self.kind {
            JsonKind::Object(entries) => entries.iter().rev().find(|(k, _)| k.value == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Spanned<String>, Json)] {
        match &self.kind {
            JsonKind::Object(e) => e,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Json] {
        match &self.kind {
            JsonKind::Array(a) => a,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JsonKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn spanned_str(&self) -> Option<Spanned<String>> {
        self.as_str().map(|s| Spanned::new(s.to_owned(), self.span))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub span: Span,
    pub message: String,
}

struct P<'a> {
    src: &'a SourceFile,
    b: &'a [u8],
    i: usize,
    err: Option<(usize, String)>,
}

impl P<'_> {
    fn ws(&mut self) {
        while let Some(c) = self.b.get(self.i) {
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    fn fail(&mut self, msg: &str) {
        if self.err.is_none() {
            self.err = Some((self.i, msg.to_owned()));
        }
    }

    fn string(&mut self) -> Option<String> {
        // at '"'
        self.i += 1;
        let mut out = String::new();
        let start = self.i;
        let mut seg = start;
        loop {
            match self.b.get(self.i) {
                None => {
                    self.fail("unterminated string");
                    return None;
                }
                Some(b'"') => {
                    out.push_str(self.src.text.get(seg..self.i).unwrap_or(""));
                    self.i += 1;
                    return Some(out);
                }
                Some(b'\\') => {
                    out.push_str(self.src.text.get(seg..self.i).unwrap_or(""));
                    let esc = self.b.get(self.i + 1).copied();
                    self.i += 2;
                    match esc {
                        Some(b'n') => out.push('\n'),
                        Some(b't') => out.push('\t'),
                        Some(b'r') => out.push('\r'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'u') => {
                            let hex = self.src.text.get(self.i..self.i + 4).unwrap_or("");
                            if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                                out.push(c);
                            } else {
                                out.push('\u{FFFD}');
                            }
                            self.i += 4;
                        }
                        Some(c) => out.push(char::from(c)),
                        None => {}
                    }
                    seg = self.i;
                }
                Some(_) => self.i += 1,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        self.ws();
        let start = self.i;
        if depth > MAX_DEPTH {
            self.fail("nesting too deep");
            return None;
        }
        let Some(first) = self.b.get(self.i) else {
            self.fail("unexpected end of input");
            return None;
        };
        let kind = match first {
            b'{' => {
                self.i += 1;
                let mut entries = Vec::new();
                loop {
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b'}') => {
                            self.i += 1;
                            break;
                        }
                        Some(b',') => {
                            self.i += 1;
                            continue;
                        }
                        Some(b'"') => {
                            let ks = self.i;
                            let Some(k) = self.string() else { break };
                            let key = Spanned::new(k, self.src.span(ks..self.i));
                            self.ws();
                            if self.b.get(self.i) != Some(&b':') {
                                self.fail("expected `:` after an object key");
                                break;
                            }
                            self.i += 1;
                            let Some(v) = self.value(depth + 1) else { break };
                            entries.push((key, v));
                        }
                        _ => {
                            self.fail("expected a string key or `}`");
                            break;
                        }
                    }
                }
                JsonKind::Object(entries)
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        Some(b',') => {
                            self.i += 1;
                        }
                        None => {
                            self.fail("unterminated array");
                            break;
                        }
                        _ => match self.value(depth + 1) {
                            Some(v) => items.push(v),
                            None => break,
                        },
                    }
                }
                JsonKind::Array(items)
            }
            b'"' => JsonKind::String(self.string()?),
            _ => {
                while let Some(c) = self.b.get(self.i) {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.i += 1;
                }
                if self.i == start {
                    self.fail("unexpected character");
                    self.i += 1;
                    return None;
                }
                JsonKind::Scalar(self.src.text.get(start..self.i).unwrap_or("").to_owned())
            }
        };
        Some(Json { kind, span: self.src.span(start..self.i) })
    }
}

/// Parse a JSON document; returns the value read (possibly partial) and the first error.
pub fn parse(src: &SourceFile) -> (Option<Json>, Option<JsonError>) {
    let mut p = P { src, b: src.text.as_bytes(), i: 0, err: None };
    let v = p.value(0);
    let err = p.err.map(|(at, message)| JsonError { span: src.span(at..at), message });
    (v, err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Pos;

    #[test]
    fn spans_and_escapes() {
        let src = SourceFile::from_text("package.json", "{\n  \"name\": \"api\",\n  \"scripts\": {\"start\": \"node \\\"dist\\\"/main.js\"},\n  \"n\": [1, true]\n}\n");
        let (v, e) = parse(&src);
        assert!(e.is_none());
        let v = v.unwrap_or_else(|| unreachable!());
        let name = v.get("name").map(|n| (n.as_str(), n.span));
        assert_eq!(name, Some((Some("api"), Span::new(Pos::new(2, 11), Pos::new(2, 16)))));
        let start = v.get("scripts").and_then(|s| s.get("start"));
        assert_eq!(start.and_then(|s| s.as_str()), Some("node \"dist\"/main.js"));
        assert_eq!(v.get("scripts").map(|s| s.entries()[0].0.span.start), Some(Pos::new(3, 15)));
        assert_eq!(v.get("n").map(|n| n.items().len()), Some(2));
    }

    #[test]
    fn malformed_is_partial() {
        let src = SourceFile::from_text("p.json", "{\"a\": \"x\", \"b\": ");
        let (v, e) = parse(&src);
        assert!(e.is_some());
        assert_eq!(v.and_then(|v| v.get("a").and_then(|a| a.as_str().map(str::to_owned))).as_deref(), Some("x"));
        let deep = "[".repeat(500);
        let (_, e) = parse(&SourceFile::from_text("p.json", deep));
        assert!(e.is_some());
    }
}
