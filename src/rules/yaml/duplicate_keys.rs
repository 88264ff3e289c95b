//! YAML001: a key defined twice in the same YAML mapping.

use crate::finding::Severity;
use crate::model::{ArtifactData, ArtifactKind};
use crate::parse::yaml::YamlStream;
use crate::rules::ci::is_deploy_workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct DuplicateKeys;

/// What the tool that loads this kind does with a duplicate key: `Some(tool)` when it refuses the
/// file, `None` when the last definition silently wins.
fn refusing_loader(kind: ArtifactKind) -> Option<Option<&'static str>> {
    Some(match kind {
        ArtifactKind::GithubWorkflow | ArtifactKind::GithubAction => Some("GitHub Actions"),
        ArtifactKind::Compose => Some("Docker Compose"),
        ArtifactKind::Kubernetes => Some("kubectl's strict field validation"),
        ArtifactKind::Kustomization => Some("kustomize"),
        ArtifactKind::Prometheus | ArtifactKind::PrometheusRules => Some("Prometheus"),
        ArtifactKind::Alertmanager => Some("Alertmanager"),
        ArtifactKind::Loki => Some("Loki/Promtail"),
        ArtifactKind::Grafana => Some("Grafana"),
        ArtifactKind::HelmValues | ArtifactKind::HelmChart | ArtifactKind::GitlabCi => None,
        _ => return None,
    })
}

impl Rule for DuplicateKeys {
    fn id(&self) -> RuleId {
        RuleId::YAML001
    }

    fn yaml(&self, cx: &mut Cx, yaml: &YamlStream) -> Checked {
        let Some(a) = cx.artifact() else { return NA };
        let Some(loader) = refusing_loader(a.kind) else { return NA };
        let deploy_workflow = matches!(&a.data, ArtifactData::Workflow(w) if is_deploy_workflow(w));
        for d in &yaml.documents {
            for (dup, first) in d.duplicate_keys() {
                let key = dup.as_str().unwrap_or("");
                let line = first.span().start.line;
                let f = match loader {
                    Some(tool) => {
                        let sev = if deploy_workflow || cx.env() == crate::model::Environment::Production {
                            Severity::Blocker
                        } else if a.kind == ArtifactKind::GithubWorkflow {
                            Severity::High
                        } else {
                            cx.by_env(Severity::Blocker, Severity::High)
                        };
                        cx.report(dup.span(), format!("key `{key}` is defined twice in the same mapping (first on line {line}): {tool} refuses the file"))
                            .severity(sev)
                    }
                    None => cx
                        .report(
                            dup.span(),
                            format!("key `{key}` is defined twice in the same mapping (first on line {line}): the last definition silently wins and the first is ignored"),
                        )
                        .by_env(Severity::High, Severity::Medium),
                };
                f.related_here(first.span(), "first definition").help("merge the two definitions into one key");
            }
        }
        CHECKED
    }
}
