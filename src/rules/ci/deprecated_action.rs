//! CI013: an action version that GitHub has retired (it fails) or deprecated.

use super::validity_severity;
use crate::finding::Severity;
use crate::model::workflow::{Job, Step};
use crate::model::Workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct DeprecatedAction;

/// (action, retired majors, fails now?, replacement, why).
const RETIRED: &[(&str, &[u32], bool, &str, &str)] = &[
    (
        "actions/upload-artifact",
        &[1, 2, 3],
        true,
        "actions/upload-artifact@v4",
        "v1–v3 of the artifact actions stopped working on 30 January 2025",
    ),
    (
        "actions/download-artifact",
        &[1, 2, 3],
        true,
        "actions/download-artifact@v4",
        "v1–v3 of the artifact actions stopped working on 30 January 2025",
    ),
    (
        "actions/cache",
        &[1, 2],
        true,
        "actions/cache@v4",
        "the cache service behind v1–v2 was shut down on 1 March 2025",
    ),
    (
        "actions/cache/restore",
        &[1, 2],
        true,
        "actions/cache/restore@v4",
        "the cache service behind v1–v2 was shut down on 1 March 2025",
    ),
    (
        "actions/cache/save",
        &[1, 2],
        true,
        "actions/cache/save@v4",
        "the cache service behind v1–v2 was shut down on 1 March 2025",
    ),
    ("github/codeql-action", &[1], true, "github/codeql-action/<action>@v3", "CodeQL Action v1 was removed"),
    (
        "github/codeql-action",
        &[2],
        false,
        "github/codeql-action/<action>@v3",
        "CodeQL Action v2 is retired and receives no CodeQL updates",
    ),
];

/// The major version of a ref (`v3`, `v3.1.2`, `3`), or of the `# vN` comment after a SHA.
fn major(reference: &str, comment: Option<&str>) -> Option<u32> {
    let parse = |r: &str| -> Option<u32> {
        let r = r.trim().trim_start_matches(['v', 'V']);
        r.split('.').next()?.parse().ok()
    };
    if reference.len() == 40 && reference.bytes().all(|b| b.is_ascii_hexdigit()) {
        let c = comment?;
        let tag = c.trim_start_matches('#').split_whitespace().find(|w| w.starts_with('v') || w.starts_with("tag="))?;
        return parse(tag.trim_start_matches("tag="));
    }
    parse(reference)
}

impl Rule for DeprecatedAction {
    fn id(&self) -> RuleId {
        RuleId::CI013
    }

    fn workflow_step(&self, cx: &mut Cx, wf: &Workflow, _job: &Job, step: &Step) -> Checked {
        let Some(uses) = &step.uses else { return NA };
        let Some((target, reference)) = uses.value.trim().rsplit_once('@') else { return NA };
        let lower = target.to_ascii_lowercase();
        let comment = cx
            .source()
            .and_then(|s| s.line(uses.span.start.line))
            .and_then(|l| l.find('#').and_then(|i| l.get(i..)))
            .map(str::to_owned);
        let Some(v) = major(reference, comment.as_deref()) else { return NA };
        let hit = RETIRED.iter().find(|(a, majors, _, _, _)| {
            (lower == *a || (a.starts_with("github/codeql-action") && lower.starts_with("github/codeql-action/")))
                && majors.contains(&v)
        });
        let Some((_, _, fails, replacement, why)) = hit else {
            return if RETIRED.iter().any(|(a, ..)| lower == *a || lower.starts_with("github/codeql-action")) {
                CHECKED
            } else {
                NA
            };
        };
        let replacement = replacement.replace("<action>", target.split('/').nth(2).unwrap_or("<action>"));
        if *fails {
            let sev = validity_severity(cx, wf);
            cx.report(uses.span, format!("`{}` no longer runs: {why}, so this step fails every time", uses.value.trim()))
                .severity(sev)
                .help(format!("upgrade to `{replacement}` (check its changelog: v4 artifacts are immutable and names must be unique per run)"));
        } else {
            cx.report(uses.span, format!("`{}` is deprecated: {why}", uses.value.trim()))
                .severity(Severity::Medium)
                .help(format!("upgrade to `{replacement}`"));
        }
        CHECKED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors() {
        assert_eq!(major("v3", None), Some(3));
        assert_eq!(major("v3.1.2", None), Some(3));
        assert_eq!(major("main", None), None);
        let sha = "a8a3f3ad30e3422c9c7b888a15615d19a852ae32";
        assert_eq!(major(sha, Some("# v3.1.3")), Some(3));
        assert_eq!(major(sha, None), None);
    }
}
