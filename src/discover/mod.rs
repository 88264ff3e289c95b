//! Discovery: walk the root (serially, then sort), honour `.gitignore` of the enclosing git
//! repository, prune dependency/build directories, never follow symlinks out of the root, add
//! files git tracks even when ignored, and classify every file.
//!
//! Tracked status comes from the git index, read with `gix-index` — never by running `git`, which
//! can execute repository-configured commands (fsmonitor, hooks).

pub mod classify;
pub mod git;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

use crate::config::Settings;
use crate::error::Error;
use crate::finding::{Diagnostic, DiagnosticKind};
use crate::model::ArtifactKind;

/// Directories pruned unless git tracks files inside them.
pub const PRUNED_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "vendor",
    "target",
    "dist",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".next",
    ".nuxt",
    ".terraform",
    ".gradle",
    ".idea",
    ".cache",
    "bower_components",
    ".pnpm-store",
    ".yarn",
    "coverage",
    ".mypy_cache",
    ".pytest_cache",
    ".hg",
    ".svn",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoveredFile {
    /// Repository-relative path with `/`.
    pub path: String,
    /// Absolute path to read (for an in-root symlink: the link's path).
    pub abs: PathBuf,
    pub size: u64,
    pub kind: Option<ArtifactKind>,
    pub tracked: bool,
    pub executable: Option<bool>,
    /// Over the size cap: recorded, not read.
    pub too_large: bool,
}

#[derive(Debug)]
pub struct Discovery {
    pub root: PathBuf,
    /// Directory name of the root, for reports.
    pub root_name: String,
    pub files: Vec<DiscoveredFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// A git index was read.
    pub has_git: bool,
}

fn rel_path(root: &Path, p: &Path) -> Option<String> {
    let rel = p.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for c in rel.components() {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("/"))
    }
}

pub fn discover(settings: &Settings) -> Result<Discovery, Error> {
    let root = settings.root.canonicalize().map_err(|e| Error::Root(settings.root.clone(), e.to_string()))?;
    if !root.is_dir() {
        return Err(Error::Root(settings.root.clone(), "not a directory".to_owned()));
    }
    std::fs::read_dir(&root).map_err(|e| Error::Root(settings.root.clone(), e.to_string()))?;
    let root_name = root.file_name().map_or_else(|| "/".to_owned(), |n| n.to_string_lossy().into_owned());
    let mut diagnostics = Vec::new();

    let git = git::open(&root, &mut diagnostics);
    let tracked: BTreeMap<String, bool> = git.as_ref().map(|g| g.tracked.clone()).unwrap_or_default();

    let mut files: BTreeMap<String, DiscoveredFile> = BTreeMap::new();
    let mut walker = WalkBuilder::new(&root);
    let honour_ignores = !settings.include_ignored && git.is_some();
    walker
        .hidden(false)
        .parents(true)
        .ignore(false)
        .git_global(false)
        .git_ignore(honour_ignores)
        .git_exclude(honour_ignores)
        .require_git(true)
        .follow_links(false)
        .filter_entry(|e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            !(is_dir && e.depth() > 0 && PRUNED_DIRS.contains(&e.file_name().to_string_lossy().as_ref()))
        });
    let mut symlinks = Vec::new();
    for entry in walker.build() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err_path(&err).and_then(|p| rel_path(&root, &p)).unwrap_or_else(|| ".".to_owned());
                diagnostics.push(Diagnostic::new(
                    path,
                    None,
                    DiagnosticKind::Io,
                    format!("could not read: {}", io_message(&err)),
                ));
                continue;
            }
        };
        let Some(ft) = entry.file_type() else { continue };
        let Some(rel) = rel_path(&root, entry.path()) else { continue };
        if ft.is_symlink() {
            symlinks.push((rel, entry.path().to_path_buf()));
            continue;
        }
        if !ft.is_file() {
            continue;
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        let t = tracked.get(&rel);
        files.insert(
            rel.clone(),
            DiscoveredFile {
                path: rel,
                abs: entry.path().to_path_buf(),
                size,
                kind: None,
                tracked: t.is_some(),
                executable: t.copied(),
                too_large: false,
            },
        );
    }

    // Symlinks: followed only when the target stays inside the root and is a file.
    for (rel, abs) in symlinks {
        match abs.canonicalize() {
            Ok(target) if target.starts_with(&root) && target.is_file() => {
                let size = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
                let t = tracked.get(&rel);
                files.insert(
                    rel.clone(),
                    DiscoveredFile {
                        path: rel,
                        abs: target,
                        size,
                        kind: None,
                        tracked: t.is_some(),
                        executable: t.copied(),
                        too_large: false,
                    },
                );
            }
            Ok(target) if target.starts_with(&root) => {} // in-root directory link: its target is walked anyway
            Ok(_) => diagnostics.push(Diagnostic::new(
                rel,
                None,
                DiagnosticKind::Skipped,
                "symlink points outside the audited root; not followed",
            )),
            Err(e) => diagnostics.push(Diagnostic::new(
                rel,
                None,
                DiagnosticKind::Skipped,
                format!("broken symlink ({e}); not followed"),
            )),
        }
    }

    // Tracked files the walk skipped (ignored yet committed, or inside a pruned directory).
    for (rel, exec) in &tracked {
        if files.contains_key(rel) || rel.split('/').any(|c| c == ".git") {
            continue;
        }
        let abs = root.join(rel);
        match std::fs::symlink_metadata(&abs) {
            Ok(m) if m.is_file() => {
                files.insert(
                    rel.clone(),
                    DiscoveredFile {
                        path: rel.clone(),
                        abs,
                        size: m.len(),
                        kind: None,
                        tracked: true,
                        executable: Some(*exec),
                        too_large: false,
                    },
                );
            }
            _ => {}
        }
    }

    // Classify with knowledge of chart directories.
    let charts = classify::chart_dirs(files.keys().map(String::as_str));
    let mut out: Vec<DiscoveredFile> = files.into_values().collect();
    for f in &mut out {
        f.kind = classify::classify(&f.path, &charts);
        if f.kind.is_some() && f.size > settings.max_file_size {
            f.too_large = true;
            diagnostics.push(Diagnostic::new(
                f.path.clone(),
                None,
                DiagnosticKind::Skipped,
                format!(
                    "{} bytes is over the size cap of {} bytes; not analysed (raise it with --max-file-size)",
                    f.size, settings.max_file_size
                ),
            ));
        }
    }

    // Local env files that .gitignore hides and git does not track: not the repository's problem.
    if honour_ignores {
        let seen: HashSet<&str> = out.iter().map(|f| f.path.as_str()).collect();
        if let Ok(rd) = std::fs::read_dir(&root) {
            let mut local: Vec<String> = rd
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n == ".env" || n.starts_with(".env."))
                .filter(|n| !seen.contains(n.as_str()))
                .collect();
            local.sort();
            for n in local {
                diagnostics.push(Diagnostic::new(
                    n,
                    None,
                    DiagnosticKind::Note,
                    "ignored by .gitignore and not tracked by git: a local file, not audited",
                ));
            }
        }
    }

    Ok(Discovery { root, root_name, files: out, diagnostics, has_git: git.is_some() })
}

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => err_path(err),
        _ => None,
    }
}

fn io_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => io_message(err),
        ignore::Error::Io(e) => e.to_string(),
        other => other.to_string(),
    }
}
