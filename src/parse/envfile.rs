//! `.env` parser: keeps duplicates, positions, quotes, `export`, comments; no expansion.
//! Accepts what docker compose and dotenv accept: `KEY=value`, `export KEY=value`, `KEY="value"`,
//! `KEY='value'`, multi-line double-quoted values, `# comments`, and inline ` #` comments after
//! unquoted values.

use crate::index::files::file_name;
use crate::model::envfile::{role_from_name, EnvFile, EnvLine, EnvProblem, Quote};
use crate::source::{to_u32, Pos, SourceFile, Span, Spanned};

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'
}

pub fn parse(src: &SourceFile) -> EnvFile {
    let role = role_from_name(file_name(&src.path));
    let mut entries = Vec::new();
    let mut malformed = Vec::new();
    let lines: Vec<&str> = src.text.split('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let line_no = to_u32(i + 1);
        let raw = lines.get(i).copied().unwrap_or("");
        i += 1;
        let indent = raw.chars().take_while(|c| c.is_whitespace()).count();
        let body = raw.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let (exported, rest, skip) = match body.strip_prefix("export ") {
            Some(r) => (true, r.trim_start(), body.len() - r.trim_start().len()),
            None => (false, body, 0),
        };
        let key_col = to_u32(indent + skip + 1);
        let Some(eq) = rest.find('=') else {
            malformed.push(EnvProblem {
                span: src.line_span(line_no),
                message: format!("line is not `KEY=value`: `{}`", truncate(body, 60)),
            });
            continue;
        };
        let key_raw = rest.get(..eq).unwrap_or("");
        let key = key_raw.trim_end();
        if key.is_empty() || key.contains(char::is_whitespace) || !key.chars().all(is_key_char) {
            malformed.push(EnvProblem {
                span: src.line_span(line_no),
                message: if key.is_empty() {
                    "line has `=` but no key".to_owned()
                } else {
                    format!("invalid key `{}`: keys are letters, digits and `_`", truncate(key, 40))
                },
            });
            continue;
        }
        let key_span = Span::new(Pos::new(line_no, key_col), Pos::new(line_no, key_col + to_u32(key.chars().count())));
        let after = rest.get(eq + 1..).unwrap_or("");
        let val_col = key_col + to_u32(key_raw.chars().count()) + 1;
        let lead = after.chars().take_while(|c| *c == ' ' || *c == '\t').count();
        let v = after.trim_start_matches([' ', '\t']);
        let vcol = val_col + to_u32(lead);
        let first = v.chars().next();
        let (value, quote, span, inline_comment) = match first {
            Some(q @ ('"' | '\'' | '`')) => {
                let quote = match q {
                    '"' => Quote::Double,
                    '\'' => Quote::Single,
                    _ => Quote::Backtick,
                };
                // Find the closing quote, possibly on a later line (double quotes only).
                let inner = v.get(1..).unwrap_or("");
                match find_close(inner, q) {
                    Some(end) => {
                        let content = inner.get(..end).unwrap_or("");
                        let trailing = inner.get(end + 1..).unwrap_or("").trim();
                        let value = if q == '"' { unescape(content) } else { content.to_owned() };
                        let span = Span::new(
                            Pos::new(line_no, vcol),
                            Pos::new(line_no, vcol + to_u32(content.chars().count()) + 2),
                        );
                        (value, quote, span, !trailing.is_empty())
                    }
                    None if q == '"' => {
                        // multi-line value
                        let mut acc = inner.to_owned();
                        let start_line = line_no;
                        let mut closed = None;
                        while i < lines.len() {
                            let l = lines.get(i).copied().unwrap_or("");
                            i += 1;
                            acc.push('\n');
                            if let Some(end) = find_close(l, '"') {
                                acc.push_str(l.get(..end).unwrap_or(""));
                                closed = Some((to_u32(i), to_u32(l.get(..end).unwrap_or("").chars().count() + 2)));
                                break;
                            }
                            acc.push_str(l);
                        }
                        match closed {
                            Some((end_line, end_col)) => (
                                unescape(&acc),
                                quote,
                                Span::new(Pos::new(start_line, vcol), Pos::new(end_line, end_col)),
                                false,
                            ),
                            None => {
                                malformed.push(EnvProblem {
                                    span: src.line_span(start_line),
                                    message: format!("value of `{key}` opens a `\"` quote that is never closed"),
                                });
                                continue;
                            }
                        }
                    }
                    None => {
                        malformed.push(EnvProblem {
                            span: src.line_span(line_no),
                            message: format!("value of `{key}` opens a `{q}` quote that is never closed"),
                        });
                        continue;
                    }
                }
            }
            _ => {
                // Unquoted: an inline comment starts at ` #`.
                let (val, comment) = match v.find(" #").or_else(|| v.find("\t#")) {
                    Some(p) => (v.get(..p).unwrap_or(""), true),
                    None => (v, false),
                };
                let val = val.trim_end();
                let span = Span::new(Pos::new(line_no, vcol), Pos::new(line_no, vcol + to_u32(val.chars().count())));
                (val.to_owned(), Quote::None, span, comment)
            }
        };
        let unquoted_space = quote == Quote::None && value.contains(char::is_whitespace);
        entries.push(EnvLine {
            key: Spanned::new(key.to_owned(), key_span),
            value: Spanned::new(value, span),
            quote,
            exported,
            inline_comment,
            unquoted_space,
        });
    }
    EnvFile { role, entries, malformed }
}

fn find_close(s: &str, q: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        if c == '\\' && q == '"' {
            escaped = true;
            continue;
        }
        if c == q {
            return Some(i);
        }
    }
    None
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::envfile::EnvFileRole;

    fn p(name: &str, text: &str) -> EnvFile {
        parse(&SourceFile::from_text(name, text))
    }

    #[test]
    fn forms() {
        let e = p(
            ".env.example",
            "# c\nA=1\nexport B = two\nC=\"x y\" # note\nD='lit $X'\nE=unquoted value # c\nF=\"multi\nline\"\nA=dup\n",
        );
        assert_eq!(e.role, EnvFileRole::Template);
        assert!(e.malformed.is_empty(), "{:?}", e.malformed);
        let keys: Vec<_> = e.entries.iter().map(|x| x.key.value.as_str()).collect();
        assert_eq!(keys, vec!["A", "B", "C", "D", "E", "F", "A"]);
        let b = e.entries.get(1).unwrap_or_else(|| unreachable!());
        assert!(b.exported);
        assert_eq!(b.value.value, "two");
        assert_eq!(b.key.span.start, Pos::new(3, 8));
        let c = e.entries.get(2).unwrap_or_else(|| unreachable!());
        assert_eq!((c.value.value.as_str(), c.quote, c.inline_comment), ("x y", Quote::Double, true));
        let ev = e.entries.get(4).unwrap_or_else(|| unreachable!());
        assert!(ev.unquoted_space);
        assert_eq!(e.entries.get(5).map(|f| f.value.value.as_str()), Some("multi\nline"));
        assert_eq!(e.get("A").map(|a| a.value.value.as_str()), Some("dup"));
    }

    #[test]
    fn malformed_lines() {
        let e = p(".env", "GOOD=1\nnot a pair\nBAD KEY=1\n=nokey\nQ=\"open\n");
        assert_eq!(e.entries.len(), 1);
        assert_eq!(e.malformed.len(), 4);
        assert_eq!(e.role, EnvFileRole::Real);
    }
}
