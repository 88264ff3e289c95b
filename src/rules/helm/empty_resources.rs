//! HELM002: chart values that deploy containers without resources.

use super::{at, chart_values, dotted, is_deployed_values, maps, root};
use crate::finding::Severity;
use crate::model::{Artifact, ArtifactKind, Environment};
use crate::parse::yaml::Node;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct EmptyResources;

/// `resources: {}` / `resources:` / a map whose `requests` and `limits` are both empty.
fn is_empty(r: Node<'_>) -> bool {
    if r.is_null() {
        return true;
    }
    if !r.is_map() {
        return false;
    }
    let filled = |k: &str| r.get(k).is_some_and(|v| v.is_map() && !v.entries().is_empty());
    !filled("requests")
        && !filled("limits")
        && r.entries().iter().all(|(k, _)| matches!(k.as_str(), Some("requests" | "limits")))
}

/// Paths (parent map paths) where `resources` is empty in `root`.
fn empty_at(root: Node<'_>) -> Vec<(Vec<String>, Node<'_>)> {
    maps(root)
        .into_iter()
        .filter_map(|(path, m)| {
            let r = m.get("resources")?;
            is_empty(r).then(|| (path, m.key_node("resources").unwrap_or(r)))
        })
        .collect()
}

impl Rule for EmptyResources {
    fn id(&self) -> RuleId {
        RuleId::HELM002
    }

    fn artifact(&self, cx: &mut Cx, a: &Artifact) -> Checked {
        if a.kind != ArtifactKind::HelmValues || !is_deployed_values(a) {
            return NA;
        }
        let Some(r) = root(a) else { return NA };
        let Some(cv) = chart_values(cx.project, a) else { return NA };
        let is_base = cv.base.is_some_and(|b| b.path() == a.path());
        let empties = empty_at(r);
        let judged = !empties.is_empty() || maps(r).iter().any(|(_, m)| m.get("resources").is_some());
        for (path, key) in empties {
            let mut full = path.clone();
            full.push("resources".to_owned());
            if is_base && !cv.prod.is_empty() {
                // The production overrides decide: fine when every one fills these resources in.
                let missing: Vec<&&Artifact> =
                    cv.prod.iter().filter(|p| root(p).and_then(|pr| at(pr, &full)).is_none_or(is_empty)).collect();
                let Some(first) = missing.first() else {
                    cx.evidence_here(
                        key.span(),
                        format!("`{}` is set by the production values", dotted(&path, "resources")),
                    );
                    continue;
                };
                cx.report(
                    key.span(),
                    format!("`{}` is empty and `{}` does not set it: production pods run without requests or a memory limit", dotted(&path, "resources"), first.path()),
                )
                .severity(Severity::Medium)
                .help("set `requests` (cpu, memory) and `limits.memory` for this component in the production values");
                continue;
            }
            let env = if a.env.env == Environment::Production {
                "production pods"
            } else {
                "pods installed with the default values"
            };
            cx.report(
                key.span(),
                format!("`{}` is empty: {env} run without requests or a memory limit, so the scheduler packs them blindly and one leak can exhaust a node", dotted(&path, "resources")),
            )
            .by_env(Severity::Medium, Severity::Low)
            .help("set `requests: {cpu: 100m, memory: 128Mi}` and `limits: {memory: 128Mi}` (from observed usage), or require them in the production values");
        }
        if judged {
            CHECKED
        } else {
            NA
        }
    }
}
