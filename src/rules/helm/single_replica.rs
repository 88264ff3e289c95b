//! HELM003: production values that run a component as a single replica.

use super::{at, chart_values, dotted, maps, root};
use crate::model::{Artifact, ArtifactKind, Environment};
use crate::parse::yaml::Node;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct SingleReplica;

/// A value from the production file, else from the chart defaults.
fn effective<'a>(prod: Node<'a>, base: Option<Node<'a>>, path: &[String]) -> Option<(Node<'a>, bool)> {
    at(prod, path).map(|n| (n, true)).or_else(|| base.and_then(|b| at(b, path)).map(|n| (n, false)))
}

fn key(path: &[String], last: &str) -> Vec<String> {
    let mut p = path.to_vec();
    p.push(last.to_owned());
    p
}

impl Rule for SingleReplica {
    fn id(&self) -> RuleId {
        RuleId::HELM003
    }

    fn artifact(&self, cx: &mut Cx, a: &Artifact) -> Checked {
        if a.kind != ArtifactKind::HelmValues || a.env.env != Environment::Production {
            return NA;
        }
        let Some(prod) = root(a) else { return NA };
        let Some(cv) = chart_values(cx.project, a) else { return NA };
        let base_artifact = cv.base;
        let base = base_artifact.and_then(root);
        // Components: every map that has `replicaCount` in either file.
        let mut components: Vec<Vec<String>> = maps(prod)
            .into_iter()
            .chain(base.map(maps).unwrap_or_default())
            .filter(|(_, m)| m.get("replicaCount").is_some())
            .map(|(p, _)| p)
            .collect();
        components.sort();
        components.dedup();
        if components.is_empty() {
            return NA;
        }
        for path in components {
            let enabled = effective(prod, base, &key(&path, "autoscaling"))
                .and_then(|(n, _)| n.get("enabled"))
                .and_then(|e| e.as_bool())
                .unwrap_or(false);
            let (count_path, what) = if enabled {
                (key(&key(&path, "autoscaling"), "minReplicas"), "autoscaling.minReplicas")
            } else {
                (key(&path, "replicaCount"), "replicaCount")
            };
            let Some((node, here)) = effective(prod, base, &count_path) else {
                continue; // minReplicas unset: the chart's default decides
            };
            let Some(n) = node.as_i64() else { continue };
            if n >= 2 || n <= 0 {
                continue;
            }
            let name = dotted(&path, what.rsplit('.').next().unwrap_or(what));
            let name = if enabled { dotted(&key(&path, "autoscaling"), "minReplicas") } else { name };
            let message = format!(
                "production values run `{name}: {n}`: a node drain, rollout or crash takes this component offline"
            );
            if here {
                cx.report(node.span(), message)
                    .help("set `replicaCount: 2` or more (or `autoscaling.minReplicas: 2`) in the production values, with a PodDisruptionBudget");
            } else if let Some(b) = base_artifact {
                let here_span = prod.span();
                cx.report(here_span, format!("{message} (inherited from `{}`)", b.path()))
                    .related(b.path(), node.span(), "the default the production values do not override")
                    .help("override `replicaCount` (or `autoscaling.minReplicas`) with 2 or more in the production values");
            }
        }
        CHECKED
    }
}
