//! GitHub Actions workflow model.

use crate::model::compose::EnvEntry;
use crate::parse::yaml::{NodeId, YamlStream};
use crate::source::{Span, Spanned};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Permissions {
    /// `permissions: write-all`
    WriteAll(Span),
    /// `permissions: read-all`
    ReadAll(Span),
    /// `permissions: {}` or a map of scopes.
    Scopes { span: Span, scopes: Vec<(Spanned<String>, Spanned<String>)> },
}

impl Permissions {
    pub fn span(&self) -> Span {
        match self {
            Permissions::WriteAll(s) | Permissions::ReadAll(s) => *s,
            Permissions::Scopes { span, .. } => *span,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// 0-based position in the job.
    pub index: usize,
    /// Span of the step mapping (its first key).
    pub span: Span,
    pub node: NodeId,
    pub id: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub uses: Option<Spanned<String>>,
    /// `run:` script text; the span is the value's span.
    pub run: Option<Spanned<String>>,
    pub shell: Option<Spanned<String>>,
    pub with: Vec<(Spanned<String>, Spanned<String>)>,
    pub env: Vec<EnvEntry>,
    pub if_cond: Option<Spanned<String>>,
    /// `continue-on-error:` as written (boolean or expression).
    pub continue_on_error: Option<Spanned<String>>,
    pub working_directory: Option<Spanned<String>>,
}

impl Step {
    /// The step's display name: `name`, else `uses`, else the first line of `run`.
    pub fn label(&self) -> String {
        if let Some(n) = &self.name {
            return n.value.clone();
        }
        if let Some(u) = &self.uses {
            return u.value.clone();
        }
        self.run
            .as_ref()
            .and_then(|r| r.value.lines().find(|l| !l.trim().is_empty()))
            .map_or_else(|| format!("step {}", self.index + 1), |l| l.trim().to_owned())
    }

    pub fn with_value(&self, key: &str) -> Option<&Spanned<String>> {
        self.with.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }

    /// Where to point for the step as a whole.
    pub fn anchor(&self) -> Span {
        self.name
            .as_ref()
            .map(|n| n.span)
            .or_else(|| self.uses.as_ref().map(|u| u.span))
            .or_else(|| self.run.as_ref().map(|r| r.span))
            .unwrap_or(self.span)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// Job id with the span of its key.
    pub id: Spanned<String>,
    pub node: NodeId,
    pub name: Option<Spanned<String>>,
    pub needs: Vec<Spanned<String>>,
    pub if_cond: Option<Spanned<String>>,
    pub runs_on: Option<Spanned<String>>,
    pub permissions: Option<Permissions>,
    /// `environment:` name (string or `{name:}`).
    pub environment: Option<Spanned<String>>,
    pub continue_on_error: Option<Spanned<String>>,
    /// Reusable workflow call (`uses:` at job level).
    pub uses: Option<Spanned<String>>,
    pub steps: Vec<Step>,
    pub env: Vec<EnvEntry>,
    pub has_matrix: bool,
    /// Every key of the job mapping, for validity rules.
    pub keys: Vec<Spanned<String>>,
}

impl Job {
    pub fn label(&self) -> &str {
        self.name.as_ref().map_or(self.id.value.as_str(), |n| n.value.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub event: Spanned<String>,
}

#[derive(Debug)]
pub struct Workflow {
    pub yaml: YamlStream,
    pub name: Option<Spanned<String>>,
    pub on: Vec<Trigger>,
    /// Span of the `on:` key (or of the file start when absent).
    pub on_span: Option<Span>,
    pub permissions: Option<Permissions>,
    pub env: Vec<EnvEntry>,
    pub jobs: Vec<Job>,
    /// Top-level keys as written.
    pub top_keys: Vec<Spanned<String>>,
}

impl Workflow {
    pub fn has_trigger(&self, event: &str) -> bool {
        self.on.iter().any(|t| t.event.value == event)
    }

    pub fn job(&self, id: &str) -> Option<&Job> {
        self.jobs.iter().find(|j| j.id.value == id)
    }
}
