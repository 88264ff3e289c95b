//! The repository model the rules query: every artifact, the discovered file set, and the shared
//! helpers (environment classifier, secret and placeholder detectors, image linkage, reference
//! resolver, masking). Built once, read-only, `Sync`.

pub mod datastores;
pub mod embedded;
pub mod environment;
pub mod files;
pub mod images;
pub mod kustomize;
pub mod mask;
pub mod mounts;
pub mod placeholder;
pub mod resolve;
pub mod secrets;

use std::collections::BTreeMap;

use crate::config::{Capability, Settings};
use crate::model::compose::ComposeService;
use crate::model::k8s::K8sObject;
use crate::model::workflow::Job;
use crate::model::{
    Artifact, ArtifactData, ArtifactKind, ComposeFile, Dockerfile, EnvFile, Environment, GitlabCi, K8sFile, Workflow,
};

pub use datastores::Datastore;
pub use embedded::Embedded;
pub use files::{FileMeta, FileSet};
pub use images::ImageLinks;
pub use mounts::Mounts;
pub use resolve::Resolution;

/// The whole repository, as the rules see it.
#[derive(Debug)]
pub struct Project {
    /// Display name of the audited root (its directory name; never an absolute path).
    pub root_name: String,
    /// Every discovered file and directory (not only artifacts), for reference resolution.
    pub files: FileSet,
    /// Parsed artifacts, sorted by path.
    pub artifacts: Vec<Artifact>,
    pub images: ImageLinks,
    /// A git repository (index) was found: "tracked" is meaningful.
    pub has_git: bool,
    /// Monitoring configs embedded in other files (ConfigMaps, `PrometheusRule` CRDs, Helm values), by host path.
    pub embedded: Vec<Embedded>,
    /// Which service loads which file (bind mounts, `COPY`, generators, includes).
    pub mounts: Mounts,
    /// Databases, caches and queues run or used (see [`datastores`]).
    pub datastores: Vec<Datastore>,
    /// Capabilities the configuration's `[provided]` section declares (capability → how).
    pub provided: BTreeMap<Capability, String>,
}

impl Project {
    /// Build the index: classify environments, link images. `artifacts` need not be sorted.
    pub fn build(
        root_name: String,
        files: FileSet,
        mut artifacts: Vec<Artifact>,
        has_git: bool,
        settings: &Settings,
    ) -> Project {
        artifacts.sort_by(|a, b| a.source.path.cmp(&b.source.path));
        kustomize::mark_patches(&mut artifacts);
        let mut project = Project {
            root_name,
            files,
            artifacts,
            images: ImageLinks::default(),
            has_git,
            embedded: Vec::new(),
            mounts: Mounts::default(),
            datastores: Vec::new(),
            provided: settings.provided.clone(),
        };
        let envs = environment::classify_all(&project, settings);
        for (a, e) in project.artifacts.iter_mut().zip(envs) {
            a.env = e;
        }
        project.images = ImageLinks::build(&project);
        project.embedded = project.audited().flat_map(embedded::extract).collect();
        project.embedded.sort_by(|a, b| a.path.cmp(&b.path));
        project.mounts = Mounts::build(&project);
        Mounts::add_indirect(&mut project);
        project.datastores = datastores::build(&project);
        project
    }

    /// Monitoring configs embedded in the file at `path` (`embedded` is sorted by path).
    pub fn embedded_in<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a Embedded> + 'a {
        let start = self.embedded.partition_point(|e| e.path.as_str() < path);
        self.embedded.get(start..).unwrap_or(&[]).iter().take_while(move |e| e.path == path)
    }

    /// Databases, caches, queues and object stores (compose, Kubernetes, operators, Helm values,
    /// managed services).
    pub fn datastores(&self) -> &[Datastore] {
        &self.datastores
    }

    /// How the platform provides a capability (`[provided]` in the configuration), if declared.
    pub fn provided(&self, c: Capability) -> Option<&str> {
        self.provided.get(&c).map(String::as_str)
    }

    pub fn artifact(&self, path: &str) -> Option<&Artifact> {
        self.artifacts.binary_search_by(|a| a.source.path.as_str().cmp(path)).ok().and_then(|i| self.artifacts.get(i))
    }

    pub fn of_kind(&self, kind: ArtifactKind) -> impl Iterator<Item = &Artifact> {
        self.artifacts.iter().filter(move |a| a.kind == kind)
    }

    /// Artifacts that rules evaluate (test data is inventoried, not audited).
    pub fn audited(&self) -> impl Iterator<Item = &Artifact> {
        self.artifacts.iter().filter(|a| a.env.env != Environment::Test)
    }

    pub fn dockerfiles(&self) -> impl Iterator<Item = (&Artifact, &Dockerfile)> {
        self.audited().filter_map(|a| match &a.data {
            ArtifactData::Dockerfile(d) => Some((a, d)),
            _ => None,
        })
    }

    pub fn compose_files(&self) -> impl Iterator<Item = (&Artifact, &ComposeFile)> {
        self.audited().filter_map(|a| match &a.data {
            ArtifactData::Compose(c) => Some((a, c)),
            _ => None,
        })
    }

    pub fn compose_services(&self) -> impl Iterator<Item = (&Artifact, &ComposeFile, &ComposeService)> {
        self.compose_files().flat_map(|(a, c)| c.services.iter().map(move |s| (a, c, s)))
    }

    pub fn k8s_files(&self) -> impl Iterator<Item = (&Artifact, &K8sFile)> {
        self.audited().filter_map(|a| match &a.data {
            ArtifactData::Kubernetes(k) => Some((a, k)),
            _ => None,
        })
    }

    pub fn k8s_objects(&self) -> impl Iterator<Item = (&Artifact, &K8sObject)> {
        self.k8s_files().flat_map(|(a, k)| k.objects.iter().map(move |o| (a, o)))
    }

    pub fn workflows(&self) -> impl Iterator<Item = (&Artifact, &Workflow)> {
        self.audited().filter_map(|a| match &a.data {
            ArtifactData::Workflow(w) => Some((a, w)),
            _ => None,
        })
    }

    pub fn workflow_jobs(&self) -> impl Iterator<Item = (&Artifact, &Workflow, &Job)> {
        self.workflows().flat_map(|(a, w)| w.jobs.iter().map(move |j| (a, w, j)))
    }

    pub fn gitlab(&self) -> impl Iterator<Item = (&Artifact, &GitlabCi)> {
        self.audited().filter_map(|a| match &a.data {
            ArtifactData::GitlabCi(g) => Some((a, g)),
            _ => None,
        })
    }

    pub fn env_files(&self) -> impl Iterator<Item = (&Artifact, &EnvFile)> {
        self.audited().filter_map(|a| match &a.data {
            ArtifactData::EnvFile(e) => Some((a, e)),
            _ => None,
        })
    }

    /// Something deployable was found (else the verdict is NOT ASSESSED).
    pub fn is_deployable(&self) -> bool {
        self.audited().any(|a| a.kind.is_deployable())
    }

    /// The repository runs long-lived services (as opposed to shipping only tools, CLIs or batch
    /// images): a compose service that is not one-shot, a long-running Kubernetes workload, a Helm
    /// chart, or a Dockerfile whose image exposes a port. Service-operations absences (no metrics,
    /// no health checks, no runbooks…) apply only then.
    pub fn runs_services(&self) -> bool {
        use crate::model::dockerfile::Args;
        self.compose_services().any(|(_, _, s)| !crate::rules::compose::is_one_shot(s))
            || self.k8s_objects().any(|(_, o)| o.workload().is_some_and(|w| w.kind.is_long_running()))
            || self.audited().any(|a| a.kind == ArtifactKind::HelmChart)
            || self.dockerfiles().any(|(_, df)| {
                df.final_stage().is_some_and(|st| {
                    df.stage_instructions(st).any(|i| matches!(&i.args, Args::Expose(p) if !p.is_empty()))
                })
            })
    }

    /// Resolve `path` as written in `from_file`, relative to `base_dir` (repository-relative dir;
    /// `None` = the directory of `from_file`).
    pub fn resolve(&self, from_file: &str, base_dir: Option<&str>, path: &str) -> Resolution {
        resolve::resolve(&self.files, from_file, base_dir, path)
    }
}

/// Build a project from in-memory files (tests of index tables and rules).
#[cfg(test)]
pub(crate) fn project_from(files: &[(&str, &str)]) -> Project {
    use std::sync::Arc;
    let charts = crate::discover::classify::chart_dirs(files.iter().map(|(p, _)| *p));
    let mut set = FileSet::default();
    let mut artifacts = Vec::new();
    for (path, text) in files {
        set.insert((*path).to_owned(), FileMeta::default());
        let Some(kind) = crate::discover::classify::classify(path, &charts) else { continue };
        let src = crate::source::SourceFile::from_text(*path, *text);
        let mut diags = Vec::new();
        let (data, load_error) = crate::parse::parse_kind(kind, &src, &mut diags);
        let mut a = Artifact {
            kind,
            source: Arc::new(src),
            data,
            env: crate::model::EnvInfo::default(),
            tracked: false,
            load_error,
        };
        a.kind = crate::parse::effective_kind(&a);
        artifacts.push(a);
    }
    Project::build("test".to_owned(), set, artifacts, false, &Settings::new(std::path::PathBuf::from(".")))
}
