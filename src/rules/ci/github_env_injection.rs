//! CI017: writes of dynamic values to `GITHUB_ENV` / `GITHUB_PATH` in workflows that outsiders can
//! trigger with the repository's privileges.

use std::sync::LazyLock;

use regex::Regex;

use crate::finding::Severity;
use crate::model::Workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct GithubEnvInjection;

const PRIVILEGED: &[&str] = &["pull_request_target", "workflow_run", "issue_comment", "issues", "discussion_comment"];

static WRITE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?m)^.*>>\s*"?\$\{?(GITHUB_ENV|GITHUB_PATH)\}?"?.*$"#).ok());

impl Rule for GithubEnvInjection {
    fn id(&self) -> RuleId {
        RuleId::CI017
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        let Some(trigger) = PRIVILEGED.iter().find(|t| wf.has_trigger(t)) else { return NA };
        let Some(re) = WRITE.as_ref() else { return NA };
        for job in &wf.jobs {
            for step in &job.steps {
                let Some(run) = &step.run else { continue };
                // Input the triggering outsider visibly controls: event data, branch names, or
                // files (typically downloaded artifacts of the pull request's run).
                let script = run.value.as_str();
                let tainted =
                    ["${{ github.event.", "${{github.event.", "github.head_ref", "$(cat ", "$(<", "read -r", "jq -r"]
                        .iter()
                        .any(|t| script.contains(t))
                        || step.env.iter().any(|e| {
                            e.value.as_ref().is_some_and(|v| {
                                v.value.contains("github.event.") || v.value.contains("github.head_ref")
                            })
                        });
                for c in re.captures_iter(&run.value) {
                    let (Some(line), Some(file)) = (c.get(0), c.get(1)) else { continue };
                    let text = line.as_str().trim();
                    // The written text, without the redirection: literal text is safe.
                    let written = text.split(">>").next().unwrap_or("");
                    if !written.contains('$') && !written.contains('`') {
                        continue;
                    }
                    let span = cx.find(run.span, text);
                    let what = if file.as_str() == "GITHUB_PATH" {
                        "the `PATH` of every later step"
                    } else {
                        "environment variables of every later step (`LD_PRELOAD`, `NODE_OPTIONS`, `BASH_ENV`…)"
                    };
                    let origin = if tainted {
                        "a value derived from data the triggering event controls"
                    } else {
                        "a computed value"
                    };
                    cx.report(span, format!("the workflow runs on `{trigger}` with the repository's token and secrets, and `{text}` writes {origin} to `{}`: whoever controls that value controls {what}", file.as_str()))
                        .severity(if tainted { Severity::High } else { Severity::Medium })
                        .help("pass values between steps with `$GITHUB_OUTPUT` and `env:`, or validate the value strictly before writing it");
                }
            }
        }
        CHECKED
    }
}
