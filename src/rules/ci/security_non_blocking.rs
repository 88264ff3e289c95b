//! CI001: a security scan whose failure does not fail the pipeline.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::model::gitlab::GitlabJob;
use crate::model::workflow::{Job, Step};
use crate::model::{GitlabCi, Workflow};
use crate::rules::compose::locate_in_value;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Spanned;

pub struct SecurityNonBlocking;

/// Security scanners and audits as commands.
static SECURITY_CMD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \b(?:npm|pnpm|yarn|bun)\s+audit\b
      | \bpip-audit\b | \bsafety\s+(?:check|scan)\b
      | \bcargo[\s-]+(?:audit|deny)\b | \bcomposer\s+audit\b | \bbundle[\s-]+audit\b
      | \b(?:trivy|grype|snyk|semgrep|codeql|gitleaks|trufflehog|bandit|gosec|govulncheck|checkov|tfsec|kics|brakeman|osv-scanner|audit-ci)\b
      | \bzap-(?:baseline|full-scan|api-scan)
      | \bdependency-check\b | \bdocker\s+scout\b",
    )
    .ok()
});

/// Security scanners as actions (`uses:`).
static SECURITY_USES: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:aquasecurity/(?:trivy|tfsec)-action|anchore/scan-action|snyk/actions/|github/codeql-action/analyze|(?:returntocorp|semgrep)/semgrep-action|gitleaks/gitleaks-action|trufflesecurity/trufflehog|zaproxy/action-|dependency-check/dependency-check_action|google/osv-scanner-action|bridgecrewio/checkov-action|securego/gosec|pypa/gh-action-pip-audit|actions/dependency-review-action|rustsec/audit-check|embarkstudios/cargo-deny-action|docker/scout-action|checkmarx/kics-github-action|golang/govulncheck-action)",
    )
    .ok()
});

/// Step, job or pipeline names that say "security scan".
static SECURITY_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bsecurity\b|vulnerab|\bsast\b|\bdast\b|\bcves?\b|\bsecrets?\s+(?:scan|detection)|\b(?:dependency|container|image)\s+(?:audit|scan|scanning|check|review)\b",
    )
    .ok()
});

/// What turns a failing command into a passing one, after it on the same line.
static SWALLOW: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"\|\|\s*(?:true\b|:(?:\s|$)|exit\s+0\b|echo\b)|;\s*(?:true|exit\s+0)\s*(?:$|[;#])|--exit-code[=\s]+['\x22]?0\b|--soft-fail\b|(?:^|\s)-{1,2}no-fail\b|--exit-zero\b",
    )
    .ok()
});

fn matches(re: &LazyLock<Option<Regex>>, text: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(text))
}

/// Names with `-`/`_` read as words (`npm-audit`, `secret_detection`).
fn as_words(name: &str) -> String {
    name.replace(['-', '_', ':'], " ")
}

/// The security tool a step runs, for messages.
fn step_tool(step: &Step) -> Option<String> {
    if let Some(u) = step.uses.as_ref().filter(|u| matches(&SECURITY_USES, &u.value)) {
        return Some(u.value.split('@').next().unwrap_or(&u.value).to_owned());
    }
    if let Some(m) = step.run.as_ref().and_then(|r| SECURITY_CMD.as_ref().and_then(|re| re.find(&r.value))) {
        return Some(m.as_str().to_owned());
    }
    step.name.as_ref().filter(|n| matches(&SECURITY_NAME, &as_words(&n.value))).map(|n| n.value.clone())
}

/// Offending `|| true`-style tokens in a script: (byte range in the script, tool, token).
fn swallowed(script: &str) -> Vec<(Range<usize>, String, String)> {
    let (Some(cmd), Some(sw)) = (SECURITY_CMD.as_ref(), SWALLOW.as_ref()) else { return Vec::new() };
    let mut out = Vec::new();
    let mut check = |acc: &str, map: &[usize]| {
        // Shell comments end the command.
        let code = acc.split(" #").next().unwrap_or(acc);
        if code.trim_start().starts_with('#') {
            return;
        }
        let Some(c) = cmd.find(code) else { return };
        let Some(s) = sw.find(code.get(c.end()..).unwrap_or("")) else { return };
        let raw = code.get(c.end() + s.start()..c.end() + s.end()).unwrap_or("");
        let token = raw.trim();
        let a = c.end() + s.start() + (raw.len() - raw.trim_start().len());
        let b = a + token.len();
        if let (Some(&ra), Some(&rb)) = (map.get(a), map.get(b.saturating_sub(1))) {
            out.push((ra..rb + 1, c.as_str().to_owned(), token.to_owned()));
        }
    };
    // One logical command at a time (a trailing backslash continues it), with a map from its
    // bytes back to the script's.
    let mut acc = String::new();
    let mut map: Vec<usize> = Vec::new();
    let mut offset = 0;
    for line in script.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        acc.push_str(body);
        map.extend(offset..offset + body.len());
        acc.push(' ');
        map.push(offset + body.len());
        offset += line.len();
        if body.trim_end().ends_with('\\') {
            continue;
        }
        check(&acc, &map);
        acc.clear();
        map.clear();
    }
    if !acc.is_empty() {
        check(&acc, &map);
    }
    out
}

fn is_true(v: &Spanned<String>) -> bool {
    v.value.trim().eq_ignore_ascii_case("true")
}

fn unquote(v: &str) -> &str {
    v.trim().trim_matches(|c| c == '"' || c == '\'')
}

fn report_swallowed(cx: &mut Cx, script: &Spanned<String>, what: &str) {
    for (range, tool, token) in swallowed(&script.value) {
        let span = locate_in_value(cx, &script.value, script.span, range);
        cx.report(
            span,
            format!("`{token}` after `{tool}` in {what} discards the scan's exit status: the pipeline passes when it finds problems"),
        )
        .help("remove it; to allow known issues, use the tool's own allowlist or severity threshold (`npm audit --audit-level=high`, `.trivyignore`)");
    }
}

impl SecurityNonBlocking {
    /// Action inputs that turn a finding into a pass.
    fn action_inputs(cx: &mut Cx, step: &Step, tool: &str) {
        let Some(uses) = &step.uses else { return };
        let lower = uses.value.to_ascii_lowercase();
        for (k, v) in &step.with {
            let key = k.value.as_str();
            let val = unquote(&v.value).to_ascii_lowercase();
            let bad = match key {
                "exit-code" => val == "0",
                "fail-build" => val == "false",
                "soft_fail" | "soft-fail" => val == "true",
                _ => false,
            };
            if bad {
                cx.report(v.span, format!("`{key}: {}` makes `{tool}` pass when it finds problems", v.value.trim()))
                    .help("remove the input (or set the failing value) and allowlist accepted findings in the tool's ignore file");
            }
        }
        // trivy-action exits 0 on findings unless told otherwise; SARIF/JSON output feeds
        // another consumer (code scanning), which is the usual, deliberate exception.
        if lower.starts_with("aquasecurity/trivy-action") && step.with_value("exit-code").is_none() {
            let format = step.with_value("format").map(|f| unquote(&f.value).to_ascii_lowercase());
            if format.as_deref().is_none_or(|f| f == "table") {
                cx.report(
                    uses.span,
                    "`aquasecurity/trivy-action` exits 0 when it finds vulnerabilities unless `exit-code: 1` is set: this scan never fails the job",
                )
                .help("add `exit-code: 1` (with `severity: CRITICAL,HIGH` and `ignore-unfixed: true` to start)");
            }
        }
    }
}

impl Rule for SecurityNonBlocking {
    fn id(&self) -> RuleId {
        RuleId::CI001
    }

    fn workflow_step(&self, cx: &mut Cx, _wf: &Workflow, _job: &Job, step: &Step) -> Checked {
        let Some(tool) = step_tool(step) else { return NA };
        if let Some(coe) = step.continue_on_error.as_ref().filter(|c| is_true(c)) {
            cx.report(
                coe.span,
                format!(
                    "security step `{}` has `continue-on-error: true`: the job passes when `{tool}` finds problems",
                    step.label()
                ),
            )
            .help("remove `continue-on-error`; to allow known issues, use the tool's allowlist or severity threshold");
        }
        if let Some(run) = &step.run {
            report_swallowed(cx, run, &format!("step `{}`", step.label()));
        }
        Self::action_inputs(cx, step, &tool);
        CHECKED
    }

    fn workflow_job(&self, cx: &mut Cx, _wf: &Workflow, job: &Job) -> Checked {
        let Some(coe) = job.continue_on_error.as_ref().filter(|c| is_true(c)) else { return NA };
        let tool = job
            .steps
            .iter()
            .find_map(step_tool)
            .or_else(|| matches(&SECURITY_NAME, &as_words(job.label())).then(|| job.label().to_owned()));
        let Some(tool) = tool else { return NA };
        cx.report(
            coe.span,
            format!("job `{}` has `continue-on-error: true`: the workflow passes when `{tool}` finds problems", job.id.value),
        )
        .help("remove `continue-on-error` from the job; to allow known issues, use the tool's allowlist or severity threshold");
        CHECKED
    }

    fn gitlab_job(&self, cx: &mut Cx, _ci: &GitlabCi, job: &GitlabJob) -> Checked {
        let scripts: Vec<&Spanned<String>> = job.all_script().collect();
        // A job without scripts overrides an included template (GitLab's SAST templates report to
        // the security dashboard and are meant to be `allow_failure`): it cannot be judged here.
        if scripts.is_empty() {
            return NA;
        }
        let by_script = scripts.iter().find_map(|s| SECURITY_CMD.as_ref().and_then(|re| re.find(&s.value)));
        let by_image = job.image.as_ref().and_then(|i| SECURITY_CMD.as_ref().and_then(|re| re.find(&i.value)));
        let named = as_words(&job.name.value);
        let tool = by_script
            .or(by_image)
            .map(|m| m.as_str().to_owned())
            .or_else(|| SECURITY_CMD.as_ref().and_then(|re| re.find(&named)).map(|m| m.as_str().to_owned()))
            .or_else(|| matches(&SECURITY_NAME, &named).then(|| job.name.value.clone()));
        let Some(tool) = tool else { return NA };
        if let Some(af) = job.allow_failure.as_ref().filter(|a| is_true(a)) {
            cx.report(
                af.span,
                format!(
                    "security job `{}` has `allow_failure: true`: the pipeline passes when `{tool}` finds problems",
                    job.name.value
                ),
            )
            .help(
                "remove `allow_failure: true`; to allow known issues, use the tool's allowlist or severity threshold",
            );
        }
        for s in scripts {
            report_swallowed(cx, s, &format!("job `{}`", job.name.value));
        }
        CHECKED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(script: &str) -> Vec<String> {
        swallowed(script).into_iter().map(|(r, _, _)| script.get(r).unwrap_or("").to_owned()).collect()
    }

    #[test]
    fn finds_swallowed_security_commands() {
        assert_eq!(tokens("npm ci\nnpm audit --audit-level=high || true\n"), vec!["|| true"]);
        assert_eq!(tokens("trivy image \\\n  --exit-code 0 \\\n  app:1\n"), vec!["--exit-code 0"]);
        assert_eq!(tokens("bandit -r src --exit-zero"), vec!["--exit-zero"]);
        assert_eq!(tokens("snyk test || echo 'vulnerable'"), vec!["|| echo"]);
        assert_eq!(tokens("pip-audit; true"), vec!["; true"]);
        assert!(tokens("npm ci || true\nnpm audit\n").is_empty());
        assert!(tokens("npm audit || exit 1").is_empty());
        assert!(tokens("trivy image --exit-code 1 app:1").is_empty());
        assert!(tokens("npm run build # npm audit || true").is_empty());
        assert!(tokens("# npm audit || true\nnpm audit").is_empty());
    }

    #[test]
    fn names_and_uses() {
        assert!(matches(&SECURITY_NAME, "Security scan"));
        assert!(matches(&SECURITY_NAME, &as_words("container_scanning")));
        assert!(!matches(&SECURITY_NAME, "Lighthouse audit"));
        assert!(matches(&SECURITY_USES, "aquasecurity/trivy-action@0.28.0"));
        assert!(!matches(&SECURITY_USES, "github/codeql-action/upload-sarif@v3"));
    }
}
