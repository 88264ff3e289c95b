//! DC010: a database, cache or broker service publishing its port on every host interface.

use crate::finding::{Confidence, Severity};
use crate::model::compose::{ComposeService, PortMapping};
use crate::model::image::ImageRef;
use crate::model::interp;
use crate::model::ComposeFile;
use crate::parse::compose::parse_port;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Spanned;

pub struct DatastorePort;

/// Name tokens of datastores, caches and brokers (matched as whole words of the image path).
const DATASTORES: &[&str] = &[
    "postgres",
    "postgresql",
    "postgis",
    "timescaledb",
    "pgbouncer",
    "mysql",
    "mariadb",
    "percona",
    "mssql",
    "mongo",
    "mongodb",
    "redis",
    "valkey",
    "dragonfly",
    "keydb",
    "memcached",
    "elasticsearch",
    "opensearch",
    "rabbitmq",
    "kafka",
    "zookeeper",
    "nats",
    "cassandra",
    "scylla",
    "couchdb",
    "couchbase",
    "neo4j",
    "clickhouse",
    "influxdb",
    "etcd",
    "cockroach",
    "minio",
];

/// Words that make an image a tool around a datastore rather than the datastore itself.
const TOOLS: &[&str] =
    &["exporter", "express", "commander", "insight", "ui", "gui", "admin", "dashboards", "backup", "operator"];

/// MinIO's S3 API is meant to be reached; its console is the administrative port.
const MINIO_CONSOLE: u16 = 9001;

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(['/', '-', '_', '.']).filter(|w| !w.is_empty()).map(str::to_ascii_lowercase)
}

/// The datastore an image (or, failing that, the service name) is.
fn datastore(s: &ComposeService) -> Option<(String, Confidence)> {
    if let Some(img) = &s.image {
        let r = ImageRef::parse(&img.value);
        let ws: Vec<String> = words(&r.repository).collect();
        if ws.iter().any(|w| TOOLS.contains(&w.as_str())) {
            return None;
        }
        if let Some(w) = ws.iter().find(|w| DATASTORES.contains(&w.as_str())) {
            return Some((w.clone(), Confidence::High));
        }
        // A pulled image that is no datastore is not one; a built image may still be, by name.
        let built = s.build.is_some();
        if !built {
            return None;
        }
    }
    let ws: Vec<String> = words(&s.name.value).collect();
    ws.iter().find(|w| DATASTORES.contains(&w.as_str())).map(|w| (w.clone(), Confidence::Medium))
}

/// The mapping with `${VAR:-default}` replaced by its default; `None` when a variable has none.
fn resolved(p: &PortMapping) -> Option<PortMapping> {
    let raw = &p.raw.value;
    let refs = interp::parse(raw);
    if refs.is_empty() {
        return Some(p.clone());
    }
    let mut text = String::with_capacity(raw.len());
    let mut pos = 0;
    for r in &refs {
        text.push_str(raw.get(pos..r.offset)?);
        text.push_str(r.default.as_deref()?);
        pos = r.offset + r.len;
    }
    text.push_str(raw.get(pos..)?);
    Some(parse_port(Spanned::new(text, p.raw.span)))
}

fn is_wildcard(ip: &str) -> bool {
    matches!(ip.trim_matches(|c| c == '[' || c == ']'), "0.0.0.0" | "::" | "")
}

impl Rule for DatastorePort {
    fn id(&self) -> RuleId {
        RuleId::DC010
    }

    fn compose_service(&self, cx: &mut Cx, _file: &ComposeFile, s: &ComposeService) -> Checked {
        let Some((kind, confidence)) = datastore(s) else { return NA };
        for p in &s.ports {
            let Some(port) = resolved(p) else { continue };
            if port.host_ip.as_deref().is_some_and(|ip| !is_wildcard(ip)) {
                continue;
            }
            if kind == "minio" && port.target != Some(MINIO_CONSOLE) {
                continue;
            }
            let target = port.target.map_or_else(|| p.raw.value.clone(), |t| t.to_string());
            let on = match port.published.as_deref() {
                Some(host) if host == target => "on all host interfaces".to_owned(),
                Some(host) => format!("on all host interfaces as port {host}"),
                None => "on a random port of all host interfaces".to_owned(),
            };
            let what = if s.name.value == kind { String::new() } else { format!(" ({kind})") };
            let message = format!(
                "service `{}`{what} publishes port {target} {on}: anyone who can reach the host can connect to {kind} directly",
                s.name.value
            );
            cx.report(p.raw.span, message)
                .by_env(Severity::High, Severity::Medium)
                .confidence(confidence)
                .help(format!(
                    "drop the mapping (services on the compose network reach it by name), use `expose:`, or bind it to loopback: `127.0.0.1:{target}:{target}`"
                ));
        }
        CHECKED
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn port(raw: &str) -> PortMapping {
        parse_port(Spanned::new(raw.to_owned(), Span::default()))
    }

    #[test]
    fn resolves_defaults_in_host_ip() {
        let p = resolved(&port("${BIND:-127.0.0.1}:5432:5432"));
        assert_eq!(p.and_then(|p| p.host_ip), Some("127.0.0.1".to_owned()));
        assert!(resolved(&port("${BIND}:5432:5432")).is_none());
        assert!(is_wildcard("0.0.0.0") && is_wildcard("[::]") && !is_wildcard("127.0.0.1"));
    }
}
