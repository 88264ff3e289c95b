//! MON009: no log aggregation anywhere.

use super::no_metrics::provided;
use super::survey;
use crate::config::Capability;
use crate::finding::{Confidence, Severity};
use crate::index::Project;
use crate::model::{ArtifactKind, Environment};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoLogAggregation;

impl Rule for NoLogAggregation {
    fn id(&self) -> RuleId {
        RuleId::MON009
    }

    fn project(&self, cx: &mut Cx, project: &Project) -> Checked {
        if !project.runs_services() {
            return NA;
        }
        if provided(cx, project, Capability::Logging) {
            return CHECKED;
        }
        let s = survey(project);
        if s.logs.is_empty() {
            // On Kubernetes, container logs are conventionally collected by a node-level agent the
            // platform runs (a DaemonSet outside this repository); on a compose host nothing does.
            // A compose file without an environment marker is the local stack when Kubernetes
            // manifests are explicitly production.
            let k8s_prod = project.k8s_files().any(|(a, _)| a.env.env == Environment::Production)
                || project
                    .audited()
                    .any(|a| a.kind == ArtifactKind::Kustomization && a.env.env == Environment::Production);
            let compose = project
                .compose_files()
                .any(|(a, _)| a.env.env == Environment::Production || (a.env.env == Environment::Default && !k8s_prod));
            let k8s = project.k8s_files().any(|(a, _)| a.env.env.is_production_path())
                || project
                    .audited()
                    .any(|a| a.kind == ArtifactKind::HelmChart || a.kind == ArtifactKind::Kustomization);
            if k8s && !compose {
                cx.report_repo("no log aggregation is visible: nothing in the repository ships container logs (a cluster-level agent may; declare it with `[provided] logging`)")
                    .severity(Severity::Low)
                    .confidence(Confidence::Medium);
            } else {
                cx.report_repo("no log aggregation: no Loki/Promtail, Fluent Bit, Vector, Filebeat, OpenTelemetry logs pipeline, logging agent or remote logging driver ships container logs anywhere");
            }
        }
        for c in s.logs.into_iter().take(4) {
            cx.evidence(c.location, c.text);
        }
        CHECKED
    }
}
