//! docker-compose model (Compose Specification). Typed views over the YAML tree, read leniently:
//! a field with a wrong type is a diagnostic on that field, not a lost file.

use crate::parse::yaml::{NodeId, YamlStream};
use crate::source::{Span, Spanned};

/// `KEY=value` as a compose `environment` / build `args` entry; `value: None` means "pass through
/// from the shell environment" (`- KEY` or `KEY:` with no value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvEntry {
    pub key: Spanned<String>,
    pub value: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposeBuild {
    /// The `build:` key.
    pub span: Span,
    pub context: Option<Spanned<String>>,
    pub dockerfile: Option<Spanned<String>>,
    /// `dockerfile_inline:`
    pub inline: bool,
    pub target: Option<Spanned<String>>,
    pub args: Vec<EnvEntry>,
    /// `additional_contexts: name: path`
    pub additional_contexts: Vec<(String, Spanned<String>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortMapping {
    pub raw: Spanned<String>,
    /// Interface the host side binds (`127.0.0.1`), if any.
    pub host_ip: Option<String>,
    /// Host port or range, if published.
    pub published: Option<String>,
    /// Container port (first of a range).
    pub target: Option<u16>,
    pub protocol: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountKind {
    Bind,
    Volume,
    Tmpfs,
    /// `npipe`, `cluster`, or unknown.
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumeMount {
    pub span: Span,
    pub kind: MountKind,
    /// Host path (bind) or volume name (volume); `None` for anonymous volumes.
    pub source: Option<Spanned<String>>,
    pub target: Option<String>,
    pub read_only: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Healthcheck {
    /// The `healthcheck:` key.
    pub span: Span,
    /// `test:` joined into one command line (`CMD`/`CMD-SHELL` prefix removed).
    pub test: Option<Spanned<String>>,
    /// `disable: true` or `test: ["NONE"]`.
    pub disabled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DependsOn {
    pub service: Spanned<String>,
    /// `service_started` / `service_healthy` / `service_completed_successfully`.
    pub condition: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logging {
    pub span: Span,
    pub driver: Option<Spanned<String>>,
    pub options: Vec<(String, Spanned<String>)>,
}

/// Resource limits from `deploy.resources.limits` or the legacy `mem_limit`/`cpus` keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    pub memory_limit: Option<Spanned<String>>,
    pub cpu_limit: Option<Spanned<String>>,
    pub memory_reservation: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposeService {
    /// Service name with the span of its key.
    pub name: Spanned<String>,
    /// The service's mapping node in `ComposeFile::yaml` (document 0).
    pub node: NodeId,
    pub image: Option<Spanned<String>>,
    pub build: Option<ComposeBuild>,
    pub container_name: Option<Spanned<String>>,
    /// `command:` as one line (list form joined).
    pub command: Option<Spanned<String>>,
    pub entrypoint: Option<Spanned<String>>,
    pub environment: Vec<EnvEntry>,
    pub env_files: Vec<Spanned<String>>,
    pub ports: Vec<PortMapping>,
    pub expose: Vec<Spanned<String>>,
    pub volumes: Vec<VolumeMount>,
    pub networks: Vec<Spanned<String>>,
    pub network_mode: Option<Spanned<String>>,
    pub healthcheck: Option<Healthcheck>,
    pub restart: Option<Spanned<String>>,
    /// `deploy.restart_policy.condition`
    pub deploy_restart: Option<Spanned<String>>,
    pub resources: Resources,
    pub replicas: Option<Spanned<i64>>,
    pub depends_on: Vec<DependsOn>,
    pub privileged: Option<Spanned<bool>>,
    pub read_only: Option<Spanned<bool>>,
    pub cap_add: Vec<Spanned<String>>,
    pub cap_drop: Vec<Spanned<String>>,
    pub security_opt: Vec<Spanned<String>>,
    pub user: Option<Spanned<String>>,
    pub logging: Option<Logging>,
    pub secrets: Vec<Spanned<String>>,
    pub configs: Vec<Spanned<String>>,
    pub profiles: Vec<Spanned<String>>,
    pub pid: Option<Spanned<String>>,
    pub ipc: Option<Spanned<String>>,
    pub extra_hosts: Vec<Spanned<String>>,
    /// `extends: { file, service }`
    pub extends: Option<(Option<Spanned<String>>, Spanned<String>)>,
    /// Every key of the service mapping as written (after merge keys), for validity rules.
    pub keys: Vec<Spanned<String>>,
}

impl ComposeService {
    /// The env value for `key`, if set literally in `environment`.
    pub fn env(&self, key: &str) -> Option<&EnvEntry> {
        self.environment.iter().rev().find(|e| e.key.value == key)
    }

    /// True when the service has a restart policy (compose `restart` or swarm `deploy.restart_policy`).
    pub fn has_restart_policy(&self) -> bool {
        self.restart.as_ref().is_some_and(|r| r.value != "no") || self.deploy_restart.is_some()
    }
}

/// Top-level named declaration (`networks:`, `volumes:`, `secrets:`, `configs:`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedDecl {
    pub name: Spanned<String>,
    pub external: bool,
    /// `file:` of a secret/config.
    pub file: Option<Spanned<String>>,
    /// `internal: true` on a network.
    pub internal: bool,
}

#[derive(Debug)]
pub struct ComposeFile {
    pub yaml: YamlStream,
    pub name: Option<Spanned<String>>,
    pub services: Vec<ComposeService>,
    pub networks: Vec<NamedDecl>,
    pub volumes: Vec<NamedDecl>,
    pub secrets: Vec<NamedDecl>,
    pub configs: Vec<NamedDecl>,
    /// `include:` paths.
    pub includes: Vec<Spanned<String>>,
    /// Top-level keys as written.
    pub top_keys: Vec<Spanned<String>>,
}

impl ComposeFile {
    pub fn service(&self, name: &str) -> Option<&ComposeService> {
        self.services.iter().find(|s| s.name.value == name)
    }
}
