//! Where expressions occur in a GitHub workflow, and which contexts and functions GitHub makes
//! available there (GitHub's "context availability" table). Shared by the expression rules.

use crate::model::workflow::Job;
use crate::model::Workflow;
use crate::parse::gha_expr::{self, Expr, Template};
use crate::parse::yaml::Node;
use crate::source::Span;

/// One string value of the workflow that GitHub evaluates.
pub(crate) struct Site<'a> {
    /// Key path from the document root (`jobs`, `build`, `steps`, `2`, `run`).
    pub path: Vec<String>,
    pub node: Node<'a>,
    pub value: String,
    /// The job it belongs to, and the step index inside it.
    pub job: Option<&'a Job>,
    pub step: Option<usize>,
    /// An `if:` condition: the whole value is an expression even without `${{ }}`.
    pub condition: bool,
}

impl Site<'_> {
    pub fn span(&self) -> Span {
        self.node.span()
    }

    /// A key path for messages: `jobs.build.steps[2].run`.
    pub fn where_(&self) -> String {
        let mut out = String::new();
        for (i, p) in self.path.iter().enumerate() {
            if p.bytes().all(|b| b.is_ascii_digit()) && i > 0 {
                out.push_str(&format!("[{p}]"));
            } else {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(p);
            }
        }
        out
    }

    /// The key the value sits under, relative to its job or step (`if`, `run`, `env`, `with`…).
    pub fn key(&self) -> Option<&str> {
        let skip = match (self.job, self.step) {
            (Some(_), Some(_)) => 4,
            (Some(_), None) => 2,
            _ => 0,
        };
        self.path.get(skip).map(String::as_str)
    }

    /// The expressions of the value: each with its text and its byte offset in the value.
    pub fn expressions(&self) -> Vec<(String, usize)> {
        let (ts, _) = gha_expr::templates(&self.value);
        if self.condition && ts.is_empty() {
            return vec![(self.value.clone(), 0)];
        }
        ts.into_iter().map(|t: Template| (t.body, t.body_start)).collect()
    }
}

fn walk<'a>(n: Node<'a>, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Node<'a>)>, depth: usize) {
    if depth > 24 || out.len() > 50_000 {
        return;
    }
    if n.is_map() {
        for (k, v) in n.entries() {
            let Some(k) = k.as_str() else { continue };
            path.push(k.to_owned());
            walk(v, path, out, depth + 1);
            path.pop();
        }
    } else if n.is_seq() {
        for (i, v) in n.items().into_iter().enumerate() {
            path.push(i.to_string());
            walk(v, path, out, depth + 1);
            path.pop();
        }
    } else if n.as_str().is_some() && !n.is_null() {
        out.push((path.clone(), n));
    }
}

/// Every evaluated string of the workflow (`on:` is left out: triggers are not evaluated).
pub(crate) fn sites(wf: &Workflow) -> Vec<Site<'_>> {
    let Some(root) = wf.yaml.first() else { return Vec::new() };
    let mut raw = Vec::new();
    let mut path = Vec::new();
    walk(root, &mut path, &mut raw, 0);
    raw.into_iter()
        .filter(|(p, _)| p.first().is_some_and(|k| k != "on" && k != "name"))
        .filter_map(|(p, node)| {
            let value = node.as_str()?.to_owned();
            let job = match (p.first().map(String::as_str), p.get(1)) {
                (Some("jobs"), Some(id)) => wf.job(id),
                _ => None,
            };
            let step = match (job, p.get(2).map(String::as_str), p.get(3)) {
                (Some(_), Some("steps"), Some(i)) => i.parse::<usize>().ok(),
                _ => None,
            };
            let condition = match (job, step) {
                (Some(_), Some(_)) => p.len() == 5 && p.get(4).is_some_and(|k| k == "if"),
                (Some(_), None) => p.len() == 3 && p.get(2).is_some_and(|k| k == "if"),
                _ => false,
            };
            Some(Site { path: p, node, value, job, step, condition })
        })
        .collect()
}

/// What GitHub makes available at a site: contexts, and whether the status functions
/// (`success()`, `always()`…) and `hashFiles()` may be called. `None` where the key is unknown
/// (other rules report it) or holds no expressions.
pub(crate) struct Availability {
    pub contexts: &'static [&'static str],
    pub status_functions: bool,
    pub hash_files: bool,
}

const WF_ENV: &[&str] = &["github", "secrets", "inputs", "vars"];
const WF_BASIC: &[&str] = &["github", "inputs", "vars"];
const JOB_IF: &[&str] = &["github", "needs", "vars", "inputs"];
const JOB_BASIC: &[&str] = &["github", "needs", "strategy", "matrix", "vars", "inputs"];
const JOB_STRATEGY: &[&str] = &["github", "needs", "vars", "inputs"];
const JOB_ENV: &[&str] = &["github", "needs", "strategy", "matrix", "vars", "secrets", "inputs"];
const JOB_OUTPUTS: &[&str] =
    &["github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "secrets", "steps", "inputs"];
const JOB_DEFAULTS: &[&str] = &["github", "needs", "strategy", "matrix", "env", "vars", "inputs"];
const JOB_ENV_URL: &[&str] =
    &["github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "steps", "inputs"];
const JOB_CREDENTIALS: &[&str] = &["github", "needs", "strategy", "matrix", "env", "vars", "secrets", "inputs"];
const JOB_CONTAINER_ENV: &[&str] =
    &["github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "secrets", "inputs"];
const STEP_IF: &[&str] = &["github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "steps", "inputs"];
const STEP: &[&str] =
    &["github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "secrets", "steps", "inputs"];

pub(crate) fn availability(site: &Site) -> Option<Availability> {
    let p: Vec<&str> = site.path.iter().map(String::as_str).collect();
    let plain = |contexts| Some(Availability { contexts, status_functions: false, hash_files: false });
    match (site.job, site.step) {
        (Some(_), Some(_)) => {
            let key = *p.get(4)?;
            let contexts = if key == "if" { STEP_IF } else { STEP };
            let known = matches!(
                key,
                "if" | "run"
                    | "with"
                    | "env"
                    | "name"
                    | "continue-on-error"
                    | "timeout-minutes"
                    | "working-directory"
                    | "shell"
                    | "uses"
                    | "id"
            );
            if !known || matches!(key, "uses" | "id" | "shell") {
                return None;
            }
            Some(Availability { contexts, status_functions: key == "if", hash_files: true })
        }
        (Some(_), None) => {
            let key = *p.get(2)?;
            match key {
                "if" => Some(Availability { contexts: JOB_IF, status_functions: true, hash_files: false }),
                "env" => plain(JOB_ENV),
                "outputs" => plain(JOB_OUTPUTS),
                "strategy" => plain(JOB_STRATEGY),
                "secrets" => plain(JOB_ENV),
                "defaults" => plain(JOB_DEFAULTS),
                "environment" if p.get(3) == Some(&"url") => plain(JOB_ENV_URL),
                "container" if p.get(3) == Some(&"credentials") => plain(JOB_CREDENTIALS),
                "container" if p.get(3) == Some(&"env") => plain(JOB_CONTAINER_ENV),
                "services" if p.get(4) == Some(&"credentials") => plain(JOB_CREDENTIALS),
                "services" if p.get(4) == Some(&"env") => plain(JOB_CONTAINER_ENV),
                "runs-on" | "name" | "environment" | "timeout-minutes" | "continue-on-error" | "concurrency"
                | "container" | "services" | "with" => plain(JOB_BASIC),
                _ => None,
            }
        }
        _ => match *p.first()? {
            "env" => plain(WF_ENV),
            "run-name" | "concurrency" => plain(WF_BASIC),
            _ => None,
        },
    }
}

/// Parse every expression of a site; unparsable ones are skipped (CI008 reports them).
pub(crate) fn parsed(site: &Site) -> Vec<(Expr, String, usize)> {
    site.expressions()
        .into_iter()
        .filter_map(|(text, offset)| gha_expr::parse(&text).ok().map(|e| (e, text, offset)))
        .collect()
}
