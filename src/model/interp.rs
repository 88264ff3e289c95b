//! Compose-style variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
//! `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`; `$$` is a literal dollar.

/// One `${…}` / `$VAR` reference inside a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interpolation {
    pub name: String,
    /// Default used when unset (`:-`/`-`).
    pub default: Option<String>,
    /// `:?`/`?`: the tool refuses to start when unset.
    pub required: bool,
    /// Byte offset of the `$` in the string, and the length of the reference.
    pub offset: usize,
    pub len: usize,
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// All references in `s`, in order. Malformed references (`${` without `}`) are ignored.
pub fn parse(s: &str) -> Vec<Interpolation> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes.get(i) != Some(&b'$') {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(b'$') => i += 2,
            Some(b'{') => {
                let body_start = i + 2;
                // find the matching '}' (nested ${} inside defaults are allowed)
                let mut depth = 1;
                let mut j = body_start;
                while j < bytes.len() && depth > 0 {
                    match bytes.get(j) {
                        Some(b'{') => depth += 1,
                        Some(b'}') => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
                if depth != 0 {
                    break;
                }
                let body = s.get(body_start..j - 1).unwrap_or("");
                let name_len = body.char_indices().find(|(_, c)| !is_name_char(*c)).map_or(body.len(), |(k, _)| k);
                let name = body.get(..name_len).unwrap_or("");
                let rest = body.get(name_len..).unwrap_or("");
                if !name.is_empty() && name.chars().next().is_some_and(is_name_start) {
                    let (default, required) =
                        if let Some(d) = rest.strip_prefix(":-").or_else(|| rest.strip_prefix('-')) {
                            (Some(d.to_owned()), false)
                        } else if rest.starts_with(":?") || rest.starts_with('?') {
                            (None, true)
                        } else {
                            (None, false)
                        };
                    out.push(Interpolation { name: name.to_owned(), default, required, offset: i, len: j - i });
                }
                i = j;
            }
            Some(c) if is_name_start(char::from(*c)) => {
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && bytes.get(j).is_some_and(|b| is_name_char(char::from(*b))) {
                    j += 1;
                }
                out.push(Interpolation {
                    name: s.get(start..j).unwrap_or("").to_owned(),
                    default: None,
                    required: false,
                    offset: i,
                    len: j - i,
                });
                i = j;
            }
            _ => i += 1,
        }
    }
    out
}

/// True when the whole string is one reference (`${DB_PASSWORD}`), i.e. the value comes from the
/// environment rather than from the file.
pub fn is_pure_reference(s: &str) -> bool {
    let t = s.trim();
    let refs = parse(t);
    refs.len() == 1 && refs.first().is_some_and(|r| r.offset == 0 && r.len == t.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let r = parse("postgres://${DB_USER}:${DB_PASSWORD:-admin123}@$DB_HOST:5432/${DB:?set DB}");
        let names: Vec<_> = r.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, vec!["DB_USER", "DB_PASSWORD", "DB_HOST", "DB"]);
        assert_eq!(r.get(1).and_then(|i| i.default.as_deref()), Some("admin123"));
        assert!(r.get(3).is_some_and(|i| i.required));
        assert!(parse("cost $$5").is_empty());
        assert!(is_pure_reference("${X}"));
        assert!(!is_pure_reference("a${X}"));
        assert!(parse("${unterminated").is_empty());
        assert_eq!(parse("${A:-${B}}").first().and_then(|i| i.default.clone()), Some("${B}".into()));
    }
}
