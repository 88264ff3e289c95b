//! CI010: `needs:` naming an unknown job or forming a cycle, and `needs.<job>` expressions that
//! refer to a job the current one does not need.

use std::collections::{BTreeMap, BTreeSet};

use super::expr::{parsed, sites};
use super::validity_severity;
use crate::model::Workflow;
use crate::parse::gha_expr::accesses;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NeedsInvalid;

/// Jobs that are part of a dependency cycle.
fn cyclic(graph: &BTreeMap<&str, Vec<&str>>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for start in graph.keys() {
        // Can `start` reach itself?
        let mut stack: Vec<&str> = graph.get(start).cloned().unwrap_or_default();
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == *start {
                out.insert((*start).to_owned());
                break;
            }
            if seen.insert(n) {
                stack.extend(graph.get(n).cloned().unwrap_or_default());
            }
        }
    }
    out
}

impl Rule for NeedsInvalid {
    fn id(&self) -> RuleId {
        RuleId::CI010
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        if wf.jobs.is_empty() {
            return NA;
        }
        let sev = validity_severity(cx, wf);
        let graph: BTreeMap<&str, Vec<&str>> =
            wf.jobs.iter().map(|j| (j.id.value.as_str(), j.needs.iter().map(|n| n.value.as_str()).collect())).collect();
        for job in &wf.jobs {
            for n in &job.needs {
                if n.value.contains("${{") {
                    continue;
                }
                if wf.job(&n.value).is_none() {
                    cx.report(n.span, format!("job `{}` needs `{}`, which is not a job of this workflow: GitHub rejects the workflow and none of its jobs run", job.id.value, n.value))
                        .severity(sev)
                        .help("name a job id defined under `jobs:` (ids are case-sensitive)");
                }
                if n.value == job.id.value {
                    cx.report(n.span, format!("job `{}` needs itself: GitHub rejects the workflow", job.id.value))
                        .severity(sev)
                        .help("remove the job from its own `needs:`");
                }
            }
        }
        let cycle = cyclic(&graph);
        if let Some(first) =
            wf.jobs.iter().find(|j| cycle.contains(&j.id.value) && !j.needs.iter().any(|n| n.value == j.id.value))
        {
            let members: Vec<String> =
                wf.jobs.iter().filter(|j| cycle.contains(&j.id.value)).map(|j| format!("`{}`", j.id.value)).collect();
            let span = first.needs.first().map_or(first.id.span, |n| n.span);
            cx.report(
                span,
                format!(
                    "jobs {} need each other in a cycle: GitHub rejects the workflow and none of its jobs run",
                    members.join(", ")
                ),
            )
            .severity(sev)
            .help("break the cycle: a job can only need jobs that finish before it starts");
        }
        for site in sites(wf) {
            let Some(job) = site.job else { continue };
            for (e, text, _) in parsed(&site) {
                for a in accesses(&e) {
                    if !a.context.eq_ignore_ascii_case("needs") {
                        continue;
                    }
                    let Some(target) = a.path.first().filter(|t| *t != "*") else { continue };
                    if job.needs.iter().any(|n| &n.value == target) {
                        continue;
                    }
                    let span = cx.find(site.span(), text.trim());
                    let what = if wf.job(target).is_some() {
                        format!("job `{}` does not list `{target}` in its `needs:`", job.id.value)
                    } else {
                        format!("there is no job `{target}`")
                    };
                    cx.report(span, format!("{}: `{}` reads `needs.{target}`, but {what}, so the value is always empty", site.where_(), text.trim()))
                        .severity(sev)
                        .help(format!("add `{target}` to `jobs.{}.needs` (only direct dependencies are visible in the `needs` context)", job.id.value));
                }
            }
        }
        CHECKED
    }
}
