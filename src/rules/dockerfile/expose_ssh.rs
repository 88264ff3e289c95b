//! DF012: the image exposes the SSH port.

use crate::finding::Severity;
use crate::model::dockerfile::{Args, Dockerfile};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{port_range, shipped_instructions};

pub struct ExposeSsh;

impl Rule for ExposeSsh {
    fn id(&self) -> RuleId {
        RuleId::DF012
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        if df.stages.is_empty() {
            return NA;
        }
        let ports = shipped_instructions(cx.project, cx.path(), df).into_iter().flat_map(|i| match &i.args {
            Args::Expose(ports) => ports.as_slice(),
            _ => &[],
        });
        for p in ports {
            let Some((lo, hi, proto)) = port_range(&p.value) else { continue };
            if lo <= 22 && 22 <= hi && proto != "udp" {
                cx.report(
                    p.span,
                    format!("the image exposes port 22 (`EXPOSE {}`): an SSH daemon in a container is an extra way in, with its own keys to manage", p.value),
                )
                .by_env(Severity::Medium, Severity::Low)
                .help("remove the SSH server and `EXPOSE 22`; use `docker exec` / `kubectl exec` for access and a separate job for file transfer");
            }
        }
        CHECKED
    }
}
