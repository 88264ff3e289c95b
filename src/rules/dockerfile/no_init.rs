//! DF015: a Node.js or Python server runs as PID 1 without an init process.

use std::sync::LazyLock;

use regex::Regex;

use crate::finding::{Location, Severity};
use crate::index::images::{Consumer, ConsumerKind};
use crate::index::Project;
use crate::model::dockerfile::{Args, Command, Dockerfile, Instruction};
use crate::model::ArtifactKind;
use crate::rules::compose::{find_service, has_init, service_node};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

use super::{command_of, effective_command, shipped_instructions};

pub struct NoInit;

/// Programs that run as PID 1 and forward signals / reap children.
const INITS: &[&str] = &[
    "tini",
    "tini-static",
    "dumb-init",
    "docker-init",
    "catatonit",
    "init",
    "s6-svscan",
    "runsvdir",
    "supervisord",
    "pm2-runtime",
];

/// Python servers that install their own SIGTERM handling.
const PY_SERVERS: &[&str] = &["gunicorn", "uvicorn", "hypercorn", "daphne", "celery", "granian"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Runtime {
    Node,
    Python,
}

fn base(word: &str) -> &str {
    let w = word.trim_matches(|c| c == '"' || c == '\'');
    w.rsplit('/').next().unwrap_or(w)
}

fn runtime_of(words: &[String]) -> Option<Runtime> {
    let first = base(words.first()?);
    if matches!(first, "node" | "nodejs" | "npm" | "npx" | "yarn" | "pnpm" | "ts-node" | "nodemon" | "next") {
        return Some(Runtime::Node);
    }
    let python = first.strip_prefix("python").is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
        || first == "flask";
    if python && !words.iter().any(|w| PY_SERVERS.contains(&base(w))) {
        return Some(Runtime::Python);
    }
    None
}

/// The words of an exec-form command (or of a shell form that starts with `exec`).
fn exec_words(c: &Command) -> Option<Vec<String>> {
    match c {
        Command::Exec(args) => {
            let w: Vec<String> = args.iter().map(|a| a.value.clone()).collect();
            // `["sh", "-c", "exec node server.js"]`
            if matches!(w.first().map(|s| base(s)), Some("sh" | "bash" | "ash" | "dash")) {
                let script =
                    w.iter().find(|a| !(a.starts_with('-') || matches!(base(a), "sh" | "bash" | "ash" | "dash")))?;
                return script
                    .trim_start()
                    .strip_prefix("exec ")
                    .map(|r| r.split_whitespace().map(str::to_owned).collect());
            }
            Some(w)
        }
        Command::Shell(s) => {
            s.value.trim_start().strip_prefix("exec ").map(|r| r.split_whitespace().map(str::to_owned).collect())
        }
    }
}

/// The instruction that names the server process and its runtime, when it runs without an init.
fn uninitialised<'a>(
    project: &crate::index::Project,
    path: &str,
    df: &'a Dockerfile,
) -> Option<(&'a Instruction, Runtime, String)> {
    let (ep, cmd) = effective_command(project, path, df);
    let target = match ep {
        Some(e) => {
            let words = exec_words(command_of(e)?)?;
            if words.iter().any(|w| INITS.contains(&base(w))) {
                return None;
            }
            if runtime_of(&words).is_some() {
                e
            } else {
                // An entrypoint script (`docker-entrypoint.sh`) that execs the CMD.
                let first = base(words.first()?);
                if !(first.ends_with(".sh") || first.contains("entrypoint")) {
                    return None;
                }
                cmd?
            }
        }
        None => cmd?,
    };
    let words = exec_words(command_of(target)?)?;
    if words.iter().any(|w| INITS.contains(&base(w))) {
        return None;
    }
    let rt = runtime_of(&words)?;
    // `ENTRYPOINT ["python3"]` + `CMD ["app.py"]` run together.
    let mut all = words;
    if ep.is_some_and(|e| std::ptr::eq(e, target)) {
        if let Some(extra) = cmd.and_then(command_of).and_then(exec_words) {
            all.extend(extra);
        }
    }
    Some((target, rt, all.iter().take(3).cloned().collect::<Vec<_>>().join(" ")))
}

/// Python turns SIGINT into `KeyboardInterrupt` even as PID 1, so a Python server stopped with
/// SIGINT (`STOPSIGNAL SIGINT`, compose `stop_signal: SIGINT`) shuts down cleanly.
fn stops_with_sigint(project: &crate::index::Project, path: &str, df: &Dockerfile, consumers: &[&Consumer]) -> bool {
    let is_int = |s: &str| matches!(s.trim().to_ascii_uppercase().as_str(), "SIGINT" | "INT" | "2");
    let image = shipped_instructions(project, path, df).iter().rev().find_map(|i| match &i.args {
        Args::Stopsignal(s) => Some(is_int(&s.value)),
        _ => None,
    });
    let compose: Vec<bool> = consumers
        .iter()
        .filter(|c| c.kind == ConsumerKind::ComposeService)
        .map(|c| {
            find_service(project, &c.path, &c.name)
                .and_then(|(f, s)| service_node(f, s))
                .and_then(|n| n.get_str("stop_signal").map(is_int))
                .or(image)
                .unwrap_or(false)
        })
        .collect();
    if compose.is_empty() {
        image.unwrap_or(false)
    } else {
        compose.iter().all(|b| *b) && !consumers.iter().any(|c| c.kind == ConsumerKind::K8sWorkload)
    }
}

static DOCKER_RUN_INIT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"docker\s+(?:container\s+)?run\b[^\n;&|]*\s--init\b[^\n;&|]*").ok());

/// A `docker run --init … <image>` of this Dockerfile's image in a script, Makefile or CI file.
fn run_with_init(project: &Project, path: &str) -> Option<(String, Span)> {
    let re = DOCKER_RUN_INIT.as_ref()?;
    for a in project.audited() {
        if !matches!(
            a.kind,
            ArtifactKind::ShellScript | ArtifactKind::Makefile | ArtifactKind::GithubWorkflow | ArtifactKind::GitlabCi
        ) {
            continue;
        }
        for m in re.find_iter(&a.source.text) {
            let runs_ours = m.as_str().split_whitespace().filter(|t| !t.starts_with('-')).any(|t| {
                let t = t.trim_matches(|c| c == '"' || c == '\'');
                t.contains(['/', ':']) && project.images.dockerfiles_for_image(t).contains(&path)
            });
            if runs_ours {
                return Some((a.path().to_owned(), a.source.span(m.range())));
            }
        }
    }
    None
}

impl Rule for NoInit {
    fn id(&self) -> RuleId {
        RuleId::DF015
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let project = cx.project;
        let path = cx.path();
        let consumers: Vec<_> =
            project.images.consumers(path).iter().filter(|c| c.kind != ConsumerKind::CiBuild).collect();
        let exposes =
            shipped_instructions(project, path, df).iter().any(|i| matches!(&i.args, Args::Expose(p) if !p.is_empty()));
        if !exposes && consumers.is_empty() {
            return NA; // not a server image
        }
        let Some((ins, rt, shown)) = uninitialised(project, path, df) else { return CHECKED };
        if rt == Runtime::Python && stops_with_sigint(project, path, df, &consumers) {
            return CHECKED;
        }
        if let Some((file, span)) = run_with_init(project, path) {
            cx.evidence(Some(Location::new(file, span)), "the image is started with `docker run --init`");
            return CHECKED;
        }
        // `init: true` on the compose services that run the image (Kubernetes has no equivalent).
        let k8s = consumers.iter().any(|c| c.kind == ConsumerKind::K8sWorkload);
        let with_init: Vec<_> = consumers
            .iter()
            .filter(|c| c.kind == ConsumerKind::ComposeService)
            .filter(|c| find_service(project, &c.path, &c.name).is_some_and(|(f, s)| has_init(f, s)))
            .collect();
        if !k8s && !with_init.is_empty() {
            for c in with_init.iter().take(3) {
                cx.evidence(
                    Some(Location::new(c.path.clone(), c.span)),
                    format!("`{}` runs the image with `init: true`", c.name),
                );
            }
            return CHECKED;
        }
        let why = match rt {
            Runtime::Node => "Node.js does not exit on SIGTERM when it is PID 1 unless the app handles the signal",
            Runtime::Python => "Python ignores SIGTERM when it is PID 1 unless the app installs a handler",
        };
        cx.report(
            ins.keyword_span,
            format!("`{shown}` runs as PID 1 without an init: {why}, so every stop waits for the kill timeout, and exited child processes are never reaped"),
        )
        .by_env(Severity::Medium, Severity::Low)
        .help("start it under an init (`ENTRYPOINT [\"tini\", \"--\"]` after installing `tini`, or `dumb-init`), or set `init: true` on the compose service");
        CHECKED
    }
}
