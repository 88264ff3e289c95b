//! Markdown documents: headings, fenced code blocks, inline code, links, list items (with
//! checkbox state and numbering), a classification by path and headings (runbook, rollback,
//! disaster recovery, …) and RTO/RPO statements. Code quoted inside a document is text, never
//! configuration. Parsing lives in `crate::parse::markdown`.

use crate::source::{Span, Spanned};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// 1–6
    pub level: u8,
    /// Plain text of the heading (inline code included, markup removed).
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeBlock {
    /// The info string's first word (`sh`, `yaml`), lowercased; empty for none / indented blocks.
    pub lang: String,
    pub content: String,
    /// The whole block, fences included.
    pub span: Span,
    /// Line of the first content line.
    pub content_line: u32,
}

impl CodeBlock {
    /// A shell-ish block (`sh`, `bash`, `shell`, `console`, no language).
    pub fn is_shell(&self) -> bool {
        matches!(
            self.lang.as_str(),
            "" | "sh" | "bash" | "shell" | "console" | "zsh" | "shell-session" | "powershell" | "ps1"
        )
    }

    /// Non-empty, non-comment lines (with `$ ` prompts removed): the commands a reader runs.
    pub fn commands(&self) -> Vec<&str> {
        self.content
            .lines()
            .map(|l| l.trim())
            .map(|l| l.strip_prefix("$ ").unwrap_or(l))
            .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub target: String,
    /// The link text.
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListItem {
    /// Text of the item (first paragraph, markup removed).
    pub text: String,
    pub span: Span,
    /// `- [x]` → `Some(true)`, `- [ ]` → `Some(false)`, plain items `None`.
    pub checked: Option<bool>,
    /// Item of a numbered list: its number.
    pub number: Option<u64>,
    /// Nesting depth (0 = top-level list).
    pub depth: u32,
}

/// What a document is about (judged from its path and headings).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocClass {
    Runbook,
    Deploy,
    Rollback,
    IncidentResponse,
    DisasterRecovery,
    OnCall,
    BackupRestore,
    Slo,
    SecurityPolicy,
    Architecture,
    /// Readiness claims / self-reports ("production ready", "FILES CREATED", "✅ PASS").
    ReadinessClaims,
}

impl DocClass {
    pub fn label(self) -> &'static str {
        match self {
            DocClass::Runbook => "runbook",
            DocClass::Deploy => "deployment",
            DocClass::Rollback => "rollback",
            DocClass::IncidentResponse => "incident response",
            DocClass::DisasterRecovery => "disaster recovery",
            DocClass::OnCall => "on-call/escalation",
            DocClass::BackupRestore => "backup/restore",
            DocClass::Slo => "SLO/SLA",
            DocClass::SecurityPolicy => "security policy",
            DocClass::Architecture => "architecture",
            DocClass::ReadinessClaims => "readiness claims",
        }
    }
}

/// Why a document got a class: its path, or a heading (with the heading's span).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classification {
    pub class: DocClass,
    /// `None` when decided by the path.
    pub heading: Option<Span>,
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectiveKind {
    Rto,
    Rpo,
}

/// An RTO/RPO statement with a value ("RTO: 1 hour", "RPO < 15 minutes").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Objective {
    pub kind: ObjectiveKind,
    /// The value as written (`1 hour`, `15 minutes`), with its span.
    pub value: Spanned<String>,
    /// The value in minutes, when the unit is recognised.
    pub minutes: Option<u64>,
}

/// A section: a heading and everything until the next heading of the same or a higher level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Index into [`MarkdownDoc::headings`].
    pub heading: usize,
    /// First and last line (inclusive).
    pub lines: (u32, u32),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MarkdownDoc {
    pub headings: Vec<Heading>,
    pub code_blocks: Vec<CodeBlock>,
    pub inline_code: Vec<Spanned<String>>,
    pub links: Vec<Link>,
    pub list_items: Vec<ListItem>,
    pub classes: Vec<Classification>,
    pub objectives: Vec<Objective>,
    pub sections: Vec<Section>,
}

impl MarkdownDoc {
    pub fn is(&self, class: DocClass) -> Option<&Classification> {
        self.classes.iter().find(|c| c.class == class)
    }

    /// Concrete steps: numbered list items plus commands in shell code blocks, optionally only
    /// within the given line range.
    pub fn steps_in(&self, lines: Option<(u32, u32)>) -> usize {
        let inside = |l: u32| lines.is_none_or(|(a, b)| l >= a && l <= b);
        let numbered = self.list_items.iter().filter(|i| i.number.is_some() && inside(i.span.start.line)).count();
        let commands: usize = self
            .code_blocks
            .iter()
            .filter(|c| c.is_shell() && inside(c.span.start.line))
            .map(|c| c.commands().len())
            .sum();
        numbered + commands
    }

    /// Concrete steps in the whole document.
    pub fn steps(&self) -> usize {
        self.steps_in(None)
    }

    /// The section a heading starts.
    pub fn section_of(&self, heading: usize) -> Option<&Section> {
        self.sections.iter().find(|s| s.heading == heading)
    }

    /// Is `line` inside a fenced or indented code block?
    pub fn in_code(&self, line: u32) -> bool {
        self.code_blocks.iter().any(|c| line >= c.span.start.line && line <= c.span.end.line)
    }
}
