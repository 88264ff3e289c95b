//! CI007: a secret written to the job log (`echo`, `printf`, `printenv`, `set -x`, `cat` of a
//! secret file).

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::finding::Severity;
use crate::index::secrets::is_secret_key;
use crate::model::gitlab::{GitlabCi, GitlabJob};
use crate::model::workflow::{Job, Step};
use crate::model::Workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct SecretEchoed;

/// Commands that write their arguments to the log.
static PRINT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:^|[;&|(]\s*|\bthen\s+|\bdo\s+)(echo|printf|print|Write-Host|Write-Output|Write-Information)\b").ok()
});
/// Dumps of the whole environment.
static ENV_DUMP: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?m)(?:^|[;&|]\s*)(printenv|env|export -p|set)\s*(?:$|[|;&]|\|\s*sort)").ok());
static XTRACE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?m)(?:^|[;&]\s*)set\s+(?:-[a-wyz]*x[a-z]*|-o\s+xtrace)\b").ok());
/// `$VAR` / `${VAR}` references.
static VAR: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?").ok());
static SECRET_EXPR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\$\{\{[^}]*\bsecrets\.[A-Za-z0-9_-]+[^}]*\}\}").ok());
static CAT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?:^|[;&]\s*)cat\s+["']?([^\s"'|;&>]+)["']?\s*$"#).ok());
/// Transformations that only display the value differently (and defeat log masking).
const DISPLAY_PIPES: &[&str] =
    &["base64", "rev", "xxd", "od", "hexdump", "tee", "cat", "sed", "tr", "awk", "cut", "head", "tail", "jq"];

/// Where the output of a print command goes from byte `from` on: `None` when it reaches the log,
/// `Some(target)` when redirected to a file (target is the path), `Some("")` when piped into a
/// command that consumes it.
fn destination(line: &str, from: usize) -> Option<String> {
    let b = line.as_bytes();
    let mut quote: Option<u8> = None;
    for (i, &c) in b.iter().enumerate() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if i < from => {}
            None => match c {
                b'|' if b.get(i + 1) == Some(&b'|') => return None,
                b'|' => {
                    let next = line.get(i + 1..).unwrap_or("").split_whitespace().next().unwrap_or("");
                    return if DISPLAY_PIPES.contains(&next) { None } else { Some(String::new()) };
                }
                b'>' if b.get(i + 1) == Some(&b'&') => return None,
                b'>' => {
                    let target =
                        line.get(i..).unwrap_or("").trim_start_matches('>').split_whitespace().next().unwrap_or("");
                    return Some(target.trim_matches(|c| c == '"' || c == '\'').to_owned());
                }
                b';' | b'&' => return None,
                _ => {}
            },
        }
    }
    None
}

fn is_match(re: &LazyLock<Option<Regex>>, s: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(s))
}

/// A finding to report: (the text to point at, message, severity).
struct Leak {
    needle: String,
    message: String,
    severity: Severity,
}

/// Scan one script. `secret_var` says whether `$NAME` holds a secret; `gh` marks GitHub (where
/// `${{ secrets.X }}` is expanded into the script).
fn scan(script: &str, secret_var: &dyn Fn(&str) -> bool, has_secret_env: bool) -> Vec<Leak> {
    let mut out = Vec::new();
    let mut secret_files: BTreeSet<String> = BTreeSet::new();
    for line in script.lines() {
        let l = line.trim();
        if l.starts_with('#') || l.contains("::add-mask::") {
            continue;
        }
        // Secret references in the line, with their offsets.
        let mut refs: Vec<(usize, String, String)> = Vec::new();
        if let Some(re) = SECRET_EXPR.as_ref() {
            for m in re.find_iter(l) {
                refs.push((m.start(), m.as_str().to_owned(), format!("`{}`", m.as_str())));
            }
        }
        if let Some(re) = VAR.as_ref() {
            for c in re.captures_iter(l) {
                let (Some(m), Some(name)) = (c.get(0), c.get(1)) else { continue };
                // `$${{` is not a shell variable; `${{ … }}` is handled above.
                if l.get(m.start()..).is_some_and(|t| t.starts_with("${{")) {
                    continue;
                }
                if secret_var(name.as_str()) {
                    refs.push((m.start(), m.as_str().to_owned(), format!("`{}`", name.as_str())));
                }
            }
        }
        let printed =
            PRINT.as_ref().and_then(|re| re.captures(l)).and_then(|c| c.get(1)).map(|m| (m.start(), m.as_str()));
        // Inside `$( … )` or backticks the output is captured into a variable, not logged.
        let captured = |at: usize| {
            let before = l.get(..at).unwrap_or("");
            before.matches("$(").count() > before.matches(')').count() || before.matches('`').count() % 2 == 1
        };
        if let Some((at, cmd)) = printed.filter(|(at, _)| !captured(*at)) {
            if let Some((pos, needle, what)) = refs.iter().filter(|(p, _, _)| *p > at).min_by_key(|(p, _, _)| *p) {
                match destination(l, *pos) {
                    None => out.push(Leak {
                        needle: needle.clone(),
                        message: format!("`{cmd}` writes the secret {what} to the job log: masking only hides the exact value, so any transformed, partial or multi-line form of it is published to everyone who can read the logs"),
                        severity: Severity::High,
                    }),
                    Some(file) if !file.is_empty() => {
                        secret_files.insert(file);
                    }
                    Some(_) => {}
                }
            }
        }
        if let Some(c) = CAT.as_ref().and_then(|re| re.captures(l)) {
            if let Some(f) = c.get(1).filter(|f| secret_files.contains(f.as_str())) {
                out.push(Leak {
                    needle: l.to_owned(),
                    message: format!(
                        "`cat {}` prints a file that holds a secret written earlier in this script to the job log",
                        f.as_str()
                    ),
                    severity: Severity::High,
                });
            }
        }
        if has_secret_env && is_match(&ENV_DUMP, l) {
            out.push(Leak {
                needle: l.to_owned(),
                message: format!("`{l}` dumps the whole environment, secrets included, to the job log"),
                severity: Severity::High,
            });
        }
    }
    if has_secret_env {
        if let Some(m) = XTRACE.as_ref().and_then(|re| re.find(script)) {
            out.push(Leak {
                needle: m.as_str().trim().to_owned(),
                message: format!("`{}` traces every command with its expanded arguments while secrets are in the environment: each command that uses one prints it to the job log", m.as_str().trim()),
                severity: Severity::Medium,
            });
        }
    }
    out
}

fn report(cx: &mut Cx, within: Span, leaks: Vec<Leak>) {
    for l in leaks {
        let span = cx.find(within, &l.needle);
        cx.report(span, l.message)
            .severity(l.severity)
            .help("never print secrets; to check one is set, print its length (`echo ${#TOKEN}`) or compare it in the shell; mask derived values with `::add-mask::`");
    }
}

impl Rule for SecretEchoed {
    fn id(&self) -> RuleId {
        RuleId::CI007
    }

    fn workflow_step(&self, cx: &mut Cx, wf: &Workflow, job: &Job, step: &Step) -> Checked {
        let Some(run) = &step.run else { return NA };
        // Variables bound to a secret at step, job or workflow level.
        let secret_env: Vec<&str> = step
            .env
            .iter()
            .chain(&job.env)
            .chain(&wf.env)
            .filter(|e| e.value.as_ref().is_some_and(|v| v.value.contains("secrets.")))
            .map(|e| e.key.value.as_str())
            .collect();
        let is_secret = |name: &str| secret_env.contains(&name);
        let has_secret_env = !secret_env.is_empty() || run.value.contains("secrets.");
        let leaks = scan(&run.value, &is_secret, has_secret_env);
        let xtrace_shell = step.shell.as_ref().is_some_and(|s| s.value.contains("-x"));
        report(cx, run.span, leaks);
        if xtrace_shell && has_secret_env {
            if let Some(sh) = &step.shell {
                cx.report(sh.span, format!("`shell: {}` traces every command with its expanded arguments while secrets are in the environment", sh.value))
                    .severity(Severity::Medium)
                    .help("drop `-x` from the shell, or enable tracing only around commands that touch no secret");
            }
        }
        CHECKED
    }

    fn gitlab_job(&self, cx: &mut Cx, ci: &GitlabCi, job: &GitlabJob) -> Checked {
        if job.hidden || job.all_script().next().is_none() {
            return NA;
        }
        // GitLab masks only variables marked "masked" in the settings; names tell what is secret.
        let is_secret = |name: &str| {
            is_secret_key(name) || matches!(name, "CI_JOB_TOKEN" | "CI_REGISTRY_PASSWORD" | "CI_DEPLOY_PASSWORD")
        };
        let has_secret_env = job.variables.iter().chain(&ci.variables).any(|v| is_secret_key(&v.key.value));
        for line in job.all_script() {
            let leaks = scan(&line.value, &is_secret, has_secret_env);
            report(cx, line.span, leaks);
        }
        CHECKED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaks(script: &str) -> Vec<String> {
        scan(script, &|n: &str| n == "TOKEN" || n == "DB_PASSWORD", true).into_iter().map(|l| l.needle).collect()
    }

    #[test]
    fn finds_printed_secrets() {
        assert_eq!(leaks("echo \"token is ${{ secrets.API_TOKEN }}\""), vec!["${{ secrets.API_TOKEN }}"]);
        assert_eq!(leaks("echo $TOKEN"), vec!["$TOKEN"]);
        assert_eq!(leaks("echo \"$TOKEN\" | base64"), vec!["$TOKEN"]);
        assert_eq!(leaks("printf '%s' \"${DB_PASSWORD}\" >&2"), vec!["${DB_PASSWORD}"]);
        assert_eq!(leaks("echo \"$TOKEN\" > key.json\ncat key.json"), vec!["cat key.json"]);
        assert_eq!(leaks("printenv"), vec!["printenv"]);
    }

    #[test]
    fn ignores_safe_uses() {
        assert!(leaks("echo \"$TOKEN\" | docker login -u bot --password-stdin").is_empty());
        assert!(leaks("echo \"TOKEN=$TOKEN\" >> \"$GITHUB_ENV\"").is_empty());
        assert!(leaks("echo \"::add-mask::$TOKEN\"").is_empty());
        assert!(leaks("echo ${#TOKEN}").is_empty());
        assert!(leaks("AUTH=$(printf 'x-access-token:%s' \"${TOKEN}\" | base64 -w 0)").is_empty());
        assert!(leaks("AUTH=`echo $TOKEN | base64`").is_empty());
        assert!(leaks("curl -H \"Authorization: Bearer $TOKEN\" https://api.example.com").is_empty());
        assert!(leaks("echo deploying $VERSION").is_empty());
        assert!(leaks("env FOO=bar ./run.sh").is_empty());
    }
}
