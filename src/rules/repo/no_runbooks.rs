//! OPS001: no runbook / incident-response documentation with substance.

use std::sync::LazyLock;

use regex::Regex;

use crate::finding::Location;
use crate::index::Project;
use crate::model::ArtifactKind;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct NoRunbooks;

static OPS_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(runbook|playbook|incident|on-?call|operations|disaster|rollback|troubleshoot|sre|ops/)").ok()
});
static OPS_HEADING: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?im)^#{1,4}\s+.*\b(runbook|incident|rollback|roll back|disaster recovery|on-?call|escalation|troubleshoot|outage|restore)").ok()
});
static STEP: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"(?m)^\s*(\d+[.)]\s+\S|```|\$ \S)").ok());

/// A doc that reads as an operational runbook with concrete steps: (line of its first ops
/// heading or 1, description).
pub fn runbook_evidence(path: &str, text: &str) -> Option<(u32, String)> {
    let by_name = OPS_NAME.as_ref().is_some_and(|re| re.is_match(path));
    let heading = OPS_HEADING.as_ref().and_then(|re| re.find(text));
    if !by_name && heading.is_none() {
        return None;
    }
    let steps = STEP.as_ref().map_or(0, |re| re.find_iter(text).count());
    if steps < 2 {
        return None;
    }
    let line = heading
        .map_or(1, |m| u32::try_from(text.get(..m.start()).unwrap_or("").matches('\n').count() + 1).unwrap_or(1));
    Some((line, format!("`{path}` documents operational procedures with {steps} concrete steps")))
}

impl Rule for NoRunbooks {
    fn id(&self) -> RuleId {
        RuleId::OPS001
    }

    fn project(&self, cx: &mut Cx, project: &Project) -> Checked {
        if !project.is_deployable() {
            return NA;
        }
        let mut found = false;
        for a in project.audited().filter(|a| a.kind == ArtifactKind::Markdown) {
            if let Some((line, text)) = runbook_evidence(a.path(), &a.source.text) {
                cx.evidence(Some(Location::new(a.path(), Span::point(line, 1))), text);
                found = true;
            }
        }
        if !found {
            cx.report_repo("no runbook or incident-response documentation with concrete steps was found");
        }
        CHECKED
    }
}
