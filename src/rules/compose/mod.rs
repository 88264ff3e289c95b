//! Compose rules (`DC`): one file per rule, one registration line each.

mod build_target_missing;
mod dangerous_capability;
mod datastore_no_volume;
mod datastore_port;
mod depends_on_unhealthy;
mod docker_socket;
mod duplicate_container_name;
mod duplicate_host_port;
mod hardcoded_secret;
mod healthy_without_healthcheck;
mod image_latest;
mod network_mode_host;
mod no_healthcheck;
mod no_log_rotation;
mod no_memory_limit;
mod no_new_privileges;
mod no_read_only;
mod no_restart_policy;
mod privileged;
mod schema;
mod undefined_reference;

pub use no_healthcheck::is_one_shot;

use super::{Cx, Rule};
use crate::index::files::parent_dir;
use crate::index::{Project, Resolution};
use crate::model::compose::ComposeService;
use crate::model::{ArtifactData, ComposeFile};
use crate::parse::yaml::Node;
use crate::source::{Pos, Span};

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(no_healthcheck::NoHealthcheck));
    rules.push(Box::new(no_memory_limit::NoMemoryLimit));
    rules.push(Box::new(no_restart_policy::NoRestartPolicy));
    rules.push(Box::new(privileged::Privileged));
    rules.push(Box::new(docker_socket::DockerSocket));
    rules.push(Box::new(hardcoded_secret::HardcodedSecret));
    rules.push(Box::new(image_latest::ImageLatest));
    rules.push(Box::new(network_mode_host::NetworkModeHost));
    rules.push(Box::new(dangerous_capability::DangerousCapability));
    rules.push(Box::new(datastore_port::DatastorePort));
    rules.push(Box::new(no_new_privileges::NoNewPrivileges));
    rules.push(Box::new(no_read_only::NoReadOnly));
    rules.push(Box::new(depends_on_unhealthy::DependsOnUnhealthy));
    rules.push(Box::new(no_log_rotation::NoLogRotation));
    rules.push(Box::new(datastore_no_volume::DatastoreNoVolume));
    rules.push(Box::new(undefined_reference::UndefinedReference));
    rules.push(Box::new(schema::Schema));
    rules.push(Box::new(healthy_without_healthcheck::HealthyWithoutHealthcheck));
    rules.push(Box::new(build_target_missing::BuildTargetMissing));
    rules.push(Box::new(duplicate_container_name::DuplicateContainerName));
    rules.push(Box::new(duplicate_host_port::DuplicateHostPort));
}

/// A service that only overrides keys of a service defined elsewhere (an overlay such as
/// `docker-compose.prod.yml` adding `restart:` to `api`): it has no `image`, `build` or `extends`
/// of its own, so absences in it say nothing.
pub(crate) fn is_fragment(s: &ComposeService) -> bool {
    s.image.is_none() && s.build.is_none() && s.extends.is_none()
}

/// The definitions compose may merge into `s`: the service itself, the chain of services it
/// `extends`, and the service of the same name in the other compose files of its directory
/// (`docker-compose.yml` + `docker-compose.prod.yml`) when those are on the production path or in
/// the same environment. Used by rules that judge an absence ("no memory limit").
pub(crate) fn merged_definitions<'a>(
    project: &'a Project,
    path: &'a str,
    file: &'a ComposeFile,
    s: &'a ComposeService,
) -> Vec<(&'a str, &'a ComposeService)> {
    let mut out: Vec<(&'a str, &'a ComposeService)> = vec![(path, s)];
    let (mut cur_path, mut cur_file, mut cur) = (path, file, s);
    for _ in 0..8 {
        let Some((ext_file, ext_service)) = &cur.extends else { break };
        let (p, f): (&'a str, &'a ComposeFile) = match ext_file {
            None => (cur_path, cur_file),
            Some(fp) => {
                let Resolution::File(resolved) = project.resolve(cur_path, None, &fp.value) else { break };
                match project.artifact(&resolved) {
                    Some(a) => match &a.data {
                        ArtifactData::Compose(c) => (a.path(), c),
                        _ => break,
                    },
                    None => break,
                }
            }
        };
        let Some(next) = f.service(&ext_service.value) else { break };
        if out.iter().any(|(op, os)| *op == p && std::ptr::eq(*os, next)) {
            break;
        }
        out.push((p, next));
        (cur_path, cur_file, cur) = (p, f, next);
    }
    let dir = parent_dir(path);
    let here = project.artifact(path).map(|a| a.env.env);
    for (a, c) in project.compose_files() {
        if a.path() == path || parent_dir(a.path()) != dir {
            continue;
        }
        if !(a.env.env.is_production_path() || Some(a.env.env) == here) {
            continue;
        }
        if let Some(o) = c.service(&s.name.value) {
            out.push((a.path(), o));
        }
    }
    out
}

/// The compose files that form one project with the file at `path`: itself, the other compose
/// files of its directory (base + overrides, loaded together with `-f`), and the files they
/// `include:`. Rules that judge whether a name is declared look at all of them, so an overlay
/// that uses a volume its base file declares is not reported.
pub(crate) fn project_files<'a>(project: &'a Project, path: &str) -> Vec<(&'a str, &'a ComposeFile)> {
    let dir = parent_dir(path);
    let mut out: Vec<(&'a str, &'a ComposeFile)> = Vec::new();
    for (a, c) in project.compose_files() {
        if parent_dir(a.path()) == dir {
            out.push((a.path(), c));
        }
    }
    let mut i = 0;
    while let Some((p, c)) = out.get(i).copied() {
        i += 1;
        if i > 64 {
            break;
        }
        for inc in &c.includes {
            let Resolution::File(resolved) = project.resolve(p, None, &inc.value) else { continue };
            if out.iter().any(|(q, _)| *q == resolved) {
                continue;
            }
            if let Some(a) = project.artifact(&resolved) {
                if let ArtifactData::Compose(ic) = &a.data {
                    out.push((a.path(), ic));
                }
            }
        }
    }
    out
}

/// Where a service's health check comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Health {
    /// `healthcheck:` with a test in one of its compose definitions.
    Compose,
    /// No compose healthcheck, but the Dockerfile it builds has a `HEALTHCHECK`.
    Image,
    /// Neither (or the healthcheck is disabled).
    None,
}

/// The health check of the service `name` across the project's compose files; `None` when no
/// file of the project defines that service.
pub(crate) fn health_of(project: &Project, files: &[(&str, &ComposeFile)], name: &str) -> Option<Health> {
    let defs: Vec<(&str, &ComposeService)> =
        files.iter().filter_map(|(p, c)| c.service(name).map(|s| (*p, s))).collect();
    if defs.is_empty() {
        return None;
    }
    // The last definition that says anything about the healthcheck wins (overrides load later).
    if let Some(h) = defs.iter().rev().find_map(|(_, s)| s.healthcheck.as_ref()) {
        return Some(if h.disabled || h.test.is_none() { Health::None } else { Health::Compose });
    }
    for (p, _) in &defs {
        let Some(b) = project.images.compose_build(p, name) else { continue };
        let Resolution::File(df_path) = &b.dockerfile else { continue };
        if let Some(ArtifactData::Dockerfile(df)) = project.artifact(df_path).map(|a| &a.data) {
            let stage = match &b.target {
                Some(t) => df.stage_by_name(t),
                None => df.final_stage(),
            };
            let has = stage.is_some_and(|st| {
                df.stage_instructions(st)
                    .any(|i| matches!(i.args, crate::model::dockerfile::Args::Healthcheck { none: false, .. }))
            });
            if has {
                return Some(Health::Image);
            }
        }
    }
    Some(Health::None)
}

/// The YAML mapping node of a service (for keys the typed view does not carry).
pub(crate) fn service_node<'a>(file: &'a ComposeFile, s: &ComposeService) -> Option<Node<'a>> {
    file.yaml.documents.first().map(|d| d.node(s.node))
}

/// The service named `name` in the compose file at `path`, with its file.
pub(crate) fn find_service<'a>(
    project: &'a Project,
    path: &str,
    name: &str,
) -> Option<(&'a ComposeFile, &'a ComposeService)> {
    match project.artifact(path).map(|a| &a.data) {
        Some(ArtifactData::Compose(c)) => c.service(name).map(|s| (c, s)),
        _ => None,
    }
}

/// `init: true` on a service (compose runs `docker-init`/tini as PID 1).
pub(crate) fn has_init(file: &ComposeFile, s: &ComposeService) -> bool {
    service_node(file, s).and_then(|n| n.get("init")).and_then(|v| v.as_bool()).unwrap_or(false)
}

/// Span of the `n`-th (0-based) occurrence of `needle` at or after the start of `within`, up to
/// the end of its last line (`Cx::find` searches from the start of the line, which can hit a key
/// spelled like the value). Falls back to `within`.
pub(crate) fn find_nth_from(cx: &Cx, within: Span, needle: &str, n: usize) -> Span {
    let Some(src) = cx.source() else { return within };
    if needle.is_empty() {
        return within;
    }
    let start = src.offset(within.start);
    let end = src.offset(Pos::new(within.end.line.saturating_add(1), 1)).max(start);
    match src.text.get(start..end).and_then(|hay| hay.match_indices(needle).nth(n)) {
        Some((i, _)) => src.span(start + i..start + i + needle.len()),
        None => within,
    }
}

/// Span of the first `needle` at or after the start of `within`.
pub(crate) fn find_from(cx: &Cx, within: Span, needle: &str) -> Span {
    find_nth_from(cx, within, needle, 0)
}

/// Span of `value[range]`, where `value` is a value as the model holds it and `value_span` where
/// it is written. The model drops quotes and indentation, so byte offsets do not map; the text is
/// found by counting its earlier occurrences instead (`postgres://postgres:postgres@` → the
/// password).
pub(crate) fn locate_in_value(cx: &Cx, value: &str, value_span: Span, range: std::ops::Range<usize>) -> Span {
    let needle = value.get(range.clone()).unwrap_or("");
    let n = value.get(..range.start).map_or(0, |before| before.matches(needle).count());
    find_nth_from(cx, value_span, needle, n)
}
