//! DC006: a literal secret in a compose service's `environment` or build `args`.

use std::ops::Range;

use crate::finding::Severity;
use crate::index::mask::mask;
use crate::index::secrets::{self, SecretMatch, TokenKind, ValueClass};
use crate::model::compose::{ComposeService, EnvEntry};
use crate::model::interp;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED};

pub struct HardcodedSecret;

/// How a detected value is described (`key` is already quoted: "`JWT_SECRET`", "build arg `NPM_TOKEN`").
pub(crate) fn describe(m: &SecretMatch, key: &str) -> String {
    match m.token {
        Some(TokenKind::UrlCredentials) if m.class == ValueClass::Weak => {
            format!("a weak password in the URL of {key}")
        }
        Some(TokenKind::UrlCredentials) => format!("a password in the URL of {key}"),
        Some(t) => {
            let label = t.label();
            let article =
                if label.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
            format!("{article} {label} in {key}")
        }
        None => match m.class {
            ValueClass::Weak => format!("a weak, guessable value for {key}"),
            ValueClass::Placeholder => format!("a placeholder for {key} that will be used verbatim"),
            _ => format!("a literal secret for {key}"),
        },
    }
}

/// Findings for one entry: the value itself, or the defaults of `${VAR:-default}` references in
/// it. Ranges are relative to the whole value; the flag says "from a default".
fn check_entry(entry: &EnvEntry) -> Vec<(SecretMatch, Range<usize>, bool)> {
    let Some(value) = &entry.value else { return Vec::new() };
    let (key, text) = (entry.key.value.as_str(), value.value.as_str());
    let refs = interp::parse(text);
    if refs.is_empty() {
        return secrets::check(Some(key), text).map(|m| (m.clone(), m.range, false)).into_iter().collect();
    }
    // A value built from references can still embed a token or `user:pass@` literally.
    if let Some(m) = secrets::check(None, text) {
        return vec![(m.clone(), m.range, false)];
    }
    let mut out = Vec::new();
    for r in refs {
        let Some(default) = r.default.as_deref().filter(|d| !d.is_empty()) else { continue };
        let Some(m) = secrets::check(Some(key), default) else { continue };
        // Where the default starts inside the reference (`${NAME:-default}` / `${NAME-default}`).
        let body = text.get(r.offset..r.offset + r.len).unwrap_or("");
        let Some(at) = body.find(default).map(|i| r.offset + i) else { continue };
        out.push((m.clone(), at + m.range.start..at + m.range.end, true));
    }
    out
}

impl Rule for HardcodedSecret {
    fn id(&self) -> RuleId {
        RuleId::DC006
    }

    fn compose_service(&self, cx: &mut Cx, _file: &ComposeFile, s: &ComposeService) -> Checked {
        let build_args = s.build.iter().flat_map(|b| b.args.iter());
        let entries = s.environment.iter().map(|e| (e, false)).chain(build_args.map(|e| (e, true)));
        for (entry, is_arg) in entries {
            let Some(value) = &entry.value else { continue };
            for (m, range, is_default) in check_entry(entry) {
                let secret = value.value.get(range.clone()).unwrap_or(&value.value).to_owned();
                let span = super::locate_in_value(cx, &value.value, value.span, range);
                let key = entry.key.value.as_str();
                let label = if is_arg { format!("build arg `{key}`") } else { format!("`{key}`") };
                let fallback = if is_default { " as the default of an unset variable" } else { "" };
                let tail = if is_arg { ": build args stay readable in the image history" } else { "" };
                let msg = format!(
                    "service `{}` hardcodes {}{fallback} ({}){tail}",
                    s.name.value,
                    describe(&m, &label),
                    mask(&secret)
                );
                cx.report(span, msg)
                    .by_env(Severity::Blocker, Severity::High)
                    .confidence(m.confidence)
                    .secret(span)
                    .help(format!(
                        "reference it instead (`{key}: ${{{key}:?{key} is required}}`, or a compose `secrets:` entry) and rotate the value that was committed"
                    ));
            }
        }
        CHECKED
    }
}
