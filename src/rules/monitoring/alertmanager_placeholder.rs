//! MON005: placeholder destinations/credentials in Alertmanager receivers and global settings.

use crate::finding::Severity;
use crate::index::placeholder::{example_domain, is_placeholder};
use crate::model::alertmanager::AlertmanagerConfig;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct AlertmanagerPlaceholder;

/// A value that is, or contains, a stand-in: the whole value, a URL/address segment, or a
/// reserved example domain.
pub fn placeholder_in(value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() || v.contains("${") || v.contains("{{") {
        return None;
    }
    if is_placeholder(v) {
        return Some(v.to_owned());
    }
    for seg in v.split(['/', '@', '?', '&', '=', '#']) {
        let seg = seg.trim_matches(|c| c == '"' || c == '\'');
        if seg.len() >= 3 && is_placeholder(seg) {
            return Some(seg.to_owned());
        }
        let upper = seg.to_ascii_uppercase();
        if upper.starts_with("YOUR") || upper.contains("_HERE") || upper == "XXXX" || upper.starts_with("XXX") {
            return Some(seg.to_owned());
        }
    }
    example_domain(v)
}

/// A placeholder value for a message: as written, shortened.
fn shown(v: &str) -> String {
    let t: String = v.chars().take(64).collect();
    if t.len() < v.len() {
        format!("{t}…")
    } else {
        t
    }
}

impl Rule for AlertmanagerPlaceholder {
    fn id(&self) -> RuleId {
        RuleId::MON005
    }

    fn alertmanager(&self, cx: &mut Cx, cfg: &AlertmanagerConfig) -> Checked {
        let has_any = !cfg.receivers.is_empty() || !cfg.global.is_empty();
        if !has_any {
            return NA;
        }
        for (k, v) in &cfg.global {
            if !(k.value.starts_with("smtp_") || k.value.ends_with("_url") || k.value.ends_with("_key")) {
                continue;
            }
            if placeholder_in(&v.value).is_some() {
                cx.report(v.span, format!("Alertmanager global `{}` is a placeholder (`{}`): notifications that use it are never delivered", k.value, shown(&v.value)))
                    .by_env(Severity::High, Severity::Medium);
            }
        }
        for r in &cfg.receivers {
            for i in &r.integrations {
                for (k, v) in &i.fields {
                    let key = k.value.rsplit('.').next().unwrap_or(&k.value);
                    let relevant = matches!(
                        key,
                        "api_url"
                            | "url"
                            | "webhook_url"
                            | "to"
                            | "from"
                            | "smarthost"
                            | "routing_key"
                            | "service_key"
                            | "api_key"
                            | "token"
                            | "bot_token"
                            | "chat_id"
                            | "channel"
                            | "user_key"
                            | "room_id"
                            | "auth_password"
                            | "auth_username"
                    );
                    if !relevant {
                        continue;
                    }
                    if placeholder_in(&v.value).is_some() {
                        cx.report(v.span, format!(
                            "receiver `{}` sends {} notifications to a placeholder `{key}` (`{}`): alerts routed there reach nobody",
                            r.name.value,
                            i.kind.label(),
                            shown(&v.value)
                        ))
                        .by_env(Severity::High, Severity::Medium);
                    }
                }
            }
        }
        CHECKED
    }
}

#[cfg(test)]
mod tests {
    use super::placeholder_in;

    #[test]
    fn placeholders_in_urls() {
        assert!(placeholder_in("https://hooks.slack.com/services/YOUR/SLACK/WEBHOOK").is_some());
        assert!(placeholder_in("YOUR_SLACK_WEBHOOK_URL").is_some());
        assert!(placeholder_in("oncall@example.com").is_some());
        assert!(placeholder_in("https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX").is_some());
        assert!(
            placeholder_in("https://hooks.slack.com/services/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").is_none()
        );
        assert!(placeholder_in("ops@acme.io").is_none());
        assert!(placeholder_in("${SLACK_URL}").is_none());
        assert!(placeholder_in("#alerts").is_none());
    }
}
