//! Dockerfile rules (`DF`): one file per rule, one registration line each, and the small shared
//! helpers they need over the Dockerfile model.

mod add_instead_of_copy;
mod apk_no_cache;
mod apt_lists;
mod apt_recommends;
mod base_no_digest;
mod base_unpinned;
mod copy_context_unignored;
mod copy_from_stage;
mod curl_pipe_shell;
mod duplicate_stage;
mod env_self_reference;
mod expose_ssh;
mod final_toolchain;
mod fixed_platform;
mod from_undefined;
mod install_without_yes;
mod invalid_expose;
mod no_healthcheck;
mod no_init;
mod package_cache;
mod pipefail;
mod rejected_instruction;
mod relative_workdir;
mod repeated_singleton;
mod runs_as_root;
mod secret_env_arg;
mod shell_form_command;
mod sudo;
mod unpinned_package;

use crate::index::Project;
use crate::model::dockerfile::{Args, Command, Dockerfile, Instruction, Stage};
use crate::source::{Span, Spanned};

use super::Rule;

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(runs_as_root::RunsAsRoot));
    rules.push(Box::new(no_healthcheck::NoHealthcheck));
    rules.push(Box::new(base_unpinned::BaseUnpinned));
    rules.push(Box::new(add_instead_of_copy::AddInsteadOfCopy));
    rules.push(Box::new(curl_pipe_shell::CurlPipeShell));
    rules.push(Box::new(secret_env_arg::SecretEnvArg));
    rules.push(Box::new(apt_recommends::AptRecommends));
    rules.push(Box::new(apt_lists::AptLists));
    rules.push(Box::new(apk_no_cache::ApkNoCache));
    rules.push(Box::new(sudo::Sudo));
    rules.push(Box::new(repeated_singleton::RepeatedSingleton));
    rules.push(Box::new(expose_ssh::ExposeSsh));
    rules.push(Box::new(copy_context_unignored::CopyContextUnignored));
    rules.push(Box::new(shell_form_command::ShellFormCommand));
    rules.push(Box::new(no_init::NoInit));
    rules.push(Box::new(relative_workdir::RelativeWorkdir));
    rules.push(Box::new(from_undefined::FromUndefined));
    rules.push(Box::new(copy_from_stage::CopyFromStage));
    rules.push(Box::new(duplicate_stage::DuplicateStage));
    rules.push(Box::new(final_toolchain::FinalToolchain));
    rules.push(Box::new(base_no_digest::BaseNoDigest));
    rules.push(Box::new(pipefail::Pipefail));
    rules.push(Box::new(package_cache::PackageCache));
    rules.push(Box::new(unpinned_package::UnpinnedPackage));
    rules.push(Box::new(invalid_expose::InvalidExpose));
    rules.push(Box::new(fixed_platform::FixedPlatform));
    rules.push(Box::new(install_without_yes::InstallWithoutYes));
    rules.push(Box::new(env_self_reference::EnvSelfReference));
    rules.push(Box::new(rejected_instruction::RejectedInstruction));
}

/// The stage a stage builds on (`FROM build AS final`), if its base names an earlier stage.
pub fn base_stage<'a>(df: &'a Dockerfile, stage: &Stage) -> Option<&'a Stage> {
    stage.base_stage.and_then(|i| df.stages.get(i))
}

/// The stage whose filesystem becomes the deployed image: the build target that every build of
/// this Dockerfile selects (compose `build.target`, CI `--target`), else the last stage. A
/// Dockerfile whose last stage is a dev-environment or test stage is judged by what is deployed.
pub fn deployed_stage<'a>(project: &Project, path: &str, df: &'a Dockerfile) -> Option<&'a Stage> {
    let targets = project.images.build_targets(path);
    let mut chosen: Option<&'a Stage> = None;
    if !targets.is_empty() {
        for t in &targets {
            let Some(name) = t else { return df.final_stage() };
            let Some(st) = df.stage_by_name(name) else { return df.final_stage() };
            match chosen {
                Some(c) if c.index != st.index => return df.final_stage(),
                _ => chosen = Some(st),
            }
        }
    }
    chosen.or_else(|| df.final_stage())
}

/// How to name the deployed stage in a message: "the final stage" or "the stage `builder` that
/// its builds target".
pub fn stage_label(df: &Dockerfile, stage: &Stage) -> String {
    let last = df.final_stage().is_some_and(|f| f.index == stage.index);
    match (&stage.name, last) {
        (Some(n), false) => format!("the stage `{}` its builds target", n.value),
        _ => "the final stage".to_owned(),
    }
}

/// Stages whose filesystem ships in the deployed image: the deployed stage and the chain it
/// builds on.
pub fn shipped_stages<'a>(project: &Project, path: &str, df: &'a Dockerfile) -> Vec<&'a Stage> {
    let mut out = Vec::new();
    let mut cur = deployed_stage(project, path, df);
    while let Some(s) = cur {
        if out.iter().any(|o: &&Stage| o.index == s.index) {
            break;
        }
        out.push(s);
        cur = base_stage(df, s);
    }
    out
}

/// Instructions of the shipped stages, in file order.
pub fn shipped_instructions<'a>(project: &Project, path: &str, df: &'a Dockerfile) -> Vec<&'a Instruction> {
    let mut stages = shipped_stages(project, path, df);
    stages.sort_by_key(|s| s.index);
    stages.into_iter().flat_map(|s| df.stage_instructions(s)).collect()
}

/// A RUN instruction's shell text (exec form joined) and the span to point at.
pub fn run_text(i: &Instruction) -> Option<(String, Span)> {
    match &i.args {
        Args::Run { command, heredocs } => {
            let mut text = command.text();
            for h in heredocs {
                text.push('\n');
                text.push_str(&h.value);
            }
            Some((text, command.span()))
        }
        _ => None,
    }
}

/// Split a shell command line into simple commands (on `&&`, `||`, `;`, `|`, newlines and escaped
/// newlines), trimmed. Quotes are respected.
pub fn simple_commands(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                cur.push(c);
            }
            (None, '\\') if chars.peek() == Some(&'\n') => {
                chars.next();
                cur.push(' ');
            }
            (None, ';' | '\n') => out.push(std::mem::take(&mut cur)),
            (None, '&') if chars.peek() == Some(&'&') => {
                chars.next();
                out.push(std::mem::take(&mut cur));
            }
            (None, '|') => {
                if chars.peek() == Some(&'|') {
                    chars.next();
                }
                out.push(std::mem::take(&mut cur));
            }
            (None, c) => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
}

/// Words of a simple command, with a leading `sudo`/`env VAR=x` removed.
pub fn words(cmd: &str) -> Vec<&str> {
    let mut w: Vec<&str> = cmd.split_whitespace().collect();
    while let Some(first) = w.first() {
        if *first == "sudo" || *first == "env" || (first.contains('=') && !first.starts_with('-')) {
            w.remove(0);
        } else {
            break;
        }
    }
    w
}

/// Text of a CMD/ENTRYPOINT, if the instruction is one.
pub fn command_of(i: &Instruction) -> Option<&Command> {
    match &i.args {
        Args::Cmd(c) | Args::Entrypoint(c) => Some(c),
        _ => None,
    }
}

/// The CMD and ENTRYPOINT in effect in the final image (the last of each among the shipped
/// stages).
pub fn effective_command<'a>(
    project: &Project,
    path: &str,
    df: &'a Dockerfile,
) -> (Option<&'a Instruction>, Option<&'a Instruction>) {
    let instrs = shipped_instructions(project, path, df);
    let entrypoint = instrs.iter().rev().find(|i| matches!(i.args, Args::Entrypoint(_))).copied();
    let cmd = instrs.iter().rev().find(|i| matches!(i.args, Args::Cmd(_))).copied();
    (entrypoint, cmd)
}

/// Does the final image run something (a service or job) rather than serve as a build or tool
/// image? It declares a CMD/ENTRYPOINT or EXPOSE in its shipped stages, or a compose service or
/// Kubernetes workload runs it.
pub fn is_runtime_image(project: &crate::index::Project, path: &str, df: &Dockerfile) -> bool {
    let declares = shipped_instructions(project, path, df)
        .iter()
        .any(|i| matches!(i.args, Args::Cmd(_) | Args::Entrypoint(_) | Args::Expose(_)));
    declares || project.images.consumers(path).iter().any(|c| c.kind != crate::index::images::ConsumerKind::CiBuild)
}

/// A build or tool image (code generation, CI tooling): it declares no CMD/ENTRYPOINT/EXPOSE,
/// nothing in the repository runs it, and its base image's own default command is a shell or a
/// language REPL — so no container of it serves anything in production. An image built `FROM
/// nginx` (or another server) without a command of its own still runs the base's server and is
/// not a tool image.
pub fn is_tool_image(project: &Project, path: &str, df: &Dockerfile) -> bool {
    if is_runtime_image(project, path, df) {
        return false;
    }
    let stages = shipped_stages(project, path, df);
    let Some(root) = stages.last() else { return false };
    let r = crate::model::image::ImageRef::parse(&root.base_resolved);
    let repo = r.repository.to_ascii_lowercase();
    let short = repo.rsplit('/').next().unwrap_or(&repo);
    let tag = r.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    const SHELL_DEFAULT: &[&str] = &[
        "alpine",
        "debian",
        "ubuntu",
        "busybox",
        "centos",
        "fedora",
        "rockylinux",
        "almalinux",
        "amazonlinux",
        "archlinux",
        "leap",
        "tumbleweed",
        "debian-base",
        "golang",
        "rust",
        "node",
        "python",
        "ruby",
        "gcc",
        "buildpack-deps",
        "maven",
        "gradle",
        "eclipse-temurin",
        "openjdk",
        "amazoncorretto",
        "perl",
        "erlang",
        "elixir",
        "haskell",
        "swift",
        "dart",
        "julia",
        "bash",
        "docker",
        "sdk",
    ];
    let php_cli = short == "php" && !(tag.contains("apache") || tag.contains("fpm"));
    php_cli || SHELL_DEFAULT.contains(&short) && (short != "sdk" || repo.contains("dotnet"))
}

/// The stage an instruction belongs to.
pub fn stage_of<'a>(df: &'a Dockerfile, i: &Instruction) -> Option<&'a Stage> {
    i.stage.and_then(|k| df.stages.get(k))
}

/// The first word of a simple command as written (no `sudo`/`env` stripping), without a path
/// (`/usr/bin/sudo` → `sudo`).
pub fn program(cmd: &str) -> &str {
    let first = cmd.split_whitespace().next().unwrap_or("");
    first.rsplit('/').next().unwrap_or(first)
}

/// An EXPOSE token as `(first, last, protocol)`: `8080` → (8080, 8080, "tcp"), `7000-7010/udp`
/// → (7000, 7010, "udp"). `None` when it holds a variable or is not a port.
pub fn port_range(token: &str) -> Option<(u32, u32, String)> {
    let (ports, proto) = match token.split_once('/') {
        Some((p, proto)) => (p, proto.to_ascii_lowercase()),
        None => (token, "tcp".to_owned()),
    };
    if ports.contains('$') {
        return None;
    }
    let (lo, hi) = match ports.split_once('-') {
        Some((a, b)) => (a.trim().parse::<u32>().ok()?, b.trim().parse::<u32>().ok()?),
        None => {
            let p = ports.trim().parse::<u32>().ok()?;
            (p, p)
        }
    };
    Some((lo, hi, proto))
}

/// Official Docker Hub images commonly named without a tag in `FROM`/`COPY --from` (so a bare word
/// may be an image rather than a misspelt stage).
pub fn is_common_official_image(name: &str) -> bool {
    const OFFICIAL: &[&str] = &[
        "alpine",
        "busybox",
        "debian",
        "ubuntu",
        "centos",
        "fedora",
        "rockylinux",
        "almalinux",
        "amazonlinux",
        "node",
        "python",
        "golang",
        "rust",
        "ruby",
        "php",
        "openjdk",
        "eclipse-temurin",
        "maven",
        "gradle",
        "nginx",
        "httpd",
        "caddy",
        "traefik",
        "haproxy",
        "redis",
        "postgres",
        "mysql",
        "mariadb",
        "mongo",
        "memcached",
        "rabbitmq",
        "elasticsearch",
        "docker",
        "gcc",
        "buildpack-deps",
        "bash",
        "perl",
        "erlang",
        "elixir",
        "haskell",
        "swift",
        "dart",
        "julia",
        "composer",
        "tomcat",
        "jetty",
        "wordpress",
        "registry",
    ];
    OFFICIAL.contains(&name.to_ascii_lowercase().as_str())
}

/// The value of the last USER instruction among `instrs`.
pub fn last_user<'a>(instrs: &[&'a Instruction]) -> Option<&'a Spanned<String>> {
    instrs.iter().rev().find_map(|i| match &i.args {
        Args::User(u) => Some(u),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_commands() {
        let c = simple_commands(
            "apt-get update && apt-get install -y curl \\\n  && rm -rf /var/lib/apt/lists/*; echo 'a && b' | sh",
        );
        assert_eq!(
            c,
            vec!["apt-get update", "apt-get install -y curl", "rm -rf /var/lib/apt/lists/*", "echo 'a && b'", "sh"]
        );
        assert_eq!(words("sudo DEBIAN_FRONTEND=noninteractive apt-get install x"), vec!["apt-get", "install", "x"]);
    }
}
