//! Helm rules (`HELM`): the Kubernetes rules' intent applied to a chart's values, where the chart
//! conventions (`image.tag`, `resources`, `replicaCount`, `autoscaling`) make it possible. Go
//! templates are never parsed (`ArtifactKind::HelmTemplate` is recorded only).

mod autoscaling_without_requests;
mod chart_invalid;
mod empty_resources;
mod image_tag;
mod single_replica;

use super::Rule;
use crate::index::files::{file_name, parent_dir};
use crate::index::Project;
use crate::model::{Artifact, ArtifactData, ArtifactKind, Environment};
use crate::parse::yaml::Node;

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(image_tag::ImageTag));
    rules.push(Box::new(empty_resources::EmptyResources));
    rules.push(Box::new(single_replica::SingleReplica));
    rules.push(Box::new(autoscaling_without_requests::AutoscalingWithoutRequests));
    rules.push(Box::new(chart_invalid::ChartInvalid));
}

/// The first document of a YAML artifact.
pub(crate) fn root(a: &Artifact) -> Option<Node<'_>> {
    match &a.data {
        ArtifactData::Yaml(y) => y.first().filter(|r| r.is_map()),
        _ => None,
    }
}

/// A chart's values files: the defaults (`values.yaml`) and the production overrides
/// (`values-prod.yaml`, `values.production.yaml`…), next to `Chart.yaml`.
pub(crate) struct ChartValues<'p> {
    pub chart: Option<&'p Artifact>,
    pub base: Option<&'p Artifact>,
    pub prod: Vec<&'p Artifact>,
}

/// The chart a values file belongs to. `None` for values files of CI tests (`ci/*.yaml`).
pub(crate) fn chart_values<'p>(project: &'p Project, values: &Artifact) -> Option<ChartValues<'p>> {
    let dir = parent_dir(values.path());
    let in_dir = |a: &&Artifact| parent_dir(a.path()) == dir;
    let chart = project.of_kind(ArtifactKind::HelmChart).find(in_dir);
    chart?;
    let files: Vec<&Artifact> = project.of_kind(ArtifactKind::HelmValues).filter(in_dir).collect();
    let base = files.iter().copied().find(|a| matches!(file_name(a.path()), "values.yaml" | "values.yml"));
    let prod = files.iter().copied().filter(|a| a.env.env == Environment::Production).collect();
    Some(ChartValues { chart, base, prod })
}

/// Is this values file one a production install uses: the defaults, or a production override?
pub(crate) fn is_deployed_values(a: &Artifact) -> bool {
    matches!(file_name(a.path()), "values.yaml" | "values.yml") || a.env.env == Environment::Production
}

/// Follow a path of keys.
pub(crate) fn at<'a>(root: Node<'a>, path: &[String]) -> Option<Node<'a>> {
    let mut cur = root;
    for k in path {
        cur = cur.get(k)?;
    }
    Some(cur)
}

/// Every mapping of the tree with its key path (depth-bounded, aliases not followed twice).
pub(crate) fn maps<'a>(root: Node<'a>) -> Vec<(Vec<String>, Node<'a>)> {
    let mut out = Vec::new();
    let mut stack = vec![(Vec::new(), root)];
    while let Some((path, n)) = stack.pop() {
        if path.len() > 12 || out.len() > 10_000 || !n.is_map() {
            continue;
        }
        for (k, v) in n.entries() {
            if let (Some(k), false) = (k.as_str(), v.is_alias()) {
                if v.is_map() {
                    let mut p = path.clone();
                    p.push(k.to_owned());
                    stack.push((p, v));
                }
            }
        }
        out.push((path, n));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// `a.b.c` for messages (`.` for the root).
pub(crate) fn dotted(path: &[String], last: &str) -> String {
    let mut parts: Vec<&str> = path.iter().map(String::as_str).collect();
    parts.push(last);
    parts.join(".")
}
