//! DF001: the final image runs as root.

use crate::finding::{Location, Severity};
use crate::index::images::ConsumerKind;
use crate::model::dockerfile::Dockerfile;
use crate::model::image::ImageRef;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{deployed_stage, is_tool_image, last_user, shipped_instructions, shipped_stages, stage_label};

pub struct RunsAsRoot;

/// Base images whose default user is not root.
fn non_root_base(image: &str) -> bool {
    let r = ImageRef::parse(image);
    let repo = r.repository.as_str();
    let tag = r.tag.as_deref().unwrap_or("");
    tag == "nonroot"
        || tag.starts_with("nonroot-")
        || tag.ends_with("-nonroot")
        || r.registry.as_deref() == Some("cgr.dev") && !tag.ends_with("-dev") && tag != "latest-dev"
        || repo.contains("unprivileged")
        || repo.starts_with("bitnami/")
        || repo.contains("rootless")
        || tag.contains("chiseled")
        // Images whose own Dockerfile ends with a non-root USER.
        || NON_ROOT_IMAGES.iter().any(|p| repo == *p || repo.starts_with(&format!("{p}/")))
}

/// Repositories (or organisations, as a prefix) whose images run as a non-root user by default:
/// Grafana, k6, Loki, Tempo and Mimir, the Prometheus project's images (nobody),
/// the OpenTelemetry Collector and Jaeger (uid 10001).
const NON_ROOT_IMAGES: &[&str] = &[
    "grafana/grafana",
    "grafana/grafana-oss",
    "grafana/grafana-enterprise",
    "grafana/k6",
    "grafana/loki",
    "grafana/tempo",
    "grafana/mimir",
    "prom",
    "prometheus",
    "otel/opentelemetry-collector",
    "otel/opentelemetry-collector-contrib",
    "otel/opentelemetry-collector-k8s",
    "jaegertracing",
];

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}

impl Rule for RunsAsRoot {
    fn id(&self) -> RuleId {
        RuleId::DF001
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let Some(final_stage) = deployed_stage(cx.project, cx.path(), df) else { return NA };
        if is_tool_image(cx.project, cx.path(), df) {
            return NA; // a code-generation or CI tool image: no production container runs it
        }
        let instrs = shipped_instructions(cx.project, cx.path(), df);
        match last_user(&instrs) {
            Some(u) if is_root(&u.value) => {
                cx.report(u.span, format!("the final image switches to `USER {}` and runs as root", u.value))
                    .by_env(Severity::High, Severity::Medium);
            }
            Some(u) => cx.evidence_here(u.span, format!("runs as `{}`", u.value)),
            None => {
                let base_stage = shipped_stages(cx.project, cx.path(), df).into_iter().last().unwrap_or(final_stage);
                let consumers = cx.project.images.consumers(cx.path());
                let runtime: Vec<_> = consumers.iter().filter(|c| c.kind != ConsumerKind::CiBuild).collect();
                if non_root_base(&base_stage.base_resolved) {
                    cx.evidence_here(
                        base_stage.base.span,
                        format!("base image `{}` runs as a non-root user", base_stage.base.value),
                    );
                } else if !runtime.is_empty() && runtime.iter().all(|c| c.non_root == Some(true)) {
                    // The orchestrator decides the user: every place that runs this image sets a non-root one.
                    for c in runtime.iter().take(3) {
                        let at = Location::new(c.path.clone(), c.user_span.unwrap_or(c.span));
                        cx.evidence(
                            Some(at),
                            format!("no `USER` in the image, but `{}` runs it as a non-root user", c.name),
                        );
                    }
                } else {
                    cx.report(
                        final_stage.base.span,
                        format!(
                            "{} (`FROM {}`) never sets a non-root `USER`, so the container runs as root",
                            stage_label(df, final_stage),
                            final_stage.base.value
                        ),
                    )
                    .by_env(Severity::High, Severity::Medium);
                }
            }
        }
        CHECKED
    }
}
