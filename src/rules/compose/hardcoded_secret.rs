//! DC006: a literal secret in a compose service's `environment` or build `args`.

use crate::finding::Severity;
use crate::index::mask::mask;
use crate::index::secrets::{self, SecretMatch, TokenKind, ValueClass};
use crate::model::compose::{ComposeService, EnvEntry};
use crate::model::interp;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED};
use crate::source::Spanned;

pub struct HardcodedSecret;

/// How a detected value is described (`key` is already quoted: "`JWT_SECRET`", "build arg `NPM_TOKEN`").
pub(crate) fn describe(m: &SecretMatch, key: &str) -> String {
    match m.token {
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

/// Findings for one entry: the value itself, or the defaults of `${VAR:-default}` references in it.
fn check_entry(entry: &EnvEntry) -> Vec<(SecretMatch, Spanned<String>, bool)> {
    let Some(value) = &entry.value else { return Vec::new() };
    let key = entry.key.value.as_str();
    let refs = interp::parse(&value.value);
    if refs.is_empty() {
        return secrets::check(Some(key), &value.value).map(|m| (m, value.clone(), false)).into_iter().collect();
    }
    let mut out = Vec::new();
    // A value built from references can still embed a token or `user:pass@` literally.
    if let Some(m) = secrets::check(None, &value.value) {
        out.push((m, value.clone(), false));
        return out;
    }
    for r in refs {
        let Some(default) = r.default.filter(|d| !d.is_empty()) else { continue };
        if let Some(m) = secrets::check(Some(key), &default) {
            out.push((m, Spanned::new(default, value.span), true));
        }
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
            for (m, value, is_default) in check_entry(entry) {
                let secret = value.value.get(m.range.clone()).unwrap_or(&value.value).to_owned();
                let span = super::find_from(cx, value.span, &secret);
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
