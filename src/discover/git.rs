//! The enclosing git repository: find `.git` (directory, or a `gitdir:` file for worktrees and
//! submodules) at or above the root and read its index with `gix-index`. Nothing is executed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::finding::{Diagnostic, DiagnosticKind};

/// Hostile or corrupt index files may claim huge sizes: cap allocations.
const INDEX_ALLOC_LIMIT: usize = 512 * 1024 * 1024;

pub struct GitInfo {
    /// Top of the work tree.
    pub top: PathBuf,
    /// Tracked files under the audited root (root-relative path → executable bit).
    pub tracked: BTreeMap<String, bool>,
}

fn git_dir_of(dir: &Path) -> Option<PathBuf> {
    let dot = dir.join(".git");
    let meta = std::fs::symlink_metadata(&dot).ok()?;
    if meta.is_dir() {
        return Some(dot);
    }
    if meta.is_file() {
        let text = std::fs::read_to_string(&dot).ok()?;
        let target = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
        let p = Path::new(target);
        return Some(if p.is_absolute() { p.to_path_buf() } else { dir.join(p) });
    }
    None
}

/// Open the repository enclosing `root` (canonical). `None` when there is none or its index is
/// unreadable (a diagnostic says so; every file then counts as untracked).
pub fn open(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<GitInfo> {
    let mut dir = Some(root);
    while let Some(d) = dir {
        if let Some(git_dir) = git_dir_of(d) {
            return read_index(d, &git_dir, root, diagnostics);
        }
        dir = d.parent();
    }
    None
}

fn read_index(top: &Path, git_dir: &Path, root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<GitInfo> {
    let index_path = git_dir.join("index");
    let prefix = root.strip_prefix(top).ok()?.to_string_lossy().replace('\\', "/");
    let mut tracked = BTreeMap::new();
    if !index_path.exists() {
        // A repository with no commits and nothing staged: nothing tracked yet.
        return Some(GitInfo { top: top.to_path_buf(), tracked });
    }
    let options = gix_index::decode::Options { alloc_limit_bytes: Some(INDEX_ALLOC_LIMIT), ..Default::default() };
    let file = match gix_index::File::at(&index_path, gix_index::hash::Kind::Sha1, true, options) {
        Ok(f) => f,
        Err(e) => {
            diagnostics.push(Diagnostic::new(
                ".git/index",
                None,
                DiagnosticKind::Note,
                format!("git index could not be read ({e}); tracked status unknown, .gitignore still honoured"),
            ));
            return Some(GitInfo { top: top.to_path_buf(), tracked });
        }
    };
    let state: &gix_index::State = &file;
    for entry in state.entries() {
        let mode = entry.mode;
        if mode.contains(gix_index::entry::Mode::COMMIT) || mode == gix_index::entry::Mode::SYMLINK {
            continue;
        }
        let path = entry.path(state).to_string();
        let rel = if prefix.is_empty() {
            path
        } else {
            match path.strip_prefix(&format!("{prefix}/")) {
                Some(r) => r.to_owned(),
                None => continue,
            }
        };
        tracked.insert(rel, mode == gix_index::entry::Mode::FILE_EXECUTABLE);
    }
    Some(GitInfo { top: top.to_path_buf(), tracked })
}
