//! GitHub Actions expressions: finding `${{ … }}` templates in a string, and a lexer/parser for the
//! expression language (literals, contexts with property and index access, `*` filters, function
//! calls, `!`, comparisons, `&&`, `||`). Errors are values with the byte offset they occur at.

/// One `${{ … }}` template inside a string.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// Byte offset of `${{` in the string.
    pub start: usize,
    /// Byte offset just after `}}`.
    pub end: usize,
    /// The expression between the braces, as written.
    pub body: String,
    /// Byte offset of `body` in the string.
    pub body_start: usize,
}

/// A template that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateError {
    /// `${{` without a closing `}}`.
    Unterminated { at: usize },
    /// `${{` inside an expression (`${{ format('${{ x }}') }}` is fine: it is inside a string).
    Nested { at: usize },
}

/// Every template of `s`, in order, and the templates that could not be read. The scan knows
/// single-quoted strings, so `}}` or `${{` inside a string literal do not end or nest a template.
pub fn templates(s: &str) -> (Vec<Template>, Vec<TemplateError>) {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut i = 0;
    while let Some(rel) = s.get(i..).and_then(|t| t.find("${{")) {
        let start = i + rel;
        let body_start = start + 3;
        let mut j = body_start;
        let mut in_str = false;
        let mut end = None;
        let mut nested = false;
        while j < b.len() {
            let c = b.get(j).copied().unwrap_or(0);
            if in_str {
                if c == b'\'' {
                    if b.get(j + 1) == Some(&b'\'') {
                        j += 2;
                        continue;
                    }
                    in_str = false;
                }
                j += 1;
                continue;
            }
            if c == b'\'' {
                in_str = true;
            } else if c == b'}' && b.get(j + 1) == Some(&b'}') {
                end = Some(j);
                break;
            } else if c == b'$' && b.get(j + 1) == Some(&b'{') && b.get(j + 2) == Some(&b'{') && !nested {
                nested = true;
                errors.push(TemplateError::Nested { at: j });
            }
            j += 1;
        }
        match end {
            Some(e) => {
                if !nested {
                    out.push(Template {
                        start,
                        end: e + 2,
                        body: s.get(body_start..e).unwrap_or("").to_owned(),
                        body_start,
                    });
                }
                i = e + 2;
            }
            None => {
                if !nested {
                    errors.push(TemplateError::Unterminated { at: start });
                }
                break;
            }
        }
    }
    (out, errors)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

/// An expression. Context names and function names keep their spelling (the language is
/// case-insensitive; compare with `eq_ignore_ascii_case`).
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// A named value at the root: `github`, `secrets`, `matrix`…
    Context {
        name: String,
        offset: usize,
    },
    /// `base.name`
    Prop(Box<Expr>, String),
    /// `base[index]`
    Index(Box<Expr>, Box<Expr>),
    /// `base.*` or `base[*]`
    Star(Box<Expr>),
    Call {
        name: String,
        args: Vec<Expr>,
        offset: usize,
    },
    Not(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Dot,
    Comma,
    Not,
    Star,
    Op(BinOp),
    Str(String),
    Num(f64),
    Ident(String),
}

fn lex(s: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |offset: usize, message: String| Err(ParseError { offset, message });
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or(0);
        let next = b.get(i + 1).copied();
        let start = i;
        let simple = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => Some(Tok::LParen),
            b')' => Some(Tok::RParen),
            b'[' => Some(Tok::LBracket),
            b']' => Some(Tok::RBracket),
            b',' => Some(Tok::Comma),
            b'*' => Some(Tok::Star),
            b'.' if !next.is_some_and(|n| n.is_ascii_digit()) || prev_is_operand(&out) => Some(Tok::Dot),
            _ => None,
        };
        if let Some(t) = simple {
            out.push((t, start));
            i += 1;
            continue;
        }
        let two = |a: u8, bb: u8| c == a && next == Some(bb);
        if two(b'=', b'=') {
            out.push((Tok::Op(BinOp::Eq), start));
            i += 2;
        } else if two(b'!', b'=') {
            out.push((Tok::Op(BinOp::Ne), start));
            i += 2;
        } else if two(b'<', b'=') {
            out.push((Tok::Op(BinOp::Le), start));
            i += 2;
        } else if two(b'>', b'=') {
            out.push((Tok::Op(BinOp::Ge), start));
            i += 2;
        } else if two(b'&', b'&') {
            out.push((Tok::Op(BinOp::And), start));
            i += 2;
        } else if two(b'|', b'|') {
            out.push((Tok::Op(BinOp::Or), start));
            i += 2;
        } else if c == b'<' {
            out.push((Tok::Op(BinOp::Lt), start));
            i += 1;
        } else if c == b'>' {
            out.push((Tok::Op(BinOp::Gt), start));
            i += 1;
        } else if c == b'!' {
            out.push((Tok::Not, start));
            i += 1;
        } else if c == b'\'' {
            let mut j = i + 1;
            let mut v = String::new();
            loop {
                match b.get(j) {
                    None => return err(start, "unterminated string literal".to_owned()),
                    Some(b'\'') if b.get(j + 1) == Some(&b'\'') => {
                        v.push('\'');
                        j += 2;
                    }
                    Some(b'\'') => break,
                    Some(_) => {
                        let ch = s.get(j..).and_then(|t| t.chars().next()).unwrap_or('\u{fffd}');
                        v.push(ch);
                        j += ch.len_utf8();
                    }
                }
            }
            out.push((Tok::Str(v), start));
            i = j + 1;
        } else if c.is_ascii_digit()
            || (c == b'-' && next.is_some_and(|n| n.is_ascii_digit() || n == b'.'))
            || (c == b'.' && next.is_some_and(|n| n.is_ascii_digit()))
        {
            let mut j = i + 1;
            while let Some(&d) = b.get(j) {
                let exp_sign = (d == b'-' || d == b'+') && matches!(b.get(j - 1), Some(b'e' | b'E'));
                if d.is_ascii_alphanumeric() || d == b'.' || exp_sign {
                    j += 1;
                } else {
                    break;
                }
            }
            let text = s.get(i..j).unwrap_or("");
            let value = if let Some(h) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
                i64::from_str_radix(h, 16).ok().map(|n| n as f64)
            } else {
                text.parse::<f64>().ok()
            };
            match value {
                Some(v) => out.push((Tok::Num(v), start)),
                None => return err(start, format!("`{text}` is not a number")),
            }
            i = j;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let mut j = i + 1;
            while let Some(&d) = b.get(j) {
                if d.is_ascii_alphanumeric() || d == b'_' || d == b'-' {
                    j += 1;
                } else {
                    break;
                }
            }
            out.push((Tok::Ident(s.get(i..j).unwrap_or("").to_owned()), start));
            i = j;
        } else {
            let ch = s.get(i..).and_then(|t| t.chars().next()).unwrap_or('?');
            return err(start, format!("unexpected character `{ch}`"));
        }
    }
    Ok(out)
}

fn prev_is_operand(out: &[(Tok, usize)]) -> bool {
    matches!(out.last().map(|(t, _)| t), Some(Tok::Ident(_) | Tok::RParen | Tok::RBracket | Tok::Star))
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    len: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 64;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn offset(&self) -> usize {
        self.toks.get(self.pos).map_or(self.len, |(_, o)| *o)
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError { offset: self.offset(), message: message.into() })
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("expression nested too deeply");
        }
        let r = self.or();
        self.depth -= 1;
        r
    }

    fn binary(&mut self, ops: &[BinOp], next: fn(&mut Parser) -> Result<Expr, ParseError>) -> Result<Expr, ParseError> {
        let mut left = next(self)?;
        while let Some(Tok::Op(op)) = self.peek().cloned() {
            if !ops.contains(&op) {
                break;
            }
            self.pos += 1;
            let right = next(self)?;
            left = Expr::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        self.binary(&[BinOp::Or], Parser::and)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        self.binary(&[BinOp::And], Parser::equality)
    }

    fn equality(&mut self) -> Result<Expr, ParseError> {
        self.binary(&[BinOp::Eq, BinOp::Ne], Parser::comparison)
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        self.binary(&[BinOp::Lt, BinOp::Le, BinOp::Gt, BinOp::Ge], Parser::unary)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.eat(&Tok::Not) {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return self.err("expression nested too deeply");
            }
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.primary()?;
        loop {
            if self.eat(&Tok::Dot) {
                match self.peek().cloned() {
                    Some(Tok::Ident(name)) => {
                        self.pos += 1;
                        e = Expr::Prop(Box::new(e), name);
                    }
                    Some(Tok::Num(n)) if n >= 0.0 && n.fract() == 0.0 => {
                        // `steps.1abc` lexes oddly; a bare number after a dot is a property name.
                        self.pos += 1;
                        e = Expr::Prop(Box::new(e), format!("{n}"));
                    }
                    Some(Tok::Star) => {
                        self.pos += 1;
                        e = Expr::Star(Box::new(e));
                    }
                    _ => return self.err("expected a property name after `.`"),
                }
            } else if self.eat(&Tok::LBracket) {
                if self.eat(&Tok::Star) {
                    e = Expr::Star(Box::new(e));
                } else {
                    let idx = self.expr()?;
                    e = Expr::Index(Box::new(e), Box::new(idx));
                }
                if !self.eat(&Tok::RBracket) {
                    return self.err("expected `]`");
                }
            } else {
                return Ok(e);
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let offset = self.offset();
        let Some(t) = self.peek().cloned() else { return self.err("unexpected end of expression") };
        self.pos += 1;
        match t {
            Tok::LParen => {
                let e = self.expr()?;
                if !self.eat(&Tok::RParen) {
                    return self.err("expected `)`");
                }
                Ok(e)
            }
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Ident(name) => {
                if self.eat(&Tok::LParen) {
                    let mut args = Vec::new();
                    if !self.eat(&Tok::RParen) {
                        loop {
                            args.push(self.expr()?);
                            if self.eat(&Tok::Comma) {
                                continue;
                            }
                            if self.eat(&Tok::RParen) {
                                break;
                            }
                            return self.err("expected `,` or `)` in the argument list");
                        }
                    }
                    return Ok(Expr::Call { name, args, offset });
                }
                Ok(match name.as_str() {
                    "true" => Expr::Bool(true),
                    "false" => Expr::Bool(false),
                    "null" => Expr::Null,
                    "NaN" => Expr::Num(f64::NAN),
                    "Infinity" => Expr::Num(f64::INFINITY),
                    _ => Expr::Context { name, offset },
                })
            }
            Tok::RParen | Tok::RBracket | Tok::Comma | Tok::Dot | Tok::Star | Tok::Op(_) | Tok::Not | Tok::LBracket => {
                self.pos -= 1;
                self.err("expected a value")
            }
        }
    }
}

/// Parse one expression (the text between `${{` and `}}`, or a bare `if:` condition).
pub fn parse(s: &str) -> Result<Expr, ParseError> {
    let toks = lex(s)?;
    if toks.is_empty() {
        return Err(ParseError { offset: 0, message: "empty expression".to_owned() });
    }
    let mut p = Parser { toks, pos: 0, len: s.len(), depth: 0 };
    let e = p.expr()?;
    if p.pos < p.toks.len() {
        return p.err("unexpected text after the expression");
    }
    Ok(e)
}

/// The contexts the language knows.
pub const CONTEXTS: &[&str] =
    &["github", "env", "vars", "job", "jobs", "steps", "runner", "secrets", "strategy", "matrix", "needs", "inputs"];

/// Built-in functions with their arity (min, max; `usize::MAX` = variadic).
pub const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("contains", 2, 2),
    ("startsWith", 2, 2),
    ("endsWith", 2, 2),
    ("format", 1, usize::MAX),
    ("join", 1, 2),
    ("toJSON", 1, 1),
    ("fromJSON", 1, 1),
    ("hashFiles", 1, usize::MAX),
    ("success", 0, 0),
    ("always", 0, 0),
    ("cancelled", 0, 0),
    ("failure", 0, 0),
    ("case", 3, usize::MAX),
];

/// Visit every node, parents before children.
pub fn walk<'e>(e: &'e Expr, f: &mut dyn FnMut(&'e Expr)) {
    f(e);
    match e {
        Expr::Prop(b, _) | Expr::Star(b) | Expr::Not(b) => walk(b, f),
        Expr::Index(b, i) => {
            walk(b, f);
            walk(i, f);
        }
        Expr::Call { args, .. } => {
            for a in args {
                walk(a, f);
            }
        }
        Expr::Bin(_, l, r) => {
            walk(l, f);
            walk(r, f);
        }
        Expr::Null | Expr::Bool(_) | Expr::Num(_) | Expr::Str(_) | Expr::Context { .. } => {}
    }
}

/// A context access with its property path: `needs.build.outputs.tag` → `needs`, `[build,
/// outputs, tag]`. Index access with a string literal counts as a property; any other index or
/// filter ends the path with `*`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    pub context: String,
    pub path: Vec<String>,
    pub offset: usize,
}

/// Every maximal context access of the expression.
pub fn accesses(e: &Expr) -> Vec<Access> {
    let mut out = Vec::new();
    collect(e, &mut out);
    out
}

/// The access `e` is, when it is one (`a.b['c'].d`).
fn as_access(e: &Expr) -> Option<Access> {
    match e {
        Expr::Context { name, offset } => Some(Access { context: name.clone(), path: Vec::new(), offset: *offset }),
        Expr::Prop(b, name) => as_access(b).map(|mut a| {
            a.path.push(name.clone());
            a
        }),
        Expr::Index(b, i) => as_access(b).map(|mut a| {
            match i.as_ref() {
                Expr::Str(s) => a.path.push(s.clone()),
                _ => a.path.push("*".to_owned()),
            }
            a
        }),
        Expr::Star(b) => as_access(b).map(|mut a| {
            a.path.push("*".to_owned());
            a
        }),
        _ => None,
    }
}

fn collect(e: &Expr, out: &mut Vec<Access>) {
    if let Some(a) = as_access(e) {
        out.push(a);
        // Index expressions may hold accesses of their own (`matrix[github.job]`).
        let mut cur = e;
        loop {
            match cur {
                Expr::Prop(b, _) | Expr::Star(b) => cur = b,
                Expr::Index(b, i) => {
                    if !matches!(i.as_ref(), Expr::Str(_)) {
                        collect(i, out);
                    }
                    cur = b;
                }
                _ => break,
            }
        }
        return;
    }
    match e {
        Expr::Prop(b, _) | Expr::Star(b) | Expr::Not(b) => collect(b, out),
        Expr::Index(b, i) => {
            collect(b, out);
            collect(i, out);
        }
        Expr::Call { args, .. } => {
            for a in args {
                collect(a, out);
            }
        }
        Expr::Bin(_, l, r) => {
            collect(l, out);
            collect(r, out);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_templates() {
        let (t, e) = templates("echo ${{ github.sha }} and ${{ format('{0}}}', 'x') }}");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(t.len(), 2);
        assert_eq!(t.first().map(|t| t.body.trim()), Some("github.sha"));
        assert_eq!(t.get(1).map(|t| t.body.trim()), Some("format('{0}}}', 'x')"));
        let (_, e) = templates("echo ${{ github.sha");
        assert_eq!(e, vec![TemplateError::Unterminated { at: 5 }]);
        let (t, e) = templates("${{ ${{ github.sha }} }}");
        assert!(t.is_empty());
        assert_eq!(e, vec![TemplateError::Nested { at: 4 }]);
        let (t, e) = templates("x: ${{ '${{ not nested }}' }}");
        assert!(e.is_empty());
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn parses_the_language() {
        for ok in [
            "github.event_name == 'push' && startsWith(github.ref, 'refs/tags/')",
            "needs.build.outputs.image-tag",
            "matrix['node-version']",
            "github.event.commits.*.message",
            "!cancelled() && (success() || failure())",
            "fromJSON(needs.plan.outputs.matrix)[0]",
            "steps.x.outputs.count > 0.5 || -1 < 1e3",
            "format('{0}-{1}', runner.os, hashFiles('**/package-lock.json'))",
            "github.event.pull_request.labels.*.name",
            "0xff == 255",
        ] {
            assert!(parse(ok).is_ok(), "{ok}: {:?}", parse(ok));
        }
        for bad in ["github.", "contains(a, b", "a ==", "'unterminated", "a b", "github.event[0", "= 1", ""] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn collects_accesses() {
        let e = parse("needs.build.outputs['tag'] == matrix[github.job] && secrets.TOKEN != ''").unwrap_or(Expr::Null);
        let a: Vec<String> = accesses(&e).iter().map(|a| format!("{}.{}", a.context, a.path.join("."))).collect();
        assert_eq!(a, vec!["needs.build.outputs.tag", "matrix.*", "github.job", "secrets.TOKEN"]);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let s = format!("{}1{}", "(".repeat(500), ")".repeat(500));
        assert!(parse(&s).is_err());
        let s = "!".repeat(500) + "true";
        assert!(parse(&s).is_err());
    }
}
