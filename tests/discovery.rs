//! Discovery against a real git work tree: tracked files are audited even when `.gitignore`
//! matches them, untracked ignored files are only noted, pruned directories come back when
//! tracked, symlinks never lead out of the root, and oversized files are reported as skipped.
//! The git index is written with `gix-index` (no `git` binary needed).

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
}

/// Make `root` a git work tree whose index tracks `tracked` (executable when listed in `exec`).
fn git_index(root: &Path, tracked: &[&str], exec: &[&str]) {
    std::fs::create_dir_all(root.join(".git")).unwrap_or_else(|e| panic!("{e}"));
    write(root, ".git/HEAD", "ref: refs/heads/main\n");
    let mut state = gix_index::State::new(gix_index::hash::Kind::Sha1);
    for path in tracked {
        let mode =
            if exec.contains(path) { gix_index::entry::Mode::FILE_EXECUTABLE } else { gix_index::entry::Mode::FILE };
        state.dangerously_push_entry(
            gix_index::entry::Stat::default(),
            gix_index::hash::ObjectId::null(gix_index::hash::Kind::Sha1),
            gix_index::entry::Flags::empty(),
            mode,
            (*path).into(),
        );
    }
    state.sort_entries();
    let mut file = gix_index::File::from_state(state, root.join(".git/index"));
    file.write(gix_index::write::Options::default()).unwrap_or_else(|e| panic!("{e}"));
}

fn audit_json(root: &Path, extra: &[&str]) -> Value {
    let out = Command::cargo_bin("prodready")
        .unwrap_or_else(|e| panic!("{e}"))
        .args(["audit", "--format", "json", "--allow-empty"])
        .args(extra)
        .arg(root)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn paths(v: &Value) -> Vec<String> {
    v["inventory"]["artifacts"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["path"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn diagnostics(v: &Value) -> Vec<(String, String)> {
    v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| (d["file"].as_str().unwrap_or("").to_owned(), d["kind"].as_str().unwrap_or("").to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

const COMPOSE: &str = "services:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n";
const REAL_ENV: &str = "JWT_SECRET=q8Fz2LmP0vXr7TnW3bYcKd\n";

#[test]
fn tracked_files_are_audited_even_when_ignored() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    write(root, ".gitignore", ".env*\nnode_modules/\nbuild/\n");
    write(root, "docker-compose.yml", COMPOSE);
    write(root, ".env.production", REAL_ENV); // committed before .gitignore listed it
    write(root, ".env", REAL_ENV); // a developer's local file: ignored, untracked
    write(root, "node_modules/pkg/Dockerfile", "FROM node:20\n"); // untracked dependency
    write(root, "build/package/Dockerfile", "FROM alpine:3.19\nUSER nobody\n"); // tracked in a pruned-style dir
    git_index(root, &[".gitignore", "docker-compose.yml", ".env.production", "build/package/Dockerfile"], &[]);

    let v = audit_json(root, &[]);
    let p = paths(&v);
    assert!(p.contains(&".env.production".to_owned()), "{p:?}");
    assert!(p.contains(&"build/package/Dockerfile".to_owned()), "{p:?}");
    assert!(!p.contains(&".env".to_owned()), "untracked ignored file audited: {p:?}");
    assert!(!p.iter().any(|x| x.starts_with("node_modules")), "{p:?}");
    let tracked_blocker = v["findings"].as_array().is_some_and(|f| {
        f.iter().any(|f| f["rule"] == "ENV004" && f["file"] == ".env.production" && f["severity"] == "blocker")
    });
    assert!(tracked_blocker, "committed .env.production must be a blocker whatever .gitignore says");
    assert!(diagnostics(&v).contains(&(".env".to_owned(), "note".to_owned())), "{:?}", diagnostics(&v));

    // --include-ignored brings the local file in.
    let v = audit_json(root, &["--include-ignored"]);
    assert!(paths(&v).contains(&".env".to_owned()));
}

#[test]
fn a_subdirectory_uses_the_enclosing_repository_index() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    write(root, ".gitignore", "*.env\n");
    write(root, "services/shop/docker-compose.yml", COMPOSE);
    write(root, "services/shop/prod.env", REAL_ENV);
    git_index(root, &[".gitignore", "services/shop/docker-compose.yml", "services/shop/prod.env"], &[]);
    let v = audit_json(&root.join("services/shop"), &[]);
    assert!(paths(&v).contains(&"prod.env".to_owned()), "{:?}", paths(&v));
}

#[test]
fn without_git_every_file_counts() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    write(root, ".gitignore", ".env\n");
    write(root, "docker-compose.yml", COMPOSE);
    write(root, ".env", REAL_ENV);
    let v = audit_json(root, &[]);
    assert!(paths(&v).contains(&".env".to_owned()));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_not_followed() {
    let outside = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(outside.path(), "docker-compose.yml", "services:\n  leak:\n    image: secret/outside:1\n");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    write(root, "docker-compose.yml", COMPOSE);
    write(root, "real/Dockerfile", "FROM alpine:3.19\nUSER nobody\n");
    std::os::unix::fs::symlink(outside.path().join("docker-compose.yml"), root.join("compose.override.yml"))
        .unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(outside.path(), root.join("outside-dir")).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(root.join("real/Dockerfile"), root.join("Dockerfile")).unwrap_or_else(|e| panic!("{e}"));
    let v = audit_json(root, &[]);
    let text = v.to_string();
    assert!(!text.contains("secret/outside"), "content outside the root was read");
    assert!(
        diagnostics(&v).contains(&("compose.override.yml".to_owned(), "skipped".to_owned())),
        "{:?}",
        diagnostics(&v)
    );
    assert!(paths(&v).contains(&"Dockerfile".to_owned()), "an in-root symlink is followed");
    assert!(!paths(&v).iter().any(|p| p.starts_with("outside-dir")));
}

#[test]
fn oversized_files_are_skipped_and_reported() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    write(root, "docker-compose.yml", COMPOSE);
    write(root, "k8s/big.yaml", &"# padding\n".repeat(200));
    let v = audit_json(root, &["--max-file-size", "1000"]);
    assert!(diagnostics(&v).contains(&("k8s/big.yaml".to_owned(), "skipped".to_owned())), "{:?}", diagnostics(&v));
}
