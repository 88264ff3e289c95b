//! The placeholder detector: is this value or step a stand-in? `YOUR_…`, `changeme`, `xxx`,
//! `<…>`, reserved example domains, "TODO / Here you would / add your … here", echo-only,
//! sleep-only and commented-out commands.

use std::sync::LazyLock;

use regex::Regex;

static PLACEHOLDER_VALUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        ^(?:
            your[-_ ].*                     # your-api-key-here, YOUR_SLACK_WEBHOOK_URL
          | .*[-_ ]here                     # secret-here, put_key_here
          | <[^<>]+>                        # <token>
          | \[[^\[\]]+\]                    # [your key]
          | x{3,}                           # xxx, XXXXXXXX
          | \*{3,}                          # ****
          | \.{3,}                          # ...
          | change[-_ ]?me.*                # changeme, CHANGE_ME, change-me-in-prod
          | replace[-_ ]?me.*               # replace_me
          | replace[-_ ]with.*              # replace-with-real-key
          | to[-_ ]?do                      # TODO
          | tbd | fixme | dummy.* | placeholder.* | example[-_]?(key|secret|token|password|value)?
          | insert[-_ ].*                   # insert-key
          | enter[-_ ].*                    # enter-your-key
          | set[-_]?me | fill[-_]?me.* | redacted | secret[-_]?goes[-_]?here
          | sk_test_.* | pk_test_.*         # test-mode keys are stand-ins in deploy config
        )$",
    )
    .ok()
});

/// A value that must be replaced before use.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    if v.is_empty() {
        return false;
    }
    PLACEHOLDER_VALUE.as_ref().is_some_and(|re| re.is_match(v))
}

/// Reserved documentation domains (RFC 2606 / 6761) and `your-domain.com`-style stand-ins.
/// Returns the matched host when `text` (a host, URL or e-mail) uses one.
pub fn example_domain(text: &str) -> Option<String> {
    static HOST: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:^|[@/\s=:,])((?:[a-z0-9\-]+\.)*[a-z0-9\-]+\.[a-z]{2,})(?:[:/\s,;]|$)").ok()
    });
    let re = HOST.as_ref()?;
    for c in re.captures_iter(text) {
        let Some(h) = c.get(1) else { continue };
        let host = h.as_str().to_ascii_lowercase();
        let labels: Vec<&str> = host.split('.').collect();
        let n = labels.len();
        let tail2 = labels.get(n.saturating_sub(2)..).map_or_else(|| host.clone(), |l| l.join("."));
        let tld = labels.last().copied().unwrap_or("");
        let reserved = matches!(tail2.as_str(), "example.com" | "example.net" | "example.org")
            || matches!(tld, "example" | "invalid" | "test")
            || labels.iter().any(|l| {
                l.starts_with("your-")
                    || l.starts_with("your_")
                    || l.starts_with("yourdomain")
                    || *l == "yourcompany"
                    || *l == "mydomain"
                    || *l == "your"
            })
            || tail2 == "domain.com"
            || tail2 == "company.com";
        if reserved {
            return Some(host);
        }
    }
    None
}

static TODO_TEXT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:todo|fixme|tbd|not\s+implemented|here\s+you\s+would|you\s+would\s+(?:add|run|put)|add\s+your\b.*\bhere|replace\s+(?:this|with)\b|placeholder|implement\s+(?:me|this|actual|real)|actual\s+deployment\s+commands?|real\s+deployment\s+commands?|deployment\s+commands?\s+go\s+here|coming\s+soon)",
    )
    .ok()
});

/// Text that says "this is not done" (in a comment, an echo, a doc line).
pub fn is_todo_text(text: &str) -> bool {
    TODO_TEXT.as_ref().is_some_and(|re| re.is_match(text))
}

/// Why a script does nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inert {
    Empty,
    /// Only `echo`/`printf`/`sleep`/`true`/`:`/`exit 0`/comments.
    OnlyNoops,
    /// Says it is a stand-in ("TODO", "Here you would …") and does nothing real.
    Placeholder(String),
}

/// The effect of a shell script (a CI `run:`/`script:` body).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptEffect {
    /// Lines (0-based index in the script) that run an effectful command.
    pub effectful_lines: Vec<usize>,
    /// First line with placeholder text ("# Here you would add …"), if any.
    pub placeholder_line: Option<(usize, String)>,
}

impl ScriptEffect {
    pub fn inert(&self) -> Option<Inert> {
        if !self.effectful_lines.is_empty() {
            return None;
        }
        Some(match &self.placeholder_line {
            Some((_, t)) => Inert::Placeholder(t.clone()),
            None => Inert::OnlyNoops,
        })
    }
}

/// Commands that have no effect on a deployment.
fn is_noop_command(cmd: &str) -> bool {
    let cmd = cmd.trim();
    if cmd.is_empty() || cmd.starts_with('#') {
        return true;
    }
    let first = cmd.split_whitespace().next().unwrap_or("");
    match first {
        "echo" | "printf" | "sleep" | "true" | ":" | "date" | "pwd" | "whoami" | "set" | "cd" | "ls" | "cat"
        | "env" | "export" => true,
        "exit" => cmd.split_whitespace().nth(1).is_none_or(|c| c == "0"),
        "then" | "else" | "fi" | "do" | "done" | "{" | "}" | "esac" | ";;" => true,
        _ => false,
    }
}

/// Analyse a script line by line: which lines do something, and is it a stand-in.
pub fn script_effect(script: &str) -> ScriptEffect {
    let mut effectful_lines = Vec::new();
    let mut placeholder_line = None;
    let mut in_heredoc: Option<String> = None;
    for (i, raw) in script.lines().enumerate() {
        let line = raw.trim();
        if let Some(end) = &in_heredoc {
            if line == end {
                in_heredoc = None;
            }
            continue;
        }
        if placeholder_line.is_none() && is_todo_text(line) {
            placeholder_line = Some((i, line.to_owned()));
        }
        // Split `a && b; c` into commands; an `if`/`for` header counts by its condition command.
        let mut any = false;
        for part in line.split("&&").flat_map(|p| p.split(';')).flat_map(|p| p.split("||")) {
            let part = part.trim().trim_start_matches("if ").trim_start_matches("then ").trim_start_matches("else ");
            if part.starts_with('#') {
                break;
            }
            if !is_noop_command(part) {
                any = true;
            }
        }
        if let Some(pos) = line.find("<<") {
            let tag = line
                .get(pos + 2..)
                .unwrap_or("")
                .trim()
                .trim_start_matches('-')
                .trim_matches(|c| c == '\'' || c == '"');
            let tag: String = tag.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !tag.is_empty() {
                in_heredoc = Some(tag);
            }
        }
        if any {
            effectful_lines.push(i);
        }
    }
    ScriptEffect { effectful_lines, placeholder_line }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for v in [
            "your-api-key-here",
            "YOUR_SLACK_WEBHOOK_URL",
            "<token>",
            "xxx",
            "changeme",
            "CHANGE_ME_IN_PROD",
            "TODO",
            "replace-me",
            "sk_test_abc",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in ["postgres", "q8Fz2LmP0vXr7TnW3bYc", "production", "here", "example.com"] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn example_domains() {
        assert_eq!(example_domain("https://api.example.com/health").as_deref(), Some("api.example.com"));
        assert_eq!(example_domain("alerts@your-domain.com").as_deref(), Some("your-domain.com"));
        assert_eq!(example_domain("server_name shop.example;").as_deref(), Some("shop.example"));
        assert_eq!(example_domain("https://api.acme.io/health"), None);
        assert_eq!(example_domain("examples.com"), None);
    }

    #[test]
    fn scripts() {
        let s = script_effect("echo \"Deploying to production...\"\n# Here you would add actual deployment commands\n");
        assert!(matches!(s.inert(), Some(Inert::Placeholder(_))));
        let s = script_effect("echo start\nsleep 5\nexit 0\n");
        assert_eq!(s.inert(), Some(Inert::OnlyNoops));
        let s = script_effect("echo deploying\nkubectl apply -f k8s/\n");
        assert_eq!(s.inert(), None);
        let s = script_effect("ssh host << 'EOF'\n  echo hi\nEOF\n");
        assert_eq!(s.inert(), None);
        assert_eq!(script_effect("").inert(), Some(Inert::OnlyNoops));
    }
}
