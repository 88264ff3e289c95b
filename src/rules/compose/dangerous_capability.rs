//! DC009: compose service adding a capability that breaks container isolation.

use crate::finding::Severity;
use crate::model::compose::ComposeService;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED};

pub struct DangerousCapability;

/// Capabilities that hand the container a way out (high), or network control (medium). `NET_RAW`
/// is absent on purpose: Docker grants it by default, so adding it changes nothing.
fn danger(cap: &str) -> Option<(Severity, &'static str)> {
    Some(match cap {
        "ALL" => (Severity::High, "every capability, as good as `privileged`"),
        "SYS_ADMIN" => (Severity::High, "mounts and most kernel administration, the classic container-escape path"),
        "SYS_MODULE" => (Severity::High, "loading kernel modules, which is code execution in the host kernel"),
        "SYS_RAWIO" => (Severity::High, "raw access to host devices and memory"),
        "SYS_PTRACE" => (Severity::High, "tracing other processes and reading their memory, secrets included"),
        "DAC_READ_SEARCH" => {
            (Severity::High, "bypassing file read permissions, the `open_by_handle_at` escape to host files")
        }
        "BPF" => (Severity::High, "loading eBPF programs into the host kernel"),
        "MAC_ADMIN" | "MAC_OVERRIDE" => (Severity::High, "changing or bypassing AppArmor/SELinux confinement"),
        "NET_ADMIN" => (Severity::Medium, "reconfiguring interfaces, routes and firewall rules"),
        _ => return None,
    })
}

impl Rule for DangerousCapability {
    fn id(&self) -> RuleId {
        RuleId::DC009
    }

    fn compose_service(&self, cx: &mut Cx, _file: &ComposeFile, s: &ComposeService) -> Checked {
        let host_network = s.network_mode.as_ref().is_some_and(|m| m.value.trim() == "host");
        for cap in &s.cap_add {
            let name = cap.value.trim().to_ascii_uppercase();
            let name = name.strip_prefix("CAP_").unwrap_or(&name);
            let Some((mut severity, why)) = danger(name) else { continue };
            let mut message = format!("service `{}` adds capability `{name}`: {why}", s.name.value);
            if name == "NET_ADMIN" && host_network {
                // On the host network, NET_ADMIN administers the host's network.
                severity = Severity::High;
                message.push_str(" of the host, since the service uses the host network");
            }
            cx.report(cap.span, message)
                .severity(severity)
                .help("drop it, or replace it with the narrow capability the process needs (e.g. `NET_BIND_SERVICE`)");
        }
        CHECKED
    }
}
