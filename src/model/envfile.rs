//! `.env` file model: every line as written, with positions, duplicates kept.

use crate::source::{Span, Spanned};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quote {
    None,
    Single,
    Double,
    Backtick,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvLine {
    pub key: Spanned<String>,
    /// Value with quotes removed (escapes in double quotes resolved); span covers the value as written.
    pub value: Spanned<String>,
    pub quote: Quote,
    pub exported: bool,
    /// Line has text after a closing quote or an unquoted ` #` comment.
    pub inline_comment: bool,
    /// Unquoted value with inner whitespace.
    pub unquoted_space: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvProblem {
    pub span: Span,
    pub message: String,
}

/// Template (committed on purpose, values are examples) or a real env file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvFileRole {
    Template,
    Real,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvFile {
    pub role: EnvFileRole,
    pub entries: Vec<EnvLine>,
    /// Lines that are not `KEY=value`, comments or blank.
    pub malformed: Vec<EnvProblem>,
}

impl EnvFile {
    pub fn is_template(&self) -> bool {
        self.role == EnvFileRole::Template
    }

    pub fn get(&self, key: &str) -> Option<&EnvLine> {
        self.entries.iter().rev().find(|e| e.key.value == key)
    }
}

/// Template by name: `.example`, `.sample`, `.template`, `.dist`, `.tpl`, `.defaults` anywhere in the
/// file name (`.env.example`, `example.env`, `.env.production.template`).
pub fn role_from_name(file_name: &str) -> EnvFileRole {
    let lower = file_name.to_ascii_lowercase();
    let template = lower.split(['.', '-', '_']).any(|t| {
        matches!(
            t,
            "example"
                | "examples"
                | "sample"
                | "template"
                | "tmpl"
                | "tpl"
                | "dist"
                | "defaults"
                | "default"
                | "schema"
        )
    });
    if template {
        EnvFileRole::Template
    } else {
        EnvFileRole::Real
    }
}
