//! Image linkage: which Dockerfile / build context produces the image a compose service, a
//! Kubernetes workload or a CI job uses; which images are pulled and which are built.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;

use super::files::parent_dir;
use super::resolve::Resolution;
use super::Project;
use crate::model::image::ImageRef;
use crate::model::k8s::ProbeAction;
use crate::model::Environment;
use crate::source::Span;

/// The build a compose service declares, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildRef {
    pub context: Resolution,
    pub dockerfile: Resolution,
    /// `build.dockerfile` as written (for messages); `Dockerfile` when defaulted.
    pub dockerfile_written: String,
    pub dockerfile_defaulted: bool,
    pub target: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConsumerKind {
    ComposeService,
    K8sWorkload,
    CiBuild,
}

/// Something that runs or builds the image of a Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consumer {
    pub kind: ConsumerKind,
    /// File that declares it.
    pub path: String,
    /// Service, workload or job name.
    pub name: String,
    pub span: Span,
    pub env: Environment,
    /// A health probe the orchestrator runs for this consumer (compose healthcheck, k8s probe).
    pub probe: Option<Span>,
    /// How the link was established (exact build reference vs. name heuristic).
    pub exact: bool,
    /// The orchestrator runs the container as a non-root user (`Some(true)`: compose `user:`,
    /// Kubernetes `runAsNonRoot`/`runAsUser > 0`), explicitly as root (`Some(false)`), or does
    /// not say (`None`).
    pub non_root: Option<bool>,
    /// Where that user is set.
    pub user_span: Option<Span>,
}

fn root_user(u: &str) -> bool {
    let name = u.split(':').next().unwrap_or(u).trim();
    name == "root" || name == "0"
}

/// The effective run-as of a Kubernetes container (container settings override the pod's).
pub fn k8s_non_root(
    pod: &crate::model::k8s::SecurityContext,
    c: &crate::model::k8s::SecurityContext,
) -> (Option<bool>, Option<Span>) {
    for sc in [c, pod] {
        if let Some(u) = &sc.run_as_user {
            return (Some(u.value > 0), Some(u.span));
        }
    }
    for sc in [c, pod] {
        if let Some(n) = &sc.run_as_non_root {
            if n.value {
                return (Some(true), Some(n.span));
            }
        }
    }
    (None, None)
}

#[derive(Debug, Default)]
pub struct ImageLinks {
    /// (compose file, service) → build.
    compose_builds: BTreeMap<(String, String), BuildRef>,
    /// Dockerfile path → consumers.
    consumers: BTreeMap<String, Vec<Consumer>>,
    /// Image repository (no registry, no tag) → Dockerfiles that build it.
    built_images: BTreeMap<String, BTreeSet<String>>,
    /// Dockerfile path → build-context directories it is built with (compose `build.context`,
    /// CI `docker build … <context>`), repository-relative (`""` = root).
    contexts: BTreeMap<String, BTreeSet<String>>,
    /// Dockerfile path → the build targets its builds select (`None`: the default, last stage).
    targets: BTreeMap<String, BTreeSet<Option<String>>>,
}

/// A `docker build` (or buildx / build-push-action) found in CI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CiBuild {
    pub tags: Vec<String>,
    pub file: Option<String>,
    pub context: Option<String>,
    /// `--target` stage.
    pub target: Option<String>,
}

static EXPR: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\$\{\{([^}]*)\}\}").ok());

static DOCKER_BUILD: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"docker(?:\s+buildx)?\s+build\b([^\n;&|]*)").ok());

/// Parse `docker build` invocations in a script.
pub fn docker_builds_in(script: &str) -> Vec<CiBuild> {
    let Some(re) = DOCKER_BUILD.as_ref() else { return Vec::new() };
    let mut out = Vec::new();
    let joined = script.replace("\\\n", " ");
    // `${{ github.sha }}` → `${{github.sha}}` so expressions stay one token.
    let joined = EXPR.as_ref().map_or(joined.clone(), |re| {
        re.replace_all(&joined, |c: &regex::Captures<'_>| {
            format!("${{{{{}}}}}", c.get(1).map_or("", |m| m.as_str()).trim())
        })
        .into_owned()
    });
    for c in re.captures_iter(&joined) {
        let args = c.get(1).map_or("", |m| m.as_str());
        let toks: Vec<&str> = args.split_whitespace().collect();
        let mut b = CiBuild { tags: Vec::new(), file: None, context: None, target: None };
        let mut i = 0;
        while let Some(t) = toks.get(i) {
            let next = toks.get(i + 1).map(|s| s.trim_matches(|c| c == '"' || c == '\'').to_owned());
            match *t {
                "-t" | "--tag" => {
                    b.tags.extend(next);
                    i += 2;
                    continue;
                }
                "-f" | "--file" => {
                    b.file = next;
                    i += 2;
                    continue;
                }
                "--target" => {
                    b.target = next;
                    i += 2;
                    continue;
                }
                _ if t.starts_with("--target=") => b.target = Some(t.trim_start_matches("--target=").to_owned()),
                _ if t.starts_with("--tag=") => b.tags.push(t.trim_start_matches("--tag=").to_owned()),
                _ if t.starts_with("--file=") => b.file = Some(t.trim_start_matches("--file=").to_owned()),
                _ if t.starts_with('-') => {
                    // flags with a separate value we do not need
                    if matches!(
                        *t,
                        "--build-arg"
                            | "--platform"
                            | "--cache-from"
                            | "--cache-to"
                            | "--label"
                            | "--secret"
                            | "--network"
                            | "-o"
                            | "--output"
                            | "--progress"
                            | "--builder"
                    ) {
                        i += 2;
                        continue;
                    }
                }
                _ => {
                    if b.context.is_none() {
                        b.context = Some(t.trim_matches(|c| c == '"' || c == '\'').to_owned());
                    }
                }
            }
            i += 1;
        }
        out.push(b);
    }
    out
}

impl ImageLinks {
    pub fn build(project: &Project) -> ImageLinks {
        let mut links = ImageLinks::default();
        // 1. compose builds
        for (a, c, s) in project.compose_services() {
            let Some(build) = &s.build else { continue };
            let path = a.path();
            let base = parent_dir(path);
            let ctx_written = build.context.as_ref().map_or(".", |c| c.value.as_str());
            let context = if ctx_written.contains("://") || ctx_written.starts_with("git@") {
                Resolution::Dynamic
            } else {
                project.resolve(path, Some(base), ctx_written)
            };
            let (dockerfile_written, defaulted) = match &build.dockerfile {
                Some(d) => (d.value.clone(), false),
                None => ("Dockerfile".to_owned(), true),
            };
            let dockerfile = if build.inline {
                Resolution::Dynamic
            } else {
                match &context {
                    Resolution::Dir(dir) => project.resolve(path, Some(dir), &dockerfile_written),
                    Resolution::File(_) => Resolution::Dynamic, // a tarball context
                    Resolution::Missing(dir) | Resolution::CaseMismatch { wanted: dir, .. } => {
                        Resolution::Missing(format!("{dir}/{dockerfile_written}"))
                    }
                    other => other.clone(),
                }
            };
            let probe = s.healthcheck.as_ref().filter(|h| !h.disabled && h.test.is_some()).map(|h| h.span);
            if let (Resolution::File(df), Resolution::Dir(dir)) = (&dockerfile, &context) {
                links.contexts.entry(df.clone()).or_default().insert(dir.clone());
            }
            if let Resolution::File(df) = &dockerfile {
                links.targets.entry(df.clone()).or_default().insert(build.target.as_ref().map(|t| t.value.clone()));
            }
            if let Resolution::File(df) = &dockerfile {
                links.consumers.entry(df.clone()).or_default().push(Consumer {
                    kind: ConsumerKind::ComposeService,
                    path: path.to_owned(),
                    name: s.name.value.clone(),
                    span: s.name.span,
                    env: a.env.env,
                    probe,
                    exact: true,
                    non_root: s.user.as_ref().map(|u| !root_user(&u.value)),
                    user_span: s.user.as_ref().map(|u| u.span),
                });
                if let Some(img) = &s.image {
                    let r = ImageRef::parse(&img.value);
                    if !r.has_variable {
                        links.built_images.entry(r.repository.clone()).or_default().insert(df.clone());
                    }
                }
            }
            links.compose_builds.insert(
                (path.to_owned(), s.name.value.clone()),
                BuildRef {
                    context,
                    dockerfile,
                    dockerfile_written,
                    dockerfile_defaulted: defaulted,
                    target: build.target.as_ref().map(|t| t.value.clone()),
                },
            );
            let _ = c;
        }
        // 2. CI builds (`docker build -t x -f y ctx`, docker/build-push-action)
        let mut ci: Vec<(String, String, Span, CiBuild, Environment)> = Vec::new();
        for (a, _w, j) in project.workflow_jobs() {
            for st in &j.steps {
                if let Some(run) = &st.run {
                    for b in docker_builds_in(&run.value) {
                        ci.push((a.path().to_owned(), j.id.value.clone(), run.span, b, a.env.env));
                    }
                }
                if let Some(u) = &st.uses {
                    if u.value.starts_with("docker/build-push-action") {
                        let tags = st
                            .with_value("tags")
                            .map(|t| {
                                t.value
                                    .split([',', '\n'])
                                    .map(|s| s.trim().to_owned())
                                    .filter(|s| !s.is_empty())
                                    .collect()
                            })
                            .unwrap_or_default();
                        let b = CiBuild {
                            tags,
                            file: st.with_value("file").map(|f| f.value.clone()),
                            context: st.with_value("context").map(|c| c.value.clone()),
                            target: st.with_value("target").map(|t| t.value.clone()),
                        };
                        ci.push((a.path().to_owned(), j.id.value.clone(), u.span, b, a.env.env));
                    }
                }
            }
        }
        for (a, g) in project.gitlab() {
            for j in &g.jobs {
                for line in j.all_script() {
                    for b in docker_builds_in(&line.value) {
                        ci.push((a.path().to_owned(), j.name.value.clone(), line.span, b, a.env.env));
                    }
                }
            }
        }
        for (path, job, span, b, env) in ci {
            // CI runs from the repository root (working-directory aside).
            let ctx = b.context.clone().unwrap_or_else(|| ".".to_owned());
            let df = match &b.file {
                Some(f) => project.resolve(&path, Some(""), f),
                None => match project.resolve(&path, Some(""), &ctx) {
                    Resolution::Dir(d) => project.resolve(&path, Some(&d), "Dockerfile"),
                    other => other,
                },
            };
            if let Resolution::File(df) = df {
                if let Resolution::Dir(dir) = project.resolve(&path, Some(""), &ctx) {
                    links.contexts.entry(df.clone()).or_default().insert(dir);
                }
                links.targets.entry(df.clone()).or_default().insert(b.target.clone());
                for t in &b.tags {
                    let r = ImageRef::parse(t);
                    links.built_images.entry(r.repository.clone()).or_default().insert(df.clone());
                }
                links.consumers.entry(df).or_default().push(Consumer {
                    kind: ConsumerKind::CiBuild,
                    path,
                    name: job,
                    span,
                    env,
                    probe: None,
                    exact: true,
                    non_root: None,
                    user_span: None,
                });
            }
        }
        // 3. Kubernetes workloads, by image name
        let dockerfiles: Vec<String> = project.dockerfiles().map(|(a, _)| a.path().to_owned()).collect();
        for (a, o) in project.k8s_objects() {
            let Some(w) = o.workload() else { continue };
            for c in &w.pod.containers {
                let Some(img) = &c.image else { continue };
                let r = ImageRef::parse(&img.value);
                let probe = c
                    .liveness
                    .as_ref()
                    .or(c.readiness.as_ref())
                    .filter(|p| !matches!(p.action, ProbeAction::Unknown))
                    .map(|p| p.span);
                let (targets, exact) = match links.built_images.get(&r.repository) {
                    Some(set) => (set.iter().cloned().collect::<Vec<_>>(), true),
                    None => (guess_dockerfiles(&dockerfiles, r.short_name()), false),
                };
                let (non_root, user_span) = k8s_non_root(&w.pod.security_context, &c.security_context);
                for df in targets {
                    links.consumers.entry(df).or_default().push(Consumer {
                        kind: ConsumerKind::K8sWorkload,
                        path: a.path().to_owned(),
                        name: o.label(),
                        span: img.span,
                        env: a.env.env,
                        probe,
                        exact,
                        non_root,
                        user_span,
                    });
                }
            }
        }
        for v in links.consumers.values_mut() {
            v.sort_by(|a, b| (a.kind, &a.path, &a.name).cmp(&(b.kind, &b.path, &b.name)));
            v.dedup_by(|a, b| a.kind == b.kind && a.path == b.path && a.name == b.name);
        }
        links
    }

    /// The resolved build of a compose service.
    pub fn compose_build(&self, compose_path: &str, service: &str) -> Option<&BuildRef> {
        self.compose_builds.get(&(compose_path.to_owned(), service.to_owned()))
    }

    /// Who builds or runs the image of this Dockerfile.
    pub fn consumers(&self, dockerfile: &str) -> &[Consumer] {
        self.consumers.get(dockerfile).map_or(&[], Vec::as_slice)
    }

    /// A consumer whose orchestrator health probe covers this Dockerfile's image.
    pub fn covering_probe(&self, dockerfile: &str) -> Option<&Consumer> {
        self.consumers(dockerfile).iter().find(|c| c.probe.is_some())
    }

    /// The build-context directories this Dockerfile is built with, as compose files and CI jobs
    /// declare them; empty when no build of it was found (callers then assume the Dockerfile's
    /// own directory, the `docker build .` convention).
    pub fn build_contexts(&self, dockerfile: &str) -> Vec<&str> {
        self.contexts.get(dockerfile).map(|s| s.iter().map(String::as_str).collect()).unwrap_or_default()
    }

    /// The build targets the builds of this Dockerfile select, `None` standing for a build of the
    /// default (last) stage; empty when no build of it was found.
    pub fn build_targets(&self, dockerfile: &str) -> Vec<Option<&str>> {
        self.targets.get(dockerfile).map(|s| s.iter().map(Option::as_deref).collect()).unwrap_or_default()
    }

    /// Dockerfiles known to build `image` (by repository name).
    pub fn dockerfiles_for_image(&self, image: &str) -> Vec<&str> {
        let r = ImageRef::parse(image);
        self.built_images.get(&r.repository).map(|s| s.iter().map(String::as_str).collect()).unwrap_or_default()
    }
}

/// Name heuristic: image `acme/api` ↔ `api/Dockerfile`, `apps/api/Dockerfile`, `Dockerfile.api`.
fn guess_dockerfiles(dockerfiles: &[String], short: &str) -> Vec<String> {
    if short.is_empty() {
        return Vec::new();
    }
    dockerfiles
        .iter()
        .filter(|df| {
            let dir = parent_dir(df);
            let dir_name = dir.rsplit('/').next().unwrap_or(dir);
            let file = df.rsplit('/').next().unwrap_or(df);
            (!dir_name.is_empty()
                && (dir_name == short
                    || short.ends_with(&format!("-{dir_name}"))
                    || short.ends_with(&format!("_{dir_name}"))))
                || file.eq_ignore_ascii_case(&format!("Dockerfile.{short}"))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_docker_build_commands() {
        let b = docker_builds_in("docker build -t ghcr.io/acme/api:${{ github.sha }} -f apps/api/Dockerfile .\n");
        assert_eq!(b.len(), 1);
        let b0 = b.first().cloned().unwrap_or(CiBuild { tags: vec![], file: None, context: None, target: None });
        assert_eq!(b0.file.as_deref(), Some("apps/api/Dockerfile"));
        assert_eq!(b0.context.as_deref(), Some("."));
        assert_eq!(b0.tags.len(), 1);
        let b = docker_builds_in("docker buildx build --platform linux/amd64 --tag=web:1 web/");
        assert_eq!(b.first().and_then(|b| b.context.clone()).as_deref(), Some("web/"));
        let b = docker_builds_in("docker build --target runtime -t api:1 -f api/Dockerfile api");
        assert_eq!(b.first().and_then(|b| b.target.clone()).as_deref(), Some("runtime"));
        assert_eq!(b.first().and_then(|b| b.context.clone()).as_deref(), Some("api"));
        let b = docker_builds_in("docker build --target=build .");
        assert_eq!(b.first().and_then(|b| b.target.clone()).as_deref(), Some("build"));
    }

    #[test]
    fn guesses_by_directory() {
        let dfs = vec!["apps/api/Dockerfile".to_owned(), "web/Dockerfile".to_owned(), "Dockerfile.worker".to_owned()];
        assert_eq!(guess_dockerfiles(&dfs, "api"), vec!["apps/api/Dockerfile".to_owned()]);
        assert_eq!(guess_dockerfiles(&dfs, "shop-web"), vec!["web/Dockerfile".to_owned()]);
        assert_eq!(guess_dockerfiles(&dfs, "worker"), vec!["Dockerfile.worker".to_owned()]);
    }
}
