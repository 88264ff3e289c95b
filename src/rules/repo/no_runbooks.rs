//! OPS001: no runbook / incident-response documentation with substance.

use std::sync::LazyLock;

use regex::Regex;

use crate::finding::Location;
use crate::index::Project;
use crate::model::markdown::MarkdownDoc;
use crate::model::ArtifactData;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::{SourceFile, Span};

pub struct NoRunbooks;

static OPS_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(runbook|playbook|incident|on-?call|operations|disaster|rollback|troubleshoot|sre|ops/)").ok()
});
static OPS_HEADING: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(runbook|incident|rollback|roll back|disaster recovery|on-?call|escalation|troubleshoot|outage|restore)").ok()
});

/// A doc that reads as an operational runbook with concrete steps (numbered actions or commands
/// in shell blocks): (span of its first ops heading, or the file start; description).
pub fn runbook_evidence_in(path: &str, doc: &MarkdownDoc) -> Option<(Span, String)> {
    let by_name = OPS_NAME.as_ref().is_some_and(|re| re.is_match(path));
    let heading = OPS_HEADING.as_ref().and_then(|re| doc.headings.iter().find(|h| re.is_match(&h.text)));
    if !by_name && heading.is_none() {
        return None;
    }
    let steps = doc.steps();
    if steps < 2 {
        return None;
    }
    let span = heading.map_or(Span::file_start(), |h| h.span);
    Some((span, format!("`{path}` documents operational procedures with {steps} concrete steps")))
}

/// [`runbook_evidence_in`] for raw text: (line, description).
pub fn runbook_evidence(path: &str, text: &str) -> Option<(u32, String)> {
    let doc = crate::parse::markdown::parse(&SourceFile::from_text(path, text));
    runbook_evidence_in(path, &doc).map(|(span, d)| (span.start.line, d))
}

impl Rule for NoRunbooks {
    fn id(&self) -> RuleId {
        RuleId::OPS001
    }

    fn project(&self, cx: &mut Cx, project: &Project) -> Checked {
        if !project.runs_services() {
            return NA;
        }
        let mut found = false;
        for a in project.audited() {
            let ArtifactData::Markdown(doc) = &a.data else { continue };
            if let Some((span, text)) = runbook_evidence_in(a.path(), doc) {
                cx.evidence(Some(Location::new(a.path(), span)), text);
                found = true;
            }
        }
        if !found {
            cx.report_repo("no runbook or incident-response documentation with concrete steps was found");
        }
        CHECKED
    }
}
