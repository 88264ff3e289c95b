//! Suppressions. Inline: a comment on the offending line or the line above, in any commentable
//! format: `# prodready-ignore DF001[,DC004] -- reason` (also `//` and `<!-- … -->`).

use std::sync::LazyLock;

use regex::Regex;

use crate::finding::Suppression;
use crate::rules::meta::RuleId;
use crate::source::SourceFile;

static DIRECTIVE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:#|//|<!--)\s*prodready-ignore\b\s*([A-Za-z0-9_,\- ]*?)\s*(?:--\s*(.*?))?\s*(?:-->)?\s*$").ok()
});

/// A parsed `prodready-ignore` directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub codes: Vec<String>,
    pub reason: Option<String>,
}

pub fn parse_directive(line: &str) -> Option<Directive> {
    let re = DIRECTIVE.as_ref()?;
    // HTML comments: drop the closing `-->` so it is not read as a `--` reason separator.
    let line = match line.rfind("-->") {
        Some(i) => line.get(..i).unwrap_or(line),
        None => line,
    };
    let c = re.captures(line)?;
    let codes = c
        .get(1)
        .map(|m| m.as_str().split([',', ' ']).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    let reason = c.get(2).map(|m| m.as_str().trim().to_owned()).filter(|r| !r.is_empty());
    Some(Directive { codes, reason })
}

/// Is a finding of `rule` at `line` suppressed inline?
pub fn inline(src: &SourceFile, line: u32, rule: RuleId) -> Option<Suppression> {
    for l in [line, line.saturating_sub(1)] {
        if l == 0 {
            continue;
        }
        let Some(text) = src.line(l) else { continue };
        if !text.contains("prodready-ignore") {
            continue;
        }
        // The line above only counts when it is a comment line of its own.
        if l != line && !is_comment_line(text) {
            continue;
        }
        let Some(d) = parse_directive(text) else { continue };
        if d.codes.iter().any(|c| RuleId::lookup(c) == Some(rule)) {
            return Some(Suppression {
                kind: "inline",
                reason: d.reason.unwrap_or_else(|| "no reason given".to_owned()),
            });
        }
    }
    None
}

fn is_comment_line(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('#') || t.starts_with("//") || t.starts_with("<!--")
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
}
