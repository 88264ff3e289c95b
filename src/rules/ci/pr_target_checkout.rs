//! CI006: a `pull_request_target` workflow that checks out the pull request's code.

use std::sync::LazyLock;

use regex::Regex;

use crate::finding::Severity;
use crate::model::workflow::Job;
use crate::model::Workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct PrTargetCheckout;

/// A ref that names the pull request's head (or its merge commit, which contains it).
static HEAD_REF: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"github\.event\.pull_request\.(?:head\.(?:sha|ref)|merge_commit_sha|number)|github\.head_ref|github\.event\.number|refs/pull/|GITHUB_HEAD_REF",
    )
    .ok()
});

/// The fork as the repository to check out.
static HEAD_REPO: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"github\.event\.pull_request\.head\.repo\.(?:full_name|clone_url|ssh_url)").ok());

/// Shell commands that fetch or switch to the pull request's code.
static SHELL_CHECKOUT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"gh\s+pr\s+checkout\b[^\n]*|git\s+(?:fetch|checkout|switch|pull|reset)\b[^\n]*(?:refs/pull/|pull/[^\s/]+/(?:head|merge)|github\.event\.pull_request\.head|github\.head_ref|GITHUB_HEAD_REF)[^\n]*",
    )
    .ok()
});

fn is_match(re: &LazyLock<Option<Regex>>, s: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(s))
}

/// What narrows who can trigger the job: a label or author check, or an environment with
/// required reviewers.
fn gate(job: &Job, step_if: Option<&str>) -> Option<String> {
    if let Some(env) = &job.environment {
        return Some(format!("environment `{}`", env.value));
    }
    let conds = job.if_cond.iter().map(|c| c.value.as_str()).chain(step_if);
    for c in conds {
        if c.contains("labels") {
            return Some("a label check".to_owned());
        }
        // The pull request's author (not `github.actor`, which whoever pushed last controls).
        if c.contains("author_association") || c.contains("pull_request.user.login") {
            return Some("an author check".to_owned());
        }
    }
    None
}

fn report(cx: &mut Cx, span: Span, how: &str, gated: Option<String>) {
    let (severity, tail) = match gated {
        Some(g) => (
            Severity::Medium,
            format!(
                " (gated by {g}, which narrows the hole but does not close it: the code can change after approval)"
            ),
        ),
        None => (Severity::High, String::new()),
    };
    cx.report(
        span,
        format!(
            "workflow runs on `pull_request_target` and {how}: the fork's code runs with a write-capable `GITHUB_TOKEN` and the repository's secrets{tail}"
        ),
    )
    .severity(severity)
    .help("use `pull_request` for building and testing fork code; keep `pull_request_target` for steps that never run it (labelling, commenting)");
}

impl Rule for PrTargetCheckout {
    fn id(&self) -> RuleId {
        RuleId::CI006
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        if !wf.has_trigger("pull_request_target") {
            return NA;
        }
        for job in &wf.jobs {
            for step in &job.steps {
                let step_if = step.if_cond.as_ref().map(|c| c.value.as_str());
                let is_checkout = step
                    .uses
                    .as_ref()
                    .is_some_and(|u| u.value.trim().to_ascii_lowercase().starts_with("actions/checkout@"));
                if is_checkout {
                    if let Some(r) = step.with_value("ref").filter(|r| is_match(&HEAD_REF, &r.value)) {
                        let how = format!("checks out the pull request's head (`ref: {}`)", r.value.trim());
                        report(cx, r.span, &how, gate(job, step_if));
                    } else if let Some(r) = step.with_value("repository").filter(|r| is_match(&HEAD_REPO, &r.value)) {
                        let how = format!("checks out the fork (`repository: {}`)", r.value.trim());
                        report(cx, r.span, &how, gate(job, step_if));
                    }
                }
                if let Some(run) = &step.run {
                    if let Some(m) = SHELL_CHECKOUT.as_ref().and_then(|re| re.find(&run.value)) {
                        let cmd = m.as_str().trim();
                        let span = cx.find(run.span, cmd);
                        let how = format!("fetches the pull request's code (`{cmd}`)");
                        report(cx, span, &how, gate(job, step_if));
                    }
                }
            }
        }
        CHECKED
    }
}
