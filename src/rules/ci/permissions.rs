//! CI003: workflow token permissions left at the repository default, or `write-all`.

use crate::model::workflow::Permissions as Perms;
use crate::model::Workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct Permissions;

fn list(ids: &[&str]) -> String {
    let quoted: Vec<String> = ids.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

impl Rule for Permissions {
    fn id(&self) -> RuleId {
        RuleId::CI003
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        // A reusable workflow runs with the token its caller grants; it cannot widen it.
        if wf.jobs.is_empty() || (!wf.on.is_empty() && wf.on.iter().all(|t| t.event.value == "workflow_call")) {
            return NA;
        }
        if let Some(Perms::WriteAll(span)) = &wf.permissions {
            cx.report(*span, "workflow grants `write-all` to the `GITHUB_TOKEN` of every job: any compromised step can push code, edit releases and approve its own changes")
                .help("set `permissions: contents: read` at the top and grant each job only the scopes it uses");
        }
        for job in &wf.jobs {
            if let Some(Perms::WriteAll(span)) = &job.permissions {
                cx.report(*span, format!("job `{}` grants `write-all` to its `GITHUB_TOKEN`", job.id.value))
                    .help("list only the scopes the job uses, e.g. `contents: read`, `packages: write`");
            }
        }
        if wf.permissions.is_none() {
            let bare: Vec<_> = wf.jobs.iter().filter(|j| j.permissions.is_none()).collect();
            if let Some(first) = bare.first() {
                let ids: Vec<&str> = bare.iter().map(|j| j.id.value.as_str()).collect();
                let who = if bare.len() == wf.jobs.len() && bare.len() > 1 {
                    format!("nor do any of its {} jobs", bare.len())
                } else if ids.len() == 1 {
                    format!("nor does job {}", list(&ids))
                } else {
                    format!("nor do jobs {}", list(&ids))
                };
                let their = if ids.len() == 1 { "its" } else { "their" };
                cx.report(
                    first.id.span,
                    format!("workflow sets no `permissions:`, {who}: {their} `GITHUB_TOKEN` gets the repository default, which is read/write on everything in older repositories and organisations"),
                )
                .help("add `permissions: contents: read` at the top of the workflow and widen it per job where needed");
            } else {
                cx.evidence_here(
                    wf.jobs.first().map_or_else(crate::source::Span::file_start, |j| j.id.span),
                    "every job declares its own `permissions:`",
                );
            }
        } else if let Some(p) = &wf.permissions {
            if !matches!(p, Perms::WriteAll(_)) {
                cx.evidence_here(p.span(), "workflow declares top-level `permissions:`");
            }
        }
        CHECKED
    }
}
