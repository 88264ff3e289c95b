//! DF020: the final image carries the build toolchain (single-stage build of a compiled
//! language, compilers installed and kept, or a whole build stage copied in).

use crate::finding::Severity;
use crate::model::dockerfile::{Args, Dockerfile, Keyword};
use crate::model::image::ImageRef;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{deployed_stage, is_runtime_image, run_text, shipped_instructions, shipped_stages, simple_commands, words};

pub struct FinalToolchain;

/// The language toolchain a base image is, if it is one.
fn toolchain_image(image: &str) -> Option<&'static str> {
    let r = ImageRef::parse(image);
    let repo = r.repository.to_ascii_lowercase();
    let short = repo.rsplit('/').next().unwrap_or(&repo);
    let tag = r.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    match short {
        "golang" => Some("Go"),
        "rust" => Some("Rust"),
        "maven" | "gradle" => Some("Java"),
        "openjdk" | "eclipse-temurin" | "amazoncorretto" | "sapmachine" | "ibm-semeru-runtimes"
            if !tag.contains("jre") =>
        {
            Some("Java")
        }
        "gcc" | "buildpack-deps" => Some("C/C++"),
        "sdk" if repo.contains("dotnet") => Some(".NET"),
        _ => None,
    }
}

/// A compile command of that toolchain (or of any, for `None`).
fn compiles(cmd: &str) -> Option<&'static str> {
    let w = words(cmd);
    let first = w.first().map(|s| s.rsplit('/').next().unwrap_or(s)).unwrap_or("");
    let second = w.get(1).copied().unwrap_or("");
    match (first, second) {
        ("go", "build" | "install") => Some("Go"),
        ("cargo", "build" | "install") => Some("Rust"),
        ("mvn" | "mvnw", _) | ("gradle" | "gradlew", _) => Some("Java"),
        ("dotnet", "publish" | "build") => Some(".NET"),
        ("gcc" | "g++" | "cc" | "c++" | "clang" | "cmake" | "make", _) => Some("C/C++"),
        ("tsc", _) => Some("TypeScript"),
        ("npm" | "yarn" | "pnpm", "run") if w.get(2).is_some_and(|s| s.starts_with("build")) => Some("TypeScript"),
        ("yarn" | "pnpm", s) if s.starts_with("build") => Some("TypeScript"),
        _ => None,
    }
}

/// Compiler packages an `apt-get install` / `apk add` / `yum install` keeps in the image.
const COMPILER_PACKAGES: &[&str] = &[
    "build-essential",
    "build-base",
    "gcc",
    "g++",
    "clang",
    "make",
    "cmake",
    "golang",
    "rustc",
    "cargo",
    "default-jdk",
];

fn kept_compilers(run: &str) -> Vec<String> {
    let cmds = simple_commands(run);
    let removed = cmds.iter().any(|c| {
        let w = words(c);
        matches!(
            (w.first().copied(), w.get(1).copied()),
            (Some("apk"), Some("del"))
                | (Some("apt-get" | "apt"), Some("purge" | "remove" | "autoremove"))
                | (Some("yum" | "dnf"), Some("remove" | "erase"))
        )
    });
    if removed {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in &cmds {
        let w = words(c);
        let install = matches!(
            (w.first().copied(), w.get(1).copied()),
            (Some("apk"), Some("add")) | (Some("apt-get" | "apt" | "yum" | "dnf" | "microdnf"), Some("install"))
        );
        if !install || w.iter().any(|x| x.starts_with("--virtual") || *x == "-t") {
            continue;
        }
        for pkg in w.iter().skip(2).filter(|p| !p.starts_with('-')) {
            let name = pkg.split(['=', '>', '<']).next().unwrap_or(pkg);
            if COMPILER_PACKAGES.contains(&name) && !out.iter().any(|o| o == name) {
                out.push(name.to_owned());
            }
        }
    }
    out
}

/// devDependencies are pruned after the build (`npm prune --production`, `npm ci --omit=dev`).
fn prunes_dev(run: &str) -> bool {
    run.contains("prune") || run.contains("--omit=dev") || run.contains("--production") || run.contains("--only=prod")
}

impl Rule for FinalToolchain {
    fn id(&self) -> RuleId {
        RuleId::DF020
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let Some(final_stage) = deployed_stage(cx.project, cx.path(), df) else { return NA };
        if !is_runtime_image(cx.project, cx.path(), df) {
            return NA; // a build or tool image: carrying tools is its job
        }
        let chain = shipped_stages(cx.project, cx.path(), df);
        let root = chain.last().copied().unwrap_or(final_stage);
        let instrs = shipped_instructions(cx.project, cx.path(), df);
        let mut reported = false;
        // 1. Whole build stages copied in (`COPY --from=build / /`).
        for i in instrs.iter().filter(|i| i.keyword == Keyword::Copy) {
            let (Some(from), Args::Copy { sources, dest, .. }) = (i.flag("from"), &i.args) else { continue };
            let name = from.value.as_deref().unwrap_or("");
            // Only build stages carry a toolchain; copying an image's filesystem is something else.
            if df.stage_by_name(name).is_none() && name.parse::<usize>().is_err() {
                continue;
            }
            if sources.iter().any(|s| s.value.trim_matches('"') == "/") && dest.value.trim_matches('"') == "/" {
                cx.report(
                    i.keyword_span,
                    format!("`COPY --from={} / /` copies the whole filesystem of that stage, build tools included, into the final image", from.value.as_deref().unwrap_or("")),
                )
                .by_env(Severity::Medium, Severity::Low)
                .help("copy only the build output (`COPY --from=build /out/app /app`)");
                reported = true;
            }
        }
        // 2. A compiled language built in the image that ships it.
        let runs: Vec<String> = instrs.iter().filter_map(|i| run_text(i).map(|(t, _)| t)).collect();
        let compiled: Vec<&'static str> =
            runs.iter().flat_map(|r| simple_commands(r)).filter_map(|c| compiles(&c)).collect();
        let base_tool = toolchain_image(&root.base_resolved);
        let lang = match base_tool {
            Some(t) if compiled.iter().any(|c| *c == t || (t == "C/C++" && *c != "TypeScript")) => Some(t),
            _ if compiled.contains(&"TypeScript") && !runs.iter().any(|r| prunes_dev(r)) => {
                let node = ImageRef::parse(&root.base_resolved).short_name().eq_ignore_ascii_case("node");
                node.then_some("TypeScript")
            }
            _ => None,
        };
        if let Some(lang) = lang {
            let (what, fix) = if lang == "TypeScript" {
                (
                    "builds the app without pruning devDependencies: the compiler, bundler and every devDependency ship with it".to_owned(),
                    "build in a stage (`FROM node:20 AS build`), then copy `dist/` and production `node_modules` (`npm ci --omit=dev`) into a fresh `FROM node:20-slim`",
                )
            } else {
                (
                    format!("compiles {lang} (`FROM {}`): the compiler, sources and build caches ship with the app", root.base.value),
                    "build in a stage (`FROM golang:1.22 AS build`) and copy only the binary or artifact into a runtime image (`distroless`, `-jre`, `aspnet`, `debian-slim`)",
                )
            };
            cx.report(root.base.span, format!("the final image {what}"))
                .by_env(Severity::Medium, Severity::Low)
                .help(fix);
            reported = true;
        }
        // 3. Compilers installed in the final image and never removed.
        if !reported {
            for i in &instrs {
                let Some((text, span)) = run_text(i) else { continue };
                let kept = kept_compilers(&text);
                let Some(first) = kept.first() else { continue };
                let list: Vec<String> = kept.iter().map(|k| format!("`{k}`")).collect();
                cx.report(
                    cx.find(span, first),
                    format!("the final image installs {} and keeps {}: a compiler in the running container helps an attacker and bloats the image", list.join(", "), if kept.len() == 1 { "it" } else { "them" }),
                )
                .by_env(Severity::Low, Severity::Low)
                .help("install build dependencies in a build stage, or remove them in the same `RUN` (`apk add --virtual .build-deps gcc … && … && apk del .build-deps`)");
                break;
            }
        }
        CHECKED
    }
}
