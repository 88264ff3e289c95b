//! CI004: attacker-controlled `${{ github.event.* }}` text expanded into a script.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::model::workflow::{Job, Step};
use crate::model::Workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Spanned;

pub struct ScriptInjection;

static EXPR: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\$\{\{[^}\n]*\}\}").ok());

/// Contexts that whoever opens an issue or pull request, comments, or names a branch controls
/// (GitHub Security Lab's list, as checkov and zizmor use it), with what they are.
static UNTRUSTED: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"github\.event\.(?:issue|pull_request|discussion)\.title\b", "title"),
        (r"github\.event\.(?:issue|pull_request|discussion|comment|review|review_comment)\.body\b", "text"),
        (r"github\.event\.pages(?:\.\*|\[[^\]]*\])?\.page_name\b", "wiki page name"),
        (r"github\.event\.(?:head_commit|commits(?:\.\*|\[[^\]]*\])?|workflow_run\.head_commit)\.message\b", "commit message"),
        (
            r"github\.event\.(?:head_commit|commits(?:\.\*|\[[^\]]*\])?|workflow_run\.head_commit)\.author\.(?:email|name)\b",
            "commit author",
        ),
        (r"github\.event\.pull_request\.head\.(?:ref|label)\b", "branch name"),
        (r"github\.event\.pull_request\.head\.repo\.default_branch\b", "fork's default branch name"),
        (r"github\.event\.workflow_run\.(?:head_branch|display_title)\b", "branch name"),
        (r"github\.head_ref\b", "branch name"),
        (r"(?i)tojson\(\s*github\.event\s*\)", "event payload"),
    ]
    .into_iter()
    .filter_map(|(re, what)| Regex::new(re).ok().map(|r| (r, what)))
    .collect()
});

fn untrusted(expr: &str) -> Option<&'static str> {
    UNTRUSTED.iter().find(|(re, _)| re.is_match(expr)).map(|(_, what)| *what)
}

fn scan(cx: &mut Cx, value: &Spanned<String>, into: &str, runs: &str) {
    let Some(re) = EXPR.as_ref() else { return };
    let mut seen = BTreeSet::new();
    for m in re.find_iter(&value.value) {
        let expr = m.as_str();
        let Some(what) = untrusted(expr) else { continue };
        if !seen.insert(expr.to_owned()) {
            continue;
        }
        let span = cx.find(value.span, expr);
        cx.report(
            span,
            format!("`{expr}` is pasted into {into} before it runs: whoever writes this {what} can run {runs}"),
        )
        .help("pass it through `env:` (`TITLE: ${{ github.event.issue.title }}`) and use the variable, quoted (`\"$TITLE\"`)");
    }
}

impl Rule for ScriptInjection {
    fn id(&self) -> RuleId {
        RuleId::CI004
    }

    fn workflow_step(&self, cx: &mut Cx, _wf: &Workflow, _job: &Job, step: &Step) -> Checked {
        let script = step
            .uses
            .as_ref()
            .filter(|u| u.value.trim().to_ascii_lowercase().starts_with("actions/github-script"))
            .and_then(|_| step.with_value("script"));
        if step.run.is_none() && script.is_none() {
            return NA;
        }
        if let Some(run) = &step.run {
            scan(cx, run, "the `run:` script", "shell commands on the runner");
        }
        if let Some(script) = script {
            scan(cx, script, "the `actions/github-script` code", "JavaScript with the job's token");
        }
        CHECKED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_contexts() {
        assert_eq!(untrusted("${{ github.event.issue.title }}"), Some("title"));
        assert_eq!(untrusted("${{ github.event.comment.body }}"), Some("text"));
        assert_eq!(untrusted("${{ github.event.commits[0].message }}"), Some("commit message"));
        assert_eq!(untrusted("${{ github.event.commits.*.author.email }}"), Some("commit author"));
        assert_eq!(untrusted("${{ github.event.pages.*.page_name }}"), Some("wiki page name"));
        assert_eq!(untrusted("${{ github.head_ref }}"), Some("branch name"));
        assert_eq!(untrusted("${{ toJSON(github.event) }}"), Some("event payload"));
        assert_eq!(untrusted("${{ github.event.pull_request.number }}"), None);
        assert_eq!(untrusted("${{ github.event.pull_request.head.sha }}"), None);
        assert_eq!(untrusted("${{ github.ref_name }}"), None);
    }
}
