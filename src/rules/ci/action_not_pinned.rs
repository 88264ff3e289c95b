//! CI002: an action or reusable workflow referenced by a movable ref instead of a commit SHA.

use crate::finding::Severity;
use crate::model::workflow::{Job, Step};
use crate::model::Workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Spanned;

pub struct ActionNotPinned;

/// Owners whose actions are GitHub's own: a moved tag there is GitHub's problem, not a stranger's.
const FIRST_PARTY: &[&str] = &["actions", "github"];

const BRANCHES: &[&str] = &["main", "master", "develop", "dev", "trunk", "latest", "HEAD"];

fn is_sha(r: &str) -> bool {
    r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit())
}

fn check(cx: &mut Cx, uses: &Spanned<String>, what: &str) -> Checked {
    let v = uses.value.trim();
    if v.starts_with("./") || v.starts_with("../") {
        return NA;
    }
    if let Some(image) = v.strip_prefix("docker://") {
        if image.contains("@sha256:") {
            cx.evidence_here(uses.span, format!("{what} `{v}` is pinned by digest"));
        } else {
            cx.report(
                uses.span,
                format!("{what} runs the container `{image}` by tag: whoever can push that tag controls the step"),
            )
            .help("pin the image by digest: `docker://image@sha256:…`");
        }
        return CHECKED;
    }
    let Some((target, r)) = v.rsplit_once('@') else { return NA };
    if is_sha(r) {
        cx.evidence_here(uses.span, format!("{what} `{target}` is pinned to a commit SHA"));
        return CHECKED;
    }
    let owner = target.split('/').next().unwrap_or("");
    let first_party = FIRST_PARTY.iter().any(|o| o.eq_ignore_ascii_case(owner));
    let kind = if BRANCHES.contains(&r) {
        format!("branch `{r}`, which moves with every push")
    } else if (7..40).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!("`{r}`, an abbreviated SHA")
    } else {
        format!("`{r}`, a tag that can be moved")
    };
    let message = if first_party {
        format!("{what} `{target}` is pinned to {kind}, not a full commit SHA (GitHub's own action)")
    } else {
        format!("{what} `{target}` is pinned to {kind}, not a full commit SHA: whoever controls `{owner}` controls this code and the job's secrets")
    };
    cx.report(uses.span, message)
        .severity(if first_party { Severity::Info } else { Severity::Low })
        .help(format!("pin the full 40-character commit SHA and keep the tag as a comment: `{target}@<sha> # {r}`"));
    CHECKED
}

impl Rule for ActionNotPinned {
    fn id(&self) -> RuleId {
        RuleId::CI002
    }

    fn workflow_step(&self, cx: &mut Cx, _wf: &Workflow, _job: &Job, step: &Step) -> Checked {
        match &step.uses {
            Some(u) => check(cx, u, "action"),
            None => NA,
        }
    }

    fn workflow_job(&self, cx: &mut Cx, _wf: &Workflow, job: &Job) -> Checked {
        match &job.uses {
            Some(u) => check(cx, u, "reusable workflow"),
            None => NA,
        }
    }
}
