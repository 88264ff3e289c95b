//! Dockerfile model: instructions with spans, stages, ARG/ENV pairs, and variable expansion.

use std::collections::HashMap;

use crate::source::{Span, Spanned};

/// Instruction keyword (upper-cased). Unknown keywords are kept so rules and diagnostics can
/// point at them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    Unknown(String),
}

impl Keyword {
    pub fn parse(word: &str) -> Keyword {
        // Compared without allocating: this runs once per instruction.
        const KNOWN: [Keyword; 18] = [
            Keyword::Add,
            Keyword::Arg,
            Keyword::Cmd,
            Keyword::Copy,
            Keyword::Entrypoint,
            Keyword::Env,
            Keyword::Expose,
            Keyword::From,
            Keyword::Healthcheck,
            Keyword::Label,
            Keyword::Maintainer,
            Keyword::Onbuild,
            Keyword::Run,
            Keyword::Shell,
            Keyword::Stopsignal,
            Keyword::User,
            Keyword::Volume,
            Keyword::Workdir,
        ];
        KNOWN
            .iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(word))
            .cloned()
            .unwrap_or_else(|| Keyword::Unknown(word.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Unknown(s) => s,
        }
    }
}

/// `--name=value` flag of an instruction (`--from=build`, `--chown=app`, `--mount=…`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub span: Span,
}

/// CMD / ENTRYPOINT / RUN / HEALTHCHECK command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// JSON array form: each argument with its span.
    Exec(Vec<Spanned<String>>),
    /// Shell form: the command text (continuations joined as written, escapes kept) and its span.
    Shell(Spanned<String>),
}

impl Command {
    /// The command as one line of text (exec form joined with spaces).
    pub fn text(&self) -> String {
        match self {
            Command::Exec(args) => args.iter().map(|a| a.value.as_str()).collect::<Vec<_>>().join(" "),
            Command::Shell(s) => s.value.clone(),
        }
    }

    pub fn span(&self) -> Span {
        match self {
            Command::Exec(args) => match (args.first(), args.last()) {
                (Some(a), Some(b)) => a.span.join(b.span),
                _ => Span::default(),
            },
            Command::Shell(s) => s.span,
        }
    }

    pub fn is_exec(&self) -> bool {
        matches!(self, Command::Exec(_))
    }
}

/// `KEY=value` pair of ENV / ARG / LABEL (ARG may have no value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Spanned<String>,
    pub value: Option<Spanned<String>>,
}

/// Arguments of an instruction, by keyword.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Args {
    From {
        image: Spanned<String>,
        alias: Option<Spanned<String>>,
        platform: Option<String>,
    },
    Run {
        command: Command,
        /// Here-document bodies attached to the instruction.
        heredocs: Vec<Spanned<String>>,
    },
    Cmd(Command),
    Entrypoint(Command),
    Healthcheck {
        /// `HEALTHCHECK NONE`
        none: bool,
        command: Option<Command>,
    },
    /// COPY and ADD.
    Copy {
        sources: Vec<Spanned<String>>,
        dest: Spanned<String>,
        /// Inline here-document sources (their `<<EOF` words are not in `sources`).
        heredocs: Vec<Spanned<String>>,
    },
    Env(Vec<KeyValue>),
    Arg(Vec<KeyValue>),
    Label(Vec<KeyValue>),
    Expose(Vec<Spanned<String>>),
    User(Spanned<String>),
    Workdir(Spanned<String>),
    Volume(Vec<Spanned<String>>),
    Shell(Vec<Spanned<String>>),
    Stopsignal(Spanned<String>),
    Maintainer(Spanned<String>),
    Onbuild(Box<Instruction>),
    /// Unknown instruction or arguments the parser could not structure: the raw text.
    Raw(Spanned<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    pub keyword: Keyword,
    /// The keyword as written.
    pub keyword_span: Span,
    /// The whole instruction including continuation lines and here-documents.
    pub span: Span,
    pub flags: Vec<Flag>,
    pub args: Args,
    /// Index of the stage this instruction belongs to (`None` for global ARGs before the first FROM).
    pub stage: Option<usize>,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

/// A build stage: its FROM and the range of instructions it owns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// Image or stage name as written after FROM.
    pub base: Spanned<String>,
    /// `AS name`
    pub name: Option<Spanned<String>>,
    /// Index in `Dockerfile::instructions` of this stage's FROM.
    pub from_instruction: usize,
    /// Indices of this stage's instructions (FROM excluded), in order.
    pub instructions: Vec<usize>,
    /// Index of the earlier stage this one builds on, when FROM names a stage alias
    /// (case-insensitive, after global ARG substitution).
    pub base_stage: Option<usize>,
    /// The FROM image with global ARG defaults substituted (unknown variables kept as written).
    pub base_resolved: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dockerfile {
    pub escape: char,
    /// `# syntax=` directive.
    pub syntax: Option<String>,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    /// True when the structured parser rejected the file and the tolerant line parser was used.
    pub fallback: bool,
}

impl Dockerfile {
    /// ARG instructions before the first FROM.
    pub fn global_args(&self) -> impl Iterator<Item = &KeyValue> {
        self.instructions.iter().filter(|i| i.stage.is_none()).flat_map(|i| match &i.args {
            Args::Arg(kvs) => kvs.as_slice(),
            _ => &[],
        })
    }

    /// The last stage (the image that is built by default).
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// Instructions of a stage, in order.
    pub fn stage_instructions<'a>(&'a self, stage: &'a Stage) -> impl Iterator<Item = &'a Instruction> + 'a {
        stage.instructions.iter().filter_map(|i| self.instructions.get(*i))
    }

    pub fn stage_by_name(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(name)))
    }

    /// The FROM instruction of a stage.
    pub fn from_of(&self, stage: &Stage) -> Option<&Instruction> {
        self.instructions.get(stage.from_instruction)
    }
}

/// Variables in scope at one point of a Dockerfile: ENV wins over ARG of the same name.
#[derive(Debug, Default)]
struct Scope {
    env: HashMap<String, String>,
    args: HashMap<String, String>,
}

impl Scope {
    fn get(&self, name: &str) -> Option<&str> {
        self.env.get(name).or_else(|| self.args.get(name)).map(String::as_str)
    }
}

/// Nesting depth of `${A:-${B:-…}}` beyond which words are kept as written.
const MAX_EXPANSION_DEPTH: u32 = 8;

impl Dockerfile {
    /// Substitute `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}` and
    /// `${VAR+alt}` in `text`.
    ///
    /// `stage == None` uses the global ARGs (those before the first FROM: what FROM lines see).
    /// For a stage, the variables are the ones the whole stage defines: ENVs inherited from the
    /// stage it is built on, global ARGs re-declared in it (`ARG NAME`), its own ARG defaults and
    /// ENVs. A variable without a known value (undeclared, or an ARG without default that only a
    /// `--build-arg` could set) stays as written, operator and all. Escaped dollars (`\$`) are kept.
    pub fn expand(&self, stage: Option<usize>, text: &str) -> String {
        let scope = match stage {
            None => Scope { env: HashMap::new(), args: self.global_scope() },
            Some(k) => self.stage_scope(k, None),
        };
        expand_word(text, &|n| scope.get(n), self.escape_byte(), 0)
    }

    /// Like [`Dockerfile::expand`] for the stage of instruction `index`, with only the variables
    /// defined before that instruction.
    pub fn expand_at(&self, index: usize, text: &str) -> String {
        let stage = self.instructions.get(index).and_then(|i| i.stage);
        let scope = match stage {
            None => {
                let mut args = HashMap::new();
                for ins in self.instructions.iter().take(index).filter(|i| i.stage.is_none()) {
                    declare_args(&mut args, ins, &HashMap::new(), self.escape_byte());
                }
                Scope { env: HashMap::new(), args }
            }
            Some(k) => self.stage_scope(k, Some(index)),
        };
        expand_word(text, &|n| scope.get(n), self.escape_byte(), 0)
    }

    /// Ports exposed by the final stage: its EXPOSE tokens, after those of the stages it is built
    /// on (an image inherits the exposed ports of its base).
    pub fn exposed_ports(&self) -> Vec<Spanned<String>> {
        let Some(last) = self.stages.len().checked_sub(1) else { return Vec::new() };
        let mut out = Vec::new();
        for k in self.stage_chain(last) {
            let Some(stage) = self.stages.get(k) else { continue };
            for ins in self.stage_instructions(stage) {
                if let Args::Expose(ports) = &ins.args {
                    out.extend(ports.iter().cloned());
                }
            }
        }
        out
    }

    /// Global ARG defaults (ARGs before the first FROM), each default expanded with the ones
    /// before it. ARGs without default are left out: their value is unknown.
    pub(crate) fn global_scope(&self) -> HashMap<String, String> {
        let mut args = HashMap::new();
        for ins in self.instructions.iter().filter(|i| i.stage.is_none()) {
            declare_args(&mut args, ins, &HashMap::new(), self.escape_byte());
        }
        args
    }

    /// Fill `Stage::base_resolved` (FROM image with global ARG defaults substituted) and
    /// `Stage::base_stage` (an earlier stage named by the FROM, case-insensitive).
    pub(crate) fn link_stages(&mut self) {
        let globals =
            if self.stages.iter().any(|s| s.base.value.contains('$')) { self.global_scope() } else { HashMap::new() };
        let esc = self.escape_byte();
        // Few stages: compare names directly; many: index them (keeps this linear).
        let mut index: Option<HashMap<String, usize>> = (self.stages.len() > 16).then(HashMap::new);
        for k in 0..self.stages.len() {
            let (earlier, rest) = self.stages.split_at_mut(k);
            let Some(stage) = rest.first_mut() else { break };
            let resolved = expand_word(&stage.base.value, &|n| globals.get(n).map(String::as_str), esc, 0);
            let find = |name: &str| match &index {
                Some(map) => map.get(&name.to_ascii_lowercase()).copied(),
                None => {
                    earlier.iter().position(|s| s.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(name)))
                }
            };
            stage.base_stage = find(&stage.base.value).or_else(|| find(&resolved));
            stage.base_resolved = resolved;
            if let (Some(map), Some(n)) = (&mut index, &stage.name) {
                map.entry(n.value.to_ascii_lowercase()).or_insert(k);
            }
        }
    }

    fn escape_byte(&self) -> u8 {
        if self.escape == '`' {
            b'`'
        } else {
            b'\\'
        }
    }

    /// `k` and the stages it is built on, oldest first.
    fn stage_chain(&self, k: usize) -> Vec<usize> {
        let mut chain = vec![k];
        let mut cur = k;
        // base_stage always points to an earlier stage, so this terminates.
        while let Some(b) = self.stages.get(cur).and_then(|s| s.base_stage).filter(|b| *b < cur) {
            chain.push(b);
            cur = b;
        }
        chain.reverse();
        chain
    }

    /// Variables of stage `k`; with `before`, only instructions with a smaller index count.
    fn stage_scope(&self, k: usize, before: Option<usize>) -> Scope {
        let globals = self.global_scope();
        let esc = self.escape_byte();
        let mut scope = Scope::default();
        for s in self.stage_chain(k) {
            let Some(stage) = self.stages.get(s) else { continue };
            // ARGs do not cross stage boundaries; ENVs are inherited through the image.
            scope.args.clear();
            for &i in &stage.instructions {
                if s == k && before.is_some_and(|b| i >= b) {
                    break;
                }
                let Some(ins) = self.instructions.get(i) else { continue };
                match &ins.args {
                    Args::Arg(_) => {
                        let mut args = std::mem::take(&mut scope.args);
                        declare_args_in(&mut args, ins, &globals, &scope.env, esc);
                        scope.args = args;
                    }
                    Args::Env(kvs) => {
                        for kv in kvs {
                            let value = kv.value.as_ref().map_or("", |v| v.value.as_str());
                            let value = expand_word(value, &|n| scope.get(n), esc, 0);
                            scope.env.insert(kv.key.value.clone(), value);
                        }
                    }
                    _ => {}
                }
            }
        }
        scope
    }
}

/// Record the ARGs of `ins` (global scope: defaults only).
fn declare_args(args: &mut HashMap<String, String>, ins: &Instruction, globals: &HashMap<String, String>, esc: u8) {
    declare_args_in(args, ins, globals, &HashMap::new(), esc);
}

/// Record the ARGs of `ins`: `ARG NAME=default` takes its (expanded) default, a bare `ARG NAME`
/// takes the global value of that name if there is one.
fn declare_args_in(
    args: &mut HashMap<String, String>,
    ins: &Instruction,
    globals: &HashMap<String, String>,
    env: &HashMap<String, String>,
    esc: u8,
) {
    let Args::Arg(kvs) = &ins.args else { return };
    for kv in kvs {
        let name = kv.key.value.clone();
        match &kv.value {
            Some(v) => {
                let lookup = |n: &str| env.get(n).or_else(|| args.get(n)).map(String::as_str);
                let value = expand_word(&v.value, &lookup, esc, 0);
                args.insert(name, value);
            }
            None => match globals.get(&name) {
                Some(g) => {
                    args.insert(name, g.clone());
                }
                None => {
                    args.remove(&name);
                }
            },
        }
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// End (exclusive) of the `${…}` whose body starts at `from`, counting nested `${`.
fn matching_brace(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Shell-style parameter substitution of one word (see [`Dockerfile::expand`]).
fn expand_word<'v, F: Fn(&str) -> Option<&'v str>>(text: &str, lookup: &F, esc: u8, depth: u32) -> String {
    if depth > MAX_EXPANSION_DEPTH || !text.contains('$') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut i = 0;
    while let Some(rel) = memchr::memchr2(b'$', esc, bytes.get(i..).unwrap_or_default()) {
        let p = i + rel;
        if bytes.get(p) == Some(&esc) {
            // An escaped character (`\$`) is literal: keep both as written.
            i = p + 1 + usize::from(bytes.get(p + 1).is_some_and(|b| b.is_ascii()));
            continue;
        }
        match bytes.get(p + 1) {
            Some(b'{') => {
                let name_start = p + 2;
                let mut q = name_start;
                while bytes.get(q).is_some_and(|b| is_name_byte(*b)) {
                    q += 1;
                }
                let name = text.get(name_start..q).unwrap_or("");
                if name.is_empty() {
                    i = p + 1;
                    continue;
                }
                let Some(close) = matching_brace(bytes, q) else {
                    // Unterminated `${`: the rest stays as written.
                    break;
                };
                let op = text.get(q..close).unwrap_or("");
                let value = lookup(name);
                let replacement = match (value, op.as_bytes().first(), op.as_bytes().get(1)) {
                    (None, _, _) => None,
                    (Some(v), None, _) => Some(v.to_owned()),
                    (Some(v), Some(b':'), Some(b'-')) => Some(if v.is_empty() {
                        expand_word(op.get(2..).unwrap_or(""), lookup, esc, depth + 1)
                    } else {
                        v.to_owned()
                    }),
                    (Some(v), Some(b':'), Some(b'+')) => Some(if v.is_empty() {
                        String::new()
                    } else {
                        expand_word(op.get(2..).unwrap_or(""), lookup, esc, depth + 1)
                    }),
                    (Some(v), Some(b'-'), _) => Some(v.to_owned()),
                    (Some(_), Some(b'+'), _) => Some(expand_word(op.get(1..).unwrap_or(""), lookup, esc, depth + 1)),
                    // Other operators (`:?`, `#`, `%`, …): keep as written.
                    _ => None,
                };
                if let Some(r) = replacement {
                    out.push_str(text.get(last..p).unwrap_or(""));
                    out.push_str(&r);
                    last = close + 1;
                }
                i = close + 1;
            }
            Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {
                let mut q = p + 1;
                while bytes.get(q).is_some_and(|b| is_name_byte(*b)) {
                    q += 1;
                }
                if let Some(v) = lookup(text.get(p + 1..q).unwrap_or("")) {
                    out.push_str(text.get(last..p).unwrap_or(""));
                    out.push_str(v);
                    last = q;
                }
                i = q;
            }
            _ => i = p + 1,
        }
    }
    out.push_str(text.get(last..).unwrap_or(""));
    out
}
