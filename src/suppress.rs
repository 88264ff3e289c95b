//! Suppressions. Inline: a comment on the offending line or the line above, in any commentable
//! format: `# prodready-ignore DF001[,DC004] -- reason` (also `//` and `<!-- … -->`). In Markdown
//! only HTML comments count, so documentation that *quotes* a directive suppresses nothing.
//!
//! Configuration (`[rules.per_path]`) and baseline suppressions are applied by the engine and the
//! app; all three keep the finding in the report, marked with its kind and reason.

use std::sync::LazyLock;

use regex::Regex;

use crate::config::file::{resolve_rule, RuleRef};
use crate::finding::Suppression;
use crate::rules::meta::RuleId;
use crate::source::{Pos, SourceFile, Span};

static DIRECTIVE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:#|//|<!--)\s*prodready-ignore\b\s*([A-Za-z0-9_,\- ]*?)\s*(?:--\s*(.*?))?\s*(?:-->)?\s*$").ok()
});

/// Suppression kinds, as written in reports.
pub const INLINE: &str = "inline";
pub const CONFIG: &str = "config";
pub const BASELINE: &str = "baseline";

/// A parsed `prodready-ignore` directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub codes: Vec<String>,
    pub reason: Option<String>,
}

/// Byte offset where the directive's comment starts in `line`, and the directive.
fn parse_at(line: &str) -> Option<(usize, Directive)> {
    let re = DIRECTIVE.as_ref()?;
    // HTML comments: drop the closing `-->` so it is not read as a `--` reason separator.
    let line = match line.rfind("-->") {
        Some(i) => line.get(..i).unwrap_or(line),
        None => line,
    };
    let c = re.captures(line)?;
    let start = c.get(0).map_or(0, |m| m.start());
    let codes = c
        .get(1)
        .map(|m| m.as_str().split([',', ' ']).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    let reason = c.get(2).map(|m| m.as_str().trim().to_owned()).filter(|r| !r.is_empty());
    Some((start, Directive { codes, reason }))
}

pub fn parse_directive(line: &str) -> Option<Directive> {
    parse_at(line).map(|(_, d)| d)
}

/// A directive found in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// 1-based line.
    pub line: u32,
    /// From the comment marker to the end of the line.
    pub span: Span,
    /// The comment is alone on its line (then it also covers the next line).
    pub own_line: bool,
    pub directive: Directive,
}

impl Located {
    /// The rule each code names (`None` for unknown codes), in order.
    pub fn rules(&self) -> Vec<Option<RuleRef>> {
        self.directive.codes.iter().map(|c| resolve_rule(c)).collect()
    }
}

/// Every directive of a file. `markdown`: only HTML comments that start a line outside code
/// blocks count (documentation quoting a directive suppresses nothing).
pub fn scan(src: &SourceFile, markdown: bool) -> Vec<Located> {
    let mut out = Vec::new();
    if memchr::memmem::find(src.text.as_bytes(), b"prodready-ignore").is_none() {
        return out;
    }
    let mut fence = false;
    for n in 1..=src.line_count() {
        let Some(text) = src.line(n) else { continue };
        if markdown {
            let t = text.trim_start();
            if t.starts_with("```") || t.starts_with("~~~") {
                fence = !fence;
            }
            if fence || !t.starts_with("<!--") {
                continue;
            }
        }
        if !text.contains("prodready-ignore") {
            continue;
        }
        let Some((start, directive)) = parse_at(text) else { continue };
        let col = u32::try_from(text.get(..start).unwrap_or("").chars().count() + 1).unwrap_or(1);
        let end = u32::try_from(text.chars().count() + 1).unwrap_or(col);
        out.push(Located {
            line: n,
            span: Span { start: Pos::new(n, col), end: Pos::new(n, end) },
            own_line: is_comment_line(text),
            directive,
        });
    }
    out
}

/// The directive (index into `dirs`) and code (index into its codes) that suppress a finding of
/// `rule` at `line`: a directive on that line, or alone on the line above.
pub fn find(dirs: &[Located], line: u32, rule: RuleId) -> Option<(usize, usize)> {
    if line == 0 {
        return None;
    }
    for l in [line, line - 1] {
        for (i, d) in dirs.iter().enumerate().filter(|(_, d)| d.line == l) {
            if l != line && !d.own_line {
                continue;
            }
            if let Some(j) = d.directive.codes.iter().position(|c| resolve_rule(c).is_some_and(|r| r.id == rule)) {
                return Some((i, j));
            }
        }
    }
    None
}

/// The suppression a directive gives.
pub fn suppression(d: &Located) -> Suppression {
    Suppression { kind: INLINE, reason: d.directive.reason.clone().unwrap_or_else(|| "no reason given".to_owned()) }
}

/// Is a finding of `rule` at `line` suppressed inline?
pub fn inline(src: &SourceFile, line: u32, rule: RuleId) -> Option<Suppression> {
    let dirs = scan(src, false);
    find(&dirs, line, rule).and_then(|(i, _)| dirs.get(i)).map(suppression)
}

fn is_comment_line(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('#') || t.starts_with("//") || t.starts_with("<!--") || t.starts_with(';')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let d = parse_directive("USER root # prodready-ignore DF001,DF003 -- base image needs root");
        assert_eq!(d.as_ref().map(|d| d.codes.clone()), Some(vec!["DF001".to_owned(), "DF003".to_owned()]));
        assert_eq!(d.and_then(|d| d.reason), Some("base image needs root".to_owned()));
        let d = parse_directive("<!-- prodready-ignore OPS001 -->");
        assert_eq!(d.map(|d| (d.codes, d.reason)), Some((vec!["OPS001".to_owned()], None)));
        assert!(parse_directive("nothing here").is_none());
    }

    /// The comment syntaxes of every commentable format prodready reads.
    #[test]
    fn every_comment_syntax() {
        let cases = [
            ("Dockerfile", "# prodready-ignore DC004 -- why", 1, true),
            ("Dockerfile", "USER root  # prodready-ignore DC004 -- why", 12, false),
            ("compose.yml", "    privileged: true # prodready-ignore DC004 -- why", 22, false),
            ("deploy.sh", "curl x | sh # prodready-ignore DC004 -- why", 13, false),
            ("nginx.conf", "    server_tokens on; # prodready-ignore DC004 -- why", 23, false),
            ("nginx.conf", "  # prodready-ignore DC004 -- why", 3, true),
            (".env", "# prodready-ignore DC004 -- why", 1, true),
            ("main.tf", "// prodready-ignore DC004 -- why", 1, true),
            ("README.md", "<!-- prodready-ignore DC004 -- why -->", 1, true),
        ];
        for (name, line, col, own) in cases {
            let src = SourceFile::from_text(name, format!("first\n{line}\nnext\n"));
            let dirs = scan(&src, name.ends_with(".md"));
            assert_eq!(dirs.len(), 1, "{name}: {line}");
            let d = &dirs[0];
            assert_eq!((d.line, d.span.start.col, d.own_line), (2, col, own), "{name}: {line}");
            assert_eq!(d.directive.reason.as_deref(), Some("why"), "{name}");
            assert_eq!(find(&dirs, 2, RuleId::DC004), Some((0, 0)), "{name}");
            // a comment alone on its line also covers the next line, a trailing one does not
            assert_eq!(find(&dirs, 3, RuleId::DC004).is_some(), own, "{name}");
            assert_eq!(find(&dirs, 2, RuleId::DC001), None, "{name}");
        }
    }

    #[test]
    fn markdown_quotes_are_not_directives() {
        let src = SourceFile::from_text("README.md", "```yaml\nx: 1 # prodready-ignore DC004 -- y\n```\n");
        assert!(scan(&src, true).is_empty());
        assert_eq!(scan(&src, false).len(), 1);
        let quoted =
            "Write `<!-- prodready-ignore OPS001 -- why -->`.\n```html\n<!-- prodready-ignore OPS001 -->\n```\n";
        assert!(scan(&SourceFile::from_text("README.md", quoted), true).is_empty());
        let real = SourceFile::from_text("README.md", "# Ops\n<!-- prodready-ignore OPS001 -- see wiki -->\n");
        assert_eq!(scan(&real, true).len(), 1);
    }

    #[test]
    fn inline_uses_names_and_codes() {
        let src = SourceFile::from_text("compose.yml", "a: 1 # prodready-ignore compose-privileged, DC001\n");
        assert!(inline(&src, 1, RuleId::DC004).is_some());
        assert!(inline(&src, 1, RuleId::DC001).is_some_and(|s| s.reason == "no reason given"));
        assert!(inline(&src, 1, RuleId::DC002).is_none());
    }
}
