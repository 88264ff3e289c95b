//! CI011: a key GitHub Actions does not know at the top of a workflow, in a job or in a step.

use super::validity_severity;
use crate::model::Workflow;
use crate::parse::yamlview::keys;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Spanned;

pub struct UnknownKey;

const TOP: &[&str] = &["name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"];
const JOB: &[&str] = &[
    "name",
    "permissions",
    "needs",
    "if",
    "runs-on",
    "snapshot",
    "environment",
    "concurrency",
    "outputs",
    "env",
    "defaults",
    "steps",
    "timeout-minutes",
    "strategy",
    "continue-on-error",
    "container",
    "services",
];
/// Keys of a job that calls a reusable workflow (`uses:` at job level).
const CALL: &[&str] = &["name", "uses", "with", "secrets", "needs", "if", "permissions", "strategy", "concurrency"];
const STEP: &[&str] = &[
    "id",
    "if",
    "name",
    "uses",
    "run",
    "working-directory",
    "shell",
    "with",
    "env",
    "continue-on-error",
    "timeout-minutes",
];

/// Levenshtein distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

pub(crate) fn suggestion(key: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (distance(&key.to_ascii_lowercase(), k), k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

fn check(cx: &mut Cx, wf: &Workflow, keys: &[Spanned<String>], known: &[&str], what: &str) {
    for k in keys {
        if known.contains(&k.value.as_str()) {
            continue;
        }
        let sev = validity_severity(cx, wf);
        cx.report(
            k.span,
            format!(
                "`{}` is not a valid key of {what}{}: GitHub rejects the workflow and none of its jobs run",
                k.value,
                suggestion(&k.value, known)
            ),
        )
        .severity(sev)
        .help(format!("valid keys here: {}", known.join(", ")));
    }
}

impl Rule for UnknownKey {
    fn id(&self) -> RuleId {
        RuleId::CI011
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        let Some(doc) = wf.yaml.documents.first() else { return NA };
        check(cx, wf, &wf.top_keys, TOP, "a workflow");
        for job in &wf.jobs {
            let (known, what) =
                if job.uses.is_some() { (CALL, "a job that calls a reusable workflow") } else { (JOB, "a job") };
            check(cx, wf, &job.keys, known, &format!("{what} (`{}`)", job.id.value));
            for step in &job.steps {
                let step_keys = keys(doc.node(step.node));
                check(cx, wf, &step_keys, STEP, &format!("a step (job `{}`, step {})", job.id.value, step.index + 1));
            }
        }
        CHECKED
    }
}
