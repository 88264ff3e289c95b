//! Text helpers shared by the renderers: neutralising control characters that come from scanned
//! content, and trimming rule prose. Nothing here knows about a particular output format.

/// Bidirectional-text controls ("Trojan Source"): invisible, but they reorder what a reader sees.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A character that must never reach a terminal or a Markdown document verbatim.
pub(crate) fn is_unsafe_char(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Skip the rest of an escape sequence whose introducer was just consumed.
fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, introducer: char) {
    let csi = match introducer {
        '\u{9b}' => true,
        _ => match chars.next() {
            Some('[') => true,
            // OSC / DCS / APC / PM / SOS: up to BEL or ST (ESC \).
            Some(']' | 'P' | '_' | '^' | 'X') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' || c == '\u{9c}' {
                        break;
                    }
                    if c == '\u{1b}' {
                        if chars.peek() == Some(&'\\') {
                            chars.next();
                        }
                        break;
                    }
                }
                return;
            }
            // Two-character sequences (ESC c, ESC 7, …): the one character is already gone.
            _ => return,
        },
    };
    if csi {
        // Parameter and intermediate bytes, then one final byte in @..~.
        for c in chars.by_ref() {
            if ('@'..='~').contains(&c) {
                break;
            }
        }
    }
}

/// One line of display text from untrusted content: ANSI escape sequences are removed, other
/// control and bidi characters are dropped, and line breaks and tabs become spaces.
pub(crate) fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' | '\u{9b}' => skip_escape(&mut chars, c),
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_unsafe_char(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// A source line for display in a snippet: every control or bidi character (tabs excepted) is
/// replaced by U+FFFD, one for one, so columns computed on the original line still line up.
pub(crate) fn clean_source_line(s: &str) -> String {
    s.chars().map(|c| if c != '\t' && is_unsafe_char(c) { '\u{FFFD}' } else { c }).collect()
}

/// The first paragraph of rule prose, unwrapped onto one line.
pub(crate) fn first_paragraph(s: &str) -> String {
    let para = s.trim().split("\n\n").next().unwrap_or_default();
    para.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Rule prose unwrapped onto one line (hard line breaks in the TOML become spaces).
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters, with an ellipsis when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t = t.trim_end().to_owned();
    t.push('…');
    t
}

/// `n thing` / `n things`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_strips_ansi_and_controls() {
        assert_eq!(clean("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(clean("x\u{1b}]8;;http://evil\u{7}link\u{1b}]8;;\u{7}y"), "xlinky");
        assert_eq!(clean("x\u{1b}]0;title\u{1b}\\y"), "xy");
        assert_eq!(clean("line1\nline2\ttab\r"), "line1 line2 tab ");
        assert_eq!(clean("bell\u{7} nul\u{0} del\u{7f} csi\u{9b}2Jz"), "bell nul del csiz");
        assert_eq!(clean("ab\u{202e}cd\u{2066}"), "abcd");
        assert_eq!(clean("unterminated \u{1b}["), "unterminated ");
    }

    #[test]
    fn clean_source_line_keeps_columns() {
        let s = "a\u{1b}[1mb\tc";
        let c = clean_source_line(s);
        assert_eq!(c.chars().count(), s.chars().count());
        assert!(!c.contains('\u{1b}'));
        assert!(c.contains('\t'));
    }

    #[test]
    fn prose_helpers() {
        assert_eq!(first_paragraph("One\ntwo.\n\nThree."), "One two.");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(plural(1, "blocker"), "1 blocker");
        assert_eq!(plural(2, "blocker"), "2 blockers");
    }
}
