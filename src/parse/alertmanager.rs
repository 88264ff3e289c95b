//! Alertmanager configuration → `crate::model::alertmanager`, read leniently from a YAML node
//! (a standalone file's root, or a config nested in Helm values / a ConfigMap).

use super::prometheus::{credentials_of, scalar_fields};
use super::yaml::Node;
use super::yamlview::Reader;
use crate::model::alertmanager::{
    AlertmanagerConfig, InhibitRule, Integration, IntegrationKind, Matcher, Receiver, Route,
};
use crate::source::{Pos, Span, Spanned};

/// Does this mapping look like an Alertmanager configuration?
pub fn looks_like_config(node: Node<'_>) -> bool {
    node.is_map() && node.get("receivers").is_some_and(|r| r.is_seq()) && node.get("route").is_some_and(|r| r.is_map())
}

/// Parse a matcher string (`severity="critical"`, `team=~"db|ops"`, `env!=dev`).
pub fn parse_matcher(text: &str, span: Span) -> Option<Matcher> {
    let t = text.trim();
    let (i, op) =
        ["=~", "!~", "!=", "="].iter().filter_map(|op| t.find(op).map(|i| (i, *op))).min_by_key(|(i, _)| *i)?;
    let label = t.get(..i)?.trim().trim_matches('"').to_owned();
    let value = t.get(i + op.len()..)?.trim().trim_matches('"').to_owned();
    (!label.is_empty()).then(|| Matcher { span, label, op: op.to_owned(), value })
}

fn matchers(node: Node<'_>, plain: &str, re: &str, list: &str) -> Vec<Matcher> {
    let mut out = Vec::new();
    if let Some(m) = node.get(plain) {
        for (k, v) in m.entries() {
            if let (Some(k), Some(val)) = (k.as_str(), v.as_str()) {
                out.push(Matcher { span: v.span(), label: k.to_owned(), op: "=".into(), value: val.to_owned() });
            }
        }
    }
    if let Some(m) = node.get(re) {
        for (k, v) in m.entries() {
            if let (Some(k), Some(val)) = (k.as_str(), v.as_str()) {
                out.push(Matcher { span: v.span(), label: k.to_owned(), op: "=~".into(), value: val.to_owned() });
            }
        }
    }
    if let Some(m) = node.get(list) {
        for s in m.str_list() {
            // `matchers: ['a="1", b="2"']` — a comma-separated list in one string is accepted too.
            let inner = s.value.trim().trim_start_matches('{').trim_end_matches('}').to_owned();
            for part in split_top_level_commas(&inner) {
                if let Some(mm) = parse_matcher(&part, s.span) {
                    out.push(mm);
                }
            }
        }
    }
    out
}

fn split_top_level_commas(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

fn route(node: Node<'_>, span: Span, r: &mut Reader, depth: usize) -> Route {
    let mut out = Route {
        span,
        receiver: r.string(node, "receiver", "route"),
        matchers: matchers(node, "match", "match_re", "matchers"),
        group_by: r.strings(node, "group_by", "route"),
        continue_: node.get("continue").and_then(|c| c.as_bool()).unwrap_or(false),
        routes: Vec::new(),
    };
    if depth < 32 {
        for child in node.get("routes").map(|c| c.items()).unwrap_or_default() {
            if let Some(c) = r.expect_map(child, "a route") {
                out.routes.push(route(c, c.span(), r, depth + 1));
            }
        }
    }
    out
}

/// The field of an integration that says where notifications go.
const DESTINATION_KEYS: &[&str] = &[
    "api_url",
    "url",
    "webhook_url",
    "to",
    "channel",
    "chat_id",
    "topic_arn",
    "routing_key",
    "service_key",
    "room_id",
    "user_key",
    "api_key",
];

/// Read an Alertmanager configuration from its root mapping.
pub fn config(root: Node<'_>, r: &mut Reader) -> AlertmanagerConfig {
    let mut cfg = AlertmanagerConfig::default();
    if !root.is_map() {
        return cfg;
    }
    if let Some(g) = root.get("global") {
        let mut fields = Vec::new();
        scalar_fields(g, "", &mut fields, 0);
        cfg.global_credentials = credentials_of(&fields);
        cfg.global = fields;
    }
    if let Some(rt) = root.get("route").and_then(|n| r.expect_map(n, "`route`")) {
        let span = root.key_node("route").map_or(rt.span(), |k| k.span());
        cfg.route = Some(route(rt, span, r, 0));
    }
    for item in root.get("receivers").map(|l| l.items()).unwrap_or_default() {
        let Some(rcv) = r.expect_map(item, "a receiver") else { continue };
        let Some(name) = r.string(rcv, "name", "receiver") else {
            r.issue(rcv, "receiver has no `name`");
            continue;
        };
        let mut receiver = Receiver { name, span: rcv.span(), integrations: Vec::new() };
        for (k, v) in rcv.entries() {
            let Some(key) = k.as_str() else { continue };
            if !key.ends_with("_configs") {
                continue;
            }
            let kind = IntegrationKind::from_key(key);
            for entry in v.items() {
                let mut fields = Vec::new();
                scalar_fields(entry, "", &mut fields, 0);
                let destination = DESTINATION_KEYS.iter().find_map(|dk| {
                    fields
                        .iter()
                        .find(|(f, _)| f.value == *dk || f.value == format!("{dk}_file"))
                        .map(|(_, v)| v.clone())
                });
                receiver.integrations.push(Integration {
                    kind: kind.clone(),
                    span: entry.span(),
                    destination,
                    credentials: credentials_of(&fields),
                    fields,
                });
            }
        }
        cfg.receivers.push(receiver);
    }
    for item in root.get("inhibit_rules").map(|l| l.items()).unwrap_or_default() {
        cfg.inhibit_rules.push(InhibitRule {
            span: item.span(),
            source: matchers(item, "source_match", "source_match_re", "source_matchers"),
            target: matchers(item, "target_match", "target_match_re", "target_matchers"),
            equal: item.get("equal").map(|e| e.str_list().into_iter().map(|s| s.value).collect()).unwrap_or_default(),
        });
    }
    cfg.templates = r.strings(root, "templates", "alertmanager config");
    cfg
}

/// Span of `needle` within a single-line value span (for pointing at one matcher of a list).
pub fn sub_span(value: &Spanned<String>, needle: &str) -> Span {
    match value.value.find(needle) {
        Some(i) if value.span.start.line == value.span.end.line => {
            let before = u32::try_from(value.value.get(..i).map_or(0, |s| s.chars().count())).unwrap_or(0);
            let len = u32::try_from(needle.chars().count()).unwrap_or(0);
            let start = Pos::new(value.span.start.line, value.span.start.col + before);
            Span::new(start, Pos::new(start.line, start.col + len))
        }
        _ => value.span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn sp(l1: u32, c1: u32, l2: u32, c2: u32) -> Span {
        Span::new(Pos::new(l1, c1), Pos::new(l2, c2))
    }

    const AM: &str = "\
global:
  smtp_smarthost: smtp.acme.io:587
  smtp_auth_password: hunter2hunter2
  slack_api_url_file: /etc/alertmanager/slack
route:
  receiver: default
  group_by: [alertname, service]
  routes:
    - matchers: ['severity=\"critical\"']
      receiver: pager
      continue: true
    - match:
        severity: critical
      receiver: slack-critical
    - match_re:
        team: db|ops
      receiver: ops
receivers:
  - name: default
  - name: pager
    pagerduty_configs:
      - routing_key: YOUR_ROUTING_KEY
  - name: slack-critical
    slack_configs:
      - api_url: https://hooks.slack.com/services/YOUR/SLACK/WEBHOOK
        channel: '#alerts'
  - name: ops
    email_configs:
      - to: ops@example.com
        auth_password_file: /run/secrets/smtp
inhibit_rules:
  - source_matchers: [severity=\"critical\"]
    target_matchers: [severity=\"warning\"]
    equal: [alertname]
";

    #[test]
    fn alertmanager_config_with_spans() {
        let s = yaml::parse(AM);
        let root = s.first().unwrap_or_else(|| unreachable!());
        assert!(looks_like_config(root));
        let mut r = Reader::default();
        let c = config(root, &mut r);
        assert!(r.issues.is_empty(), "{:?}", r.issues);
        assert_eq!(c.global_credentials.len(), 2);
        assert_eq!(c.global_credentials[0].key.value, "smtp_auth_password");
        assert_eq!(c.global_credentials[0].value.span, sp(3, 23, 3, 37));
        assert!(c.global_credentials[1].from_file);
        let route = c.route.as_ref().unwrap_or_else(|| unreachable!());
        assert_eq!(route.span, sp(5, 1, 5, 6));
        assert_eq!(route.routes.len(), 3);
        assert_eq!(route.routes[0].matchers[0].label, "severity");
        assert_eq!(route.routes[0].matchers[0].value, "critical");
        assert_eq!(route.routes[0].matchers[0].span, sp(9, 18, 9, 39));
        let crit: Vec<&str> =
            route.receivers_for(&[("severity", "critical")]).into_iter().map(|r| r.value.as_str()).collect();
        assert_eq!(crit, vec!["pager", "slack-critical"]);
        let ops: Vec<&str> = route.receivers_for(&[("team", "ops")]).into_iter().map(|r| r.value.as_str()).collect();
        assert_eq!(ops, vec!["ops"]);
        let other: Vec<&str> =
            route.receivers_for(&[("severity", "info")]).into_iter().map(|r| r.value.as_str()).collect();
        assert_eq!(other, vec!["default"]);
        assert_eq!(c.receivers.len(), 4);
        assert!(c.receiver("default").is_some_and(|r| r.integrations.is_empty()));
        let pager = c.receiver("pager").map(|r| &r.integrations[0]);
        assert_eq!(pager.map(|i| i.kind.clone()), Some(IntegrationKind::Pagerduty));
        assert_eq!(pager.and_then(|i| i.destination.as_ref()).map(|d| d.span), Some(sp(22, 22, 22, 38)));
        let slack = c.receiver("slack-critical").map(|r| &r.integrations[0]);
        assert_eq!(slack.map(|i| i.credentials.len()), Some(1));
        let email = c.receiver("ops").map(|r| &r.integrations[0]);
        assert_eq!(email.and_then(|i| i.destination.as_ref()).map(|d| d.value.as_str()), Some("ops@example.com"));
        assert!(email.is_some_and(|i| i.credentials.iter().all(|c| c.from_file)));
        assert_eq!(c.inhibit_rules.len(), 1);
        assert_eq!(c.inhibit_rules[0].source[0].value, "critical");
        assert_eq!(c.inhibit_rules[0].equal, vec!["alertname".to_owned()]);
    }

    #[test]
    fn matcher_forms() {
        let m = parse_matcher("team=~\"db|ops\"", Span::default()).unwrap_or_else(|| unreachable!());
        assert_eq!((m.label.as_str(), m.op.as_str(), m.value.as_str()), ("team", "=~", "db|ops"));
        assert!(m.accepts("ops") && !m.accepts("web"));
        let m = parse_matcher("env != dev", Span::default()).unwrap_or_else(|| unreachable!());
        assert!(m.accepts("prod") && !m.accepts("dev"));
        assert!(parse_matcher("garbage", Span::default()).is_none());
    }
}
