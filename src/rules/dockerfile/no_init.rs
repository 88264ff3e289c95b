//! DF015: a Node.js or Python server runs as PID 1 without an init process.

use crate::finding::{Location, Severity};
use crate::index::images::ConsumerKind;
use crate::model::dockerfile::{Args, Command, Dockerfile, Instruction};
use crate::rules::compose::{find_service, has_init};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

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
fn uninitialised(df: &Dockerfile) -> Option<(&Instruction, Runtime, String)> {
    let (ep, cmd) = effective_command(df);
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
    Some((target, rt, words.iter().take(3).cloned().collect::<Vec<_>>().join(" ")))
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
        let exposes = shipped_instructions(df).iter().any(|i| matches!(&i.args, Args::Expose(p) if !p.is_empty()));
        if !exposes && consumers.is_empty() {
            return NA; // not a server image
        }
        let Some((ins, rt, shown)) = uninitialised(df) else { return CHECKED };
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
