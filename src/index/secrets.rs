//! The secret detector: is this value a real secret? Key-name heuristics, token formats (AWS,
//! GitHub, Slack, Stripe, Google, JWT, PEM), entropy and `user:pass@` in URLs, with an allowlist
//! for references (`${VAR}`, `*_FILE`, `/run/secrets/…`, templates) and placeholders.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::placeholder;
use crate::finding::Confidence;
use crate::model::interp;

/// What a value assigned to a secret-named key is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueClass {
    /// Taken from elsewhere at run time: `${VAR}`, `{{ .Values.x }}`, a secret file path.
    Reference,
    Empty,
    /// A stand-in that must be replaced: `your-api-key-here`, `<token>`, `CHANGE_ME`.
    Placeholder,
    /// A literal that is a well-known or trivially weak secret: `password`, `admin123`, `secret`.
    Weak,
    /// A literal that looks like a real secret.
    Literal,
}

/// Recognised token formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    AwsAccessKey,
    GithubToken,
    GitlabToken,
    SlackToken,
    SlackWebhook,
    StripeKey,
    GoogleApiKey,
    SendgridKey,
    NpmToken,
    Jwt,
    PrivateKey,
    UrlCredentials,
}

impl TokenKind {
    pub fn label(self) -> &'static str {
        match self {
            TokenKind::AwsAccessKey => "AWS access key",
            TokenKind::GithubToken => "GitHub token",
            TokenKind::GitlabToken => "GitLab token",
            TokenKind::SlackToken => "Slack token",
            TokenKind::SlackWebhook => "Slack webhook URL",
            TokenKind::StripeKey => "Stripe secret key",
            TokenKind::GoogleApiKey => "Google API key",
            TokenKind::SendgridKey => "SendGrid API key",
            TokenKind::NpmToken => "npm token",
            TokenKind::Jwt => "JSON Web Token",
            TokenKind::PrivateKey => "private key",
            TokenKind::UrlCredentials => "password in URL",
        }
    }
}

/// A detected secret in a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretMatch {
    pub class: ValueClass,
    /// Token format, when recognised.
    pub token: Option<TokenKind>,
    pub confidence: Confidence,
    /// Byte range of the secret inside the value (for masking).
    pub range: Range<usize>,
    /// Short human description: "Stripe secret key", "literal value for `JWT_SECRET`".
    pub what: String,
}

static TOKEN_PATTERNS: LazyLock<Vec<(TokenKind, Regex)>> = LazyLock::new(|| {
    let p = |k, r: &str| Regex::new(r).ok().map(|re| (k, re));
    [
        p(TokenKind::AwsAccessKey, r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        p(TokenKind::GithubToken, r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b"),
        p(TokenKind::GitlabToken, r"\bglpat-[A-Za-z0-9_\-]{20,}\b"),
        p(TokenKind::SlackToken, r"\bxox[abposr]-[A-Za-z0-9\-]{10,}\b"),
        p(TokenKind::SlackWebhook, r"https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]{16,}"),
        p(TokenKind::StripeKey, r"\b(?:sk|rk)_live_[A-Za-z0-9]{16,}\b"),
        p(TokenKind::GoogleApiKey, r"\bAIza[0-9A-Za-z_\-]{35}\b"),
        p(TokenKind::SendgridKey, r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}\b"),
        p(TokenKind::NpmToken, r"\bnpm_[A-Za-z0-9]{36}\b"),
        p(TokenKind::Jwt, r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\b"),
        p(TokenKind::PrivateKey, r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"),
    ]
    .into_iter()
    .flatten()
    .collect()
});

/// `scheme://user:password@host`
static URL_CREDS: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"[A-Za-z][A-Za-z0-9+.\-]*://([^\s:/@]+):([^\s@/]+)@[^\s/]").ok());

/// `KEY=value` / `key: value` / `"key": "value"` in a line.
static ASSIGNMENT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?:^|[\s,{;-])["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?:=|:)\s*["']?([^\s"',;]+)"#).ok()
});

/// Split a key name into lowercase words (`jwtRefreshSecret`, `JWT_REFRESH_SECRET` → jwt, refresh, secret).
fn key_words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if c == '_' || c == '-' || c == '.' || c == ' ' || c == '/' {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Does this key name say its value is a secret?
pub fn is_secret_key(key: &str) -> bool {
    let words = key_words(key);
    let has = |w: &str| words.iter().any(|x| x == w);
    // Keys that name a secret's metadata or location, not the secret.
    const NOT_SECRET: &[&str] = &[
        "file",
        "path",
        "dir",
        "id",
        "name",
        "user",
        "username",
        "length",
        "len",
        "ttl",
        "expiry",
        "expires",
        "expiration",
        "expire",
        "algorithm",
        "alg",
        "header",
        "type",
        "enabled",
        "enable",
        "rotation",
        "policy",
        "min",
        "max",
        "public",
        "pub",
        "prefix",
        "url",
        "uri",
        "endpoint",
        "host",
        "port",
        "field",
        "ref",
        "arn",
        "version",
        "count",
        "timeout",
        "issuer",
        "audience",
        "required",
        "strength",
        "mode",
        "format",
        "provider",
        "store",
        "vault",
        "manager",
        "salt",
        "rounds",
        "cost",
        "hint",
        "reset",
        "regex",
        "pattern",
        "cookie",
        "location",
        "env",
        "secretref",
        "secretname",
    ];
    if words.iter().any(|w| NOT_SECRET.contains(&w.as_str())) {
        // `DB_PASSWORD_FILE`, `JWT_SECRET_EXPIRES_IN`, `API_KEY_HEADER`: not the secret itself.
        return false;
    }
    const SECRET_WORDS: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "apikey",
        "credential",
        "credentials",
        "privatekey",
        "secretkey",
        "accesskey",
        "webhook",
        "dsn",
        "auth",
    ];
    if words.iter().any(|w| SECRET_WORDS.contains(&w.as_str())) {
        // `auth` alone is often a mode (`AUTH=basic`); require it to be the last word (`BASIC_AUTH`).
        if has("auth") && !words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()) && w != "auth") {
            return words.last().is_some_and(|w| w == "auth") && words.len() > 1;
        }
        if has("dsn") {
            return false; // DSNs are handled by URL-credential detection.
        }
        return true;
    }
    // Two-word forms: api key, private key, access key, encryption key, signing key, master key.
    let pairs = [
        ("api", "key"),
        ("private", "key"),
        ("access", "key"),
        ("secret", "key"),
        ("encryption", "key"),
        ("signing", "key"),
        ("master", "key"),
        ("client", "secret"),
        ("license", "key"),
        ("app", "key"),
        ("session", "key"),
    ];
    words.windows(2).any(|w| match (w.first(), w.get(1)) {
        (Some(a), Some(b)) => pairs.iter().any(|(x, y)| a == x && b == y),
        _ => false,
    })
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let n = s.chars().count();
    if n == 0 {
        return 0.0;
    }
    let mut counts = std::collections::HashMap::new();
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

/// Commonly used weak secrets (compared case-insensitively, after stripping digits/punctuation
/// suffixes for some patterns).
const WEAK: &[&str] = &[
    "password",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "pass",
    "secret",
    "admin",
    "administrator",
    "root",
    "toor",
    "test",
    "testing",
    "guest",
    "default",
    "changeit",
    "letmein",
    "welcome",
    "qwerty",
    "abc123",
    "123456",
    "1234567",
    "12345678",
    "123456789",
    "1234567890",
    "password1",
    "password123",
    "admin123",
    "admin1234",
    "secret123",
    "postgres",
    "mysql",
    "mongo",
    "redis",
    "rabbitmq",
    "guest123",
    "user",
    "demo",
    "example",
    "master",
    "dev",
    "development",
    "local",
    "supersecret",
    "mysecret",
    "topsecret",
    "s3cr3t",
    "pa55word",
    "minioadmin",
    "grafana",
    "elastic",
    "changeme123",
];

/// Classify a literal assigned to a secret-named key.
pub fn classify_value(value: &str) -> ValueClass {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    if v.is_empty() {
        return ValueClass::Empty;
    }
    if is_reference(v) {
        return ValueClass::Reference;
    }
    // Stand-ins that also work as passwords when deployed as is (`changeme`, `change_me_123`):
    // weak, not merely placeholders. Well-known weak values likewise.
    if is_working_placeholder(v) || WEAK.contains(&v.to_ascii_lowercase().as_str()) {
        return ValueClass::Weak;
    }
    if placeholder::is_placeholder(v) {
        return ValueClass::Placeholder;
    }
    if is_weak(v) {
        return ValueClass::Weak;
    }
    ValueClass::Literal
}

/// `changeme`-style values: placeholders that nonetheless work as a password if copied verbatim.
pub fn is_working_placeholder(v: &str) -> bool {
    let l = v.trim().to_ascii_lowercase();
    ["changeme", "change_me", "change-me", "changethis", "change_this"].iter().any(|p| l.starts_with(p))
}

/// Values taken from somewhere else at run time.
pub fn is_reference(v: &str) -> bool {
    let v = v.trim();
    interp::is_pure_reference(v)
        || (v.starts_with("{{") && v.ends_with("}}"))
        || (v.starts_with("${{") && v.ends_with("}}"))
        || v.starts_with("/run/secrets/")
        || v.starts_with("/var/run/secrets/")
        || v.starts_with("secretKeyRef")
        || v.starts_with("vault:")
        || v.starts_with("arn:aws:secretsmanager:")
        || v.starts_with("arn:aws:ssm:")
        || v.starts_with("projects/") && v.contains("/secrets/")
        || v.starts_with("op://")
        || v.starts_with("sm://")
        || v.starts_with("ref+")
}

/// Weak: a well-known password, a dev-year pattern (`myapp_dev_2024`), or too short to be a secret.
pub fn is_weak(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    if WEAK.contains(&lower.as_str()) {
        return true;
    }
    // `something_dev_2024`, `app-local-2023`, `test_secret_123`
    let words: Vec<&str> = lower.split(['_', '-', '.']).collect();
    let devish = words.iter().any(|w| {
        matches!(
            *w,
            "dev" | "development" | "local" | "test" | "testing" | "demo" | "changeme" | "insecure" | "default"
        )
    });
    if devish && words.len() >= 2 {
        return true;
    }
    v.chars().count() < 8
}

/// Token formats (and URL credentials) anywhere in `text`: byte ranges and kinds.
pub fn scan_tokens(text: &str) -> Vec<(Range<usize>, TokenKind)> {
    let mut out = Vec::new();
    for (kind, re) in TOKEN_PATTERNS.iter() {
        for m in re.find_iter(text) {
            out.push((m.range(), *kind));
        }
    }
    if let Some(re) = URL_CREDS.as_ref() {
        for c in re.captures_iter(text) {
            if let Some(pw) = c.get(2) {
                let p = pw.as_str();
                if !is_reference(p) && !p.starts_with('$') && !placeholder::is_placeholder(p) && !p.is_empty() {
                    out.push((pw.range(), TokenKind::UrlCredentials));
                }
            }
        }
    }
    out.sort_by_key(|(r, _)| (r.start, r.end));
    out
}

/// Detect a secret in a value, given the key it is assigned to (if any). Returns `None` when the
/// value is a reference, empty, or the key is not secret-like and no token format matches.
pub fn check(key: Option<&str>, value: &str) -> Option<SecretMatch> {
    let tokens = scan_tokens(value);
    if let Some((range, kind)) = tokens.first() {
        return Some(SecretMatch {
            class: if *kind == TokenKind::UrlCredentials {
                let pw = value.get(range.clone()).unwrap_or("");
                if is_weak(pw) {
                    ValueClass::Weak
                } else {
                    ValueClass::Literal
                }
            } else {
                ValueClass::Literal
            },
            token: Some(*kind),
            confidence: Confidence::High,
            range: range.clone(),
            what: kind.label().to_owned(),
        });
    }
    let key = key?;
    if !is_secret_key(key) {
        return None;
    }
    let class = classify_value(value);
    match class {
        ValueClass::Reference | ValueClass::Empty => None,
        _ => {
            let trimmed = value.trim();
            let start = value.find(trimmed).unwrap_or(0);
            let confidence = match class {
                ValueClass::Literal if entropy(trimmed) >= 3.0 && trimmed.len() >= 12 => Confidence::High,
                ValueClass::Literal => Confidence::Medium,
                _ => Confidence::High,
            };
            // Booleans and small numbers assigned to secret-ish names are settings, not secrets.
            if matches!(
                trimmed.to_ascii_lowercase().as_str(),
                "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null"
            ) || trimmed.parse::<i64>().is_ok_and(|n| n.abs() < 100_000)
            {
                return None;
            }
            Some(SecretMatch {
                class,
                token: None,
                confidence,
                range: start..start + trimmed.len(),
                what: format!("`{key}`"),
            })
        }
    }
}

/// Secret ranges in one line of arbitrary text (for masking snippets).
pub fn scan_line(line: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = scan_tokens(line).into_iter().map(|(r, _)| r).collect();
    if let Some(re) = ASSIGNMENT.as_ref() {
        for c in re.captures_iter(line) {
            let (Some(k), Some(v)) = (c.get(1), c.get(2)) else { continue };
            // Already masked (`k3J***** (24 chars)`): leave it alone.
            if v.as_str().contains("*****") {
                continue;
            }
            if is_secret_key(k.as_str()) {
                let class = classify_value(v.as_str());
                if matches!(class, ValueClass::Literal | ValueClass::Weak) {
                    out.push(v.range());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names() {
        for k in [
            "DB_PASSWORD",
            "JWT_SECRET",
            "jwtRefreshSecret",
            "STRIPE_API_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "GITHUB_TOKEN",
            "MONGO_INITDB_ROOT_PASSWORD",
            "SLACK_WEBHOOK",
            "BASIC_AUTH",
            "private_key",
            "client_secret",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "DB_PASSWORD_FILE",
            "JWT_SECRET_EXPIRES_IN",
            "PUBLIC_KEY",
            "API_KEY_HEADER",
            "AUTH_MODE",
            "SENTRY_DSN",
            "KEY_PREFIX",
            "PASSWORD_MIN_LENGTH",
            "DB_USER",
            "TOKEN_TTL",
            "NODE_ENV",
            "SECRET_NAME",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn value_classes() {
        assert_eq!(classify_value("${DB_PASSWORD}"), ValueClass::Reference);
        assert_eq!(classify_value("{{ .Values.password }}"), ValueClass::Reference);
        assert_eq!(classify_value("your-jwt-secret-here"), ValueClass::Placeholder);
        assert_eq!(classify_value("changeme"), ValueClass::Weak);
        assert_eq!(classify_value("CHANGE_ME_IN_PRODUCTION"), ValueClass::Weak);
        assert_eq!(classify_value("your-jwt-secret-here"), ValueClass::Placeholder);
        assert_eq!(classify_value("admin123"), ValueClass::Weak);
        assert_eq!(classify_value("simplepro_dev_2024"), ValueClass::Weak);
        assert_eq!(classify_value("short"), ValueClass::Weak);
        assert_eq!(classify_value("q8Fz2LmP0vXr7TnW3bYc"), ValueClass::Literal);
    }

    #[test]
    fn tokens_anywhere() {
        let m = check(Some("X"), "AKIAIOSFODNN7EXAMPLE");
        assert_eq!(m.and_then(|m| m.token), Some(TokenKind::AwsAccessKey));
        let m = check(Some("DATABASE_URL"), "postgres://app:pw-9f8a7s6d@db/app");
        assert_eq!(m.map(|m| m.token), Some(Some(TokenKind::UrlCredentials)));
        assert!(check(Some("DATABASE_URL"), "postgres://app:${DB_PASSWORD}@db/app").is_none());
        assert!(check(Some("LOG_LEVEL"), "debug").is_none());
        assert!(check(Some("JWT_SECRET"), "${JWT_SECRET}").is_none());
        assert!(check(Some("REDIS_PASSWORD"), "").is_none());
        assert!(check(Some("ENABLE_PASSWORD"), "true").is_none());
    }
}
