//! DC015: a database service whose data directory is not on a named volume or bind mount.

use crate::finding::{Location, Severity};
use crate::model::compose::{ComposeService, MountKind};
use crate::model::image::ImageRef;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{is_fragment, merged_definitions};

pub struct DatastoreNoVolume;

/// Engine (as an image-name word) → directories it keeps its data in.
const ENGINES: &[(&str, &[&str])] = &[
    ("postgres", &["/var/lib/postgresql/data", "/var/lib/postgresql"]),
    ("postgresql", &["/var/lib/postgresql/data", "/var/lib/postgresql"]),
    ("postgis", &["/var/lib/postgresql/data", "/var/lib/postgresql"]),
    ("timescaledb", &["/var/lib/postgresql/data", "/var/lib/postgresql"]),
    ("mysql", &["/var/lib/mysql"]),
    ("mariadb", &["/var/lib/mysql"]),
    ("percona", &["/var/lib/mysql"]),
    ("mongo", &["/data/db"]),
    ("mongodb", &["/data/db"]),
    ("redis", &["/data"]),
    ("valkey", &["/data"]),
    ("elasticsearch", &["/usr/share/elasticsearch/data"]),
    ("opensearch", &["/usr/share/opensearch/data"]),
    ("rabbitmq", &["/var/lib/rabbitmq"]),
    ("cassandra", &["/var/lib/cassandra"]),
    ("neo4j", &["/data"]),
    ("influxdb", &["/var/lib/influxdb", "/var/lib/influxdb2"]),
    ("clickhouse", &["/var/lib/clickhouse"]),
    ("couchdb", &["/opt/couchdb/data"]),
    ("mssql", &["/var/opt/mssql"]),
    ("etcd", &["/etcd-data", "/var/lib/etcd"]),
];

/// Words that make an image a tool around a datastore rather than the datastore itself.
const TOOLS: &[&str] = &[
    "exporter",
    "express",
    "commander",
    "insight",
    "ui",
    "gui",
    "admin",
    "dashboards",
    "backup",
    "operator",
    "proxy",
    "pgbouncer",
    "client",
    "cli",
];

fn engine(s: &ComposeService) -> Option<(&'static str, &'static [&'static str])> {
    let img = s.image.as_ref()?;
    let r = ImageRef::parse(&img.value);
    let words: Vec<String> = r.repository.split(['/', '-', '_', '.']).map(str::to_ascii_lowercase).collect();
    if words.iter().any(|w| TOOLS.contains(&w.as_str())) {
        return None;
    }
    // bitnami images keep data under /bitnami/<engine>
    let bitnami = r.repository.starts_with("bitnami/");
    let (name, dirs) = ENGINES.iter().find(|(e, _)| words.iter().any(|w| w == e)).copied()?;
    if bitnami {
        return Some((name, &["/bitnami"]));
    }
    Some((name, dirs))
}

/// Redis only needs its data when persistence is switched on (`--appendonly yes`, `--save …`
/// with a schedule); by default it is used as a cache here.
fn redis_persists(s: &ComposeService) -> bool {
    let cmd = s.command.as_ref().map(|c| c.value.as_str()).unwrap_or("");
    let appendonly = cmd.contains("--appendonly yes") || cmd.contains("appendonly yes");
    let save = cmd.split("--save").nth(1).is_some_and(|rest| {
        let v = rest.trim_start().trim_start_matches(['"', '\'']);
        v.chars().next().is_some_and(|c| c.is_ascii_digit())
    });
    appendonly || save
}

fn covers(target: &str, dir: &str) -> bool {
    let t = target.trim_end_matches('/');
    let d = dir.trim_end_matches('/');
    t == d || d.starts_with(&format!("{t}/")) || t.starts_with(&format!("{d}/"))
}

impl Rule for DatastoreNoVolume {
    fn id(&self) -> RuleId {
        RuleId::DC015
    }

    fn compose_service(&self, cx: &mut Cx, file: &ComposeFile, s: &ComposeService) -> Checked {
        if is_fragment(s) {
            return NA;
        }
        let Some((name, dirs)) = engine(s) else { return NA };
        if matches!(name, "redis" | "valkey") && !redis_persists(s) {
            return NA;
        }
        // PGDATA and friends may move the data directory.
        let custom: Vec<String> = ["PGDATA", "MYSQL_DATADIR"]
            .iter()
            .filter_map(|k| s.env(k).and_then(|e| e.value.as_ref()).map(|v| v.value.clone()))
            .collect();
        let mut wanted: Vec<String> = dirs.iter().map(|d| (*d).to_owned()).collect();
        wanted.extend(custom);
        let path = cx.path();
        let mut tmpfs = false;
        for (p, d) in merged_definitions(cx.project, path, file, s) {
            for m in &d.volumes {
                let Some(target) = m.target.as_deref() else { continue };
                if !wanted.iter().any(|w| covers(target, w)) {
                    continue;
                }
                match m.kind {
                    MountKind::Volume if m.source.is_some() => {
                        cx.evidence(
                            Some(Location::new(p.to_owned(), m.span)),
                            format!("service `{}` keeps its data on a named volume", s.name.value),
                        );
                        return CHECKED;
                    }
                    MountKind::Bind | MountKind::Other => {
                        cx.evidence(
                            Some(Location::new(p.to_owned(), m.span)),
                            format!("service `{}` keeps its data on a bind mount", s.name.value),
                        );
                        return CHECKED;
                    }
                    MountKind::Tmpfs => tmpfs = true,
                    MountKind::Volume => {} // anonymous: lost on `down`
                }
            }
        }
        if tmpfs {
            return CHECKED; // deliberately ephemeral (a test database)
        }
        let dir = wanted.first().cloned().unwrap_or_default();
        cx.report(
            s.name.span,
            format!("service `{}` ({name}) keeps its data in `{dir}` without a named volume or bind mount: `docker compose down`, or recreating the container on a new host, loses the database", s.name.value),
        )
        .by_env(Severity::High, Severity::Medium)
        .help(format!("mount a named volume on the data directory: `volumes: [\"{}-data:{dir}\"]` and declare it under the top-level `volumes:`", s.name.value));
        CHECKED
    }
}
