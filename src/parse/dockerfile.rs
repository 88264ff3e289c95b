//! Dockerfile parser: `parse-dockerfile` behind our adapter, with a tolerant line parser as
//! fallback.
//!
//! The structured parser (`parse_dockerfile::parse`) validates the file and gives instruction
//! boundaries, keywords, flags, JSON arrays and here-documents with byte ranges; the adapter maps
//! them into [`crate::model::dockerfile`]. ENV / ARG / LABEL arguments and the single-value
//! instructions (USER, WORKDIR, …) are split from the source text by helpers shared with the
//! fallback, so both paths agree by construction.
//!
//! The fallback (`lex`) is a hand-written scanner that mirrors the structured parser's lexical
//! rules (line continuations with the escape character, comment and blank lines inside
//! continuations, JSON vs shell form, flags) and never fails: unknown keywords become
//! `Keyword::Unknown` with `Args::Raw`, malformed arguments become `Args::Raw`. It is used when
//! the structured parser rejects the file, and also when the file has `RUN` here-documents the
//! structured parser cannot represent (a here-document that is not the first word, or several in
//! one `RUN`: valid for BuildKit, but `parse-dockerfile` would read their bodies as instructions).
//! In that case the file is validated by running the structured parser on a copy where those
//! bodies are blanked out (same offsets), so genuine errors are still reported and valid files
//! report nothing.
//!
//! Everything here works on byte offsets that only ever stop on ASCII bytes (or the end of the
//! text), and every access goes through `get`, so no input can make it panic; every loop advances,
//! and no byte is scanned more than a few times, so time is linear in the input.

use std::borrow::Cow;
use std::cell::Cell;
use std::ops::Range;

use parse_dockerfile as pd;

use crate::model::dockerfile::{Args, Command, Dockerfile, Flag, Instruction, KeyValue, Keyword, Stage};
use crate::source::{to_u32, Pos, SourceFile, Span, Spanned};

type Problem = (Option<u32>, String);

/// Longest problem message kept (the structured parser quotes whole words, which can be huge).
const MAX_MESSAGE_CHARS: usize = 200;

/// Parse a Dockerfile. Problems are returned as (line, message); the model is always returned.
pub fn parse(src: &SourceFile) -> (Dockerfile, Vec<Problem>) {
    parse_text(&src.text)
}

fn parse_text(text: &str) -> (Dockerfile, Vec<Problem>) {
    let loc = Locator::new(text);
    let mut problems = Vec::new();
    let mut lexed = None;
    if memchr::memmem::find(text.as_bytes(), b"<<").is_some() {
        let lx = lex(text, &loc);
        if lx.unsupported {
            // The structured parser would misread these here-documents: validate everything else
            // on a copy with their bodies blanked, and take the model from the line parser.
            problems.extend(lx.problems.iter().cloned());
            if let Some(masked) = mask(text, &lx.masks) {
                if let Err(p) = run_library(&masked) {
                    problems.push(p);
                }
            }
            problems.sort();
            problems.dedup();
            return (lx.into_dockerfile(), problems);
        }
        lexed = Some(lx);
    }
    match run_library(text) {
        Ok(df) => {
            if let Some(model) = adapt(text, &loc, &df) {
                return (model, problems);
            }
        }
        Err(p) => problems.push(p),
    }
    let lx = match lexed {
        Some(lx) => lx,
        None => lex(text, &loc),
    };
    (lx.into_dockerfile(), problems)
}

/// Run the structured parser. A panic inside it (a bug there) degrades to a problem and the
/// fallback instead of taking the whole audit down.
fn run_library(text: &str) -> Result<pd::Dockerfile<'_>, Problem> {
    match std::panic::catch_unwind(|| pd::parse(text)) {
        Ok(Ok(df)) => Ok(df),
        Ok(Err(e)) => {
            let line = u32::try_from(e.line()).ok().filter(|l| *l > 0);
            Err((line, truncate_message(&format!("{e:#}"))))
        }
        Err(_) => Err((None, "the Dockerfile parser failed on this file".to_owned())),
    }
}

fn truncate_message(msg: &str) -> String {
    match msg.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", msg.get(..cut).unwrap_or("")),
        None => msg.to_owned(),
    }
}

/// A copy of `text` with the bytes of `ranges` (newlines excepted) replaced by spaces: offsets,
/// lines and columns are unchanged.
fn mask(text: &str, ranges: &[Range<usize>]) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    for r in ranges {
        if let Some(part) = bytes.get_mut(r.clone()) {
            for b in part.iter_mut().filter(|b| **b != b'\n') {
                *b = b' ';
            }
        }
    }
    String::from_utf8(bytes).ok()
}

/// Byte offset of the text after a leading byte-order mark (the structured parser skips one).
fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8()
    } else {
        0
    }
}

// -----------------------------------------------------------------------------------------------
// Positions

/// Byte offset → `Pos`, with the same results as `SourceFile::pos`, but remembering the last
/// position so that increasing offsets on one long line cost the distance between them, not the
/// distance from the line start (a 5 MB single line with many tokens stays linear).
struct Locator<'a> {
    bytes: &'a [u8],
    line_starts: Vec<usize>,
    /// (line index, offset, column at offset) of the last answer.
    cache: Cell<(usize, usize, usize)>,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(bytes.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        Locator { bytes, line_starts, cache: Cell::new((0, 0, 1)) }
    }

    /// Characters (leading bytes) in `range`; a partial character counts, as in `SourceFile::pos`.
    fn chars(&self, range: Range<usize>) -> usize {
        self.bytes.get(range).map_or(0, |s| s.iter().filter(|b| (**b & 0xC0) != 0x80).count())
    }

    fn pos(&self, offset: usize) -> Pos {
        let off = offset.min(self.bytes.len());
        let (line, at, col) = self.cache.get();
        let next_line = self.line_starts.get(line + 1).copied().unwrap_or(usize::MAX);
        let start_of = |k: usize| self.line_starts.get(k).copied();
        let line_start = start_of(line).unwrap_or(0);
        let (line, col) = if off >= line_start && off < next_line {
            // Same line: move from the last position, or from the line start if nearer.
            if off >= at {
                (line, col + self.chars(at..off))
            } else if at - off < off - line_start {
                (line, col.saturating_sub(self.chars(off..at)))
            } else {
                (line, 1 + self.chars(line_start..off))
            }
        } else {
            // Usually one of the next few lines; else a binary search.
            let mut idx = line + 1;
            let mut probes = 0;
            while off >= next_line && probes < 8 && start_of(idx + 1).is_some_and(|s| s <= off) {
                idx += 1;
                probes += 1;
            }
            if off < next_line || start_of(idx + 1).is_some_and(|s| s <= off) {
                idx = self.line_starts.partition_point(|s| *s <= off).saturating_sub(1);
            }
            (idx, 1 + self.chars(start_of(idx).unwrap_or(0)..off))
        };
        self.cache.set((line, off, col));
        Pos::new(to_u32(line + 1), to_u32(col))
    }

    fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.pos(range.start), self.pos(range.end))
    }

    fn spanned(&self, value: impl Into<String>, range: Range<usize>) -> Spanned<String> {
        Spanned::new(value.into(), self.span(range))
    }
}

// -----------------------------------------------------------------------------------------------
// Lexical helpers, mirroring parse-dockerfile's rules

/// `[ \t\r\v\f]`: whitespace inside a line.
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | 0x0B | 0x0C)
}

fn is_ws_or_line(b: u8) -> bool {
    is_ws(b) || b == b'\n'
}

fn is_ws_line_or_eq(b: u8) -> bool {
    is_ws_or_line(b) || b == b'='
}

/// Whitespace as Go's `unicode.IsSpace` sees it for ASCII (word splitting in BuildKit).
fn is_go_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// A word read from the source: its raw range and its value with line continuations removed.
#[derive(Debug)]
struct Tok<'a> {
    range: Range<usize>,
    value: Cow<'a, str>,
    /// End of the last byte of the value (before any trailing line continuation).
    last: usize,
}

/// Raw pieces of a logical line, between line continuations. The first two are stored inline:
/// most lines have one piece, and this avoids an allocation per instruction.
#[derive(Default)]
struct Segs {
    inline: [Range<usize>; 2],
    len: usize,
    spill: Vec<Range<usize>>,
}

impl Segs {
    fn push(&mut self, r: Range<usize>) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = r,
            None => self.spill.push(r),
        }
        self.len += 1;
    }

    fn get(&self, k: usize) -> Option<&Range<usize>> {
        if k >= self.len {
            return None;
        }
        match k.checked_sub(self.inline.len()) {
            None => self.inline.get(k),
            Some(s) => self.spill.get(s),
        }
    }

    fn iter(&self) -> impl Iterator<Item = &Range<usize>> {
        self.inline.iter().take(self.len).chain(self.spill.iter())
    }
}

/// The logical line of a single-value / key-value instruction.
struct Rest {
    segs: Segs,
    /// End of the last non-blank byte (the value's span ends here).
    content_end: usize,
    /// Where the next instruction may start.
    after: usize,
}

#[derive(Clone, Copy)]
struct Text<'a> {
    s: &'a str,
    t: &'a [u8],
    esc: u8,
}

impl<'a> Text<'a> {
    fn new(s: &'a str, esc: u8) -> Self {
        Text { s, t: s.as_bytes(), esc }
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.t.get(i).copied()
    }

    fn len(&self) -> usize {
        self.t.len()
    }

    fn str(&self, r: Range<usize>) -> &'a str {
        self.s.get(r).unwrap_or("")
    }

    fn starts_with(&self, i: usize, needle: &[u8]) -> bool {
        self.t.get(i..).is_some_and(|s| s.starts_with(needle))
    }

    /// Offset after a newline (`\n` or `\r\n`) at `i`.
    fn newline(&self, i: usize) -> Option<usize> {
        match self.at(i)? {
            b'\n' => Some(i + 1),
            b'\r' if self.at(i + 1) == Some(b'\n') => Some(i + 2),
            _ => None,
        }
    }

    fn skip_ws_nc(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(is_ws) {
            i += 1;
        }
        i
    }

    /// Offset after the newline ending the line containing `i` (or the end of the text).
    fn line_end_nc(&self, i: usize) -> usize {
        let i = i.min(self.len());
        match memchr::memchr(b'\n', self.t.get(i..).unwrap_or_default()) {
            Some(k) => i + k + 1,
            None => self.len(),
        }
    }

    /// Offset of the newline ending the line containing `i` (or the end of the text).
    fn line_end_excl(&self, i: usize) -> usize {
        let i = i.min(self.len());
        memchr::memchr(b'\n', self.t.get(i..).unwrap_or_default()).map_or(self.len(), |k| i + k)
    }

    /// A line continuation at `i` (escape, optional blanks, newline), followed by any comment,
    /// blank or empty lines: the offset after all of it.
    fn cont(&self, i: usize) -> Option<usize> {
        if self.at(i)? != self.esc {
            return None;
        }
        if let Some(j) = self.newline(i + 1) {
            return Some(self.followup(j));
        }
        if matches!(self.at(i + 1), Some(b' ' | b'\t')) {
            let k = self.skip_ws_nc(i + 2);
            if let Some(j) = self.newline(k) {
                return Some(self.followup(j));
            }
        }
        None
    }

    /// Skip the comment and empty lines that follow a line continuation.
    fn followup(&self, mut i: usize) -> usize {
        while let Some(b) = self.at(i) {
            let (b, next) = if is_ws(b) {
                let k = self.skip_ws_nc(i + 1);
                match self.at(k) {
                    Some(c @ (b'#' | b'\n')) => (c, k + 1),
                    _ => break,
                }
            } else if b == b'\n' || b == b'#' {
                (b, i + 1)
            } else {
                break;
            };
            i = next;
            if b != b'\n' {
                i = self.line_end_nc(i);
            }
        }
        i
    }

    /// Skip blanks and line continuations; also says whether any blank was seen.
    fn skip_ws(&self, mut i: usize) -> (usize, bool) {
        let mut has_space = false;
        loop {
            match self.at(i) {
                Some(b) if is_ws(b) => {
                    i += 1;
                    has_space = true;
                }
                Some(b) if b == self.esc => match self.cont(i) {
                    Some(j) => i = j,
                    None => break,
                },
                _ => break,
            }
        }
        (i, has_space)
    }

    /// Blanks, newlines, comment lines and continuations between instructions.
    fn skip_comments_ws(&self, mut i: usize) -> usize {
        loop {
            match self.at(i) {
                Some(b) if is_ws_or_line(b) => i += 1,
                Some(b'#') => i = self.line_end_nc(i + 1),
                Some(b) if b == self.esc => match self.cont(i) {
                    Some(j) => i = j,
                    None => break,
                },
                _ => break,
            }
        }
        i
    }

    /// Read a word until a `stop` byte (ASCII only), removing line continuations.
    fn collect(&self, start: usize, stop: fn(u8) -> bool) -> Tok<'a> {
        let mut i = start;
        let mut seg = start;
        let mut last = start;
        let mut buf: Option<String> = None;
        while let Some(b) = self.at(i) {
            if stop(b) {
                break;
            }
            if b == self.esc {
                if let Some(j) = self.cont(i) {
                    buf.get_or_insert_with(String::new).push_str(self.str(seg..i));
                    seg = j;
                    i = j;
                    continue;
                }
            }
            i += 1;
            last = i;
        }
        let value = match buf {
            None => Cow::Borrowed(self.str(start..i)),
            Some(mut b) => {
                b.push_str(self.str(seg..i));
                Cow::Owned(b)
            }
        };
        Tok { range: start..i, value, last }
    }

    /// Consume a shell-form line (with continuations and the comment lines inside them):
    /// (offset of its end, offset after its newline). With `segs`, the raw pieces that make up
    /// the logical line are recorded.
    fn consume_line(&self, mut i: usize, mut segs: Option<&mut Segs>) -> (usize, usize) {
        let mut seg = i;
        let mut blank_since_cont = false;
        let (end, after) = loop {
            let Some(b) = self.at(i) else { break (i, i) };
            if let Some(after) = self.newline(i) {
                break (i, after);
            }
            if blank_since_cont && b == b'#' {
                if let Some(s) = segs.as_deref_mut() {
                    s.push(seg..i);
                }
                i = self.line_end_nc(i + 1);
                seg = i;
                continue;
            }
            if b == self.esc {
                if let Some(j) = self.cont(i) {
                    if let Some(s) = segs.as_deref_mut() {
                        s.push(seg..i);
                    }
                    i = j;
                    seg = j;
                    blank_since_cont = true;
                    continue;
                }
            }
            blank_since_cont = blank_since_cont && is_ws(b);
            i += 1;
        };
        if let Some(s) = segs {
            s.push(seg..end.max(seg));
        }
        (end, after)
    }

    /// End of `a..b` without trailing blanks and newlines.
    fn trim_end(&self, a: usize, mut b: usize) -> usize {
        while b > a && self.at(b - 1).is_some_and(is_ws_or_line) {
            b -= 1;
        }
        b
    }

    /// The rest of a single-value / key-value instruction's line.
    fn rest(&self, start: usize) -> Rest {
        let mut i = start;
        let mut seg = start;
        let mut segs = Segs::default();
        let mut content_end = start;
        let (end, after) = loop {
            let Some(b) = self.at(i) else { break (i, i) };
            if let Some(after) = self.newline(i) {
                break (i, after);
            }
            if b == self.esc {
                if let Some(j) = self.cont(i) {
                    segs.push(seg..i);
                    seg = j;
                    i = j;
                    continue;
                }
            }
            if !is_ws(b) {
                content_end = i + 1;
            }
            i += 1;
        };
        segs.push(seg..end.max(seg));
        Rest { segs, content_end, after }
    }

    /// The logical text of `segs` up to the raw offset `until`.
    fn join(&self, segs: &Segs, from: usize, until: usize) -> Cow<'a, str> {
        let mut parts =
            segs.iter().map(|r| r.start.max(from)..r.end.min(until)).filter(|r| r.start < r.end).map(|r| self.str(r));
        match (parts.next(), parts.next()) {
            (None, _) => Cow::Borrowed(""),
            (Some(one), None) => Cow::Borrowed(one),
            (Some(a), Some(b)) => {
                let mut s = String::with_capacity(a.len() + b.len());
                s.push_str(a);
                s.push_str(b);
                parts.for_each(|p| s.push_str(p));
                Cow::Owned(s)
            }
        }
    }

    /// Bytes of the logical line with their raw offsets, up to `until`.
    fn logical<'s>(&self, segs: &'s Segs, until: usize) -> impl Iterator<Item = (usize, u8)> + 's
    where
        'a: 's,
    {
        let t = self.t;
        segs.iter().flat_map(move |r| {
            let r = r.start..r.end.min(until);
            t.get(r.clone()).unwrap_or_default().iter().enumerate().map(move |(k, b)| (r.start + k, *b))
        })
    }

    /// `[` but not `[[` (a shell test) may start a JSON array.
    fn is_maybe_json(&self, i: usize) -> bool {
        self.at(i) == Some(b'[') && self.at(i + 1) != Some(b'[')
    }

    /// A JSON array of strings at `i`, which must be the last thing on its line:
    /// (elements, offset after `]`, offset of the line end).
    fn json_array(&self, i: usize) -> Option<(Vec<Tok<'a>>, usize, usize)> {
        if !self.is_maybe_json(i) {
            return None;
        }
        let mut out = Vec::new();
        let (mut i, _) = self.skip_ws(i + 1);
        match self.at(i)? {
            b'"' => loop {
                i += 1;
                let start = i;
                let mut seg = i;
                let mut buf: Option<String> = None;
                loop {
                    let b = self.at(i)?;
                    if b == b'"' {
                        break;
                    }
                    if b < 0x20 {
                        return None;
                    }
                    if b == self.esc {
                        if let Some(j) = self.cont(i) {
                            buf.get_or_insert_with(String::new).push_str(self.str(seg..i));
                            i = j;
                            seg = j;
                            continue;
                        }
                    }
                    if b == b'\\' {
                        let s = buf.get_or_insert_with(String::new);
                        s.push_str(self.str(seg..i));
                        i += 1;
                        if let Some(j) = self.cont(i) {
                            i = j;
                        }
                        let c = self.at(i)?;
                        i += 1;
                        let ch = match c {
                            b'"' | b'\\' | b'/' => char::from(c),
                            b'b' => '\x08',
                            b'f' => '\x0c',
                            b'n' => '\n',
                            b'r' => '\r',
                            b't' => '\t',
                            b'u' => self.json_unicode(&mut i)?,
                            _ => return None,
                        };
                        s.push(ch);
                        seg = i;
                        continue;
                    }
                    i += 1;
                }
                let value = match buf {
                    None => Cow::Borrowed(self.str(start..i)),
                    Some(mut s) => {
                        s.push_str(self.str(seg..i));
                        Cow::Owned(s)
                    }
                };
                out.push(Tok { range: start..i, value, last: i });
                (i, _) = self.skip_ws(i + 1);
                match self.at(i)? {
                    b',' => {
                        (i, _) = self.skip_ws(i + 1);
                        if self.at(i)? != b'"' {
                            return None;
                        }
                    }
                    b']' => {
                        i += 1;
                        break;
                    }
                    _ => return None,
                }
            },
            b']' => i += 1,
            _ => return None,
        }
        let end = i;
        let (i, _) = self.skip_ws(i);
        match self.at(i) {
            None | Some(b'\n') => Some((out, end, i)),
            Some(_) => None,
        }
    }

    fn json_hex4(&self, i: &mut usize) -> Option<u32> {
        if self.len().saturating_sub(*i) < 4 {
            return None;
        }
        let mut n = 0u32;
        for _ in 0..4 {
            if let Some(j) = self.cont(*i) {
                *i = j;
            }
            let d = char::from(self.at(*i)?).to_digit(16)?;
            *i += 1;
            n = (n << 4) | d;
        }
        Some(n)
    }

    fn json_unicode(&self, i: &mut usize) -> Option<char> {
        let n = self.json_hex4(i)?;
        match n {
            0xDC00..=0xDFFF => None,
            0xD800..=0xDBFF => {
                if let Some(j) = self.cont(*i) {
                    *i = j;
                }
                if self.at(*i)? != b'\\' {
                    return None;
                }
                *i += 1;
                if let Some(j) = self.cont(*i) {
                    *i = j;
                }
                if self.at(*i)? != b'u' {
                    return None;
                }
                *i += 1;
                let n2 = self.json_hex4(i)?;
                if !(0xDC00..=0xDFFF).contains(&n2) {
                    return None;
                }
                char::from_u32((((n - 0xD800) << 10) | (n2 - 0xDC00)) + 0x1_0000)
            }
            n => char::from_u32(n),
        }
    }

    /// `--name[=value]` flags at `i`: the flags (raw ranges) and the offset after them.
    fn flags(&self, mut i: usize) -> (Vec<RawFlag<'a>>, usize) {
        let mut out = Vec::new();
        'outer: while self.at(i) == Some(b'-') {
            let mut k = i + 1;
            loop {
                match self.at(k) {
                    Some(b'-') => {
                        k += 1;
                        break;
                    }
                    Some(_) => match self.cont(k) {
                        Some(j) => k = j,
                        None => break 'outer,
                    },
                    None => break 'outer,
                }
            }
            let start = i;
            let name = self.collect(k, is_ws_line_or_eq);
            i = name.range.end;
            let value = if self.at(i) == Some(b'=') {
                let v = self.collect(i + 1, is_ws_or_line);
                i = v.range.end;
                Some(v)
            } else {
                None
            };
            out.push((start..i, name, value));
            (i, _) = self.skip_ws(i);
        }
        (out, i)
    }

    /// Blank-separated words up to the end of the logical line: (words, offset after the line).
    fn words(&self, mut i: usize) -> (Vec<Tok<'a>>, usize) {
        let mut out = Vec::new();
        loop {
            let tok = self.collect(i, is_ws_or_line);
            i = tok.range.end;
            if !tok.range.is_empty() {
                out.push(tok);
                let (j, has_space) = self.skip_ws(i);
                i = j;
                if has_space {
                    continue;
                }
            }
            if let Some(j) = self.newline(i) {
                i = j;
            }
            break;
        }
        (out, i)
    }

    /// Read a here-document body starting at `i` (the line after its instruction).
    fn heredoc(&self, start: usize, delim: &[u8], strip_tabs: bool) -> HereDoc<'a> {
        let mut i = start;
        let mut cur = start;
        let mut buf: Option<String> = None;
        loop {
            if strip_tabs && self.at(i) == Some(b'\t') {
                buf.get_or_insert_with(String::new).push_str(self.str(cur..i));
                while self.at(i) == Some(b'\t') {
                    i += 1;
                }
                cur = i;
            }
            if delim.is_empty() || self.len().saturating_sub(i) < delim.len() {
                // Unterminated: the body runs to the end of the text.
                let end = self.len();
                let value = match buf {
                    None => Cow::Borrowed(self.str(start..end)),
                    Some(mut b) => {
                        b.push_str(self.str(cur.min(end)..end));
                        Cow::Owned(b)
                    }
                };
                return HereDoc { body: start..end, value, term_end: end, after: end, terminated: false };
            }
            if self.starts_with(i, delim) {
                let k = i + delim.len();
                let after = if k == self.len() { Some(k) } else { self.newline(k) };
                if let Some(after) = after {
                    let value = match buf {
                        None => Cow::Borrowed(self.str(start..i)),
                        Some(mut b) => {
                            b.push_str(self.str(cur..i));
                            Cow::Owned(b)
                        }
                    };
                    let term_end = self.line_end_excl(k);
                    return HereDoc { body: start..i, value, term_end, after, terminated: true };
                }
            }
            i = self.line_end_nc(i);
        }
    }
}

/// A flag as read: its raw range, name and value.
type RawFlag<'a> = (Range<usize>, Tok<'a>, Option<Tok<'a>>);

/// A here-document body read by the line parser.
struct HereDoc<'a> {
    body: Range<usize>,
    value: Cow<'a, str>,
    /// End of the terminator line (before its newline).
    term_end: usize,
    after: usize,
    terminated: bool,
}

/// The delimiter of a here-document word after its `<<`, as parse-dockerfile reads it: optional
/// `-` (strip leading tabs), then bytes up to a blank outside quotes, quotes and `\` removed.
/// `Err` when a quote or escape is left open.
fn heredoc_delim(bytes: &[u8]) -> Result<Option<(Vec<u8>, bool)>, ()> {
    let (strip, mut i) = if bytes.first() == Some(&b'-') { (true, 1) } else { (false, 0) };
    let mut quote = 0u8;
    let mut delim = Vec::new();
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' | b'\'' => {
                if quote == 0 {
                    quote = b;
                } else if b == quote {
                    quote = 0;
                } else {
                    delim.push(b);
                }
            }
            b'\\' => {
                i += 1;
                let Some(&c) = bytes.get(i) else { return Err(()) };
                delim.push(c);
            }
            _ if quote == 0 && is_ws_or_line(b) => break,
            _ => delim.push(b),
        }
        i += 1;
    }
    if quote != 0 {
        return Err(());
    }
    Ok((!delim.is_empty()).then_some((delim, strip)))
}

/// A here-document BuildKit finds in a RUN command line.
struct BkHeredoc {
    /// Raw offset of the word (`<<EOF`, `2<<-"EOF"`).
    word_start: usize,
    delim: Vec<u8>,
    strip_tabs: bool,
}

/// BuildKit's here-document detection: split the logical command line into words (quotes and
/// backslash escapes kept) and take the words matching `^[0-9]*<<-?[^<]+$`.
fn bk_heredocs(x: &Text<'_>, segs: &Segs, until: usize) -> Vec<BkHeredoc> {
    let mut out = Vec::new();
    let mut word: Vec<u8> = Vec::new();
    let mut word_start = None;
    let mut quote = 0u8;
    let mut escaped = false;
    let mut finish = |word: &mut Vec<u8>, start: Option<usize>| {
        if let Some(start) = start {
            if let Some(h) = bk_heredoc_word(word, start) {
                out.push(h);
            }
        }
        word.clear();
    };
    for (i, b) in x.logical(segs, until) {
        if escaped {
            word.push(b);
            escaped = false;
            continue;
        }
        if quote != 0 {
            word.push(b);
            if b == quote {
                quote = 0;
            } else if b == b'\\' && quote == b'"' {
                escaped = true;
            }
            continue;
        }
        if is_go_space(b) {
            finish(&mut word, word_start.take());
            continue;
        }
        if word_start.is_none() {
            word_start = Some(i);
        }
        word.push(b);
        match b {
            b'\\' => escaped = true,
            b'\'' | b'"' => quote = b,
            _ => {}
        }
    }
    finish(&mut word, word_start.take());
    out
}

fn bk_heredoc_word(word: &[u8], start: usize) -> Option<BkHeredoc> {
    let digits = word.iter().take_while(|b| b.is_ascii_digit()).count();
    let rest = word.get(digits..)?.strip_prefix(b"<<")?;
    let (strip_tabs, rest) = match rest.strip_prefix(b"-") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if rest.is_empty() || rest.contains(&b'<') {
        return None;
    }
    // Quotes and escapes removed.
    let mut delim = Vec::with_capacity(rest.len());
    let mut quote = 0u8;
    let mut i = 0;
    while let Some(&b) = rest.get(i) {
        match b {
            b'\'' | b'"' if quote == 0 => quote = b,
            _ if b == quote => quote = 0,
            b'\\' if quote != b'\'' => {
                i += 1;
                if let Some(&c) = rest.get(i) {
                    delim.push(c);
                }
            }
            _ => delim.push(b),
        }
        i += 1;
    }
    (!delim.is_empty()).then_some(BkHeredoc { word_start: start, delim, strip_tabs })
}

// -----------------------------------------------------------------------------------------------
// ENV / ARG / LABEL

#[derive(Clone, Copy, PartialEq, Eq)]
enum KvKind {
    /// `ENV` and `LABEL`: `k=v …`, or the legacy `KEY value with spaces`.
    NameValue,
    /// `ARG name[=default] …`
    Arg,
}

/// A word of a key-value line (BuildKit's `parseWords`: quotes and escapes kept), as raw offsets
/// and the indices of the pieces of the logical line they fall in.
struct Word {
    start: usize,
    start_seg: usize,
    end: usize,
    end_seg: usize,
    /// First `=`: raw offset and piece.
    eq: Option<(usize, usize)>,
}

/// Call `f` on each word of the logical line, in order, until it returns `false`. Words are
/// split on blanks outside quotes; an escape keeps the next character in the word.
fn kv_words(x: &Text<'_>, segs: &Segs, until: usize, f: &mut dyn FnMut(&Word) -> bool) {
    let mut cur: Option<Word> = None;
    let mut quote = 0u8;
    let mut pending_escape = false;
    for (si, seg) in segs.iter().enumerate() {
        for i in seg.start..seg.end.min(until) {
            let Some(b) = x.at(i) else { break };
            if !pending_escape && quote == 0 && is_go_space(b) {
                if let Some(w) = cur.take() {
                    if !f(&w) {
                        return;
                    }
                }
                continue;
            }
            let w = cur.get_or_insert(Word { start: i, start_seg: si, end: i, end_seg: si, eq: None });
            if pending_escape {
                pending_escape = false;
            } else if quote == 0 {
                if b == b'\'' || b == b'"' {
                    quote = b;
                } else if b == x.esc {
                    pending_escape = true;
                }
            } else if b == quote {
                quote = 0;
            } else if b == x.esc && quote != b'\'' {
                pending_escape = true;
            }
            if b == b'=' && w.eq.is_none() {
                w.eq = Some((i, si));
            }
            w.end = i + 1;
            w.end_seg = si;
        }
    }
    if let Some(mut w) = cur.take() {
        if pending_escape {
            // An escape at the very end is dropped.
            w.end -= 1;
        }
        if w.end > w.start {
            f(&w);
        }
    }
}

/// The first non-blank byte of the logical line at or after raw offset `from` (in piece `seg`),
/// before `until`: its offset and piece.
fn first_non_space(x: &Text<'_>, segs: &Segs, seg: usize, from: usize, until: usize) -> Option<(usize, usize)> {
    let mut k = seg;
    while let Some(s) = segs.get(k) {
        for i in s.start.max(from)..s.end.min(until) {
            if x.at(i).is_some_and(|b| !is_go_space(b)) {
                return Some((i, k));
            }
        }
        k += 1;
    }
    None
}

/// The logical bytes of the raw range `range`, which starts in piece `seg`.
fn logical_bytes<'a>(x: &Text<'a>, segs: &Segs, seg: usize, range: Range<usize>) -> Cow<'a, [u8]> {
    if segs.get(seg).is_some_and(|s| s.start <= range.start && range.end <= s.end) {
        return Cow::Borrowed(x.t.get(range).unwrap_or_default());
    }
    let mut out = Vec::with_capacity(range.len());
    let mut k = seg;
    while let Some(s) = segs.get(k) {
        if s.start >= range.end {
            break;
        }
        let r = s.start.max(range.start)..s.end.min(range.end);
        if r.start < r.end {
            out.extend_from_slice(x.t.get(r).unwrap_or_default());
        }
        k += 1;
    }
    Cow::Owned(out)
}

fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Remove shell quoting from a word: `'…'` literal, `"…"` with `\"`, `\$`, `\\` escapes, and
/// escaped characters outside quotes. `$` expressions are kept as written.
fn unquote(word: &[u8], esc: u8) -> String {
    if !word.iter().any(|b| matches!(*b, b'\'' | b'"') || *b == esc) {
        return utf8(word.to_vec());
    }
    let mut out = Vec::with_capacity(word.len());
    let mut quote = 0u8;
    let mut i = 0;
    while let Some(&b) = word.get(i) {
        i += 1;
        match quote {
            0 if b == esc => {
                if let Some(&c) = word.get(i) {
                    out.push(c);
                    i += 1;
                }
            }
            0 if b == b'\'' || b == b'"' => quote = b,
            0 => out.push(b),
            b'\'' if b == b'\'' => quote = 0,
            b'\'' => out.push(b),
            _ if b == b'"' => quote = 0,
            _ if b == esc => match word.get(i) {
                Some(&c) if c == b'"' || c == b'$' || c == esc => {
                    out.push(c);
                    i += 1;
                }
                Some(_) => out.push(b),
                None => {}
            },
            _ => out.push(b),
        }
    }
    utf8(out)
}

/// Split the key-value arguments starting at `start`: the pairs, the raw end of the content and
/// the offset after the line.
fn key_values(x: &Text<'_>, loc: &Locator<'_>, start: usize, kind: KvKind) -> (Vec<KeyValue>, usize, usize) {
    let rest = x.rest(start);
    let end = rest.content_end;
    let segs = &rest.segs;
    let mut out = Vec::new();
    let mut legacy: Option<(Spanned<String>, usize, usize)> = None;
    kv_words(x, segs, end, &mut |w| {
        let text = |a: usize, seg: usize, b: usize| unquote(&logical_bytes(x, segs, seg, a..b), x.esc);
        match w.eq {
            Some((eq, eq_seg)) => out.push(KeyValue {
                key: loc.spanned(text(w.start, w.start_seg, eq), w.start..eq),
                value: Some(loc.spanned(text(eq + 1, eq_seg, w.end), eq + 1..w.end)),
            }),
            None if kind == KvKind::NameValue && out.is_empty() => {
                // `ENV KEY value with spaces`: the key is the first word, the value the rest.
                legacy = Some((loc.spanned(text(w.start, w.start_seg, w.end), w.start..w.end), w.end, w.end_seg));
                return false;
            }
            None => {
                out.push(KeyValue { key: loc.spanned(text(w.start, w.start_seg, w.end), w.start..w.end), value: None })
            }
        }
        true
    });
    if let Some((key, key_end, key_seg)) = legacy {
        let value = first_non_space(x, segs, key_seg, key_end, end)
            .map(|(vs, seg)| loc.spanned(unquote(&logical_bytes(x, segs, seg, vs..end), x.esc), vs..end));
        out.push(KeyValue { key, value });
    }
    (out, end, rest.after)
}

/// The single value of USER / WORKDIR / STOPSIGNAL / MAINTAINER: (value, raw end, after).
fn single_value(x: &Text<'_>, loc: &Locator<'_>, start: usize) -> (Spanned<String>, usize, usize) {
    let rest = x.rest(start);
    let end = rest.content_end;
    (loc.spanned(x.join(&rest.segs, start, end), start..end), end, rest.after)
}

// -----------------------------------------------------------------------------------------------
// Assembly shared by both paths

/// An instruction whose keyword span was computed before its arguments (positions are computed
/// in source order, which keeps the `Locator` linear), ending at raw offset `end`.
fn instruction(
    loc: &Locator<'_>,
    keyword: Keyword,
    keyword_span: Span,
    flags: Vec<Flag>,
    args: Args,
    end: usize,
) -> Instruction {
    let span = Span::new(keyword_span.start, loc.pos(end).max(keyword_span.end));
    Instruction { keyword, keyword_span, span, flags, args, stage: None }
}

fn platform(flags: &[Flag]) -> Option<String> {
    flags.iter().find(|f| f.name.eq_ignore_ascii_case("platform")).and_then(|f| f.value.clone())
}

/// Number stages, attach instructions to them, resolve bases.
fn assemble(mut instructions: Vec<Instruction>, escape: char, syntax: Option<String>, fallback: bool) -> Dockerfile {
    let mut stages: Vec<Stage> = Vec::new();
    let mut current = None;
    for (i, ins) in instructions.iter_mut().enumerate() {
        if ins.keyword == Keyword::From {
            let k = stages.len();
            let (base, name) = match &ins.args {
                Args::From { image, alias, .. } => (image.clone(), alias.clone()),
                Args::Raw(raw) => (raw.clone(), None),
                _ => (Spanned::new(String::new(), ins.keyword_span), None),
            };
            stages.push(Stage {
                index: k,
                base,
                name,
                from_instruction: i,
                instructions: Vec::new(),
                base_stage: None,
                base_resolved: String::new(),
            });
            current = Some(k);
        } else if let Some(stage) = current.and_then(|k| stages.get_mut(k)) {
            stage.instructions.push(i);
        }
        ins.stage = current;
        if let Args::Onbuild(inner) = &mut ins.args {
            inner.stage = current;
        }
    }
    let mut df = Dockerfile { escape, syntax, instructions, stages, fallback };
    df.link_stages();
    df
}

// -----------------------------------------------------------------------------------------------
// Adapter: parse-dockerfile → model

struct Adapter<'a> {
    x: Text<'a>,
    loc: &'a Locator<'a>,
    /// Offset of the structured parser's text in ours (a byte-order mark it skipped).
    base: usize,
}

fn adapt(text: &str, loc: &Locator<'_>, df: &pd::Dockerfile<'_>) -> Option<Dockerfile> {
    let directives = &df.parser_directives;
    let escape = directives.escape.as_ref().map_or('\\', |d| d.value.value);
    let esc = if escape == '`' { b'`' } else { b'\\' };
    let syntax = directives.syntax.as_ref().map(|d| d.value.value.to_owned());
    let a = Adapter { x: Text::new(text, esc), loc, base: bom_len(text) };
    let mut instructions = Vec::with_capacity(df.instructions.len());
    for ins in &df.instructions {
        instructions.push(a.instruction(ins)?.0);
    }
    Some(assemble(instructions, escape, syntax, false))
}

impl Adapter<'_> {
    fn o(&self, offset: usize) -> usize {
        offset + self.base
    }

    fn r(&self, r: &Range<usize>) -> Range<usize> {
        self.o(r.start)..self.o(r.end)
    }

    fn us(&self, u: &pd::UnescapedString<'_>) -> Spanned<String> {
        self.loc.spanned(u.value.as_ref(), self.r(&u.span))
    }

    fn flags(&self, flags: &[pd::Flag<'_>]) -> (Vec<Flag>, usize) {
        let mut end = 0;
        let out = flags
            .iter()
            .map(|f| {
                let r = self.r(&f.span());
                end = end.max(r.end);
                Flag {
                    name: f.name.value.to_string(),
                    value: f.value.as_ref().map(|v| v.value.to_string()),
                    span: self.loc.span(r),
                }
            })
            .collect();
        (out, end)
    }

    fn command(&self, c: &pd::Command<'_>) -> Option<(Command, usize)> {
        Some(match c {
            pd::Command::Exec(arr) => {
                (Command::Exec(arr.value.iter().map(|a| self.us(a)).collect()), self.o(arr.span.end))
            }
            pd::Command::Shell(s) => {
                let r = self.r(&s.span);
                (Command::Shell(self.loc.spanned(s.value, r.clone())), r.end)
            }
            _ => return None,
        })
    }

    /// The `]` closing a JSON array whose last string's closing quote is at `quote`.
    fn json_close(&self, quote: usize) -> usize {
        let (i, _) = self.x.skip_ws(quote + 1);
        if self.x.at(i) == Some(b']') {
            i + 1
        } else {
            quote + 1
        }
    }

    fn heredoc(&self, h: &pd::HereDoc<'_>) -> (Spanned<String>, usize) {
        let r = self.r(&h.span);
        let term_end = self.x.line_end_excl(r.end);
        (self.loc.spanned(h.value.as_ref(), r), term_end)
    }

    /// One instruction and the raw end of its span.
    fn instruction(&self, ins: &pd::Instruction<'_>) -> Option<(Instruction, usize)> {
        use pd::Instruction as P;
        let x = &self.x;
        let loc = self.loc;
        let kw = match ins {
            P::Add(i) => &i.add.span,
            P::Arg(i) => &i.arg.span,
            P::Cmd(i) => &i.cmd.span,
            P::Copy(i) => &i.copy.span,
            P::Entrypoint(i) => &i.entrypoint.span,
            P::Env(i) => &i.env.span,
            P::Expose(i) => &i.expose.span,
            P::From(i) => &i.from.span,
            P::Healthcheck(i) => &i.healthcheck.span,
            P::Label(i) => &i.label.span,
            P::Maintainer(i) => &i.maintainer.span,
            P::Onbuild(i) => &i.onbuild.span,
            P::Run(i) => &i.run.span,
            P::Shell(i) => &i.shell.span,
            P::Stopsignal(i) => &i.stopsignal.span,
            P::User(i) => &i.user.span,
            P::Volume(i) => &i.volume.span,
            P::Workdir(i) => &i.workdir.span,
            _ => return None,
        };
        let kw = self.r(kw);
        let keyword_span = loc.span(kw.clone());
        let (keyword, flags, args, end) = match ins {
            P::From(f) => {
                let (flags, fend) = self.flags(&f.options);
                let image = self.us(&f.image);
                let mut end = fend.max(self.o(f.image.span.end));
                let alias = match &f.as_ {
                    Some((_, name)) if !name.value.is_empty() => {
                        end = end.max(self.o(name.span.end));
                        Some(self.us(name))
                    }
                    _ => None,
                };
                let platform = platform(&flags);
                (Keyword::From, flags, Args::From { image, alias, platform }, end)
            }
            P::Arg(a) => {
                let (kvs, end, _) = key_values(x, loc, self.o(a.arguments.span.start), KvKind::Arg);
                (Keyword::Arg, Vec::new(), Args::Arg(kvs), end)
            }
            P::Env(e) => {
                let (kvs, end, _) = key_values(x, loc, self.o(e.arguments.span.start), KvKind::NameValue);
                (Keyword::Env, Vec::new(), Args::Env(kvs), end)
            }
            P::Label(l) => {
                let (kvs, end, _) = key_values(x, loc, self.o(l.arguments.span.start), KvKind::NameValue);
                (Keyword::Label, Vec::new(), Args::Label(kvs), end)
            }
            P::Cmd(c) => {
                let (command, end) = self.command(&c.arguments)?;
                (Keyword::Cmd, Vec::new(), Args::Cmd(command), end)
            }
            P::Entrypoint(e) => {
                let (command, end) = self.command(&e.arguments)?;
                (Keyword::Entrypoint, Vec::new(), Args::Entrypoint(command), end)
            }
            P::Run(r) => {
                let (flags, fend) = self.flags(&r.options);
                let kw_end = self.o(r.run.span.end);
                let mut end = fend;
                let command = match &r.arguments {
                    // parse-dockerfile's text starts after the delimiter: take the line from `<<`.
                    pd::Command::Shell(s) if !r.here_docs.is_empty() => {
                        let (start, _) = x.skip_ws(fend.max(kw_end));
                        let stop = self.o(s.span.end).max(start);
                        end = end.max(stop);
                        Command::Shell(loc.spanned(x.str(start..stop), start..stop))
                    }
                    c => {
                        let (command, cend) = self.command(c)?;
                        end = end.max(cend);
                        command
                    }
                };
                let mut heredocs = Vec::with_capacity(r.here_docs.len());
                for h in &r.here_docs {
                    let (doc, term_end) = self.heredoc(h);
                    heredocs.push(doc);
                    end = end.max(term_end);
                }
                (Keyword::Run, flags, Args::Run { command, heredocs }, end)
            }
            P::Copy(c) => {
                let (flags, args, end) = self.copy(&c.options, &c.src, &c.dest)?;
                (Keyword::Copy, flags, args, end)
            }
            P::Add(c) => {
                let (flags, args, end) = self.copy(&c.options, &c.src, &c.dest)?;
                (Keyword::Add, flags, args, end)
            }
            P::Expose(e) => {
                let ports: Vec<_> = e.arguments.iter().map(|p| self.us(p)).collect();
                let end = e.arguments.last().map_or(0, |p| self.o(p.span.end));
                (Keyword::Expose, Vec::new(), Args::Expose(ports), end)
            }
            P::Healthcheck(h) => {
                let (flags, fend) = self.flags(&h.options);
                let (args, end) = match &h.arguments {
                    pd::HealthcheckArguments::None { none, .. } => {
                        (Args::Healthcheck { none: true, command: None }, self.o(none.span.end))
                    }
                    pd::HealthcheckArguments::Cmd { arguments, .. } => {
                        let (command, end) = self.command(arguments)?;
                        (Args::Healthcheck { none: false, command: Some(command) }, end)
                    }
                    _ => return None,
                };
                (Keyword::Healthcheck, flags, args, end.max(fend))
            }
            P::Maintainer(m) => {
                let (v, end, _) = single_value(x, loc, self.o(m.name.span.start));
                (Keyword::Maintainer, Vec::new(), Args::Maintainer(v), end)
            }
            P::User(u) => {
                let (v, end, _) = single_value(x, loc, self.o(u.arguments.span.start));
                (Keyword::User, Vec::new(), Args::User(v), end)
            }
            P::Workdir(w) => {
                let (v, end, _) = single_value(x, loc, self.o(w.arguments.span.start));
                (Keyword::Workdir, Vec::new(), Args::Workdir(v), end)
            }
            P::Stopsignal(s) => {
                let (v, end, _) = single_value(x, loc, self.o(s.arguments.span.start));
                (Keyword::Stopsignal, Vec::new(), Args::Stopsignal(v), end)
            }
            P::Volume(v) => {
                let (list, end) = match &v.arguments {
                    pd::JsonOrStringArray::Json(arr) => {
                        (arr.value.iter().map(|p| self.us(p)).collect(), self.o(arr.span.end))
                    }
                    pd::JsonOrStringArray::String(list) => {
                        (list.iter().map(|p| self.us(p)).collect(), list.last().map_or(0, |p| self.o(p.span.end)))
                    }
                };
                (Keyword::Volume, Vec::new(), Args::Volume(list), end)
            }
            P::Shell(s) => {
                let list: Vec<_> = s.arguments.iter().map(|p| self.us(p)).collect();
                let end = s.arguments.last().map_or(0, |p| self.json_close(self.o(p.span.end)));
                (Keyword::Shell, Vec::new(), Args::Shell(list), end)
            }
            P::Onbuild(o) => {
                let (inner, end) = self.instruction(&o.instruction)?;
                (Keyword::Onbuild, Vec::new(), Args::Onbuild(Box::new(inner)), end)
            }
            _ => return None,
        };
        let end = end.max(kw.end);
        Some((instruction(loc, keyword, keyword_span, flags, args, end), end))
    }

    fn copy(
        &self,
        options: &[pd::Flag<'_>],
        src: &[pd::Source<'_>],
        dest: &pd::UnescapedString<'_>,
    ) -> Option<(Vec<Flag>, Args, usize)> {
        let (flags, fend) = self.flags(options);
        let mut sources = Vec::with_capacity(src.len());
        let mut heredocs = Vec::new();
        let mut end = fend;
        let dest_r = self.r(&dest.span);
        // JSON form: strings start right after their opening quote.
        let json = match src.first() {
            Some(pd::Source::Path(p)) => self.o(p.span.start).checked_sub(1).and_then(|i| self.x.at(i)) == Some(b'"'),
            _ => false,
        };
        // Paths and destination (on the instruction line) before the bodies below it.
        for s in src {
            match s {
                pd::Source::Path(p) => sources.push(self.us(p)),
                pd::Source::HereDoc(_) => {}
                _ => return None,
            }
        }
        let dest = self.us(dest);
        for s in src {
            if let pd::Source::HereDoc(h) = s {
                let (doc, term_end) = self.heredoc(h);
                heredocs.push(doc);
                end = end.max(term_end);
            }
        }
        end = end.max(if json { self.json_close(dest_r.end) } else { dest_r.end });
        Some((flags, Args::Copy { sources, dest, heredocs }, end))
    }
}

// -----------------------------------------------------------------------------------------------
// Fallback: the tolerant line parser

struct Lexed {
    escape: char,
    syntax: Option<String>,
    instructions: Vec<Instruction>,
    /// RUN here-documents parse-dockerfile cannot represent were found.
    unsupported: bool,
    /// Ranges to blank before validating with parse-dockerfile (when `unsupported`).
    masks: Vec<Range<usize>>,
    /// Problems only the line parser sees (unterminated here-documents of unsupported RUNs).
    problems: Vec<Problem>,
}

impl Lexed {
    fn into_dockerfile(self) -> Dockerfile {
        assemble(self.instructions, self.escape, self.syntax, true)
    }
}

struct Lexer<'a> {
    x: Text<'a>,
    loc: &'a Locator<'a>,
    unsupported: bool,
    masks: Vec<Range<usize>>,
    problems: Vec<Problem>,
}

/// Parser directives at the top of the file: (escape, syntax, offset after them).
fn directives(text: &str, start: usize) -> (u8, Option<String>, usize) {
    let x = Text::new(text, b'\\');
    let mut esc = b'\\';
    let mut syntax: Option<String> = None;
    let (mut seen_syntax, mut seen_escape, mut seen_check) = (false, false, false);
    let mut i = start;
    while x.at(i) == Some(b'#') {
        let j = x.skip_ws_nc(i + 1);
        let word_end = (j..x.len()).find(|k| x.at(*k).is_none_or(|b| !b.is_ascii_alphabetic())).unwrap_or(x.len());
        let name = x.str(j..word_end).to_ascii_lowercase();
        let k = x.skip_ws_nc(word_end);
        let known = matches!(name.as_str(), "syntax" | "escape" | "check");
        if !known || x.at(k) != Some(b'=') {
            i = x.line_end_nc(i + 1);
            break;
        }
        let seen = match name.as_str() {
            "syntax" => &mut seen_syntax,
            "escape" => &mut seen_escape,
            _ => &mut seen_check,
        };
        if *seen {
            // A directive given twice invalidates them all.
            esc = b'\\';
            syntax = None;
            i = x.line_end_nc(k);
            break;
        }
        *seen = true;
        let vs = x.skip_ws_nc(k + 1);
        let mut ve = vs;
        while x.at(ve).is_some_and(|b| !is_ws_or_line(b)) {
            ve += 1;
        }
        let value = x.str(vs..ve);
        match name.as_str() {
            "syntax" => syntax = Some(value.to_owned()),
            "escape" => match value {
                "`" => esc = b'`',
                "\\" => esc = b'\\',
                _ => {
                    i = x.line_end_nc(ve);
                    break;
                }
            },
            _ => {}
        }
        i = x.line_end_nc(ve);
    }
    (esc, syntax, i)
}

/// The tolerant line parser. Never fails; see the module documentation.
fn lex(text: &str, loc: &Locator<'_>) -> Lexed {
    let (esc, syntax, start) = directives(text, bom_len(text));
    let x = Text::new(text, esc);
    let mut lx = Lexer { x, loc, unsupported: false, masks: Vec::new(), problems: Vec::new() };
    let mut instructions = Vec::new();
    let mut pos = x.skip_comments_ws(start);
    while pos < x.len() {
        let (ins, _, after) = lx.instruction(pos, false);
        instructions.push(ins);
        let next = if after > pos { after } else { x.line_end_nc(pos) };
        if next <= pos {
            break;
        }
        pos = x.skip_comments_ws(next);
    }
    Lexed {
        escape: char::from(esc),
        syntax,
        instructions,
        unsupported: lx.unsupported,
        masks: lx.masks,
        problems: lx.problems,
    }
}

/// What an instruction's arguments parse to: args, raw end, offset after the instruction.
type Parsed = (Vec<Flag>, Args, usize, usize);

impl<'a> Lexer<'a> {
    fn spanned(&self, t: &Tok<'_>) -> Spanned<String> {
        self.loc.spanned(t.value.as_ref(), t.range.clone())
    }

    fn flags(&self, i: usize) -> (Vec<Flag>, usize, usize) {
        let (raw, next) = self.x.flags(i);
        let end = raw.last().map_or(0, |(r, _, _)| r.end);
        let flags = raw
            .into_iter()
            .map(|(r, name, value)| Flag {
                name: name.value.into_owned(),
                value: value.map(|v| v.value.into_owned()),
                span: self.loc.span(r),
            })
            .collect();
        (flags, end, next)
    }

    /// The rest of the line as raw text: (args, raw end, after).
    fn raw(&self, i: usize) -> (Args, usize, usize) {
        let (e, after) = self.x.consume_line(i, None);
        let end = self.x.trim_end(i, e).max(i);
        (Args::Raw(self.loc.spanned(self.x.str(i..end), i..end)), end, after)
    }

    /// JSON (exec) form, else shell form: (command, raw end, after).
    fn command(&self, i: usize) -> (Command, usize, usize) {
        if let Some((toks, end, line_end)) = self.x.json_array(i) {
            let after = self.x.newline(line_end).unwrap_or(line_end);
            return (Command::Exec(toks.iter().map(|t| self.spanned(t)).collect()), end, after);
        }
        let (e, after) = self.x.consume_line(i, None);
        let end = self.x.trim_end(i, e).max(i);
        (Command::Shell(self.loc.spanned(self.x.str(i..end), i..end)), end, after)
    }

    /// One instruction at `start`: (instruction, raw end, offset after it).
    fn instruction(&mut self, start: usize, nested: bool) -> (Instruction, usize, usize) {
        let x = self.x;
        let kw_tok = x.collect(start, is_ws_or_line);
        let keyword = Keyword::parse(&kw_tok.value);
        let (i, _) = x.skip_ws(kw_tok.range.end);
        // A continuation right after the keyword is not part of it.
        let kw = start..kw_tok.last;
        let keyword_span = self.loc.span(kw.clone());
        let (flags, args, end, after) = match &keyword {
            Keyword::From => self.from(i),
            Keyword::Run => self.run(i),
            Keyword::Cmd | Keyword::Entrypoint => {
                let (command, end, after) = self.command(i);
                let args = if keyword == Keyword::Cmd { Args::Cmd(command) } else { Args::Entrypoint(command) };
                (Vec::new(), args, end, after)
            }
            Keyword::Copy | Keyword::Add => self.copy(i),
            Keyword::Env | Keyword::Label | Keyword::Arg => {
                let kind = if keyword == Keyword::Arg { KvKind::Arg } else { KvKind::NameValue };
                let (kvs, end, after) = key_values(&x, self.loc, i, kind);
                let args = match keyword {
                    Keyword::Env => Args::Env(kvs),
                    Keyword::Label => Args::Label(kvs),
                    _ => Args::Arg(kvs),
                };
                (Vec::new(), args, end, after)
            }
            Keyword::User | Keyword::Workdir | Keyword::Stopsignal | Keyword::Maintainer => {
                let (v, end, after) = single_value(&x, self.loc, i);
                let args = match keyword {
                    Keyword::User => Args::User(v),
                    Keyword::Workdir => Args::Workdir(v),
                    Keyword::Stopsignal => Args::Stopsignal(v),
                    _ => Args::Maintainer(v),
                };
                (Vec::new(), args, end, after)
            }
            Keyword::Expose => {
                let (toks, after) = x.words(i);
                let end = toks.last().map_or(0, |t| t.range.end);
                (Vec::new(), Args::Expose(toks.iter().map(|t| self.spanned(t)).collect()), end, after)
            }
            Keyword::Volume => {
                let (toks, end, after) = match x.json_array(i) {
                    Some((toks, end, line_end)) => (toks, end, x.newline(line_end).unwrap_or(line_end)),
                    None => {
                        let (toks, after) = x.words(i);
                        let end = toks.last().map_or(0, |t| t.range.end);
                        (toks, end, after)
                    }
                };
                (Vec::new(), Args::Volume(toks.iter().map(|t| self.spanned(t)).collect()), end, after)
            }
            Keyword::Shell => match x.json_array(i) {
                Some((toks, end, line_end)) => {
                    let after = x.newline(line_end).unwrap_or(line_end);
                    (Vec::new(), Args::Shell(toks.iter().map(|t| self.spanned(t)).collect()), end, after)
                }
                None => {
                    let (args, end, after) = self.raw(i);
                    (Vec::new(), args, end, after)
                }
            },
            Keyword::Healthcheck => self.healthcheck(i),
            Keyword::Onbuild if !nested && x.at(i).is_some_and(|b| b != b'\n') => {
                let (inner, end, after) = self.instruction(i, true);
                (Vec::new(), Args::Onbuild(Box::new(inner)), end, after)
            }
            Keyword::Onbuild | Keyword::Unknown(_) => {
                let (args, end, after) = self.raw(i);
                (Vec::new(), args, end, after)
            }
        };
        let end = end.max(kw.end);
        (instruction(self.loc, keyword, keyword_span, flags, args, end), end, after)
    }

    fn from(&mut self, i: usize) -> Parsed {
        let x = self.x;
        let (flags, fend, i) = self.flags(i);
        let image = x.collect(i, is_ws_or_line);
        if image.range.is_empty() {
            let (args, end, after) = self.raw(i);
            return (flags, args, end.max(fend), after);
        }
        let mut end = image.range.end;
        let image_spanned = self.spanned(&image);
        let mut alias = None;
        let (j, has_space) = x.skip_ws(end);
        if has_space {
            let word = x.collect(j, is_ws_or_line);
            if word.value.eq_ignore_ascii_case("AS") {
                let (k, _) = x.skip_ws(word.range.end);
                let name = x.collect(k, is_ws_or_line);
                if !name.range.is_empty() {
                    end = name.range.end;
                    alias = Some(self.spanned(&name));
                }
            }
        }
        let (_, after) = x.consume_line(end, None);
        let platform = platform(&flags);
        (flags, Args::From { image: image_spanned, alias, platform }, end.max(fend), after)
    }

    fn run(&mut self, i: usize) -> Parsed {
        let x = self.x;
        let (flags, fend, i) = self.flags(i);
        if let Some((toks, end, line_end)) = x.json_array(i) {
            // Exec form never has here-documents.
            let after = x.newline(line_end).unwrap_or(line_end);
            let command = Command::Exec(toks.iter().map(|t| self.spanned(t)).collect());
            return (flags, Args::Run { command, heredocs: Vec::new() }, end.max(fend), after);
        }
        let mut segs = Segs::default();
        let (e, mut after) = x.consume_line(i, Some(&mut segs));
        let cmd_end = x.trim_end(i, e).max(i);
        let command = Command::Shell(self.loc.spanned(x.str(i..cmd_end), i..cmd_end));
        let mut end = cmd_end.max(fend);
        let has_marker = memchr::memmem::find(x.t.get(i..cmd_end).unwrap_or_default(), b"<<").is_some();
        let found = if has_marker { bk_heredocs(&x, &segs, cmd_end) } else { Vec::new() };
        // What parse-dockerfile would read: one here-document, only as the first word.
        let lib = if x.starts_with(i, b"<<") && x.len().saturating_sub(i) >= 5 {
            heredoc_delim(x.t.get(i + 2..).unwrap_or_default())
        } else {
            Ok(None)
        };
        let supported = match (&lib, found.as_slice()) {
            (Err(()), _) | (Ok(None), []) => true,
            (Ok(Some((d, strip))), [h]) => *d == h.delim && *strip == h.strip_tabs,
            _ => false,
        };
        if !supported {
            self.unsupported = true;
            if matches!(lib, Ok(Some(_))) {
                self.masks.push(i..i + 2);
            }
        }
        let mut heredocs = Vec::with_capacity(found.len());
        for h in &found {
            let doc = x.heredoc(after, &h.delim, h.strip_tabs);
            if !supported {
                self.masks.push(after..doc.after);
                if !doc.terminated {
                    let line = self.loc.pos(h.word_start).line;
                    let delim = String::from_utf8_lossy(&h.delim);
                    self.problems.push((
                        Some(line),
                        truncate_message(&format!(
                            "unterminated here-document: expected `{delim}` before the end of the file"
                        )),
                    ));
                }
            }
            heredocs.push(self.loc.spanned(doc.value.as_ref(), doc.body.clone()));
            end = end.max(doc.term_end);
            after = doc.after;
        }
        (flags, Args::Run { command, heredocs }, end, after)
    }

    fn copy(&mut self, i: usize) -> Parsed {
        let x = self.x;
        let (flags, fend, i) = self.flags(i);
        if let Some((toks, end, line_end)) = x.json_array(i) {
            let after = x.newline(line_end).unwrap_or(line_end);
            if let Some((dest, sources)) = toks.split_last().filter(|(_, s)| !s.is_empty()) {
                let sources = sources.iter().map(|t| self.spanned(t)).collect();
                let args = Args::Copy { sources, dest: self.spanned(dest), heredocs: Vec::new() };
                return (flags, args, end.max(fend), after);
            }
            let (args, end, after) = self.raw(i);
            return (flags, args, end.max(fend), after);
        }
        let (toks, mut after) = x.words(i);
        let Some((dest, srcs)) = toks.split_last().filter(|(_, s)| !s.is_empty()) else {
            let (args, end, after) = self.raw(i);
            return (flags, args, end.max(fend), after);
        };
        let mut end = dest.range.end.max(fend);
        let mut sources = Vec::with_capacity(srcs.len());
        let mut docs = Vec::new();
        for s in srcs {
            let delim = s.value.as_bytes().strip_prefix(b"<<").map(heredoc_delim);
            match delim {
                Some(Ok(Some((delim, strip)))) => {
                    let doc = x.heredoc(after, &delim, strip);
                    end = end.max(doc.term_end);
                    after = doc.after;
                    docs.push(doc);
                }
                _ => sources.push(self.spanned(s)),
            }
        }
        // Bodies are below the line: span them after the destination.
        let dest = self.spanned(dest);
        let heredocs = docs.iter().map(|d| self.loc.spanned(d.value.as_ref(), d.body.clone())).collect();
        (flags, Args::Copy { sources, dest, heredocs }, end, after)
    }

    fn healthcheck(&mut self, i: usize) -> Parsed {
        let x = self.x;
        let (flags, fend, i) = self.flags(i);
        let word = x.collect(i, is_ws_or_line);
        if word.value.eq_ignore_ascii_case("NONE") {
            let (_, after) = x.consume_line(word.range.end, None);
            let end = word.range.end.max(fend);
            return (flags, Args::Healthcheck { none: true, command: None }, end, after);
        }
        if word.value.eq_ignore_ascii_case("CMD") {
            let (j, _) = x.skip_ws(word.range.end);
            let (command, end, after) = self.command(j);
            return (flags, Args::Healthcheck { none: false, command: Some(command) }, end.max(fend), after);
        }
        let (args, end, after) = self.raw(i);
        (flags, args, end.max(fend), after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type R = Result<(), String>;

    fn p(line: u32, col: u32) -> Pos {
        Pos::new(line, col)
    }

    fn sp(l1: u32, c1: u32, l2: u32, c2: u32) -> Span {
        Span::new(p(l1, c1), p(l2, c2))
    }

    fn s(value: &str, span: Span) -> Spanned<String> {
        Spanned::new(value.to_owned(), span)
    }

    fn run(text: &str) -> (Dockerfile, Vec<Problem>) {
        parse(&SourceFile::from_text("Dockerfile", text))
    }

    /// The adapter's model, when parse-dockerfile accepts the text.
    fn adapter(text: &str) -> Option<Dockerfile> {
        let loc = Locator::new(text);
        let df = run_library(text).ok()?;
        adapt(text, &loc, &df)
    }

    fn fallback(text: &str) -> Lexed {
        lex(text, &Locator::new(text))
    }

    fn args(df: &Dockerfile, i: usize) -> Result<&Args, String> {
        df.instructions.get(i).map(|i| &i.args).ok_or_else(|| format!("no instruction {i}"))
    }

    /// Adapter and fallback agree on a file parse-dockerfile accepts (and can represent).
    fn assert_same(text: &str) -> R {
        let Some(a) = adapter(text) else { return Err(format!("rejected: {text:?}")) };
        let lx = fallback(text);
        if lx.unsupported {
            return Err(format!("unsupported: {text:?}"));
        }
        let mut b = lx.into_dockerfile();
        assert!(b.fallback && !a.fallback);
        b.fallback = false;
        if a != b {
            for (x, y) in a.instructions.iter().zip(&b.instructions) {
                if x != y {
                    return Err(format!("differs on {text:?}\nadapter:  {x:?}\nfallback: {y:?}"));
                }
            }
            return Err(format!("differs on {text:?}\nadapter:  {a:?}\nfallback: {b:?}"));
        }
        Ok(())
    }

    #[test]
    fn multi_stage_with_alias_and_copy_from() -> R {
        let text = "FROM golang:1.22 AS build\nWORKDIR /src\nRUN go build -o /app\n\nFROM gcr.io/distroless/static AS Runtime\nCOPY --from=build /app /app\nFROM runtime\n";
        let (df, problems) = run(text);
        assert_eq!(problems, vec![]);
        assert!(!df.fallback);
        assert_eq!(df.instructions.len(), 6);
        assert_eq!(df.stages.len(), 3);
        let st: Vec<_> = df
            .stages
            .iter()
            .map(|s| (s.index, s.base.value.as_str(), s.name.as_ref().map(|n| n.value.as_str()), s.from_instruction))
            .collect();
        assert_eq!(
            st,
            vec![
                (0, "golang:1.22", Some("build"), 0),
                (1, "gcr.io/distroless/static", Some("Runtime"), 3),
                (2, "runtime", None, 5),
            ]
        );
        let by_stage: Vec<_> = df.stages.iter().map(|s| s.instructions.clone()).collect();
        assert_eq!(by_stage, vec![vec![1, 2], vec![4], vec![]]);
        // Stage alias lookup is case-insensitive; `golang` is an image, not a stage.
        let bases: Vec<_> = df.stages.iter().map(|s| s.base_stage).collect();
        assert_eq!(bases, vec![None, None, Some(1)]);
        let stages: Vec<_> = df.instructions.iter().map(|i| i.stage).collect();
        assert_eq!(stages, vec![Some(0), Some(0), Some(0), Some(1), Some(1), Some(2)]);
        assert_eq!(df.stages.first().map(|s| s.name.as_ref().map(|n| n.span)), Some(Some(sp(1, 21, 1, 26))));

        let copy = df.instructions.get(4).ok_or("no COPY")?;
        assert_eq!(copy.keyword, Keyword::Copy);
        assert_eq!(copy.flag("FROM").map(|f| (f.value.as_deref(), f.span)), Some((Some("build"), sp(6, 6, 6, 18))));
        assert_eq!(
            copy.args,
            Args::Copy {
                sources: vec![s("/app", sp(6, 19, 6, 23))],
                dest: s("/app", sp(6, 24, 6, 28)),
                heredocs: vec![]
            }
        );
        assert_eq!(copy.span, sp(6, 1, 6, 28));
        assert_same(text)
    }

    #[test]
    fn continuation_lines_keep_exact_positions() -> R {
        let text = "FROM alpine\nRUN apk add \\\n    # a comment inside\n\n      curl \\\n  && rm -rf /var/cache\nENV A=1 \\\n    B=\"x y\"\n";
        let (df, problems) = run(text);
        assert_eq!(problems, vec![]);
        let run_ins = df.instructions.get(1).ok_or("no RUN")?;
        assert_eq!(run_ins.keyword_span, sp(2, 1, 2, 4));
        assert_eq!(run_ins.span, sp(2, 1, 6, 23));
        let Args::Run { command: Command::Shell(cmd), heredocs } = &run_ins.args else {
            return Err(format!("{:?}", run_ins.args));
        };
        assert_eq!(heredocs, &vec![]);
        assert_eq!(cmd.span, sp(2, 5, 6, 23));
        assert_eq!(cmd.value, "apk add \\\n    # a comment inside\n\n      curl \\\n  && rm -rf /var/cache");
        assert_eq!(
            args(&df, 2)?,
            &Args::Env(vec![
                KeyValue { key: s("A", sp(7, 5, 7, 6)), value: Some(s("1", sp(7, 7, 7, 8))) },
                KeyValue { key: s("B", sp(8, 5, 8, 6)), value: Some(s("x y", sp(8, 7, 8, 12))) },
            ])
        );
        // A token split by a continuation: value joined, span covers both lines.
        let text2 = "FROM alpine\nUSER ap\\\np\nEXPOSE 80\\\n80\n";
        let (df2, _) = run(text2);
        assert_eq!(args(&df2, 1)?, &Args::User(s("app", sp(2, 6, 3, 2))));
        assert_eq!(args(&df2, 2)?, &Args::Expose(vec![s("8080", sp(4, 8, 5, 3))]));
        assert_same(text)?;
        assert_same(text2)
    }

    #[test]
    fn heredoc_run_and_copy() -> R {
        let text = "FROM alpine\nRUN <<EOF\nset -e\necho hi\nEOF\nCOPY --chmod=644 <<-CONF /etc/app.conf\n\tkey=value\n\tCONF\nRUN <<'EOT' bash\necho $HOME\nEOT\nUSER app\n";
        let (df, problems) = run(text);
        assert_eq!(problems, vec![]);
        assert!(!df.fallback);
        assert_eq!(df.instructions.len(), 5);
        assert_eq!(
            args(&df, 1)?,
            &Args::Run {
                command: Command::Shell(s("<<EOF", sp(2, 5, 2, 10))),
                heredocs: vec![s("set -e\necho hi\n", sp(3, 1, 5, 1))],
            }
        );
        assert_eq!(df.instructions.get(1).map(|i| i.span), Some(sp(2, 1, 5, 4)));
        assert_eq!(
            args(&df, 2)?,
            &Args::Copy {
                sources: vec![],
                dest: s("/etc/app.conf", sp(6, 26, 6, 39)),
                heredocs: vec![s("key=value\n", sp(7, 1, 8, 2))],
            }
        );
        assert_eq!(df.instructions.get(2).map(|i| i.span), Some(sp(6, 1, 8, 6)));
        assert_eq!(
            args(&df, 3)?,
            &Args::Run {
                command: Command::Shell(s("<<'EOT' bash", sp(9, 5, 9, 17))),
                heredocs: vec![s("echo $HOME\n", sp(10, 1, 11, 1))],
            }
        );
        assert_eq!(args(&df, 4)?, &Args::User(s("app", sp(12, 6, 12, 9))));
        assert_same(text)?;
        // After flags, with `<<-` tab stripping, and inside ONBUILD.
        let text = "FROM a\nRUN --network=none <<-EOF\n\techo x\n\tEOF\nONBUILD RUN <<EOF\ny\nEOF\n";
        let (df, problems) = run(text);
        assert_eq!(problems, vec![]);
        assert_eq!(
            args(&df, 1)?,
            &Args::Run {
                command: Command::Shell(s("<<-EOF", sp(2, 20, 2, 26))),
                heredocs: vec![s("echo x\n", sp(3, 1, 4, 2))]
            }
        );
        assert_eq!(df.instructions.get(1).map(|i| i.span), Some(sp(2, 1, 4, 5)));
        assert_same(text)
    }

    #[test]
    fn heredocs_parse_dockerfile_cannot_represent() -> R {
        // Not the first word, and two in one RUN: valid for BuildKit.
        let text =
            "FROM alpine\nRUN cat <<EOF > /etc/motd\nwelcome\nEOF\nRUN <<A <<B\necho a\nA\necho b\nB\nCMD [\"sh\"]\n";
        // parse-dockerfile alone reads the bodies as instructions.
        assert!(run_library(text).is_err());
        let (df, problems) = run(text);
        assert_eq!(problems, vec![]);
        assert!(df.fallback);
        assert_eq!(df.instructions.len(), 4);
        assert_eq!(
            args(&df, 1)?,
            &Args::Run {
                command: Command::Shell(s("cat <<EOF > /etc/motd", sp(2, 5, 2, 26))),
                heredocs: vec![s("welcome\n", sp(3, 1, 4, 1))],
            }
        );
        assert_eq!(
            args(&df, 2)?,
            &Args::Run {
                command: Command::Shell(s("<<A <<B", sp(5, 5, 5, 12))),
                heredocs: vec![s("echo a\n", sp(6, 1, 7, 1)), s("echo b\n", sp(8, 1, 9, 1))],
            }
        );
        assert_eq!(args(&df, 3)?, &Args::Cmd(Command::Exec(vec![s("sh", sp(10, 7, 10, 9))])));
        // Errors elsewhere in such a file are still reported, at their line.
        let (df, problems) = run("FROM alpine\nRUN cat <<EOF > /x\nbody\nEOF\nBOGUS thing\n");
        assert_eq!(problems, vec![(Some(5), "unknown instruction 'BOGUS'".to_owned())]);
        assert_eq!(df.instructions.get(2).map(|i| i.keyword.clone()), Some(Keyword::Unknown("BOGUS".into())));
        // An unterminated one is a problem.
        let (df, problems) = run("FROM alpine\nRUN cat <<EOF > /x\nbody\n");
        assert_eq!(
            problems,
            vec![(Some(2), "unterminated here-document: expected `EOF` before the end of the file".to_owned())]
        );
        assert_eq!(
            args(&df, 1)?,
            &Args::Run {
                command: Command::Shell(s("cat <<EOF > /x", sp(2, 5, 2, 19))),
                heredocs: vec![s("body\n", sp(3, 1, 4, 1))],
            }
        );
        Ok(())
    }

    #[test]
    fn json_and_shell_forms() -> R {
        let text = "FROM alpine\nCMD [\"node\", \"server.js\"]\nCMD node server.js\nENTRYPOINT [\"/bin/tini\", \"--\"]\nENTRYPOINT exec \"$@\"\nCMD [\"a\" , 'b']\nRUN [\"echo\", \"a\\\"b\\u00e9\"]\nCMD []\n";
        let (df, problems) = run(text);
        assert_eq!(problems, vec![]);
        assert_eq!(
            args(&df, 1)?,
            &Args::Cmd(Command::Exec(vec![s("node", sp(2, 7, 2, 11)), s("server.js", sp(2, 15, 2, 24))]))
        );
        assert_eq!(args(&df, 2)?, &Args::Cmd(Command::Shell(s("node server.js", sp(3, 5, 3, 19)))));
        assert_eq!(
            args(&df, 3)?,
            &Args::Entrypoint(Command::Exec(vec![s("/bin/tini", sp(4, 14, 4, 23)), s("--", sp(4, 27, 4, 29))]))
        );
        assert_eq!(args(&df, 4)?, &Args::Entrypoint(Command::Shell(s("exec \"$@\"", sp(5, 12, 5, 21)))));
        // Not valid JSON (single quotes): shell form, as Docker does.
        assert_eq!(args(&df, 5)?, &Args::Cmd(Command::Shell(s("[\"a\" , 'b']", sp(6, 5, 6, 16)))));
        assert_eq!(
            args(&df, 6)?,
            &Args::Run {
                command: Command::Exec(vec![s("echo", sp(7, 7, 7, 11)), s("a\"bé", sp(7, 15, 7, 25))]),
                heredocs: vec![]
            }
        );
        assert_eq!(args(&df, 7)?, &Args::Cmd(Command::Exec(vec![])));
        assert_eq!(df.instructions.get(1).map(|i| i.span), Some(sp(2, 1, 2, 26)));
        assert_eq!(df.instructions.get(7).map(|i| i.span), Some(sp(8, 1, 8, 7)));
        assert_same(text)
    }

    #[test]
    fn escape_directive_backtick() -> R {
        let text = "# syntax=docker/dockerfile:1\n# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir `\n    C:\\ `\n  && echo done\nENV PATH=C:\\Tools\\bin\n";
        let (df, problems) = run(text);
        assert_eq!(problems, vec![]);
        assert_eq!(df.escape, '`');
        assert_eq!(df.syntax.as_deref(), Some("docker/dockerfile:1"));
        assert_eq!(df.instructions.len(), 3);
        assert_eq!(
            args(&df, 1)?,
            &Args::Run {
                command: Command::Shell(s("dir `\n    C:\\ `\n  && echo done", sp(4, 5, 6, 15))),
                heredocs: vec![]
            }
        );
        // Backslashes are ordinary characters with a backtick escape.
        assert_eq!(
            args(&df, 2)?,
            &Args::Env(vec![KeyValue {
                key: s("PATH", sp(7, 5, 7, 9)),
                value: Some(s("C:\\Tools\\bin", sp(7, 10, 7, 22)))
            }])
        );
        assert_same(text)?;
        // The fallback honours the directive too.
        let lx = fallback("# escape=`\nFROM x\nRUN a `\n b\nBOGUS\n");
        assert_eq!(lx.escape, '`');
        let df = lx.into_dockerfile();
        assert_eq!(df.instructions.len(), 3);
        assert_eq!(
            args(&df, 1)?,
            &Args::Run { command: Command::Shell(s("a `\n b", sp(3, 5, 4, 3))), heredocs: vec![] }
        );
        Ok(())
    }

    #[test]
    fn env_both_forms_with_quotes() -> R {
        let text = "FROM alpine\nENV A=1 B=\"two words\" C='it''s' D=a\\ b E=\"q\\\"uote\" F=\nENV LEGACY value with \"quoted part\" end\nENV X\nLABEL org.opencontainers.image.title=\"My app\" version=1.0\n";
        let (df, problems) = run(text);
        assert_eq!(problems, vec![]);
        let kv = |k: &str, ks: Span, v: &str, vs: Span| KeyValue { key: s(k, ks), value: Some(s(v, vs)) };
        assert_eq!(
            args(&df, 1)?,
            &Args::Env(vec![
                kv("A", sp(2, 5, 2, 6), "1", sp(2, 7, 2, 8)),
                kv("B", sp(2, 9, 2, 10), "two words", sp(2, 11, 2, 22)),
                kv("C", sp(2, 23, 2, 24), "its", sp(2, 25, 2, 32)),
                kv("D", sp(2, 33, 2, 34), "a b", sp(2, 35, 2, 39)),
                kv("E", sp(2, 40, 2, 41), "q\"uote", sp(2, 42, 2, 51)),
                kv("F", sp(2, 52, 2, 53), "", sp(2, 54, 2, 54)),
            ])
        );
        assert_eq!(
            args(&df, 2)?,
            &Args::Env(vec![kv("LEGACY", sp(3, 5, 3, 11), "value with quoted part end", sp(3, 12, 3, 40))])
        );
        assert_eq!(args(&df, 3)?, &Args::Env(vec![KeyValue { key: s("X", sp(4, 5, 4, 6)), value: None }]));
        assert_eq!(
            args(&df, 4)?,
            &Args::Label(vec![
                kv("org.opencontainers.image.title", sp(5, 7, 5, 37), "My app", sp(5, 38, 5, 46)),
                kv("version", sp(5, 47, 5, 54), "1.0", sp(5, 55, 5, 58)),
            ])
        );
        assert_same(text)
    }

    #[test]
    fn global_args_resolve_the_base_image() -> R {
        let text = "ARG REGISTRY=docker.io\nARG BASE=${REGISTRY}/library/node\nARG TAG=20-alpine\nARG UNSET\nFROM ${BASE}:${TAG} AS build\nARG TAG\nENV NODE_ENV=production\nFROM $BASE:${UNSET:-latest}\nFROM ${NOPE:-x}-${TAG:+set}-${TAG:-d}\n";
        let (df, problems) = run(text);
        assert_eq!(problems, vec![]);
        let globals: Vec<_> = df.global_args().map(|kv| kv.key.value.as_str()).collect();
        assert_eq!(globals, vec!["REGISTRY", "BASE", "TAG", "UNSET"]);
        let stages: Vec<_> = df.instructions.iter().map(|i| i.stage).collect();
        assert_eq!(stages, vec![None, None, None, None, Some(0), Some(0), Some(0), Some(1), Some(2)]);
        let resolved: Vec<_> = df.stages.iter().map(|s| s.base_resolved.as_str()).collect();
        // ARG without default and undeclared variables stay as written.
        assert_eq!(
            resolved,
            vec![
                "docker.io/library/node:20-alpine",
                "docker.io/library/node:${UNSET:-latest}",
                "${NOPE:-x}-set-20-alpine"
            ]
        );
        // Inside a stage: re-declared global ARG, ENV, unknowns untouched.
        assert_eq!(df.expand(Some(0), "$TAG/$NODE_ENV/$REGISTRY"), "20-alpine/production/$REGISTRY");
        assert_eq!(df.expand(Some(1), "$TAG/$NODE_ENV"), "$TAG/$NODE_ENV");
        assert_eq!(df.expand(None, "${TAG%-*} \\$TAG ${TAG"), "${TAG%-*} \\$TAG ${TAG");
        // Only what is defined before the instruction.
        assert_eq!(df.expand_at(5, "$TAG $NODE_ENV"), "$TAG $NODE_ENV");
        assert_eq!(df.expand_at(6, "$TAG $NODE_ENV"), "20-alpine $NODE_ENV");
        assert_same(text)
    }

    #[test]
    fn expansion_edge_cases() {
        let df = assemble(Vec::new(), '\\', None, false);
        assert_eq!(df.expand(None, "plain $ text ${} $1"), "plain $ text ${} $1");
        let deep = "${A:-".repeat(50_000);
        assert_eq!(df.expand(None, &deep), deep);
        let (df, _) = run("ARG E=\nARG V=v\nFROM x\n");
        assert_eq!(
            df.expand(None, "[${E:-d}][${E-d}][${E:+a}][${E+a}][${V:+${V}${V}}][${V:-${NOPE}}]"),
            "[d][][][a][vv][v]"
        );
    }

    #[test]
    fn expose_list_and_final_stage_ports() -> R {
        let text = "FROM alpine AS base\nEXPOSE 9090\nFROM base\nEXPOSE 80 443/tcp \\\n  ${PORT} 53/udp\n";
        let (df, problems) = run(text);
        assert_eq!(problems, vec![]);
        assert_eq!(
            args(&df, 3)?,
            &Args::Expose(vec![
                s("80", sp(4, 8, 4, 10)),
                s("443/tcp", sp(4, 11, 4, 18)),
                s("${PORT}", sp(5, 3, 5, 10)),
                s("53/udp", sp(5, 11, 5, 17)),
            ])
        );
        let ports: Vec<_> = df.exposed_ports().into_iter().map(|p| p.value).collect();
        assert_eq!(ports, vec!["9090", "80", "443/tcp", "${PORT}", "53/udp"]);
        assert_same(text)
    }

    #[test]
    fn healthcheck_none_and_cmd() -> R {
        let text = "FROM alpine\nHEALTHCHECK NONE\nHEALTHCHECK --interval=30s --timeout=3s \\\n  CMD curl -f http://localhost/ || exit 1\nHEALTHCHECK CMD [\"/bin/check\"]\n";
        let (df, problems) = run(text);
        assert_eq!(problems, vec![]);
        assert_eq!(args(&df, 1)?, &Args::Healthcheck { none: true, command: None });
        assert_eq!(df.instructions.get(1).map(|i| i.span), Some(sp(2, 1, 2, 17)));
        let hc = df.instructions.get(2).ok_or("no HEALTHCHECK")?;
        let flags: Vec<_> = hc.flags.iter().map(|f| (f.name.as_str(), f.value.as_deref(), f.span)).collect();
        assert_eq!(flags, vec![("interval", Some("30s"), sp(3, 13, 3, 27)), ("timeout", Some("3s"), sp(3, 28, 3, 40))]);
        assert_eq!(
            hc.args,
            Args::Healthcheck {
                none: false,
                command: Some(Command::Shell(s("curl -f http://localhost/ || exit 1", sp(4, 7, 4, 42))))
            }
        );
        assert_eq!(
            args(&df, 3)?,
            &Args::Healthcheck { none: false, command: Some(Command::Exec(vec![s("/bin/check", sp(5, 19, 5, 29))])) }
        );
        assert_same(text)
    }

    #[test]
    fn other_instructions() -> R {
        let text = "FROM --platform=linux/amd64 alpine\nMAINTAINER Jane <j@x.io>\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nVOLUME [\"/data\", \"/logs\"]\nVOLUME /cache\nSTOPSIGNAL SIGQUIT\nWORKDIR /srv/app  \nONBUILD COPY . /app\nADD --chown=1000 https://x/y.tgz /opt/\ncopy a b c/\nrun echo lower\n";
        let (df, problems) = run(text);
        assert_eq!(problems, vec![]);
        assert_eq!(
            args(&df, 0)?,
            &Args::From { image: s("alpine", sp(1, 29, 1, 35)), alias: None, platform: Some("linux/amd64".into()) }
        );
        assert_eq!(args(&df, 1)?, &Args::Maintainer(s("Jane <j@x.io>", sp(2, 12, 2, 25))));
        let shell: Vec<_> = match args(&df, 2)? {
            Args::Shell(v) => v.iter().map(|a| a.value.as_str()).collect(),
            other => return Err(format!("{other:?}")),
        };
        assert_eq!(shell, vec!["/bin/bash", "-o", "pipefail", "-c"]);
        assert_eq!(df.instructions.get(2).map(|i| i.span), Some(sp(3, 1, 3, 44)));
        assert_eq!(args(&df, 3)?, &Args::Volume(vec![s("/data", sp(4, 10, 4, 15)), s("/logs", sp(4, 19, 4, 24))]));
        assert_eq!(args(&df, 4)?, &Args::Volume(vec![s("/cache", sp(5, 8, 5, 14))]));
        assert_eq!(args(&df, 5)?, &Args::Stopsignal(s("SIGQUIT", sp(6, 12, 6, 19))));
        assert_eq!(args(&df, 6)?, &Args::Workdir(s("/srv/app", sp(7, 9, 7, 17))));
        let onbuild = df.instructions.get(7).ok_or("no ONBUILD")?;
        let Args::Onbuild(inner) = &onbuild.args else { return Err(format!("{:?}", onbuild.args)) };
        assert_eq!((inner.keyword.clone(), inner.span, inner.stage), (Keyword::Copy, sp(8, 9, 8, 20), Some(0)));
        assert_eq!(onbuild.span, sp(8, 1, 8, 20));
        let add = df.instructions.get(8).ok_or("no ADD")?;
        assert_eq!(
            (add.keyword.clone(), add.flag("chown").and_then(|f| f.value.clone())),
            (Keyword::Add, Some("1000".into()))
        );
        assert_eq!(
            args(&df, 9)?,
            &Args::Copy {
                sources: vec![s("a", sp(10, 6, 10, 7)), s("b", sp(10, 8, 10, 9))],
                dest: s("c/", sp(10, 10, 10, 12)),
                heredocs: vec![]
            }
        );
        assert_eq!(df.instructions.get(10).map(|i| i.keyword.clone()), Some(Keyword::Run));
        assert_same(text)
    }

    #[test]
    fn unknown_instruction_uses_fallback_with_problem_line() -> R {
        let text = "FROM alpine\nRUN echo ok\nFROBNICATE the widgets \\\n  now\nUSER app\n";
        let (df, problems) = run(text);
        assert_eq!(problems, vec![(Some(3), "unknown instruction 'FROBNICATE'".to_owned())]);
        assert!(df.fallback);
        assert_eq!(df.instructions.len(), 4);
        let unknown = df.instructions.get(2).ok_or("no unknown")?;
        assert_eq!(unknown.keyword, Keyword::Unknown("FROBNICATE".into()));
        assert_eq!(unknown.args, Args::Raw(s("the widgets \\\n  now", sp(3, 12, 4, 6))));
        assert_eq!(unknown.span, sp(3, 1, 4, 6));
        assert_eq!(args(&df, 3)?, &Args::User(s("app", sp(5, 6, 5, 9))));
        assert_eq!(df.stages.first().map(|s| s.instructions.clone()), Some(vec![1, 2, 3]));

        // Other rejections: malformed SHELL, instruction before FROM, missing arguments, duplicate names.
        let (df, problems) = run("SHELL bash -c\nFROM a AS x\nCOPY onlyone\nFROM b AS X\nFROM c AS x\n");
        assert_eq!(problems, vec![(Some(1), "expected JSON array".to_owned())]);
        assert_eq!(args(&df, 0)?, &Args::Raw(s("bash -c", sp(1, 7, 1, 14))));
        assert_eq!(df.instructions.first().map(|i| i.stage), Some(None));
        assert_eq!(args(&df, 2)?, &Args::Raw(s("onlyone", sp(3, 6, 3, 13))));
        assert_eq!(df.stages.len(), 3);
        let (_, problems) = run("FROM a AS x\nFROM b AS x\n");
        assert_eq!(problems, vec![(Some(2), "duplicate stage name 'x'".to_owned())]);
        // A huge unknown word does not make a huge message.
        let (_, problems) = run(&format!("FROM a\n{}\n", "X".repeat(100_000)));
        assert_eq!(problems.first().map(|(l, m)| (*l, m.chars().count())), Some((Some(2), MAX_MESSAGE_CHARS + 1)));
        Ok(())
    }

    #[test]
    fn empty_and_comment_only_files() {
        for text in ["", "\n\n", "# just a comment\n# another\n", "# escape=`\n\n# comment\n   \n"] {
            let (df, problems) = run(text);
            assert_eq!(problems, vec![(None, "expected at least one FROM instruction".to_owned())], "{text:?}");
            assert_eq!(df.instructions, vec![]);
            assert_eq!(df.stages, vec![]);
            assert!(df.fallback);
        }
        assert_eq!(run("# escape=`\n").0.escape, '`');
        assert_eq!(run("").0.escape, '\\');
        // ARG only: no stage.
        let (df, problems) = run("ARG A=1\n");
        assert_eq!(problems.len(), 1);
        assert_eq!(df.global_args().map(|kv| kv.key.value.clone()).collect::<Vec<_>>(), vec!["A"]);
        assert_eq!(df.exposed_ports(), vec![]);
    }

    #[test]
    fn multibyte_text_counts_columns_in_characters() -> R {
        let text = "\u{FEFF}FROM alpine\nLABEL desc=\"héllo wörld 😀\" k=v\nRUN echo ✓ \\\n  ✓✓\n";
        let (df, problems) = run(text);
        assert_eq!(problems, vec![]);
        assert_eq!(df.instructions.first().map(|i| i.keyword_span), Some(sp(1, 2, 1, 6)));
        assert_eq!(
            args(&df, 1)?,
            &Args::Label(vec![
                KeyValue { key: s("desc", sp(2, 7, 2, 11)), value: Some(s("héllo wörld 😀", sp(2, 12, 2, 27))) },
                KeyValue { key: s("k", sp(2, 28, 2, 29)), value: Some(s("v", sp(2, 30, 2, 31))) },
            ])
        );
        assert_eq!(df.instructions.get(2).map(|i| i.span), Some(sp(3, 1, 4, 5)));
        assert_same(text)
    }

    #[test]
    fn locator_matches_source_positions() {
        let text = "ab\nçé x\n\n😀😀 \\\nz";
        let src = SourceFile::from_text("a", text);
        let loc = Locator::new(text);
        let mut rng = Rng(7);
        for _ in 0..2000 {
            let a = rng.below(text.len() + 3);
            let b = rng.below(text.len() + 3);
            assert_eq!(loc.span(a..b), src.span(a..b), "{a}..{b}");
        }
        for off in 0..text.len() + 2 {
            assert_eq!(loc.pos(off), src.pos(off), "{off}");
        }
    }

    /// Small deterministic generator (xorshift) for the property loops.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items.get(self.below(items.len())).copied().unwrap_or("")
        }
    }

    /// Structural invariants every model satisfies, whatever the input.
    fn check_invariants(text: &str, df: &Dockerfile, problems: &[Problem]) {
        let lines = SourceFile::from_text("a", text).line_count() + 1;
        for ins in &df.instructions {
            assert!(ins.keyword_span.start <= ins.keyword_span.end, "{text:?}");
            assert!(ins.span.start == ins.keyword_span.start && ins.span.end >= ins.keyword_span.end, "{text:?}");
            assert!(ins.span.end.line <= lines && ins.span.start.line >= 1 && ins.span.start.col >= 1, "{text:?}");
            assert!(ins.stage.is_none_or(|s| s < df.stages.len()), "{text:?}");
        }
        for (k, st) in df.stages.iter().enumerate() {
            assert_eq!(st.index, k);
            assert!(st.base_stage.is_none_or(|b| b < k));
            assert_eq!(df.instructions.get(st.from_instruction).map(|i| &i.keyword), Some(&Keyword::From));
            assert!(st.instructions.iter().all(|i| df.instructions.get(*i).is_some_and(|x| x.stage == Some(k))));
        }
        assert!(problems.iter().all(|(l, m)| l.is_none_or(|l| l >= 1 && l <= lines) && !m.is_empty()));
        if !df.fallback {
            assert!(problems.is_empty());
        }
    }

    const VALID: &str = "# syntax=docker/dockerfile:1.7\nARG BASE=node:20\nFROM --platform=$BUILDPLATFORM ${BASE} AS build\nWORKDIR /src\nENV A=1 B=\"two words\" \\\n    C=x\\ y\nCOPY --link package*.json ./\nRUN --mount=type=cache,target=/root/.npm \\\n    npm ci && \\\n    # comment\n    npm run build\nRUN <<EOF\nset -e\necho é\nEOF\nCOPY <<-EOT /etc/x\n\tdata\n\tEOT\nFROM gcr.io/distroless/nodejs20\nCOPY --from=build [\"/src/dist\", \"/app\"]\nEXPOSE 8080 9090/udp\nHEALTHCHECK --interval=10s CMD [\"node\", \"h.js\"]\nUSER 65532:65532\nCMD [\"node\", \"/app/server.js\"]\n";

    #[test]
    fn truncations_of_a_valid_file_never_panic() {
        for (cut, _) in VALID.char_indices().chain(std::iter::once((VALID.len(), ' '))) {
            let text = VALID.get(..cut).unwrap_or("");
            let (df, problems) = parse_text(text);
            check_invariants(text, &df, &problems);
            if let Some(a) = adapter(text) {
                let lx = fallback(text);
                if !lx.unsupported {
                    let mut b = lx.into_dockerfile();
                    b.fallback = false;
                    assert_eq!(a, b, "{text:?}");
                }
            }
        }
        assert_eq!(run(VALID).1, vec![]);
    }

    /// Random files assembled from valid pieces (with random continuations, comments and case):
    /// whenever parse-dockerfile accepts one, the fallback must build the very same model.
    #[test]
    fn fallback_matches_adapter_on_random_valid_files() -> R {
        const PIECES: &[&str] = &[
            "RUN echo hello world",
            "RUN [\"echo\", \"a b\", \"\\u00e9\\n\"]",
            "RUN --mount=type=secret,id=x --network=none make",
            "CMD [\"a\"]",
            "CMD exec  app --flag",
            "ENTRYPOINT [\"/tini\", \"--\"]",
            "COPY a b /dst/",
            "COPY --from=build --chown=1:1 [\"a b\", \"c\"]",
            "ADD https://example.com/x.tgz /opt/",
            "ENV A=1 B=\"two words\" C='x y' D=a\\ b",
            "ENV LEGACY some value  here",
            "ARG X",
            "ARG Y=\"quoted default\" Z=1",
            "LABEL a=b \"c d\"=e",
            "EXPOSE 80 443/tcp ${P}",
            "VOLUME [\"/data\"]",
            "VOLUME /a /b",
            "USER app:app",
            "WORKDIR /srv/my app",
            "STOPSIGNAL SIGINT",
            "SHELL [\"/bin/sh\", \"-c\"]",
            "HEALTHCHECK NONE",
            "HEALTHCHECK --retries=3 CMD curl -f http://x/",
            "ONBUILD RUN echo on build",
            "MAINTAINER someone",
            "RUN <<EOF\necho in heredoc\nEOF",
            "RUN <<-\"EOT\" sh\n\techo tabbed\n\tEOT",
            "COPY <<A <<B /dst/\na\nA\nb\nB",
            "# a comment",
            "",
            "   ",
            "RUN a && \\\n    # inside\n\n    b",
            "FROM busybox AS stage2",
            "from alpine as lower",
            "USER ünïcode",
            "ENV Ü=ö",
        ];
        let mut rng = Rng(0x5eed);
        let mut accepted = 0;
        for round in 0..1500 {
            let mut text = String::new();
            if round % 5 == 0 {
                text.push_str("# escape=`\n");
            }
            if round % 3 == 0 {
                text.push_str("ARG BASE=alpine\n");
            }
            text.push_str("FROM ${BASE} AS first\n");
            for _ in 0..rng.below(8) + 1 {
                let mut piece = rng.pick(PIECES).to_owned();
                if rng.below(3) == 0 {
                    piece = piece.to_lowercase();
                }
                if rng.below(3) == 0 && !piece.contains('\n') {
                    // Split at a random blank with a continuation.
                    let esc = if text.starts_with("# escape=`") { "`" } else { "\\" };
                    let blanks: Vec<_> = piece.match_indices(' ').map(|(i, _)| i).collect();
                    if let Some(&at) = blanks.get(rng.below(blanks.len())) {
                        let cont = ["\n  ", "\n# c\n  ", "  \n\n "][rng.below(3)];
                        piece.insert_str(at, &format!(" {esc}{cont}"));
                    }
                }
                text.push_str(&piece);
                text.push_str(["\n", "\n\n", "  \n", "\n# between\n"][rng.below(4)]);
            }
            if rng.below(4) == 0 {
                text.pop();
            }
            if adapter(&text).is_some() && !fallback(&text).unsupported {
                accepted += 1;
                assert_same(&text)?;
            }
            let (df, problems) = parse_text(&text);
            check_invariants(&text, &df, &problems);
        }
        assert!(accepted > 1000, "only {accepted} accepted");
        Ok(())
    }

    #[test]
    fn random_soup_never_panics() {
        const ATOMS: &[&str] = &[
            "RUN",
            "FROM",
            "COPY",
            "ENV",
            "ARG",
            "ONBUILD",
            "HEALTHCHECK",
            "CMD",
            "SHELL",
            "EXPOSE",
            "AS",
            " ",
            " ",
            "\n",
            "\n",
            "\\",
            "`",
            "\"",
            "'",
            "[",
            "]",
            ",",
            "<<",
            "<<-",
            "EOF",
            "-",
            "--",
            "=",
            "#",
            "é",
            "😀",
            "\t",
            "\r",
            "$",
            "{",
            "}",
            "${A:-",
            "\\u",
            "x",
            "NONE",
            "# escape=`\n",
            "\u{FEFF}",
            "\0",
            "a=b",
            "USER",
            "LABEL",
            "VOLUME",
            "\"x\"",
            "[\"a\"]",
            " \\\n",
            "RUN <<EOF\nx\nEOF\n",
            "COPY <<A <<-B b\n1\nA\n\t2\n\tB\n",
            "--mount=x ",
            "--a=b\\\nc ",
            "[\"a\", \"b\"]\n",
            "\\\"",
            "\\n",
            "AS b\n",
            "ENV a=\"b c\" d\n",
            "RUN <<'E' x\nE\n",
            "\\u00e9",
            "\\ud83d\\ude00",
            "HEALTHCHECK CMD",
            "ONBUILD RUN ",
            "\n# c\n",
        ];
        let mut rng = Rng(42);
        let mut compared = 0;
        for round in 0..20_000 {
            let mut text = String::from(if round % 2 == 0 { "FROM a\n" } else { "" });
            for _ in 0..rng.below(30) {
                text.push_str(rng.pick(ATOMS));
            }
            let (df, problems) = parse_text(&text);
            check_invariants(&text, &df, &problems);
            // Whatever parse-dockerfile accepts, the fallback models identically.
            if let Some(a) = adapter(&text) {
                let lx = fallback(&text);
                if !lx.unsupported {
                    compared += 1;
                    let mut b = lx.into_dockerfile();
                    b.fallback = false;
                    assert_eq!(a, b, "{text:?}");
                }
            }
        }
        assert!(compared > 500, "only {compared} compared");
        // Arbitrary bytes, decoded as the loader does.
        for _ in 0..2000 {
            let bytes: Vec<u8> = (0..rng.below(200)).map(|_| (rng.next() & 0xFF) as u8).collect();
            let src = SourceFile::from_bytes("Dockerfile", &bytes);
            let (df, problems) = parse(&src);
            check_invariants(&src.text, &df, &problems);
        }
    }

    #[test]
    fn pathological_inputs_stay_fast() {
        let started = std::time::Instant::now();
        let long_line = format!("FROM a\nEXPOSE {}\n", "8080 ".repeat(1_000_000));
        let (df, _) = run(&long_line);
        assert_eq!(df.exposed_ports().len(), 1_000_000);
        let inputs = [
            format!("FROM a\nRUN {}", "é".repeat(2_500_000)),
            format!("FROM a\nENV {}\n", "k=v ".repeat(300_000)),
            "FROM a\nRUN x\n".repeat(50_000),
            "garbage line here\n".repeat(100_000),
            format!("FROM a\nRUN cat <<EOF\n{}", "line\n".repeat(100_000)),
            format!("FROM a\nCOPY {} /d\n", "<<E ".repeat(50_000)),
            format!("FROM a\nCMD {}", "[\"a\", ".repeat(200_000)),
            format!("FROM a\nRUN a{}", " \\\n".repeat(200_000)),
            format!("FROM a\n{}", "ONBUILD ".repeat(200_000)),
            "FROM a\nRUN x \\".to_owned(),
            format!("ARG A={}\nFROM $A\n", "${A:-".repeat(100_000)),
        ];
        for text in &inputs {
            let (df, problems) = run(text);
            check_invariants(text, &df, &problems);
        }
        // Generous even for an unoptimised test build; quadratic behaviour would take minutes.
        assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    }
}

#[cfg(test)]
mod bench {
    use super::*;

    /// Throughput on a realistic multi-stage Dockerfile; run with
    /// `cargo test --release --lib parse::dockerfile::bench -- --ignored --nocapture`.
    #[test]
    #[ignore = "benchmark"]
    fn throughput() {
        let text = "# syntax=docker/dockerfile:1.7\nARG NODE=20\nFROM node:${NODE}-alpine AS deps\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN --mount=type=cache,target=/root/.npm \\\n    npm ci --omit=dev \\\n && npm cache clean --force\n\nFROM node:${NODE}-alpine AS build\nWORKDIR /app\nCOPY --from=deps /app/node_modules ./node_modules\nCOPY . .\nENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1\nRUN npm run build\n\nFROM gcr.io/distroless/nodejs20-debian12\nLABEL org.opencontainers.image.source=\"https://github.com/acme/app\" maintainer=\"ops@acme.io\"\nWORKDIR /app\nCOPY --from=build --chown=65532:65532 /app/.next ./.next\nCOPY --from=deps /app/node_modules ./node_modules\nEXPOSE 3000\nUSER 65532\nHEALTHCHECK --interval=30s --timeout=3s CMD [\"/nodejs/bin/node\", \"healthcheck.js\"]\nCMD [\"server.js\"]\n";
        let rounds = 20_000;
        let measure = |f: &dyn Fn() -> usize| {
            let started = std::time::Instant::now();
            let n: usize = (0..rounds).map(|_| f()).sum();
            let secs = started.elapsed().as_secs_f64();
            ((text.len() * rounds) as f64 / secs / 1e6, n)
        };
        let (lib, _) = measure(&|| run_library(text).map_or(0, |d| d.instructions.len()));
        let (ours, n) = measure(&|| parse_text(text).0.instructions.len());
        let (fb, _) = measure(&|| lex(text, &Locator::new(text)).instructions.len());
        println!("parse-dockerfile alone {lib:.0} MB/s, parse {ours:.0} MB/s, fallback {fb:.0} MB/s ({n})");
        assert_eq!(n, 24 * rounds);
    }
}
