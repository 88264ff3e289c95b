//! MON012: an nginx / Prometheus / Alertmanager / rule / Grafana / collector config that no
//! service loads (present but unused: it earns no credit elsewhere).

use crate::finding::{Confidence, Severity};
use crate::model::{Artifact, ArtifactKind};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct ConfigNotLoaded;

impl Rule for ConfigNotLoaded {
    fn id(&self) -> RuleId {
        RuleId::MON012
    }

    fn artifact(&self, cx: &mut Cx, a: &Artifact) -> Checked {
        let what = match a.kind {
            ArtifactKind::Nginx => "nginx config",
            ArtifactKind::Prometheus => "Prometheus config",
            ArtifactKind::PrometheusRules => "alert rule file",
            ArtifactKind::Alertmanager => "Alertmanager config",
            ArtifactKind::Grafana => "Grafana provisioning file",
            ArtifactKind::Loki | ArtifactKind::OtelCollector => "collector config",
            _ => return NA,
        };
        let project = cx.project;
        // Only judged where the repository shows how it deploys, and only on the production path.
        let deploys = project.compose_files().next().is_some()
            || project.k8s_files().next().is_some()
            || project.dockerfiles().next().is_some();
        if !deploys || !a.env.env.is_production_path() {
            return NA;
        }
        match project.mounts.production_use(a.path()) {
            Some((u, m)) => {
                let via = u.via.as_ref().map_or_else(String::new, |(p, _)| format!(" through `{p}`"));
                cx.evidence_here(
                    Span::file_start(),
                    format!("{what} `{}` is loaded by {}{via}", a.path(), m.describe()),
                );
            }
            None => {
                cx.report(Span::file_start(), format!("{what} `{}` is present but no service loads it (no mount, `COPY`, ConfigMap or include uses it): it has no effect", a.path()))
                    .severity(Severity::Low)
                    .confidence(Confidence::Medium);
            }
        }
        CHECKED
    }
}
