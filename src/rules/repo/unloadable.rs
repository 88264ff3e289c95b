//! PARSE001: a deployment file that cannot be loaded.

use crate::finding::Severity;
use crate::model::{Artifact, ArtifactKind};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct Unloadable;

impl Rule for Unloadable {
    fn id(&self) -> RuleId {
        RuleId::PARSE001
    }

    fn artifact(&self, cx: &mut Cx, a: &Artifact) -> Checked {
        // Files whose failure breaks a build, a deploy or a pipeline.
        let deploy_kind = matches!(
            a.kind,
            ArtifactKind::Dockerfile
                | ArtifactKind::Compose
                | ArtifactKind::Kubernetes
                | ArtifactKind::GithubWorkflow
                | ArtifactKind::GitlabCi
                | ArtifactKind::Kustomization
                | ArtifactKind::HelmValues
                | ArtifactKind::HelmChart
        );
        let config_kind = matches!(
            a.kind,
            ArtifactKind::Prometheus
                | ArtifactKind::PrometheusRules
                | ArtifactKind::Alertmanager
                | ArtifactKind::Grafana
                | ArtifactKind::Loki
                | ArtifactKind::GithubAction
        );
        if !deploy_kind && !config_kind {
            return NA;
        }
        let Some(err) = &a.load_error else { return CHECKED };
        let (prod, other) =
            if deploy_kind { (Severity::Blocker, Severity::High) } else { (Severity::High, Severity::Medium) };
        let span = err.line.map_or(Span::file_start(), |l| Span::point(l, err.col.unwrap_or(1)));
        let consequence = match a.kind {
            ArtifactKind::Dockerfile => "the image cannot be built",
            ArtifactKind::Compose => "`docker compose` refuses the whole file",
            ArtifactKind::Kubernetes | ArtifactKind::Kustomization => "`kubectl apply` rejects it",
            ArtifactKind::GithubWorkflow | ArtifactKind::GitlabCi => "the pipeline does not run",
            ArtifactKind::HelmValues | ArtifactKind::HelmChart => "`helm install` fails",
            _ => "the tool that loads it fails to start",
        };
        cx.report(span, format!("`{}` cannot be loaded ({}): {consequence}", a.path(), err.message))
            .by_env(prod, other);
        CHECKED
    }
}
