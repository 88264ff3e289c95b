//! DF002: a server image without HEALTHCHECK that no orchestrator probe covers.

use crate::finding::{Location, Severity};
use crate::model::dockerfile::{Args, Dockerfile};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{deployed_stage, shipped_instructions};

pub struct NoHealthcheck;

impl Rule for NoHealthcheck {
    fn id(&self) -> RuleId {
        RuleId::DF002
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let Some(final_stage) = deployed_stage(cx.project, cx.path(), df) else { return NA };
        let instrs = shipped_instructions(cx.project, cx.path(), df);
        let exposes = instrs.iter().any(|i| matches!(&i.args, Args::Expose(p) if !p.is_empty()));
        if !exposes {
            return NA; // not a server image
        }
        let hc = instrs.iter().rev().find_map(|i| match &i.args {
            Args::Healthcheck { none, .. } => Some((i, *none)),
            _ => None,
        });
        match hc {
            Some((i, false)) => {
                cx.evidence_here(i.span, "HEALTHCHECK defined in the image");
                return CHECKED;
            }
            Some((i, true)) => {
                if let Some(c) = cx.project.images.covering_probe(cx.path()) {
                    let at = Location::new(c.path.clone(), c.probe.unwrap_or(c.span));
                    cx.evidence(
                        Some(at),
                        format!("`HEALTHCHECK NONE`, but `{}` in `{}` defines a probe", c.name, c.path),
                    );
                    return CHECKED;
                }
                cx.report(i.span, "the image disables health checking (`HEALTHCHECK NONE`) and no compose healthcheck or Kubernetes probe covers it")
                    .by_env(Severity::Medium, Severity::Low);
                return CHECKED;
            }
            None => {}
        }
        if let Some(c) = cx.project.images.covering_probe(cx.path()) {
            let at = Location::new(c.path.clone(), c.probe.unwrap_or(c.span));
            cx.evidence(
                Some(at),
                format!("no HEALTHCHECK, but `{}` in `{}` defines a health probe for this image", c.name, c.path),
            );
            return CHECKED;
        }
        let consumers = cx.project.images.consumers(cx.path());
        let msg = if consumers.is_empty() {
            "the image exposes a port but has no HEALTHCHECK, and no compose service or Kubernetes workload in the repository defines a probe for it".to_owned()
        } else {
            let names: Vec<String> = consumers.iter().map(|c| format!("`{}` ({})", c.name, c.path)).collect();
            format!(
                "the image exposes a port but has no HEALTHCHECK, and none of its consumers ({}) defines a probe",
                names.join(", ")
            )
        };
        let mut f = cx.report(final_stage.base.span, msg).by_env(Severity::Medium, Severity::Low);
        for c in consumers.iter().take(3) {
            f = f.related(c.path.clone(), c.span, format!("`{}` runs this image without a probe", c.name));
        }
        CHECKED
    }
}
