//! HELM004: values that enable CPU/memory autoscaling for a component that requests nothing.

use super::{at, chart_values, dotted, is_deployed_values, maps, root};
use crate::finding::Severity;
use crate::model::{Artifact, ArtifactKind};
use crate::parse::yaml::Node;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct AutoscalingWithoutRequests;

fn requests(resources: Option<Node<'_>>, res: &str) -> bool {
    let Some(r) = resources else { return false };
    ["requests", "limits"].iter().any(|k| r.get(k).and_then(|m| m.get(res)).is_some_and(|v| !v.is_null()))
}

impl Rule for AutoscalingWithoutRequests {
    fn id(&self) -> RuleId {
        RuleId::HELM004
    }

    fn artifact(&self, cx: &mut Cx, a: &Artifact) -> Checked {
        if a.kind != ArtifactKind::HelmValues || !is_deployed_values(a) {
            return NA;
        }
        let Some(r) = root(a) else { return NA };
        // Production overrides are judged merged over the defaults.
        let base = chart_values(cx.project, a).and_then(|cv| cv.base).filter(|b| b.path() != a.path()).and_then(root);
        let mut any = false;
        for (path, m) in maps(r) {
            let Some(auto) = m.get("autoscaling").filter(|x| x.is_map()) else { continue };
            if auto.get("enabled").and_then(|e| e.as_bool()) != Some(true) {
                continue;
            }
            any = true;
            let mut res_path = path.clone();
            res_path.push("resources".to_owned());
            let resources = m.get("resources").or_else(|| base.and_then(|b| at(b, &res_path)));
            for (key, res) in
                [("targetCPUUtilizationPercentage", "cpu"), ("targetMemoryUtilizationPercentage", "memory")]
            {
                let Some(target) = auto.get(key).filter(|t| !t.is_null()) else { continue };
                if requests(resources, res) {
                    continue;
                }
                cx.report(
                    target.span(),
                    format!("`{}` scales on {res} utilization, but `{}` requests no {res}: utilization is a share of the request, so the HPA reports `missing request for {res}` and never scales", dotted(&{ let mut p = path.clone(); p.push("autoscaling".to_owned()); p }, key), dotted(&path, "resources")),
                )
                .by_env(Severity::High, Severity::Medium)
                .help(format!("set `resources.requests.{res}` next to `autoscaling` (every container of the pod needs it)"));
            }
        }
        if any {
            CHECKED
        } else {
            NA
        }
    }
}
