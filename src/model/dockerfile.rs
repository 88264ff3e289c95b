//! Dockerfile model: instructions with spans, stages, ARG/ENV pairs.

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
        /// Inline here-document sources.
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
