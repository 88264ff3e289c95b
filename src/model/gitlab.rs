//! GitLab CI model (`.gitlab-ci.yml`).

use crate::model::compose::EnvEntry;
use crate::parse::yaml::{NodeId, YamlStream};
use crate::source::{Span, Spanned};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitlabJob {
    /// Job name with the span of its key.
    pub name: Spanned<String>,
    pub node: NodeId,
    /// Hidden job / template (`.name`).
    pub hidden: bool,
    pub stage: Option<Spanned<String>>,
    pub image: Option<Spanned<String>>,
    pub before_script: Vec<Spanned<String>>,
    pub script: Vec<Spanned<String>>,
    pub after_script: Vec<Spanned<String>>,
    pub when: Option<Spanned<String>>,
    /// `allow_failure:` as written (`true`, or a map with `exit_codes`).
    pub allow_failure: Option<Spanned<String>>,
    pub extends: Vec<Spanned<String>>,
    pub needs: Vec<Spanned<String>>,
    pub dependencies: Vec<Spanned<String>>,
    pub environment: Option<Spanned<String>>,
    pub variables: Vec<EnvEntry>,
    /// `rules:` / `only:` / `except:` present.
    pub conditional: bool,
    /// Every key of the job mapping.
    pub keys: Vec<Spanned<String>>,
    /// `trigger:` (child/multi-project pipeline) present.
    pub trigger: bool,
}

impl GitlabJob {
    /// All script lines (before_script, script, after_script).
    pub fn all_script(&self) -> impl Iterator<Item = &Spanned<String>> {
        self.before_script.iter().chain(&self.script).chain(&self.after_script)
    }
}

#[derive(Debug)]
pub struct GitlabCi {
    pub yaml: YamlStream,
    pub stages: Vec<Spanned<String>>,
    /// Span of `stages:` key when declared.
    pub stages_span: Option<Span>,
    pub includes: Vec<Spanned<String>>,
    pub variables: Vec<EnvEntry>,
    pub jobs: Vec<GitlabJob>,
    pub top_keys: Vec<Spanned<String>>,
}

impl GitlabCi {
    pub fn job(&self, name: &str) -> Option<&GitlabJob> {
        self.jobs.iter().find(|j| j.name.value == name)
    }
}
