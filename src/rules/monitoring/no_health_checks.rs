//! MON010: no health check anywhere (no compose healthcheck, Kubernetes probe, Dockerfile
//! HEALTHCHECK, or probes in Helm templates/values).

use crate::finding::Location;
use crate::index::Project;
use crate::model::dockerfile::Args;
use crate::model::{ArtifactKind, Environment};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoHealthChecks;

/// A health check on an artifact whose environment `ok` accepts.
fn find(project: &Project, ok: fn(Environment) -> bool) -> Option<(Location, String)> {
    for (a, _, s) in project.compose_services().filter(|(a, _, _)| ok(a.env.env)) {
        if let Some(h) = s.healthcheck.as_ref().filter(|h| !h.disabled && h.test.is_some()) {
            return Some((
                Location::new(a.path(), h.span),
                format!("service `{}` has a healthcheck in `{}`", s.name.value, a.path()),
            ));
        }
    }
    for (a, o) in project.k8s_objects().filter(|(a, _)| ok(a.env.env)) {
        if let Some(w) = o.workload() {
            for c in &w.pod.containers {
                if let Some(p) = c.readiness.as_ref().or(c.liveness.as_ref()).or(c.startup.as_ref()) {
                    return Some((
                        Location::new(a.path(), p.span),
                        format!("container `{}` of {} has a probe", c.label(), o.label()),
                    ));
                }
            }
        }
    }
    for (a, df) in project.dockerfiles().filter(|(a, _)| ok(a.env.env)) {
        if let Some(i) = df.instructions.iter().find(|i| matches!(i.args, Args::Healthcheck { none: false, .. })) {
            return Some((Location::new(a.path(), i.span), format!("`{}` defines a HEALTHCHECK", a.path())));
        }
    }
    for a in project.audited().filter(|a| ok(a.env.env)) {
        let text_probe = matches!(a.kind, ArtifactKind::HelmTemplate | ArtifactKind::HelmValues)
            && (a.source.text.contains("readinessProbe:") || a.source.text.contains("livenessProbe:"));
        if text_probe {
            let line = a
                .source
                .text
                .lines()
                .position(|l| l.contains("readinessProbe:") || l.contains("livenessProbe:"))
                .map_or(1, |i| i + 1);
            let n = u32::try_from(line).unwrap_or(1);
            return Some((
                Location::new(a.path(), a.source.line_span(n)),
                format!("`{}` defines Kubernetes probes", a.path()),
            ));
        }
    }
    None
}

impl Rule for NoHealthChecks {
    fn id(&self) -> RuleId {
        RuleId::MON010
    }

    fn project(&self, cx: &mut Cx, project: &Project) -> Checked {
        if !project.runs_services() {
            return NA;
        }
        let explicit = find(project, |e| e == Environment::Production);
        match explicit.or_else(|| find(project, Environment::is_production_path)) {
            Some((loc, text)) => cx.evidence(Some(loc), text),
            None => {
                cx.report_repo(
                    "no health checks anywhere: no compose `healthcheck`, Kubernetes probe or Dockerfile `HEALTHCHECK`",
                );
            }
        }
        CHECKED
    }
}
