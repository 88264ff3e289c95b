//! The discovered file set: every file the walk kept (artifact or not) and every directory, so
//! references resolve against the repository as committed, not against what happens to be parsed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileMeta {
    pub size: u64,
    /// git tracks the file.
    pub tracked: bool,
    /// Executable bit as recorded in the git index (None without git).
    pub executable: Option<bool>,
}

#[derive(Debug, Default)]
pub struct FileSet {
    files: BTreeMap<String, FileMeta>,
    dirs: BTreeSet<String>,
    /// lowercase path → real paths, for "exists only case-insensitively".
    lower: HashMap<String, Vec<String>>,
}

impl FileSet {
    pub fn insert(&mut self, path: String, meta: FileMeta) {
        let mut dir = path.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if !self.dirs.insert(parent.to_owned()) {
                break;
            }
            self.lower.entry(parent.to_ascii_lowercase()).or_default().push(parent.to_owned());
            dir = parent;
        }
        self.lower.entry(path.to_ascii_lowercase()).or_default().push(path.clone());
        self.files.insert(path, meta);
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn contains_file(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// `""` is the root and always exists.
    pub fn contains_dir(&self, path: &str) -> bool {
        path.is_empty() || self.dirs.contains(path)
    }

    pub fn get(&self, path: &str) -> Option<&FileMeta> {
        self.files.get(path)
    }

    /// Existing paths equal to `path` ignoring ASCII case (excluding an exact match).
    pub fn case_insensitive(&self, path: &str) -> Vec<&str> {
        self.lower
            .get(&path.to_ascii_lowercase())
            .map(|v| v.iter().filter(|p| p.as_str() != path).map(String::as_str).collect())
            .unwrap_or_default()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &FileMeta)> {
        self.files.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Files directly or indirectly under `dir` (`""` = all).
    pub fn under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        self.files.range(prefix.clone()..).take_while(move |(k, _)| k.starts_with(&prefix)).map(|(k, _)| k.as_str())
    }
}

/// Directory part of a repository-relative path (`""` for a root file).
pub fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// File name part of a repository-relative path.
pub fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, f)| f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirs_and_case() {
        let mut fs = FileSet::default();
        fs.insert("apps/api/Dockerfile".into(), FileMeta::default());
        assert!(fs.contains_dir("apps") && fs.contains_dir("apps/api") && fs.contains_dir(""));
        assert!(!fs.contains_dir("apps/web"));
        assert_eq!(fs.case_insensitive("apps/api/dockerfile"), vec!["apps/api/Dockerfile"]);
        assert_eq!(fs.under("apps").count(), 1);
        assert_eq!(parent_dir("a/b/c"), "a/b");
        assert_eq!(file_name("a/b/c"), "c");
        assert_eq!(parent_dir("c"), "");
    }
}
