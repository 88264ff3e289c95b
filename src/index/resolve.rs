//! The reference resolver: resolve a path as the referring tool would, against the discovered
//! file set, case-exact (Linux semantics), never outside the root.

use super::files::{parent_dir, FileSet};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// An existing file, repository-relative.
    File(String),
    /// An existing directory, repository-relative (`""` = root).
    Dir(String),
    /// Does not exist; the normalised path that was looked for.
    Missing(String),
    /// Exists only with different letter case (works on macOS/Windows, fails on Linux).
    CaseMismatch { wanted: String, actual: String },
    /// Climbs out of the audited root (`../../x`): cannot be judged.
    OutsideRoot(String),
    /// Contains a variable, glob or is absolute: cannot be resolved statically.
    Dynamic,
}

impl Resolution {
    pub fn exists(&self) -> bool {
        matches!(self, Resolution::File(_) | Resolution::Dir(_))
    }

    pub fn is_missing(&self) -> bool {
        matches!(self, Resolution::Missing(_) | Resolution::CaseMismatch { .. })
    }
}

/// Join and normalise (`.`/`..`); `None` when `..` climbs above the root.
pub fn normalize(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> =
        if rel.starts_with('/') { Vec::new() } else { base.split('/').filter(|p| !p.is_empty()).collect() };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Is this path built at run time (variables, globs, home dirs, URLs)?
pub fn is_dynamic(path: &str) -> bool {
    path.contains('$')
        || path.contains('*')
        || path.contains('?')
        || path.contains('{')
        || path.starts_with('~')
        || path.contains("://")
        || path.contains('<')
        || path.contains('%')
}

pub fn resolve(files: &FileSet, from_file: &str, base_dir: Option<&str>, path: &str) -> Resolution {
    let path = path.trim();
    if path.is_empty() {
        return Resolution::Dynamic;
    }
    if is_dynamic(path) || path.starts_with('/') || path.contains('\\') && path.contains(':') {
        return Resolution::Dynamic;
    }
    let base = base_dir.unwrap_or_else(|| parent_dir(from_file));
    let Some(norm) = normalize(base, path) else {
        return Resolution::OutsideRoot(path.to_owned());
    };
    if files.contains_file(&norm) {
        return Resolution::File(norm);
    }
    if files.contains_dir(&norm) {
        return Resolution::Dir(norm);
    }
    match files.case_insensitive(&norm).first() {
        Some(actual) => Resolution::CaseMismatch { wanted: norm.clone(), actual: (*actual).to_owned() },
        None => Resolution::Missing(norm),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::files::FileMeta;

    #[test]
    fn resolves_relative_to_base() {
        let mut fs = FileSet::default();
        fs.insert("apps/api/Dockerfile".into(), FileMeta::default());
        assert_eq!(
            resolve(&fs, "docker-compose.yml", None, "./apps/api/Dockerfile"),
            Resolution::File("apps/api/Dockerfile".into())
        );
        assert_eq!(resolve(&fs, "deploy/compose.yml", None, "../apps/api"), Resolution::Dir("apps/api".into()));
        assert_eq!(
            resolve(&fs, "compose.yml", Some("apps/api"), "Dockerfile"),
            Resolution::File("apps/api/Dockerfile".into())
        );
        assert!(matches!(resolve(&fs, "compose.yml", None, "apps/API/Dockerfile"), Resolution::CaseMismatch { .. }));
        assert_eq!(
            resolve(&fs, "compose.yml", None, "apps/web/Dockerfile"),
            Resolution::Missing("apps/web/Dockerfile".into())
        );
        assert_eq!(resolve(&fs, "compose.yml", None, "${CTX}/Dockerfile"), Resolution::Dynamic);
        assert!(matches!(resolve(&fs, "compose.yml", None, "../../x"), Resolution::OutsideRoot(_)));
        assert_eq!(resolve(&fs, "compose.yml", None, "."), Resolution::Dir(String::new()));
    }
}
