//! Which service actually loads a repository file: compose bind mounts and `configs:`, Dockerfile
//! `COPY`s, Kustomize ConfigMap generators and Helm `.Files.Get`/`.Files.Glob`, plus what loaded
//! configs pull in themselves (nginx `include`, Prometheus `rule_files`). A config nothing loads
//! is "present but unused": it earns no credit as production hardening or monitoring.
//!
//! Container paths map back to repository paths through the mounts of the same consumer (a compose
//! service, together with the Dockerfile it builds), which is how nginx `include`s and Prometheus
//! `rule_files` are resolved: `include /etc/nginx/snippets/x.conf` resolves to the repository file
//! a mount puts there, or, when no mount covers that path, relative to the including file.

use std::collections::{BTreeMap, BTreeSet};

use globset::Glob;

use super::files::{file_name, parent_dir};
use super::resolve::{normalize, Resolution};
use super::Project;
use crate::model::compose::MountKind;
use crate::model::dockerfile::Args;
use crate::model::{ArtifactData, ArtifactKind, Environment};
use crate::source::Span;

/// How a file reaches a running service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum UseKind {
    /// compose `volumes:` bind mount (file or directory).
    BindMount,
    /// compose top-level `configs:` with `file:`, used by a service.
    ComposeConfig,
    /// `COPY`/`ADD` in a Dockerfile.
    DockerfileCopy,
    /// Kustomize `configMapGenerator`/`secretGenerator` `files:`.
    ConfigMapGenerator,
    /// Helm template `.Files.Get` / `.Files.Glob`.
    HelmFiles,
}

/// One declaration that puts repository content into a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub kind: UseKind,
    /// The file that declares it (compose file, Dockerfile, kustomization, Helm template).
    pub declared_in: String,
    /// The mount entry / `COPY` / generator entry.
    pub span: Span,
    /// compose service name, Dockerfile path, generator or chart name.
    pub consumer: String,
    pub env: Environment,
    /// Repository path (file or directory).
    pub source: String,
    pub source_is_dir: bool,
    /// Container path the source lands at, when known.
    pub target: Option<String>,
}

impl Mount {
    /// "service `nginx` of `docker-compose.prod.yml`" for messages and evidence.
    pub fn describe(&self) -> String {
        match self.kind {
            UseKind::BindMount | UseKind::ComposeConfig => {
                format!("service `{}` of `{}`", self.consumer, self.declared_in)
            }
            UseKind::DockerfileCopy => format!("the image built by `{}`", self.declared_in),
            UseKind::ConfigMapGenerator => format!("ConfigMap generator `{}` in `{}`", self.consumer, self.declared_in),
            UseKind::HelmFiles => format!("Helm template `{}`", self.declared_in),
        }
    }

    /// Container path of `repo_path` through this mount (`None` when the mount has no target or
    /// does not cover the path).
    pub fn container_path(&self, repo_path: &str) -> Option<String> {
        let target = self.target.as_deref()?;
        if self.source_is_dir {
            let rel = if self.source.is_empty() {
                repo_path
            } else {
                repo_path.strip_prefix(&format!("{}/", self.source))?
            };
            Some(format!("{}/{rel}", target.trim_end_matches('/')))
        } else {
            (repo_path == self.source).then(|| target.to_owned())
        }
    }
}

/// A way a file is loaded: directly through a mount, or by another loaded config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigUse {
    /// Index into [`Mounts::mounts`] of the mount at the root of the chain.
    pub mount: usize,
    /// Where the file sits in the container, when known.
    pub container_path: Option<String>,
    /// For indirect uses: the loaded file that includes/references this one, and the span of the
    /// `include`/`rule_files` entry there.
    pub via: Option<(String, Span)>,
}

/// How an nginx `include` resolves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IncludeTarget {
    /// Repository files it loads.
    Files(Vec<String>),
    /// Resolved into the repository but absent. `mapped`: through a mount of the service that
    /// loads the including file (certain), rather than relative to the including file (likely).
    Missing { looked_for: String, mapped: bool },
    /// A glob that matches no repository file (nginx accepts it: only a note).
    EmptyGlob(String),
    /// Outside what the repository shows: a file shipped with the image (`mime.types`), a
    /// variable, or an absolute path no mount maps.
    Unknown,
}

/// Files of the stock nginx image (and certbot) that configs include without shipping them.
const NGINX_STOCK: &[&str] = &[
    "mime.types",
    "fastcgi_params",
    "fastcgi.conf",
    "scgi_params",
    "uwsgi_params",
    "koi-utf",
    "koi-win",
    "win-utf",
    "snippets/fastcgi-php.conf",
    "snippets/snakeoil.conf",
    "proxy_params",
    "/etc/letsencrypt/options-ssl-nginx.conf",
];

/// nginx's configuration prefix in the official images: relative includes resolve here.
const NGINX_PREFIX: &str = "/etc/nginx";

#[derive(Debug, Default)]
pub struct Mounts {
    pub mounts: Vec<Mount>,
    uses: BTreeMap<String, Vec<ConfigUse>>,
    /// compose (file, service) → the Dockerfile its image is built from.
    builds: BTreeMap<(String, String), String>,
}

impl Mounts {
    pub fn mount(&self, i: usize) -> Option<&Mount> {
        self.mounts.get(i)
    }

    /// Every way `path` is loaded.
    pub fn uses(&self, path: &str) -> &[ConfigUse] {
        self.uses.get(path).map_or(&[], Vec::as_slice)
    }

    /// A use of `path` by a production-path consumer, if any (else any use).
    pub fn production_use(&self, path: &str) -> Option<(&ConfigUse, &Mount)> {
        let all: Vec<(&ConfigUse, &Mount)> =
            self.uses(path).iter().filter_map(|u| self.mount(u.mount).map(|m| (u, m))).collect();
        all.iter().find(|(_, m)| m.env.is_production_path()).or_else(|| all.first()).copied()
    }

    /// Is `path` loaded by some production-path consumer?
    pub fn loaded_in_production(&self, path: &str) -> bool {
        self.production_use(path).is_some_and(|(_, m)| m.env.is_production_path())
    }

    /// The mounts that belong to the same running container as mount `i` (the compose service's
    /// own mounts plus the Dockerfile its image is built from).
    fn siblings(&self, i: usize) -> Vec<&Mount> {
        let Some(m) = self.mount(i) else { return Vec::new() };
        let df = self.builds.get(&(m.declared_in.clone(), m.consumer.clone()));
        self.mounts
            .iter()
            .filter(|o| {
                (o.declared_in == m.declared_in && o.consumer == m.consumer)
                    || df.is_some_and(|d| o.kind == UseKind::DockerfileCopy && &o.declared_in == d)
            })
            .collect()
    }

    /// Repository files that the container of mount `i` holds (its own mounts and the `COPY`s of
    /// the image it is built from); directories expanded.
    pub fn container_files<'a>(&'a self, project: &'a Project, i: usize) -> Vec<&'a str> {
        let mut out = Vec::new();
        for m in self.siblings(i) {
            if m.source_is_dir {
                out.extend(project.files.under(&m.source));
            } else {
                out.push(m.source.as_str());
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Map a container path to a repository path through the mounts of the container that mount
    /// `i` belongs to. Longest target wins.
    pub fn to_repo(&self, i: usize, container_path: &str) -> Option<(String, bool)> {
        let mut best: Option<(&Mount, usize)> = None;
        for m in self.siblings(i) {
            let Some(t) = m.target.as_deref() else { continue };
            let t = t.trim_end_matches('/');
            let covers = container_path == t || (m.source_is_dir && container_path.starts_with(&format!("{t}/")));
            if covers && best.is_none_or(|(_, l)| t.len() > l) {
                best = Some((m, t.len()));
            }
        }
        let (m, len) = best?;
        let rest = container_path.get(len..).unwrap_or("").trim_start_matches('/');
        if m.source_is_dir {
            let p = if rest.is_empty() {
                m.source.clone()
            } else if m.source.is_empty() {
                rest.to_owned()
            } else {
                format!("{}/{rest}", m.source)
            };
            Some((p, true))
        } else {
            Some((m.source.clone(), false))
        }
    }
}

fn glob_match(pattern: &str, path: &str) -> bool {
    Glob::new(pattern).map(|g| g.compile_matcher().is_match(path)).unwrap_or(false)
}

/// Resolve an nginx `include` written in `from` (a repository path).
pub fn resolve_nginx_include(project: &Project, from: &str, include: &str) -> IncludeTarget {
    let inc = include.trim();
    if inc.is_empty() || inc.contains('$') {
        return IncludeTarget::Unknown;
    }
    let glob = inc.contains(['*', '?', '[']);
    let stock = NGINX_STOCK.iter().any(|s| inc == *s || inc.strip_prefix("/etc/nginx/") == Some(*s));
    // Through the mounts of the containers that load `from`.
    let uses = project.mounts.uses(from);
    for u in uses {
        let container = if inc.starts_with('/') { inc.to_owned() } else { format!("{NGINX_PREFIX}/{inc}") };
        if glob {
            let dir = parent_dir(&container);
            if let Some((repo_dir, true)) = project.mounts.to_repo(u.mount, dir) {
                let pat = file_name(&container);
                let hits: Vec<String> = project
                    .files
                    .under(&repo_dir)
                    .filter(|p| parent_dir(p) == repo_dir && glob_match(pat, file_name(p)))
                    .map(str::to_owned)
                    .collect();
                return if hits.is_empty() {
                    IncludeTarget::EmptyGlob(inc.to_owned())
                } else {
                    IncludeTarget::Files(hits)
                };
            }
            continue;
        }
        if let Some((repo, _)) = project.mounts.to_repo(u.mount, &container) {
            return if project.files.contains_file(&repo) {
                IncludeTarget::Files(vec![repo])
            } else if stock {
                IncludeTarget::Unknown
            } else {
                IncludeTarget::Missing { looked_for: repo, mapped: true }
            };
        }
    }
    if !uses.is_empty() || stock || inc.starts_with('/') {
        // Loaded, but no mount puts anything there: the image provides it (or nginx fails, which
        // the repository cannot show).
        return IncludeTarget::Unknown;
    }
    // Not loaded by anything visible: assume the repository mirrors `/etc/nginx` around the file
    // (`nginx/nginx.conf`, `nginx/conf.d/app.conf` → prefix `nginx/`).
    let dir = parent_dir(from);
    let prefix = if matches!(file_name(dir), "conf.d" | "sites-enabled" | "sites-available" | "http.d") {
        parent_dir(dir)
    } else {
        dir
    };
    if glob {
        let Some(norm) = normalize(prefix, inc) else { return IncludeTarget::Unknown };
        let gdir = parent_dir(&norm).to_owned();
        if !project.files.contains_dir(&gdir) {
            return IncludeTarget::Unknown;
        }
        let pat = file_name(&norm);
        let hits: Vec<String> = project
            .files
            .under(&gdir)
            .filter(|p| parent_dir(p) == gdir && glob_match(pat, file_name(p)))
            .map(str::to_owned)
            .collect();
        return if hits.is_empty() { IncludeTarget::EmptyGlob(inc.to_owned()) } else { IncludeTarget::Files(hits) };
    }
    match project.resolve(from, Some(prefix), inc) {
        Resolution::File(p) => IncludeTarget::Files(vec![p]),
        Resolution::Missing(p) | Resolution::CaseMismatch { wanted: p, .. } => {
            IncludeTarget::Missing { looked_for: p, mapped: false }
        }
        _ => IncludeTarget::Unknown,
    }
}

/// Resolve a Prometheus `rule_files` entry of the config at `from` (relative entries are relative
/// to the config file's directory, in the container as in the repository).
pub fn resolve_rule_files(project: &Project, from: &str, entry: &str) -> Vec<String> {
    let e = entry.trim();
    if e.is_empty() || e.contains('$') {
        return Vec::new();
    }
    let glob = e.contains(['*', '?', '[']);
    let mut candidates: Vec<String> = Vec::new();
    for u in project.mounts.uses(from) {
        let Some(cp) = &u.container_path else { continue };
        let container = if e.starts_with('/') { e.to_owned() } else { format!("{}/{e}", parent_dir(cp)) };
        let container = normalize("", &container).map(|c| format!("/{c}")).unwrap_or(container);
        if glob {
            if let Some((dir, true)) = project.mounts.to_repo(u.mount, parent_dir(&container)) {
                candidates.extend(
                    project
                        .files
                        .under(&dir)
                        .filter(|p| parent_dir(p) == dir && glob_match(file_name(&container), file_name(p)))
                        .map(str::to_owned),
                );
            }
        } else if let Some((repo, _)) = project.mounts.to_repo(u.mount, &container) {
            candidates.push(repo);
        }
    }
    if candidates.is_empty() && !e.starts_with('/') {
        if glob {
            if let Some(norm) = normalize(parent_dir(from), e) {
                let dir = parent_dir(&norm).to_owned();
                candidates.extend(
                    project
                        .files
                        .under(&dir)
                        .filter(|p| parent_dir(p) == dir && glob_match(file_name(&norm), file_name(p)))
                        .map(str::to_owned),
                );
            }
        } else if let Resolution::File(p) = project.resolve(from, None, e) {
            candidates.push(p);
        }
    }
    candidates.retain(|c| project.files.contains_file(c));
    candidates.sort();
    candidates.dedup();
    candidates
}

/// Expand compose `${VAR}` references in a path with the `.env` file next to the compose file
/// (compose's default env file) or the reference's default; `None` when a variable stays unknown.
fn expand(project: &Project, compose_path: &str, value: &str) -> Option<String> {
    if !value.contains('$') {
        return Some(value.to_owned());
    }
    let dir = parent_dir(compose_path);
    let env_path = if dir.is_empty() { ".env".to_owned() } else { format!("{dir}/.env") };
    let env = match project.artifact(&env_path).map(|a| &a.data) {
        Some(ArtifactData::EnvFile(e)) => Some(e),
        _ => None,
    };
    let mut out = value.to_owned();
    for i in crate::model::interp::parse(value).into_iter().rev() {
        let v = env.and_then(|e| e.get(&i.name)).map(|l| l.value.value.clone()).or(i.default)?;
        let (a, b) = (i.offset, i.offset + i.len);
        if b > out.len() || !out.is_char_boundary(a) || !out.is_char_boundary(b) {
            return None;
        }
        out.replace_range(a..b, &v);
    }
    Some(out)
}

fn compose_mounts(project: &Project, out: &mut Vec<Mount>, builds: &mut BTreeMap<(String, String), String>) {
    for (a, c, s) in project.compose_services() {
        if let Some(Resolution::File(df)) = project.images.compose_build(a.path(), &s.name.value).map(|b| &b.dockerfile)
        {
            builds.insert((a.path().to_owned(), s.name.value.clone()), df.clone());
        }
        for v in &s.volumes {
            if v.kind != MountKind::Bind {
                continue;
            }
            let Some(src) = &v.source else { continue };
            let Some(written) = expand(project, a.path(), &src.value) else { continue };
            let (source, is_dir) = match project.resolve(a.path(), None, &written) {
                Resolution::File(p) => (p, false),
                Resolution::Dir(p) => (p, true),
                _ => continue,
            };
            out.push(Mount {
                kind: UseKind::BindMount,
                declared_in: a.path().to_owned(),
                span: v.span,
                consumer: s.name.value.clone(),
                env: a.env.env,
                source,
                source_is_dir: is_dir,
                target: v.target.clone(),
            });
        }
        for cname in &s.configs {
            let Some(decl) = c.configs.iter().find(|d| d.name.value == cname.value) else { continue };
            let Some(file) = &decl.file else { continue };
            let Resolution::File(source) = project.resolve(a.path(), None, &file.value) else { continue };
            out.push(Mount {
                kind: UseKind::ComposeConfig,
                declared_in: a.path().to_owned(),
                span: cname.span,
                consumer: s.name.value.clone(),
                env: a.env.env,
                source,
                source_is_dir: false,
                target: Some(format!("/{}", cname.value)),
            });
        }
    }
}

fn dockerfile_mounts(
    project: &Project,
    builds: &BTreeMap<(String, String), String>,
    config_paths: &[&str],
    out: &mut Vec<Mount>,
) {
    // Build contexts per Dockerfile: its own directory plus compose build contexts.
    let mut contexts: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (a, _, s) in project.compose_services() {
        if let Some(b) = project.images.compose_build(a.path(), &s.name.value) {
            if let (Resolution::File(df), Resolution::Dir(ctx)) = (&b.dockerfile, &b.context) {
                if let Some(df) = builds.values().find(|d| *d == df) {
                    contexts.entry(df.as_str()).or_default().insert(ctx.clone());
                }
            }
        }
    }
    for (a, df) in project.dockerfiles() {
        let mut ctxs = contexts.get(a.path()).cloned().unwrap_or_default();
        ctxs.insert(parent_dir(a.path()).to_owned());
        for i in &df.instructions {
            let Args::Copy { sources, dest, .. } = &i.args else { continue };
            let from_stage = i.flag("from").is_some();
            for s in sources {
                let sv = s.value.trim_start_matches("./");
                for ctx in &ctxs {
                    let hits: Vec<(String, bool)> = if from_stage {
                        // `COPY --from=build /app/nginx/nginx.conf …`: the stage copied the context
                        // somewhere; match repository configs whose context-relative path ends the source.
                        config_paths
                            .iter()
                            .filter_map(|p| {
                                let rel = if ctx.is_empty() { Some(*p) } else { p.strip_prefix(&format!("{ctx}/")) }?;
                                (sv == rel || sv.ends_with(&format!("/{rel}"))).then(|| ((*p).to_owned(), false))
                            })
                            .collect()
                    } else {
                        match project.resolve(a.path(), Some(ctx), sv) {
                            Resolution::File(p) => vec![(p, false)],
                            Resolution::Dir(p) => vec![(p, true)],
                            _ => Vec::new(),
                        }
                    };
                    for (source, is_dir) in hits {
                        let target = if !is_dir && (dest.value.ends_with('/') || sources.len() > 1) {
                            format!("{}/{}", dest.value.trim_end_matches('/'), file_name(&source))
                        } else {
                            dest.value.clone()
                        };
                        out.push(Mount {
                            kind: UseKind::DockerfileCopy,
                            declared_in: a.path().to_owned(),
                            span: i.span,
                            consumer: a.path().to_owned(),
                            env: a.env.env,
                            source,
                            source_is_dir: is_dir,
                            target: Some(target),
                        });
                    }
                }
            }
        }
    }
}

fn kustomize_mounts(project: &Project, out: &mut Vec<Mount>) {
    for a in project.audited().filter(|a| a.kind == ArtifactKind::Kustomization) {
        let ArtifactData::Yaml(y) = &a.data else { continue };
        let Some(root) = y.first() else { continue };
        for key in ["configMapGenerator", "secretGenerator"] {
            for g in root.get(key).map(|g| g.items()).unwrap_or_default() {
                let name = g.get_str("name").unwrap_or("generated").to_owned();
                for f in g.get("files").map(|f| f.str_list()).unwrap_or_default() {
                    let (target_name, path) =
                        f.value.split_once('=').unwrap_or((file_name(&f.value), f.value.as_str()));
                    let Resolution::File(source) = project.resolve(a.path(), None, path) else { continue };
                    out.push(Mount {
                        kind: UseKind::ConfigMapGenerator,
                        declared_in: a.path().to_owned(),
                        span: f.span,
                        consumer: name.clone(),
                        env: a.env.env,
                        source,
                        source_is_dir: false,
                        target: Some(format!("/{target_name}")),
                    });
                }
            }
        }
    }
}

fn helm_mounts(project: &Project, out: &mut Vec<Mount>) {
    for a in project.audited().filter(|a| a.kind == ArtifactKind::HelmTemplate) {
        let text = &a.source.text;
        let Some(chart) = a.path().split("/templates/").next().filter(|c| *c != a.path()) else { continue };
        for (needle, glob) in [(".Files.Get", false), (".Files.Glob", true)] {
            let mut from = 0;
            while let Some(i) = text.get(from..).and_then(|t| t.find(needle)) {
                let at = from + i + needle.len();
                from = at;
                let rest = text.get(at..).unwrap_or("");
                let Some(q1) = rest.find('"') else { continue };
                let Some(q2) = rest.get(q1 + 1..).and_then(|r| r.find('"')) else { continue };
                if rest.get(..q1).is_some_and(|p| p.contains('\n')) {
                    continue;
                }
                let arg = rest.get(q1 + 1..q1 + 1 + q2).unwrap_or("");
                let line = a.source.pos(at).line;
                let span = a.source.line_span(line);
                let sources: Vec<String> = if glob {
                    project
                        .files
                        .under(chart)
                        .filter(|p| p.strip_prefix(&format!("{chart}/")).is_some_and(|rel| glob_match(arg, rel)))
                        .map(str::to_owned)
                        .collect()
                } else {
                    let p = format!("{chart}/{arg}");
                    if project.files.contains_file(&p) {
                        vec![p]
                    } else {
                        Vec::new()
                    }
                };
                for source in sources {
                    out.push(Mount {
                        kind: UseKind::HelmFiles,
                        declared_in: a.path().to_owned(),
                        span,
                        consumer: chart.to_owned(),
                        env: a.env.env,
                        target: Some(format!("/{}", file_name(&source))),
                        source,
                        source_is_dir: false,
                    });
                }
            }
        }
    }
}

impl Mounts {
    /// Build the table: direct mounts, then what loaded nginx/Prometheus configs pull in.
    pub fn build(project: &Project) -> Mounts {
        let mut mounts = Vec::new();
        let mut builds = BTreeMap::new();
        compose_mounts(project, &mut mounts, &mut builds);
        let config_paths: Vec<&str> = project
            .audited()
            .filter(|a| {
                matches!(
                    a.kind,
                    ArtifactKind::Nginx
                        | ArtifactKind::Prometheus
                        | ArtifactKind::PrometheusRules
                        | ArtifactKind::Alertmanager
                        | ArtifactKind::Grafana
                        | ArtifactKind::Loki
                        | ArtifactKind::OtelCollector
                )
            })
            .map(|a| a.path())
            .collect();
        dockerfile_mounts(project, &builds, &config_paths, &mut mounts);
        kustomize_mounts(project, &mut mounts);
        helm_mounts(project, &mut mounts);
        let mut uses: BTreeMap<String, Vec<ConfigUse>> = BTreeMap::new();
        for (i, m) in mounts.iter().enumerate() {
            let covered: Vec<&str> =
                if m.source_is_dir { project.files.under(&m.source).collect() } else { vec![m.source.as_str()] };
            for p in covered {
                uses.entry(p.to_owned()).or_default().push(ConfigUse {
                    mount: i,
                    container_path: m.container_path(p),
                    via: None,
                });
            }
        }
        Mounts { mounts, uses, builds }
    }

    /// Add indirect uses: files that loaded nginx configs include and that loaded Prometheus
    /// configs list in `rule_files`. Runs a few rounds (includes of includes).
    pub fn add_indirect(project: &mut Project) {
        for _ in 0..4 {
            let mut added: Vec<(String, ConfigUse)> = Vec::new();
            for a in project.audited() {
                let here = project.mounts.uses(a.path()).to_vec();
                if here.is_empty() {
                    continue;
                }
                let mut targets: Vec<(String, Span)> = Vec::new();
                match &a.data {
                    ArtifactData::Nginx(n) => {
                        for inc in &n.includes {
                            if let IncludeTarget::Files(fs) = resolve_nginx_include(project, a.path(), &inc.path.value)
                            {
                                targets.extend(fs.into_iter().map(|f| (f, inc.path.span)));
                            }
                        }
                    }
                    ArtifactData::Prometheus(p) => {
                        for rf in &p.view.rule_files {
                            for f in resolve_rule_files(project, a.path(), &rf.value) {
                                targets.push((f, rf.span));
                            }
                        }
                    }
                    _ => {}
                }
                for (t, span) in targets {
                    for u in &here {
                        let existing = project.mounts.uses(&t);
                        if existing.iter().any(|e| e.mount == u.mount)
                            || added.iter().any(|(p, e)| *p == t && e.mount == u.mount)
                        {
                            continue;
                        }
                        added.push((
                            t.clone(),
                            ConfigUse { mount: u.mount, container_path: None, via: Some((a.path().to_owned(), span)) },
                        ));
                    }
                }
            }
            if added.is_empty() {
                break;
            }
            for (p, u) in added {
                project.mounts.uses.entry(p).or_default().push(u);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mounts_expand_env_and_map_container_paths() {
        let p = crate::index::project_from(&[
            (".env", "NGINX_DIR=./deploy/nginx\n"),
            (
                "docker-compose.yml",
                "services:\n  proxy:\n    image: nginx:1.27\n    volumes:\n      - ${NGINX_DIR}/nginx.conf:/etc/nginx/nginx.conf:ro\n      - ./deploy/nginx/snippets:/etc/nginx/snippets:ro\n",
            ),
            ("deploy/nginx/nginx.conf", "events {}\nhttp { include snippets/a.conf; include /etc/nginx/snippets/missing.conf; include mime.types; include /etc/nginx/conf.d/*.conf; }\n"),
            ("deploy/nginx/snippets/a.conf", "add_header X-Frame-Options DENY;\n"),
        ]);
        let (u, m) = p.mounts.production_use("deploy/nginx/nginx.conf").unwrap_or_else(|| unreachable!());
        assert_eq!(m.consumer, "proxy");
        assert_eq!(u.container_path.as_deref(), Some("/etc/nginx/nginx.conf"));
        assert_eq!(
            p.mounts.to_repo(u.mount, "/etc/nginx/snippets/x.conf"),
            Some(("deploy/nginx/snippets/x.conf".to_owned(), true))
        );
        let r = |inc: &str| resolve_nginx_include(&p, "deploy/nginx/nginx.conf", inc);
        assert_eq!(r("snippets/a.conf"), IncludeTarget::Files(vec!["deploy/nginx/snippets/a.conf".to_owned()]));
        assert_eq!(
            r("/etc/nginx/snippets/missing.conf"),
            IncludeTarget::Missing { looked_for: "deploy/nginx/snippets/missing.conf".to_owned(), mapped: true }
        );
        assert_eq!(r("mime.types"), IncludeTarget::Unknown);
        assert_eq!(r("/etc/nginx/conf.d/*.conf"), IncludeTarget::Unknown);
        // The included snippet is loaded through the main config.
        let via = p.mounts.uses("deploy/nginx/snippets/a.conf");
        assert!(via.iter().any(|u| u.via.is_none()));
    }
}
