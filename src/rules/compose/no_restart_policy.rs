//! DC003: long-running compose service without a restart policy.

use super::{is_fragment, is_one_shot, merged_definitions};
use crate::finding::{Location, Severity};
use crate::index::files::file_name;
use crate::model::compose::ComposeService;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoRestartPolicy;

/// Swarm stack files: `docker stack deploy` restarts tasks by default (`condition: any`).
fn is_stack_file(path: &str) -> bool {
    let name = file_name(path).to_ascii_lowercase();
    name.starts_with("docker-stack") || name.starts_with("stack.")
}

impl Rule for NoRestartPolicy {
    fn id(&self) -> RuleId {
        RuleId::DC003
    }

    fn compose_service(&self, cx: &mut Cx, file: &ComposeFile, s: &ComposeService) -> Checked {
        if is_one_shot(s) || is_fragment(s) || is_stack_file(cx.path()) {
            return NA;
        }
        let project = cx.project;
        let path = cx.path();
        let defs = merged_definitions(project, path, file, s);
        let policy = defs.iter().find_map(|(p, d)| {
            d.restart.as_ref().map(|r| (*p, r)).or_else(|| d.deploy_restart.as_ref().map(|r| (*p, r)))
        });
        if let Some((p, r)) = policy {
            cx.evidence(
                Some(Location::new(p, r.span)),
                format!("service `{}` restarts with policy `{}`", s.name.value, r.value),
            );
            return CHECKED;
        }
        cx.report(
            s.name.span,
            format!("service `{}` has no restart policy: it stays down after a crash or a host reboot", s.name.value),
        )
        .by_env(Severity::Medium, Severity::Low)
        .help("add `restart: unless-stopped` (or `deploy.restart_policy` for swarm)");
        CHECKED
    }
}
