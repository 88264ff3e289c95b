//! DF013: `COPY . …` / `ADD . …` with no `.dockerignore` for the build context.

use crate::finding::Severity;
use crate::index::files::{file_name, parent_dir};
use crate::model::dockerfile::{Args, Dockerfile, Keyword};
use crate::model::envfile::{role_from_name, EnvFileRole};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::shipped_stages;

pub struct CopyContextUnignored;

/// A source that means "the whole build context".
fn is_whole_context(src: &str) -> bool {
    matches!(src.trim_matches(|c| c == '"' || c == '\''), "." | "./" | "./." | "*" | "./*")
}

/// Files in a build context that must never reach an image: real env files and private keys.
fn is_sensitive(path: &str) -> bool {
    let name = file_name(path);
    let lower = name.to_ascii_lowercase();
    let env = (lower == ".env" || lower.starts_with(".env.") || lower.ends_with(".env"))
        && role_from_name(name) == EnvFileRole::Real;
    env || lower.ends_with(".pem")
        || lower.ends_with(".key")
        || lower.ends_with(".p12")
        || lower.ends_with(".pfx")
        || matches!(lower.as_str(), "id_rsa" | "id_ed25519" | "id_ecdsa" | ".npmrc" | ".pypirc" | ".netrc")
}

fn shown_dir(dir: &str) -> String {
    if dir.is_empty() {
        "the repository root".to_owned()
    } else {
        format!("`{dir}/`")
    }
}

impl Rule for CopyContextUnignored {
    fn id(&self) -> RuleId {
        RuleId::DF013
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let copies: Vec<_> = df
            .instructions
            .iter()
            .filter(|i| matches!(i.keyword, Keyword::Copy | Keyword::Add) && i.flag("from").is_none())
            .filter_map(|i| match &i.args {
                Args::Copy { sources, .. } => sources.iter().find(|s| is_whole_context(&s.value)).map(|s| (i, s)),
                _ => None,
            })
            .collect();
        if copies.is_empty() {
            return NA;
        }
        let project = cx.project;
        let path = cx.path();
        // `Dockerfile.dockerignore` / `api.Dockerfile.dockerignore` next to the Dockerfile wins over
        // the context's `.dockerignore`.
        if project.files.contains_file(&format!("{path}.dockerignore")) {
            cx.evidence_here(
                copies.first().map_or_else(Default::default, |(i, _)| i.span),
                format!("`{path}.dockerignore` filters the build context"),
            );
            return CHECKED;
        }
        let mut contexts: Vec<String> = project.images.build_contexts(path).into_iter().map(str::to_owned).collect();
        let declared = !contexts.is_empty();
        if !declared {
            contexts.push(parent_dir(path).to_owned());
        }
        let unfiltered: Vec<&String> = contexts
            .iter()
            .filter(|dir| {
                let ignore = if dir.is_empty() { ".dockerignore".to_owned() } else { format!("{dir}/.dockerignore") };
                !project.files.contains_file(&ignore)
            })
            .collect();
        let Some(dir) = unfiltered.first() else {
            if let Some((i, _)) = copies.first() {
                cx.evidence_here(i.span, "every build context of this Dockerfile has a `.dockerignore`");
            }
            return CHECKED;
        };
        let sensitive: Vec<&str> = project.files.under(dir).filter(|p| is_sensitive(p)).take(4).collect();
        let how = if declared {
            format!("is built with {} as its context", shown_dir(dir))
        } else {
            format!("is built (by convention) with its own directory, {}, as context", shown_dir(dir))
        };
        let shipped: Vec<usize> = shipped_stages(project, path, df).iter().map(|st| st.index).collect();
        for (i, src) in copies {
            // In a build stage the files reach only the builder (slower builds, cache busting),
            // not the deployed image, unless a later stage copies them on.
            let in_image = i.stage.is_some_and(|k| shipped.contains(&k));
            let what = if !in_image {
                "so `.git`, local `.env` files and `node_modules` are sent to this build stage (it does not ship, but every change busts its cache and anything copied from it on carries them)".to_owned()
            } else if sensitive.is_empty() {
                "so `.git`, local `.env` files, `node_modules` and build output go into the image".to_owned()
            } else {
                let names: Vec<String> = sensitive.iter().take(3).map(|p| format!("`{p}`")).collect();
                format!("so the image gets {} and the rest of the directory", names.join(", "))
            };
            let f = cx.report(
                src.span,
                format!(
                    "`{} {} …` copies the whole build context; this Dockerfile {how}, which has no `.dockerignore`, {what}",
                    i.keyword.as_str(),
                    src.value
                ),
            );
            let f = if !in_image {
                f.severity(Severity::Low)
            } else if sensitive.is_empty() {
                f.by_env(Severity::Medium, Severity::Low)
            } else {
                f.by_env(Severity::High, Severity::Medium)
            };
            f.help("add a `.dockerignore` to the build context (`.git`, `.env*`, `node_modules`, build output), or copy only what the image needs");
        }
        CHECKED
    }
}
