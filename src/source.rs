//! Source text shared by every stage: a repository-relative path, normalised text, a line index,
//! and the position types (`Pos`, `Span`) that every model value and every finding carries.
//!
//! Positions are 1-based lines and 1-based columns counted in Unicode scalar values (not bytes,
//! not UTF-16 units). Text is normalised once on load: a UTF-8 byte-order mark is dropped and CRLF
//! becomes LF. Neither changes a reported line or column (the BOM is invisible to editors and the
//! CR sits at the end of a line), so positions computed on the normalised text are positions in the
//! file as the user sees it.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// A 1-based line and column (column in Unicode scalar values).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }
}

/// A half-open range of positions in one file. `end` is exclusive; for a single-line value
/// `end.col - start.col` is its length in characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    pub const fn new(start: Pos, end: Pos) -> Self {
        Span { start, end }
    }

    /// A span covering the whole of line `line` is not known without text; this is a point span.
    pub const fn point(line: u32, col: u32) -> Self {
        Span { start: Pos::new(line, col), end: Pos::new(line, col) }
    }

    /// The span of the first line of a file (used for file-level findings).
    pub const fn file_start() -> Self {
        Span::point(1, 1)
    }

    /// Smallest span containing both.
    pub fn join(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// A value with the span it was read from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// Facts about how the bytes on disk were turned into text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Encoding {
    /// A UTF-8 byte-order mark was present and dropped.
    pub bom: bool,
    /// At least one CRLF line ending was converted to LF.
    pub crlf: bool,
    /// Invalid UTF-8 was replaced with U+FFFD.
    pub lossy: bool,
}

/// One file of the audited repository, loaded and normalised.
#[derive(Debug)]
pub struct SourceFile {
    /// Repository-relative path with `/` separators.
    pub path: String,
    pub text: String,
    pub encoding: Encoding,
    /// Lines (1-based) that held invalid UTF-8, when `encoding.lossy`.
    pub lossy_lines: Vec<u32>,
    line_starts: Vec<usize>,
}

pub type Source = Arc<SourceFile>;

impl SourceFile {
    /// Decode bytes (lossily if needed), drop a BOM, normalise CRLF, and index lines.
    pub fn from_bytes(path: impl Into<String>, bytes: &[u8]) -> SourceFile {
        let mut encoding = Encoding::default();
        let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => {
                encoding.bom = true;
                rest
            }
            None => bytes,
        };
        let mut lossy_lines = Vec::new();
        let decoded = match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => {
                encoding.lossy = true;
                let s = String::from_utf8_lossy(bytes).into_owned();
                for (i, line) in s.split('\n').enumerate() {
                    if line.contains('\u{FFFD}') {
                        lossy_lines.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
                    }
                }
                s
            }
        };
        let text = if memchr::memmem::find(decoded.as_bytes(), b"\r\n").is_some() {
            encoding.crlf = true;
            decoded.replace("\r\n", "\n")
        } else {
            decoded
        };
        SourceFile::with_encoding(path, text, encoding, lossy_lines)
    }

    /// Build from already-normalised text (tests, generated content).
    pub fn from_text(path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile::with_encoding(path, text.into(), Encoding::default(), Vec::new())
    }

    fn with_encoding(path: impl Into<String>, text: String, encoding: Encoding, lossy_lines: Vec<u32>) -> SourceFile {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        SourceFile { path: path.into(), text, encoding, lossy_lines, line_starts }
    }

    /// Number of lines (a trailing newline does not start a new line).
    pub fn line_count(&self) -> u32 {
        let n = self.line_starts.len();
        let n = if n > 1 && self.text.ends_with('\n') { n - 1 } else { n };
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The text of line `line` (1-based) without its newline.
    pub fn line(&self, line: u32) -> Option<&str> {
        let idx = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.line_starts.get(idx)?;
        let end = self.line_starts.get(idx + 1).map_or(self.text.len(), |e| e - 1);
        self.text.get(start..end.max(start))
    }

    /// Byte offset → position. Offsets past the end clamp to the end; offsets inside a
    /// multi-byte character count that character.
    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(idx).copied().unwrap_or(0);
        let col = self.text.get(start..offset).map_or_else(
            || count_chars_lossy(self.text.as_bytes().get(start..offset).unwrap_or(&[])),
            |s| s.chars().count(),
        );
        Pos::new(to_u32(idx + 1), to_u32(col + 1))
    }

    /// Byte range → span.
    pub fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span::new(self.pos(range.start), self.pos(range.end))
    }

    /// Position → byte offset (clamped to the line and the text).
    pub fn offset(&self, pos: Pos) -> usize {
        let Some(idx) = usize::try_from(pos.line).ok().and_then(|l| l.checked_sub(1)) else {
            return 0;
        };
        let Some(&start) = self.line_starts.get(idx) else {
            return self.text.len();
        };
        let line = self.line(pos.line).unwrap_or("");
        let skip = usize::try_from(pos.col.saturating_sub(1)).unwrap_or(0);
        let within = line.char_indices().nth(skip).map_or(line.len(), |(b, _)| b);
        start + within
    }

    /// The text a span covers (empty when the span is a point or out of range).
    pub fn slice(&self, span: Span) -> &str {
        let (a, b) = (self.offset(span.start), self.offset(span.end));
        self.text.get(a..b.max(a)).unwrap_or("")
    }

    /// Span of the whole of line `line` (1-based), excluding the newline.
    pub fn line_span(&self, line: u32) -> Span {
        let len = self.line(line).map_or(0, |l| l.chars().count());
        Span::new(Pos::new(line, 1), Pos::new(line, to_u32(len + 1)))
    }
}

fn count_chars_lossy(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_unicode_scalars() {
        let f = SourceFile::from_text("a", "ab\nçé x\n");
        assert_eq!(f.pos(0), Pos::new(1, 1));
        assert_eq!(f.pos(3), Pos::new(2, 1));
        // "çé " is 5 bytes, 3 chars: 'x' is at column 4
        assert_eq!(f.pos(8), Pos::new(2, 4));
        assert_eq!(f.offset(Pos::new(2, 4)), 8);
        assert_eq!(f.line(2), Some("çé x"));
        assert_eq!(f.line_count(), 2);
    }

    #[test]
    fn bom_and_crlf_do_not_shift_columns() {
        let f = SourceFile::from_bytes("a", b"\xEF\xBB\xBFkey: v\r\nnext: w\r\n");
        assert!(f.encoding.bom && f.encoding.crlf);
        assert_eq!(f.line(1), Some("key: v"));
        let off = f.text.find("next").unwrap_or(0);
        assert_eq!(f.pos(off), Pos::new(2, 1));
        let w = f.text.find('w').unwrap_or(0);
        assert_eq!(f.pos(w), Pos::new(2, 7));
    }

    #[test]
    fn invalid_utf8_is_decoded_lossily_with_lines() {
        let f = SourceFile::from_bytes("a", b"ok\nbad \xff here\n");
        assert!(f.encoding.lossy);
        assert_eq!(f.lossy_lines, vec![2]);
    }

    #[test]
    fn slice_and_out_of_range() {
        let f = SourceFile::from_text("a", "hello world");
        let s = Span::new(Pos::new(1, 7), Pos::new(1, 12));
        assert_eq!(f.slice(s), "world");
        assert_eq!(f.line(9), None);
        assert_eq!(f.pos(999), Pos::new(1, 12));
        assert_eq!(f.slice(Span::new(Pos::new(5, 1), Pos::new(6, 1))), "");
    }
}
