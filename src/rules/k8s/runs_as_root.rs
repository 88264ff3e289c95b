//! K8S003: container that runs (or may run) as root.

use super::{anchor, who};
use crate::finding::Severity;
use crate::model::dockerfile::Args;
use crate::model::k8s::{Container, K8sObject, Workload};
use crate::model::ArtifactData;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct RunsAsRoot;

fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}

/// The non-root `USER` of the image, when every Dockerfile known to build it sets one.
fn image_user(cx: &Cx, c: &Container) -> Option<String> {
    let image = c.image.as_ref()?;
    let project = cx.project;
    let dockerfiles = project.images.dockerfiles_for_image(&image.value);
    let mut user = None;
    for path in dockerfiles {
        let ArtifactData::Dockerfile(df) = &project.artifact(path)?.data else { return None };
        let stage = df.final_stage()?;
        let users = df.stage_instructions(stage).filter_map(|i| match &i.args {
            Args::User(u) => Some(u.value.clone()),
            _ => None,
        });
        let u = users.last()?;
        if is_root_user(&u) {
            return None;
        }
        user = Some(u);
    }
    user
}

impl Rule for RunsAsRoot {
    fn id(&self) -> RuleId {
        RuleId::K8S003
    }

    fn k8s_container(&self, cx: &mut Cx, obj: &K8sObject, wl: &Workload, c: &Container) -> Checked {
        let (sc, pod) = (&c.security_context, &wl.pod.security_context);
        // Container settings override the pod's.
        let user = sc.run_as_user.as_ref().or(pod.run_as_user.as_ref());
        let non_root = sc.run_as_non_root.as_ref().or(pod.run_as_non_root.as_ref());
        let help = "set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` (e.g. 10001) on the pod, and build the image with a matching `USER`";
        if let Some(u) = user.filter(|u| u.value == 0) {
            let conflict = if non_root.is_some_and(|n| n.value) {
                "; with `runAsNonRoot: true` as well, the kubelet refuses to start it"
            } else {
                ""
            };
            cx.report(u.span, format!("{} runs as root (`runAsUser: 0`){conflict}", who(obj, c))).help(help);
            return CHECKED;
        }
        if let Some(n) = non_root.filter(|n| n.value) {
            cx.evidence_here(n.span, format!("{} must run as non-root", who(obj, c)));
            return CHECKED;
        }
        if let Some(u) = user.filter(|u| u.value > 0) {
            cx.evidence_here(u.span, format!("{} runs as user {}", who(obj, c), u.value));
            return CHECKED;
        }
        if let Some(n) = non_root.filter(|n| !n.value) {
            cx.report(n.span, format!("{} sets `runAsNonRoot: false` and no non-zero `runAsUser`: it runs as whatever user the image says, usually root", who(obj, c)))
                .help(help);
            return CHECKED;
        }
        // A Kustomize patch that does not mention the user leaves the base's setting alone.
        if obj.patch {
            return NA;
        }
        match image_user(cx, c) {
            Some(u) => {
                cx.report(
                    anchor(c),
                    format!(
                        "{} does not enforce a non-root user: its image sets `USER {u}`, but a different tag or image would run as root unnoticed",
                        who(obj, c)
                    ),
                )
                .severity(Severity::Low)
                .help(help);
            }
            None => {
                cx.report(
                    anchor(c),
                    format!(
                        "{} may run as root: neither `runAsNonRoot: true` nor a non-zero `runAsUser` is set, so it runs as the image's user, usually root",
                        who(obj, c)
                    ),
                )
                .help(help);
            }
        }
        CHECKED
    }
}
