//! MON006: credentials written in plain text in an Alertmanager config (`*_file` is fine).

use super::alertmanager_placeholder::placeholder_in;
use crate::finding::Severity;
use crate::index::mask::mask;
use crate::index::secrets::{check, is_secret_key, ValueClass};
use crate::model::alertmanager::AlertmanagerConfig;
use crate::model::prometheus::Credential;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct AlertmanagerPlaintext;

fn judge(cx: &mut Cx, where_: &str, c: &Credential) -> bool {
    if c.from_file || placeholder_in(&c.value.value).is_some() {
        return false;
    }
    let key = c.key.value.rsplit('.').next().unwrap_or(&c.key.value);
    // `api_url`/`url` values are secrets only when a token format says so (a Slack webhook, a
    // password in the URL). The other credential fields (routing/service/user keys) hold a secret
    // by definition: the detector judges their value as it would a `token`.
    let as_key = if key.ends_with("url") {
        None
    } else if is_secret_key(key) {
        Some(key)
    } else {
        Some("token")
    };
    let Some(m) = check(as_key, &c.value.value) else { return false };
    if matches!(m.class, ValueClass::Placeholder | ValueClass::Reference | ValueClass::Empty) {
        return false;
    }
    let what = m.token.map_or("a credential", |t| t.label());
    cx.report(
        c.value.span,
        format!(
            "{where_} `{key}` is written in plain text ({what}, {}): use `{key}_file` with a mounted secret",
            mask(&c.value.value)
        ),
    )
    .by_env(Severity::High, Severity::Medium)
    .secret(c.value.span);
    true
}

impl Rule for AlertmanagerPlaintext {
    fn id(&self) -> RuleId {
        RuleId::MON006
    }

    fn alertmanager(&self, cx: &mut Cx, cfg: &AlertmanagerConfig) -> Checked {
        let any = !cfg.global_credentials.is_empty()
            || cfg.receivers.iter().any(|r| r.integrations.iter().any(|i| !i.credentials.is_empty()));
        if !any {
            return NA;
        }
        for c in &cfg.global_credentials {
            judge(cx, "Alertmanager global", c);
        }
        for r in &cfg.receivers {
            for i in &r.integrations {
                for c in &i.credentials {
                    judge(cx, &format!("receiver `{}` ({})", r.name.value, i.kind.label()), c);
                }
            }
        }
        CHECKED
    }
}
