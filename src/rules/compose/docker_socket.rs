//! DC005: the container runtime socket bind-mounted into a service.

use crate::model::compose::{ComposeService, MountKind};
use crate::model::image::ImageRef;
use crate::model::interp;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED};

pub struct DockerSocket;

/// Host paths of container-runtime API sockets.
const SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/podman/podman.sock",
    "/var/run/podman/podman.sock",
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
];

/// The socket a mount source names, also through `${DOCKER_SOCK:-/var/run/docker.sock}`.
fn socket_of(source: &str) -> Option<&'static str> {
    let direct = source.trim();
    let resolved;
    let candidate = if interp::is_pure_reference(direct) {
        resolved = interp::parse(direct).into_iter().next().and_then(|i| i.default).unwrap_or_default();
        resolved.as_str()
    } else {
        direct
    };
    // `//var/run/docker.sock` (Docker Desktop on Windows) and trailing slashes.
    let norm = format!("/{}", candidate.trim_start_matches('/').trim_end_matches('/'));
    SOCKETS.iter().find(|s| **s == norm).copied()
}

impl Rule for DockerSocket {
    fn id(&self) -> RuleId {
        RuleId::DC005
    }

    fn compose_service(&self, cx: &mut Cx, _file: &ComposeFile, s: &ComposeService) -> Checked {
        // A filtering proxy (tecnativa/docker-socket-proxy and its forks) is the remedy: it holds
        // the socket so that nothing else has to.
        let proxy = s.image.as_ref().is_some_and(|i| ImageRef::parse(&i.value).repository.contains("socket-proxy"));
        for m in &s.volumes {
            if m.kind != MountKind::Bind {
                continue;
            }
            let Some(src) = &m.source else { continue };
            let Some(socket) = socket_of(&src.value) else { continue };
            if proxy {
                cx.evidence_here(m.span, format!("service `{}` is a filtering proxy for `{socket}`", s.name.value));
                continue;
            }
            let span = super::find_from(cx, src.span, src.value.trim());
            let ro = if m.read_only {
                " (read-only does not help: it only protects the socket file, the API stays fully usable)"
            } else {
                ""
            };
            cx.report(
                span,
                format!(
                    "service `{}` mounts the container runtime socket `{socket}`: whoever controls the container controls the daemon, which is root on the host{ro}",
                    s.name.value
                ),
            )
            .help("remove the mount; if the service must talk to Docker, put a filtering proxy (e.g. docker-socket-proxy) with only the endpoints it needs in between");
        }
        CHECKED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_socket_forms() {
        assert_eq!(socket_of("/var/run/docker.sock"), Some("/var/run/docker.sock"));
        assert_eq!(socket_of("//var/run/docker.sock"), Some("/var/run/docker.sock"));
        assert_eq!(socket_of("${DOCKER_SOCK:-/run/docker.sock}"), Some("/run/docker.sock"));
        assert_eq!(socket_of("${DOCKER_SOCK}"), None);
        assert_eq!(socket_of("/var/run/docker"), None);
        assert_eq!(socket_of("./data"), None);
    }
}
