//! Kustomize: which files are patches (strategic-merge or JSON 6902 fragments merged into a base)
//! rather than complete objects. Patch files are plain Kubernetes YAML and are sniffed as manifests;
//! rules that judge an absence (no selector, no probes, no resources) must not judge a fragment.

use std::collections::BTreeSet;

use super::files::parent_dir;
use super::resolve::{is_dynamic, normalize};
use crate::model::{Artifact, ArtifactData, ArtifactKind};
use crate::parse::yaml::Node;

/// Repository-relative paths of every file a kustomization (or component) lists as a patch.
pub fn patch_files(artifacts: &[Artifact]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for a in artifacts.iter().filter(|a| a.kind == ArtifactKind::Kustomization) {
        let ArtifactData::Yaml(y) = &a.data else { continue };
        let dir = parent_dir(a.path());
        for d in &y.documents {
            let root = d.root();
            for rel in listed_patches(root) {
                if is_dynamic(&rel) {
                    continue;
                }
                if let Some(p) = normalize(dir, &rel) {
                    out.insert(p);
                }
            }
        }
    }
    out
}

/// Paths under `patchesStrategicMerge`, `patches[].path` and `patchesJson6902[].path`. Inline
/// patches (`patch: |` or a multi-line string item) are not files.
fn listed_patches(root: Node<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for item in root.get("patchesStrategicMerge").map(|n| n.items()).unwrap_or_default() {
        if let Some(s) = item.as_str() {
            if !s.contains('\n') {
                out.push(s.trim().to_owned());
            }
        }
    }
    for key in ["patches", "patchesJson6902"] {
        for item in root.get(key).map(|n| n.items()).unwrap_or_default() {
            if let Some(p) = item.get_str("path") {
                out.push(p.trim().to_owned());
            } else if let Some(s) = item.as_str() {
                // `patches: [deployment-patch.yaml]` (short form)
                if !s.contains('\n') {
                    out.push(s.trim().to_owned());
                }
            }
        }
    }
    out
}

/// Mark the objects of patch files (`K8sObject::patch`).
pub fn mark_patches(artifacts: &mut [Artifact]) {
    let patches = patch_files(artifacts);
    if patches.is_empty() {
        return;
    }
    for a in artifacts.iter_mut() {
        if !patches.contains(a.source.path.as_str()) {
            continue;
        }
        if let ArtifactData::Kubernetes(k) = &mut a.data {
            for o in &mut k.objects {
                o.patch = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn lists_patch_paths() {
        let s = yaml::parse(
            "resources: [../../base]\npatchesStrategicMerge:\n  - replicas.yaml\n  - |-\n    apiVersion: apps/v1\n    kind: Deployment\npatches:\n  - path: probes.yaml\n    target: {kind: Deployment}\n  - patch: |-\n      - op: replace\n  - short.yaml\npatchesJson6902:\n  - path: json.yaml\n",
        );
        let root = s.first().unwrap_or_else(|| unreachable!());
        assert_eq!(listed_patches(root), vec!["replicas.yaml", "probes.yaml", "short.yaml", "json.yaml"]);
    }
}
