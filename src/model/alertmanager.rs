//! Alertmanager model: the route tree, receivers with their integrations and where their
//! credentials live (inline literal vs `*_file`), inhibit rules and global settings. Typed views
//! only, shared by standalone `alertmanager.yml` files and configs embedded in ConfigMaps, Secrets
//! or Helm values. Parsing lives in `crate::parse::alertmanager`.

use crate::model::prometheus::Credential;
use crate::source::{Span, Spanned};

/// `label op value` from `matchers:` strings, `match:` (`=`) or `match_re:` (`=~`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matcher {
    pub span: Span,
    pub label: String,
    /// `=`, `!=`, `=~`, `!~`
    pub op: String,
    pub value: String,
}

impl Matcher {
    /// Does this matcher accept `value` for its label? Regexes are matched as anchored
    /// alternations of literals (`critical|page`); anything more complex is assumed to match.
    pub fn accepts(&self, value: &str) -> bool {
        let lit = |pat: &str| {
            if pat.chars().any(|c| "()[]{}.*+?^$\\".contains(c)) {
                None
            } else {
                Some(pat.split('|').any(|alt| alt == value))
            }
        };
        match self.op.as_str() {
            "=" => self.value == value,
            "!=" => self.value != value,
            "=~" => lit(&self.value).unwrap_or(true),
            "!~" => lit(&self.value).map(|m| !m).unwrap_or(true),
            _ => false,
        }
    }
}

/// A node of the routing tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The route mapping (the `route:` key for the root, the list item for children).
    pub span: Span,
    pub receiver: Option<Spanned<String>>,
    pub matchers: Vec<Matcher>,
    pub group_by: Vec<Spanned<String>>,
    /// `continue: true`
    pub continue_: bool,
    pub routes: Vec<Route>,
}

impl Route {
    /// The receiver an alert with `labels` ends up at (first matching child, depth first,
    /// inheriting the parent's receiver), plus every further receiver reached through
    /// `continue: true`.
    pub fn receivers_for(&self, labels: &[(&str, &str)]) -> Vec<&Spanned<String>> {
        let mut out = Vec::new();
        self.walk(labels, self.receiver.as_ref(), &mut out, 0);
        out
    }

    fn matches(&self, labels: &[(&str, &str)]) -> bool {
        self.matchers.iter().all(|m| {
            let v = labels.iter().find(|(k, _)| *k == m.label).map_or("", |(_, v)| *v);
            m.accepts(v)
        })
    }

    fn walk<'a>(
        &'a self,
        labels: &[(&str, &str)],
        inherited: Option<&'a Spanned<String>>,
        out: &mut Vec<&'a Spanned<String>>,
        depth: usize,
    ) -> bool {
        if depth > 64 || !self.matches(labels) {
            return false;
        }
        let own = self.receiver.as_ref().or(inherited);
        let mut handled = false;
        for child in &self.routes {
            if child.walk(labels, own, out, depth + 1) {
                handled = true;
                if !child.continue_ {
                    break;
                }
            }
        }
        if !handled {
            if let Some(r) = own {
                out.push(r);
            }
        }
        true
    }

    /// Every route of the tree (this one included), depth first.
    pub fn all(&self) -> Vec<&Route> {
        let mut out = vec![self];
        let mut i = 0;
        while let Some(r) = out.get(i).copied() {
            out.extend(r.routes.iter());
            i += 1;
            if i > 10_000 {
                break;
            }
        }
        out
    }
}

/// Kind of a receiver integration (`slack_configs`, `email_configs`, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntegrationKind {
    Slack,
    Email,
    Pagerduty,
    Webhook,
    Opsgenie,
    Victorops,
    Pushover,
    Telegram,
    Sns,
    Discord,
    Msteams,
    Webex,
    Wechat,
    Jira,
    Rocketchat,
    Other(String),
}

impl IntegrationKind {
    /// From the receiver key (`slack_configs`).
    pub fn from_key(key: &str) -> IntegrationKind {
        match key.trim_end_matches("_configs") {
            "slack" => IntegrationKind::Slack,
            "email" => IntegrationKind::Email,
            "pagerduty" => IntegrationKind::Pagerduty,
            "webhook" => IntegrationKind::Webhook,
            "opsgenie" => IntegrationKind::Opsgenie,
            "victorops" => IntegrationKind::Victorops,
            "pushover" => IntegrationKind::Pushover,
            "telegram" => IntegrationKind::Telegram,
            "sns" => IntegrationKind::Sns,
            "discord" => IntegrationKind::Discord,
            "msteams" | "msteamsv2" => IntegrationKind::Msteams,
            "webex" => IntegrationKind::Webex,
            "wechat" => IntegrationKind::Wechat,
            "jira" => IntegrationKind::Jira,
            "rocketchat" => IntegrationKind::Rocketchat,
            other => IntegrationKind::Other(other.to_owned()),
        }
    }

    pub fn label(&self) -> &str {
        match self {
            IntegrationKind::Slack => "Slack",
            IntegrationKind::Email => "email",
            IntegrationKind::Pagerduty => "PagerDuty",
            IntegrationKind::Webhook => "webhook",
            IntegrationKind::Opsgenie => "Opsgenie",
            IntegrationKind::Victorops => "VictorOps",
            IntegrationKind::Pushover => "Pushover",
            IntegrationKind::Telegram => "Telegram",
            IntegrationKind::Sns => "SNS",
            IntegrationKind::Discord => "Discord",
            IntegrationKind::Msteams => "Microsoft Teams",
            IntegrationKind::Webex => "Webex",
            IntegrationKind::Wechat => "WeChat",
            IntegrationKind::Jira => "Jira",
            IntegrationKind::Rocketchat => "Rocket.Chat",
            IntegrationKind::Other(s) => s.as_str(),
        }
    }
}

/// One entry of e.g. `slack_configs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Integration {
    pub kind: IntegrationKind,
    /// The list item.
    pub span: Span,
    /// Where notifications go: `api_url`/`url`/`webhook_url`/`to`/`channel`/`chat_id`… as written
    /// (may be a credential too: a Slack webhook URL is one).
    pub destination: Option<Spanned<String>>,
    /// Credential fields written inline or as `*_file`.
    pub credentials: Vec<Credential>,
    /// Every scalar field of the entry (dotted keys), for placeholder scans.
    pub fields: Vec<(Spanned<String>, Spanned<String>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receiver {
    pub name: Spanned<String>,
    pub span: Span,
    pub integrations: Vec<Integration>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InhibitRule {
    pub span: Span,
    pub source: Vec<Matcher>,
    pub target: Vec<Matcher>,
    pub equal: Vec<String>,
}

/// An Alertmanager configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlertmanagerConfig {
    /// Scalar `global:` settings (`smtp_smarthost`, `slack_api_url`, `smtp_auth_password`, …).
    pub global: Vec<(Spanned<String>, Spanned<String>)>,
    /// Credential fields of `global:` (inline or `*_file`).
    pub global_credentials: Vec<Credential>,
    pub route: Option<Route>,
    pub receivers: Vec<Receiver>,
    pub inhibit_rules: Vec<InhibitRule>,
    pub templates: Vec<Spanned<String>>,
}

impl AlertmanagerConfig {
    pub fn receiver(&self, name: &str) -> Option<&Receiver> {
        self.receivers.iter().find(|r| r.name.value == name)
    }

    pub fn global(&self, key: &str) -> Option<&Spanned<String>> {
        self.global.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }
}
