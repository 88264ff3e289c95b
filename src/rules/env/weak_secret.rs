//! ENV003: secret-named keys with weak or placeholder values.

use crate::finding::Severity;
use crate::index::mask::mask;
use crate::index::secrets::{self, TokenKind, ValueClass};
use crate::model::{EnvFile, Environment};
use crate::rules::compose::locate_in_value;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED};

pub struct WeakSecret;

impl Rule for WeakSecret {
    fn id(&self) -> RuleId {
        RuleId::ENV003
    }

    fn env_file(&self, cx: &mut Cx, env: &EnvFile) -> Checked {
        for e in &env.entries {
            let value = e.value.value.as_str();
            let Some(m) = secrets::check(Some(&e.key.value), value) else { continue };
            let secret = value.get(m.range.clone()).unwrap_or(value);
            let masked = mask(secret);
            let url = m.token == Some(TokenKind::UrlCredentials);
            let short = secret.chars().count() < 8;
            let key = &e.key.value;
            let n = secret.chars().count();
            // (as a predicate for a real file, as a default for a template)
            let (is, default) = match m.class {
                ValueClass::Weak if url => {
                    ("has a weak password in its URL".to_owned(), "a URL with a weak password".to_owned())
                }
                ValueClass::Weak if short => {
                    (format!("is only {n} characters long"), format!("a value of only {n} characters"))
                }
                ValueClass::Weak if secrets::is_working_placeholder(secret) => (
                    "is a `changeme`-style placeholder that works as a password".to_owned(),
                    "a `changeme`-style placeholder".to_owned(),
                ),
                ValueClass::Weak => (
                    "is a well-known or development-style value".to_owned(),
                    "a well-known or development-style value".to_owned(),
                ),
                ValueClass::Placeholder => ("is still a placeholder".to_owned(), String::new()),
                _ => continue,
            };
            // Point at the secret itself (the password of a URL), mask the whole value.
            let at = locate_in_value(cx, value, e.value.span, m.range.clone());
            let span = e.value.span;
            // Example directories hold stand-ins to fill in, like templates do.
            if env.is_template() || cx.env() == Environment::Example {
                // In a template, stand-ins are the point; defaults that would work if copied
                // verbatim are not.
                if m.class == ValueClass::Placeholder {
                    continue;
                }
                cx.report(
                    at,
                    format!("`{key}` defaults to {default} ({masked}): an insecure default that works if the template is copied verbatim"),
                )
                .severity(Severity::Medium)
                .secret(span)
                .help("leave the value empty or write an obvious stand-in (`<generate with: openssl rand -base64 32>`)");
            } else {
                let consequence = if m.class == ValueClass::Placeholder {
                    "the service gets a credential that does not work, or one anyone reading the repository knows"
                } else {
                    "whoever guesses it gets in"
                };
                cx.report(at, format!("`{key}` {is} ({masked}): {consequence}"))
                    .by_env(Severity::Blocker, Severity::High)
                    .secret(span)
                    .help("generate a strong value (`openssl rand -base64 32`), store it in a secret manager and rotate it");
            }
        }
        CHECKED
    }
}
