//! What a GitLab pipeline can see: jobs, templates and stages across the project's CI files
//! (the main file and the local files it includes), and whether includes hide more of them.

use std::collections::BTreeSet;

use crate::index::resolve::normalize;
use crate::index::Project;
use crate::model::{ArtifactData, GitlabCi};
use crate::parse::gitlab::GLOBAL_KEYS;
use crate::parse::yaml::{Document, Node};

/// The pipeline document of a GitLab CI file (after an optional `spec:` header document).
pub(crate) fn doc(ci: &GitlabCi) -> Option<&Document> {
    ci.yaml.documents.iter().rfind(|d| d.root().is_map())
}

/// Every `include:` entry of a file: `Ok(local path)` or `Err(description)` for includes that
/// cannot be seen (templates, remote files, other projects, components).
fn includes(root: Node<'_>) -> Vec<Result<String, String>> {
    let Some(inc) = root.get("include") else { return Vec::new() };
    let items = if inc.is_seq() { inc.items() } else { vec![inc] };
    items
        .into_iter()
        .map(|i| {
            if let Some(s) = i.as_str() {
                return if s.starts_with("http://") || s.starts_with("https://") {
                    Err(format!("remote `{s}`"))
                } else {
                    Ok(s.to_owned())
                };
            }
            if let Some(l) = i.get_str("local") {
                return Ok(l.to_owned());
            }
            for k in ["template", "remote", "project", "component"] {
                if let Some(v) = i.get_str(k) {
                    return Err(format!("{k} `{v}`"));
                }
            }
            Err("an include".to_owned())
        })
        .collect()
}

/// Names defined anywhere in the project's pipeline files, and the reason more may exist.
pub(crate) struct Pipeline {
    pub jobs: BTreeSet<String>,
    pub stages: BTreeSet<String>,
    pub stages_declared: bool,
    /// Why a name missing here may still exist (an include prodready cannot read).
    pub unseen: Option<String>,
}

pub(crate) fn pipeline(project: &Project) -> Pipeline {
    let mut p = Pipeline { jobs: BTreeSet::new(), stages: BTreeSet::new(), stages_declared: false, unseen: None };
    for (a, ci) in project.gitlab() {
        for j in &ci.jobs {
            p.jobs.insert(j.name.value.clone());
        }
        if ci.stages_span.is_some() {
            p.stages_declared = true;
            p.stages.extend(ci.stages.iter().map(|s| s.value.clone()));
        }
        let Some(root) = doc(ci).map(Document::root) else { continue };
        for inc in includes(root) {
            match inc {
                Err(what) => {
                    p.unseen
                        .get_or_insert_with(|| format!("`{}` includes {what}, which prodready cannot read", a.path()));
                }
                Ok(local) => {
                    if local.contains('$') || local.contains('*') {
                        p.unseen.get_or_insert_with(|| {
                            format!("`{}` includes `{local}`, a pattern prodready cannot resolve", a.path())
                        });
                        continue;
                    }
                    let path = normalize("", local.trim_start_matches('/')).unwrap_or_default();
                    match project.artifact(&path).map(|x| &x.data) {
                        Some(ArtifactData::GitlabCi(_)) => {}
                        // Included files under unusual names are plain YAML to discovery: read
                        // their top-level keys as jobs.
                        Some(ArtifactData::Yaml(y)) => {
                            for d in &y.documents {
                                let r = d.root();
                                for (k, _) in r.entries() {
                                    if let Some(k) = k.as_str().filter(|k| !GLOBAL_KEYS.contains(k)) {
                                        p.jobs.insert(k.to_owned());
                                    }
                                }
                                if let Some(st) = r.get("stages") {
                                    p.stages_declared = true;
                                    p.stages.extend(st.str_list().into_iter().map(|s| s.value));
                                }
                            }
                        }
                        _ => {
                            p.unseen.get_or_insert_with(|| {
                                format!("`{}` includes `{local}`, which is not in the repository", a.path())
                            });
                        }
                    }
                }
            }
        }
    }
    if !p.stages_declared {
        p.stages.extend(["build", "test", "deploy"].map(str::to_owned));
    }
    p.stages.extend([".pre", ".post"].map(str::to_owned));
    p
}
