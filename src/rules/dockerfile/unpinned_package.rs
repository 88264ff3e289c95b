//! DF024: language packages installed without a version (pip, npm, gem, go install).

use crate::model::dockerfile::Dockerfile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{run_text, simple_commands, words};

pub struct UnpinnedPackage;

/// Installer tooling upgraded on purpose; pinning it is noise.
const PIP_TOOLING: &[&str] = &["pip", "setuptools", "wheel", "pip-tools", "uv", "poetry", "pipenv"];

fn is_path_or_url(arg: &str) -> bool {
    arg.starts_with('.')
        || arg.starts_with('/')
        || arg.starts_with('~')
        || arg.contains("://")
        || arg.starts_with("git+")
        || arg.contains('$')
        || arg.ends_with(".whl")
        || arg.ends_with(".tgz")
        || arg.ends_with(".tar.gz")
        || arg.ends_with(".zip")
}

/// Package arguments of an install command (flags and their values removed).
fn package_args<'a>(w: &[&'a str], skip: usize, value_flags: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut it = w.iter().skip(skip);
    while let Some(a) = it.next() {
        if value_flags.contains(a) {
            it.next();
            continue;
        }
        if a.starts_with('-') {
            continue;
        }
        out.push(a.trim_matches(|c| c == '"' || c == '\''));
    }
    out
}

/// The unpinned packages of one simple command, with the tool name.
fn unpinned(cmd: &str) -> Option<(&'static str, Vec<String>)> {
    let w = words(cmd);
    let first = w.first().map(|s| s.rsplit('/').next().unwrap_or(s)).unwrap_or("");
    let sub = w.get(1).copied().unwrap_or("");
    let (tool, pkgs): (&'static str, Vec<String>) = match first {
        "pip" | "pip3" if sub == "install" => {
            // Requirement files and constraints pin elsewhere.
            if w.iter().any(|a| {
                matches!(*a, "-r" | "--requirement" | "-c" | "--constraint" | "-e" | "--editable")
                    || a.starts_with("--requirement=")
                    || a.starts_with("--constraint=")
            }) {
                return None;
            }
            let args = package_args(
                &w,
                2,
                &[
                    "-i",
                    "--index-url",
                    "--extra-index-url",
                    "-t",
                    "--target",
                    "--prefix",
                    "--root",
                    "-f",
                    "--find-links",
                    "--trusted-host",
                    "--platform",
                    "--python-version",
                    "--only-binary",
                    "--no-binary",
                ],
            );
            let bad = args
                .into_iter()
                .filter(|a| !is_path_or_url(a))
                .filter(|a| !a.contains(['=', '<', '>', '~', '@']))
                .filter(|a| {
                    let name = a.split('[').next().unwrap_or(a).to_ascii_lowercase();
                    !PIP_TOOLING.contains(&name.as_str())
                })
                .map(str::to_owned)
                .collect();
            ("pip", bad)
        }
        "npm" if matches!(sub, "install" | "i" | "add") => {
            let args = package_args(&w, 2, &["--prefix", "--registry", "--cache", "--omit", "--include"]);
            let bad = args
                .into_iter()
                .filter(|a| !is_path_or_url(a) && !a.contains(':') && !a.ends_with(".git"))
                .filter(|a| {
                    // `pkg@1.2.3`, `@scope/pkg@1.2.3`
                    let body = a.strip_prefix('@').unwrap_or(a);
                    !body.contains('@') || body.ends_with("@latest") || body.ends_with("@next")
                })
                .map(str::to_owned)
                .collect();
            ("npm", bad)
        }
        "gem" if sub == "install" => {
            if w.iter().any(|a| matches!(*a, "-v" | "--version") || a.starts_with("--version=")) {
                return None;
            }
            let args = package_args(&w, 2, &["-i", "--install-dir", "-n", "--bindir", "-s", "--source"]);
            (
                "gem",
                args.into_iter()
                    .filter(|a| !is_path_or_url(a) && !a.contains(':') && !a.ends_with(".gem"))
                    .map(str::to_owned)
                    .collect(),
            )
        }
        "go" if sub == "install" => {
            let args = package_args(&w, 2, &["-ldflags", "-tags", "-o"]);
            let bad = args
                .into_iter()
                .filter(|a| !a.starts_with('.') && !a.starts_with('/') && !a.contains('$') && *a != "tool")
                .filter(|a| match a.rsplit_once('@') {
                    Some((_, v)) => v == "latest" || v == "master" || v == "main",
                    None => a.contains('.'), // a remote module path without a version
                })
                .map(str::to_owned)
                .collect();
            ("go install", bad)
        }
        _ => return None,
    };
    (!pkgs.is_empty()).then_some((tool, pkgs))
}

impl Rule for UnpinnedPackage {
    fn id(&self) -> RuleId {
        RuleId::DF024
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let mut seen = false;
        for i in &df.instructions {
            let Some((text, span)) = run_text(i) else { continue };
            for cmd in simple_commands(&text) {
                let w = words(&cmd);
                if matches!(w.first().copied(), Some("pip" | "pip3" | "npm" | "gem" | "go")) {
                    seen = true;
                }
                let Some((tool, pkgs)) = unpinned(&cmd) else { continue };
                let Some(first) = pkgs.first() else { continue };
                let list: Vec<String> = pkgs.iter().take(4).map(|p| format!("`{p}`")).collect();
                let more = if pkgs.len() > 4 { format!(" and {} more", pkgs.len() - 4) } else { String::new() };
                let example = match tool {
                    "pip" => format!("`{}==<version>`", first),
                    "npm" => {
                        format!("`{}@<version>`", first.split('@').next().filter(|s| !s.is_empty()).unwrap_or(first))
                    }
                    "gem" => format!("`gem install {} -v <version>`", first),
                    _ => format!("`{}@v<version>`", first.split('@').next().unwrap_or(first)),
                };
                let at = cx.find(span, first);
                cx.report(
                    at,
                    format!("`{tool}` installs {}{more} without a version: each build may get a different release, including a broken or compromised one", list.join(", ")),
                )
                .help(format!("pin the version ({example}) or install from a lock/requirements file"));
            }
        }
        if seen {
            CHECKED
        } else {
            NA
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unpinned;

    #[test]
    fn detects() {
        assert!(unpinned("pip install flask gunicorn==21.2").is_some_and(|(_, p)| p == vec!["flask"]));
        assert!(unpinned("pip install -r requirements.txt").is_none());
        assert!(unpinned("pip install --upgrade pip setuptools").is_none());
        assert!(unpinned("npm install -g pnpm@9.1.0 @nestjs/cli@10.3.2").is_none());
        assert!(unpinned("npm install -g @nestjs/cli").is_some());
        assert!(unpinned("npm ci").is_none());
        assert!(unpinned("gem install bundler -v 2.5.6").is_none());
        assert!(unpinned("go install github.com/x/y@latest").is_some());
        assert!(unpinned("go install github.com/x/y@v1.2.3").is_none());
        assert!(unpinned("go install ./cmd/...").is_none());
    }
}
