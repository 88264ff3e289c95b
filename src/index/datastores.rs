//! Databases, caches, queues and object stores the repository runs or connects to: engines from
//! compose/Kubernetes images, operator custom resources and Helm values, with persistence (a
//! volume on the engine's data directory) and replication/HA signals; managed services detected
//! from connection URLs and hosts in environment values (`*.rds.amazonaws.com`, `*.mongodb.net`,
//! Cloud SQL sockets…).

use crate::index::Project;
use crate::model::compose::{ComposeService, MountKind};
use crate::model::k8s::{K8sBody, PodVolumeSource};
use crate::model::{ArtifactData, ArtifactKind, Environment};
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Engine {
    Postgres,
    /// MySQL, MariaDB, Percona Server.
    Mysql,
    Mongodb,
    /// Redis, Valkey, KeyDB, Dragonfly.
    Redis,
    Memcached,
    /// Elasticsearch, OpenSearch.
    Elasticsearch,
    Rabbitmq,
    /// Kafka, Redpanda.
    Kafka,
    Nats,
    /// Cassandra, ScyllaDB.
    Cassandra,
    Clickhouse,
    Minio,
    Etcd,
    Zookeeper,
    Cockroachdb,
    Neo4j,
    Influxdb,
    Couchdb,
}

impl Engine {
    pub fn label(self) -> &'static str {
        match self {
            Engine::Postgres => "PostgreSQL",
            Engine::Mysql => "MySQL/MariaDB",
            Engine::Mongodb => "MongoDB",
            Engine::Redis => "Redis",
            Engine::Memcached => "Memcached",
            Engine::Elasticsearch => "Elasticsearch/OpenSearch",
            Engine::Rabbitmq => "RabbitMQ",
            Engine::Kafka => "Kafka",
            Engine::Nats => "NATS",
            Engine::Cassandra => "Cassandra",
            Engine::Clickhouse => "ClickHouse",
            Engine::Minio => "MinIO",
            Engine::Etcd => "etcd",
            Engine::Zookeeper => "ZooKeeper",
            Engine::Cockroachdb => "CockroachDB",
            Engine::Neo4j => "Neo4j",
            Engine::Influxdb => "InfluxDB",
            Engine::Couchdb => "CouchDB",
        }
    }

    /// Holds data worth backing up (caches like Memcached do not).
    pub fn is_stateful(self) -> bool {
        !matches!(self, Engine::Memcached)
    }

    /// Directories the official/Bitnami images keep data in.
    pub fn data_dirs(self) -> &'static [&'static str] {
        match self {
            Engine::Postgres => &["/var/lib/postgresql", "/bitnami/postgresql", "/home/postgres/pgdata"],
            Engine::Mysql => &["/var/lib/mysql", "/bitnami/mysql", "/bitnami/mariadb"],
            Engine::Mongodb => &["/data/db", "/bitnami/mongodb", "/data/configdb"],
            Engine::Redis => &["/data", "/bitnami/redis", "/var/lib/redis"],
            Engine::Memcached => &[],
            Engine::Elasticsearch => {
                &["/usr/share/elasticsearch/data", "/usr/share/opensearch/data", "/bitnami/elasticsearch"]
            }
            Engine::Rabbitmq => &["/var/lib/rabbitmq", "/bitnami/rabbitmq"],
            Engine::Kafka => &["/var/lib/kafka", "/bitnami/kafka", "/var/lib/redpanda", "/kafka"],
            Engine::Nats => &["/data", "/nats"],
            Engine::Cassandra => &["/var/lib/cassandra", "/var/lib/scylla", "/bitnami/cassandra"],
            Engine::Clickhouse => &["/var/lib/clickhouse"],
            Engine::Minio => &["/data", "/bitnami/minio", "/export"],
            Engine::Etcd => &["/etcd-data", "/var/lib/etcd", "/bitnami/etcd"],
            Engine::Zookeeper => &["/data", "/var/lib/zookeeper", "/bitnami/zookeeper"],
            Engine::Cockroachdb => &["/cockroach/cockroach-data"],
            Engine::Neo4j => &["/data"],
            Engine::Influxdb => &["/var/lib/influxdb", "/var/lib/influxdb2"],
            Engine::Couchdb => &["/opt/couchdb/data"],
        }
    }
}

/// Image names that are tools around a datastore, not the datastore.
fn is_companion(last: &str) -> bool {
    last.contains("exporter")
        || last.ends_with("-ui")
        || last.ends_with("-commander")
        || last.ends_with("-express")
        || last.ends_with("-operator")
        || last.ends_with("-proxy")
        || matches!(
            last,
            "adminer" | "pgadmin4" | "pgadmin" | "redisinsight" | "kafdrop" | "phpmyadmin" | "pgbouncer" | "mc"
        )
}

/// The engine an image runs (`postgres:16`, `bitnami/redis:7.2`, `docker.elastic.co/…/elasticsearch:8`).
pub fn engine_of_image(image: &str) -> Option<Engine> {
    let lower = image.to_ascii_lowercase();
    let no_digest = lower.split('@').next().unwrap_or(&lower);
    let mut parts: Vec<&str> = no_digest.split('/').collect();
    if parts.len() > 1 && parts.first().is_some_and(|p| p.contains('.') || p.contains(':') || *p == "localhost") {
        parts.remove(0);
    }
    let last_with_tag = parts.last().copied().unwrap_or("");
    let last = last_with_tag.split(':').next().unwrap_or(last_with_tag);
    if last.is_empty() || last.contains('$') || is_companion(last) {
        return None;
    }
    let starts = |p: &str| last.starts_with(p);
    Some(match last {
        "postgres" | "postgresql" | "postgis" | "timescaledb" | "timescaledb-ha" | "patroni" | "pgvector" => {
            Engine::Postgres
        }
        _ if starts("postgresql-") || starts("postgres-") || starts("spilo") || starts("crunchy-postgres") => {
            Engine::Postgres
        }
        "mysql" | "mariadb" | "mysql-server" | "percona-server" | "percona" | "percona-xtradb-cluster" => Engine::Mysql,
        _ if starts("mariadb-") || starts("mysql-") => Engine::Mysql,
        "mongo" | "mongodb" | "mongodb-community-server" | "mongodb-enterprise-server" | "percona-server-mongodb" => {
            Engine::Mongodb
        }
        "redis" | "redis-stack" | "redis-stack-server" | "valkey" | "keydb" | "dragonfly" | "redis-sentinel"
        | "redis-cluster" => Engine::Redis,
        "memcached" => Engine::Memcached,
        "elasticsearch" | "opensearch" => Engine::Elasticsearch,
        "rabbitmq" => Engine::Rabbitmq,
        "kafka" | "cp-kafka" | "cp-server" | "redpanda" => Engine::Kafka,
        "nats" | "nats-streaming" => Engine::Nats,
        "cassandra" | "scylla" => Engine::Cassandra,
        "clickhouse-server" | "clickhouse" => Engine::Clickhouse,
        "minio" => Engine::Minio,
        "etcd" => Engine::Etcd,
        "zookeeper" | "cp-zookeeper" => Engine::Zookeeper,
        "cockroach" => Engine::Cockroachdb,
        "neo4j" => Engine::Neo4j,
        "influxdb" => Engine::Influxdb,
        "couchdb" => Engine::Couchdb,
        _ => return None,
    })
}

/// Where a datastore was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatastoreSource {
    ComposeService,
    K8sWorkload,
    /// A custom resource of a database operator (CloudNativePG `Cluster`, `RedisFailover`, …).
    Operator,
    /// A chart dependency enabled in Helm values (`postgresql.enabled: true`).
    HelmValues,
    /// A managed service reached through a connection URL/host in the environment.
    Managed,
}

/// A piece of evidence with its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signal {
    pub what: String,
    pub span: Span,
}

/// A managed database/cache service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Managed {
    /// Provider product (`Amazon RDS`, `MongoDB Atlas`, `Upstash`).
    pub provider: &'static str,
    /// Host (credentials never included).
    pub host: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datastore {
    pub engine: Engine,
    /// Service/workload/resource name, or the env key for managed services.
    pub name: String,
    /// The declaring file.
    pub path: String,
    /// Service name / object anchor / env value.
    pub span: Span,
    pub env: Environment,
    pub source: DatastoreSource,
    pub image: Option<String>,
    /// A volume (or PVC / claim template) on the data directory.
    pub persistence: Option<Signal>,
    /// Replication / HA configuration.
    pub replication: Vec<Signal>,
    pub replicas: Option<i64>,
    pub managed: Option<Managed>,
}

impl Datastore {
    /// "service `mongo` (MongoDB) in `docker-compose.prod.yml`" for messages.
    pub fn label(&self) -> String {
        match self.source {
            DatastoreSource::ComposeService => {
                format!("service `{}` ({}) in `{}`", self.name, self.engine.label(), self.path)
            }
            DatastoreSource::K8sWorkload | DatastoreSource::Operator => {
                format!("`{}` ({}) in `{}`", self.name, self.engine.label(), self.path)
            }
            DatastoreSource::HelmValues => format!("{} chart dependency in `{}`", self.engine.label(), self.path),
            DatastoreSource::Managed => format!(
                "managed {} ({}) via `{}`",
                self.engine.label(),
                self.managed.as_ref().map_or("", |m| m.provider),
                self.name
            ),
        }
    }

    pub fn is_managed(&self) -> bool {
        self.managed.is_some()
    }

    /// Runs with a replication/HA configuration (or is a managed service).
    pub fn is_highly_available(&self) -> bool {
        self.is_managed() || !self.replication.is_empty()
    }
}

/// (host suffix or marker, provider, engine when the host alone says it).
const MANAGED_HOSTS: &[(&str, &str, Option<Engine>)] = &[
    (".rds.amazonaws.com", "Amazon RDS", None),
    (".cache.amazonaws.com", "Amazon ElastiCache", Some(Engine::Redis)),
    (".docdb.amazonaws.com", "Amazon DocumentDB", Some(Engine::Mongodb)),
    (".es.amazonaws.com", "Amazon OpenSearch Service", Some(Engine::Elasticsearch)),
    (".aoss.amazonaws.com", "Amazon OpenSearch Serverless", Some(Engine::Elasticsearch)),
    (".mq.", "Amazon MQ", Some(Engine::Rabbitmq)),
    (".kafka.", "Amazon MSK", Some(Engine::Kafka)),
    (".database.azure.com", "Azure Database", None),
    (".database.windows.net", "Azure SQL", None),
    (".redis.cache.windows.net", "Azure Cache for Redis", Some(Engine::Redis)),
    (".mongo.cosmos.azure.com", "Azure Cosmos DB", Some(Engine::Mongodb)),
    (".documents.azure.com", "Azure Cosmos DB", Some(Engine::Mongodb)),
    (".mongodb.net", "MongoDB Atlas", Some(Engine::Mongodb)),
    (".upstash.io", "Upstash", Some(Engine::Redis)),
    (".neon.tech", "Neon", Some(Engine::Postgres)),
    (".supabase.co", "Supabase", Some(Engine::Postgres)),
    (".supabase.com", "Supabase", Some(Engine::Postgres)),
    (".psdb.cloud", "PlanetScale", Some(Engine::Mysql)),
    (".planetscale.com", "PlanetScale", Some(Engine::Mysql)),
    (".cockroachlabs.cloud", "CockroachDB Cloud", Some(Engine::Cockroachdb)),
    (".redislabs.com", "Redis Cloud", Some(Engine::Redis)),
    (".redis-cloud.com", "Redis Cloud", Some(Engine::Redis)),
    (".aivencloud.com", "Aiven", None),
    (".cloud.es.io", "Elastic Cloud", Some(Engine::Elasticsearch)),
    (".elastic-cloud.com", "Elastic Cloud", Some(Engine::Elasticsearch)),
    (".cloudamqp.com", "CloudAMQP", Some(Engine::Rabbitmq)),
    (".confluent.cloud", "Confluent Cloud", Some(Engine::Kafka)),
    (".db.ondigitalocean.com", "DigitalOcean Managed Database", None),
    (".tsdb.cloud.timescale.com", "Timescale Cloud", Some(Engine::Postgres)),
    (".turso.io", "Turso", None),
    ("/cloudsql/", "Google Cloud SQL", None),
];

fn engine_of_scheme(url: &str) -> Option<Engine> {
    let scheme = url.split_once("://")?.0.to_ascii_lowercase();
    Some(match scheme.as_str() {
        "postgres" | "postgresql" | "postgresql+psycopg2" | "postgresql+asyncpg" => Engine::Postgres,
        "mysql" | "mysql2" | "mariadb" | "mysql+pymysql" => Engine::Mysql,
        "mongodb" | "mongodb+srv" => Engine::Mongodb,
        "redis" | "rediss" => Engine::Redis,
        "amqp" | "amqps" => Engine::Rabbitmq,
        "nats" => Engine::Nats,
        _ => return None,
    })
}

fn engine_of_key(key: &str) -> Option<Engine> {
    let k = key.to_ascii_uppercase();
    Some(if k.contains("REDIS") || k.contains("CACHE") {
        Engine::Redis
    } else if k.contains("MONGO") {
        Engine::Mongodb
    } else if k.contains("POSTGRES") || k.starts_with("PG") {
        Engine::Postgres
    } else if k.contains("MYSQL") || k.contains("MARIADB") {
        Engine::Mysql
    } else if k.contains("ELASTIC") || k.contains("OPENSEARCH") {
        Engine::Elasticsearch
    } else if k.contains("RABBIT") || k.contains("AMQP") {
        Engine::Rabbitmq
    } else if k.contains("KAFKA") {
        Engine::Kafka
    } else {
        return None;
    })
}

/// A managed datastore named by an env value (`DATABASE_URL=postgres://…@db.x.rds.amazonaws.com`).
pub fn managed_of(key: &str, value: &str) -> Option<(Engine, Managed)> {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    let lower = v.to_ascii_lowercase();
    let (marker, provider, engine) = MANAGED_HOSTS.iter().find(|(m, ..)| {
        if m.starts_with('/') {
            lower.contains(m)
        } else {
            lower.split(['@', '/', ',', '?', ' ']).any(|part| {
                let host = part.split(':').next().unwrap_or(part);
                host.ends_with(m) || (m.ends_with('.') && host.contains(m) && host.ends_with(".amazonaws.com"))
            })
        }
    })?;
    let engine = engine_of_scheme(v).or(*engine).or_else(|| engine_of_key(key))?;
    let host = if marker.starts_with('/') {
        "Cloud SQL socket".to_owned()
    } else {
        let after_at = v.rsplit_once('@').map_or(v, |(_, h)| h);
        let after_scheme = after_at.split_once("://").map_or(after_at, |(_, h)| h);
        after_scheme.split(['/', '?', ',']).next().unwrap_or("").split(':').next().unwrap_or("").to_owned()
    };
    Some((engine, Managed { provider, host }))
}

fn command_text(s: &ComposeService) -> String {
    let mut t = String::new();
    for c in [&s.command, &s.entrypoint].into_iter().flatten() {
        t.push_str(&c.value);
        t.push(' ');
    }
    t
}

/// Replication signals in a command line and env pairs.
fn ha_signals(engine: Engine, image: &str, command: &str, env: &[(&str, &str, Span)], at: Span) -> Vec<Signal> {
    let mut out = Vec::new();
    let img = image.to_ascii_lowercase();
    let cmd = command.to_ascii_lowercase();
    let mut add = |what: String, span: Span| out.push(Signal { what, span });
    match engine {
        Engine::Mongodb if cmd.contains("--replset") => add("`--replSet` replica set".into(), at),
        Engine::Redis if cmd.contains("--replicaof") || cmd.contains("--slaveof") => {
            add("`--replicaof` replica".into(), at)
        }
        Engine::Redis if cmd.contains("sentinel") || img.contains("sentinel") => add("Redis Sentinel".into(), at),
        Engine::Redis if cmd.contains("--cluster-enabled") => add("Redis Cluster mode".into(), at),
        Engine::Postgres if img.contains("repmgr") || img.contains("patroni") || img.contains("spilo") => {
            add(format!("replication-capable image `{image}`"), at)
        }
        Engine::Mysql if img.contains("galera") || img.contains("xtradb-cluster") => {
            add(format!("cluster image `{image}`"), at)
        }
        _ => {}
    }
    for (k, v, span) in env {
        let ku = k.to_ascii_uppercase();
        let vl = v.to_ascii_lowercase();
        let hit = match engine {
            Engine::Mongodb => ku.contains("REPLICA_SET") && !v.is_empty(),
            Engine::Redis => ku.contains("REPLICATION_MODE") || ku.contains("SENTINEL") && !vl.is_empty() && vl != "no",
            Engine::Postgres => {
                ku.contains("REPLICATION_MODE") || ku.starts_with("REPMGR_") || ku.starts_with("PATRONI_")
            }
            Engine::Mysql => ku.contains("REPLICATION_MODE") || ku.contains("GALERA"),
            Engine::Elasticsearch => {
                ku == "DISCOVERY.SEED_HOSTS" || ku == "CLUSTER.INITIAL_MASTER_NODES" && v.contains(',')
            }
            Engine::Kafka => ku.contains("CONTROLLER_QUORUM_VOTERS") && v.contains(','),
            _ => false,
        };
        if hit {
            add(format!("`{k}={v}`"), *span);
        }
    }
    out
}

fn compose_datastores(project: &Project, out: &mut Vec<Datastore>) {
    for (a, _, s) in project.compose_services() {
        let Some(img) = &s.image else { continue };
        let Some(engine) = engine_of_image(&img.value) else { continue };
        let persistence = s.volumes.iter().find_map(|v| {
            let t = v.target.as_deref()?;
            let on_data = engine
                .data_dirs()
                .iter()
                .any(|d| t == *d || t.starts_with(&format!("{d}/")) || d.starts_with(&format!("{t}/")));
            (on_data && v.kind != MountKind::Tmpfs).then(|| Signal {
                what: format!("volume `{}` on `{t}`", v.source.as_ref().map_or("(anonymous)", |s| s.value.as_str())),
                span: v.span,
            })
        });
        let env: Vec<(&str, &str, Span)> = s
            .environment
            .iter()
            .filter_map(|e| e.value.as_ref().map(|v| (e.key.value.as_str(), v.value.as_str(), v.span)))
            .collect();
        let at = s.command.as_ref().map_or(s.name.span, |c| c.span);
        let mut replication = ha_signals(engine, &img.value, &command_text(s), &env, at);
        if let Some(r) = s.replicas.as_ref().filter(|r| r.value > 1) {
            if !replication.is_empty() {
                replication.push(Signal { what: format!("`replicas: {}`", r.value), span: r.span });
            }
        }
        out.push(Datastore {
            engine,
            name: s.name.value.clone(),
            path: a.path().to_owned(),
            span: s.name.span,
            env: a.env.env,
            source: DatastoreSource::ComposeService,
            image: Some(img.value.clone()),
            persistence,
            replication,
            replicas: s.replicas.as_ref().map(|r| r.value),
            managed: None,
        });
    }
}

/// Custom resources of database operators: (apiVersion group fragment, kind, engine).
const OPERATOR_KINDS: &[(&str, &str, Engine)] = &[
    ("postgresql.cnpg.io", "Cluster", Engine::Postgres),
    ("acid.zalan.do", "postgresql", Engine::Postgres),
    ("postgres-operator.crunchydata.com", "PostgresCluster", Engine::Postgres),
    ("mongodbcommunity.mongodb.com", "MongoDBCommunity", Engine::Mongodb),
    ("psmdb.percona.com", "PerconaServerMongoDB", Engine::Mongodb),
    ("databases.spotahome.com", "RedisFailover", Engine::Redis),
    ("redis.redis.opstreelabs.in", "RedisCluster", Engine::Redis),
    ("redis.redis.opstreelabs.in", "RedisReplication", Engine::Redis),
    ("kafka.strimzi.io", "Kafka", Engine::Kafka),
    ("rabbitmq.com", "RabbitmqCluster", Engine::Rabbitmq),
    ("elasticsearch.k8s.elastic.co", "Elasticsearch", Engine::Elasticsearch),
    ("pxc.percona.com", "PerconaXtraDBCluster", Engine::Mysql),
    ("mysql.oracle.com", "InnoDBCluster", Engine::Mysql),
    ("k8s.mariadb.com", "MariaDB", Engine::Mysql),
];

fn k8s_datastores(project: &Project, out: &mut Vec<Datastore>) {
    for (a, k) in project.k8s_files() {
        for o in &k.objects {
            let name = o.name.as_ref().map_or("<unnamed>", |n| n.value.as_str()).to_owned();
            if let Some((_, _, engine)) =
                OPERATOR_KINDS.iter().find(|(g, kind, _)| o.api_version.value.contains(g) && o.kind.value == *kind)
            {
                let doc = k.yaml.documents.get(o.doc).map(|d| d.root());
                let spec = doc.and_then(|r| r.get("spec"));
                let count = spec.and_then(|s| {
                    ["instances", "members", "replicas", "numberOfInstances", "size"]
                        .iter()
                        .find_map(|key| s.get(key).and_then(|n| n.as_i64()))
                });
                out.push(Datastore {
                    engine: *engine,
                    name,
                    path: a.path().to_owned(),
                    span: o.anchor(),
                    env: a.env.env,
                    source: DatastoreSource::Operator,
                    image: None,
                    persistence: Some(Signal {
                        what: format!("operator-managed storage ({})", o.kind.value),
                        span: o.anchor(),
                    }),
                    replication: vec![Signal {
                        what: match count {
                            Some(n) => format!("operator-managed `{}` with {n} instances", o.kind.value),
                            None => format!("operator-managed `{}`", o.kind.value),
                        },
                        span: o.anchor(),
                    }],
                    replicas: count,
                    managed: None,
                });
                continue;
            }
            let K8sBody::Workload(w) = &o.body else { continue };
            for c in &w.pod.containers {
                let Some(img) = &c.image else { continue };
                let Some(engine) = engine_of_image(&img.value) else { continue };
                let doc = k.yaml.documents.get(o.doc).map(|d| d.root());
                let claim_templates = doc.and_then(|r| r.path(&["spec", "volumeClaimTemplates"])).is_some();
                let mut persistence = None;
                for (m, mount_path) in &c.volume_mounts {
                    let on_data = engine.data_dirs().iter().any(|d| {
                        mount_path == d
                            || mount_path.starts_with(&format!("{d}/"))
                            || d.starts_with(&format!("{mount_path}/"))
                    });
                    if !on_data {
                        continue;
                    }
                    let vol = w.pod.volumes.iter().find(|v| v.name.value == m.value);
                    let persistent = match vol.map(|v| &v.source) {
                        Some(PodVolumeSource::Pvc(_) | PodVolumeSource::HostPath(_)) => true,
                        Some(_) => false,
                        None => claim_templates,
                    };
                    if persistent {
                        persistence =
                            Some(Signal { what: format!("volume `{}` on `{mount_path}`", m.value), span: m.span });
                    }
                }
                let env: Vec<(&str, &str, Span)> = c
                    .env
                    .iter()
                    .filter_map(|e| e.value.as_ref().map(|v| (e.name.value.as_str(), v.value.as_str(), v.span)))
                    .collect();
                let cmd: String =
                    c.command.iter().chain(&c.args).map(|s| s.value.as_str()).collect::<Vec<_>>().join(" ");
                let at = c.name.as_ref().map_or(c.span, |n| n.span);
                let mut replication = ha_signals(engine, &img.value, &cmd, &env, at);
                if let Some(r) = w.replicas.as_ref().filter(|r| r.value > 1) {
                    if w.kind == crate::model::k8s::WorkloadKind::StatefulSet {
                        replication
                            .push(Signal { what: format!("StatefulSet with `replicas: {}`", r.value), span: r.span });
                    }
                }
                out.push(Datastore {
                    engine,
                    name: o.label(),
                    path: a.path().to_owned(),
                    span: o.anchor(),
                    env: a.env.env,
                    source: DatastoreSource::K8sWorkload,
                    image: Some(img.value.clone()),
                    persistence,
                    replication,
                    replicas: w.replicas.as_ref().map(|r| r.value),
                    managed: None,
                });
            }
        }
    }
}

/// Bitnami-style chart dependencies in Helm values: `postgresql: {enabled: true, architecture: replication}`.
fn helm_datastores(project: &Project, out: &mut Vec<Datastore>) {
    const KEYS: &[(&str, Engine)] = &[
        ("postgresql", Engine::Postgres),
        ("postgresql-ha", Engine::Postgres),
        ("mysql", Engine::Mysql),
        ("mariadb", Engine::Mysql),
        ("mongodb", Engine::Mongodb),
        ("redis", Engine::Redis),
        ("valkey", Engine::Redis),
        ("elasticsearch", Engine::Elasticsearch),
        ("rabbitmq", Engine::Rabbitmq),
        ("kafka", Engine::Kafka),
        ("minio", Engine::Minio),
    ];
    for a in project.audited().filter(|a| a.kind == ArtifactKind::HelmValues) {
        let ArtifactData::Yaml(y) = &a.data else { continue };
        let Some(root) = y.first() else { continue };
        for (key, engine) in KEYS {
            let Some(v) = root.get(key) else { continue };
            if v.get("enabled").and_then(|e| e.as_bool()) != Some(true) {
                continue;
            }
            let span = root.key_node(key).map_or(v.span(), |k| k.span());
            let mut replication = Vec::new();
            if let Some(arch) = v.get("architecture").and_then(|n| n.spanned_str()) {
                if matches!(arch.value.as_str(), "replication" | "replicaset" | "sharded") {
                    replication.push(Signal { what: format!("`architecture: {}`", arch.value), span: arch.span });
                }
            }
            if let Some(s) = v.path(&["sentinel", "enabled"]).filter(|s| s.as_bool() == Some(true)) {
                replication.push(Signal { what: "`sentinel.enabled: true`".into(), span: s.span() });
            }
            if key.ends_with("-ha") {
                replication.push(Signal { what: format!("`{key}` chart"), span });
            }
            let persistence = v
                .path(&["persistence", "enabled"])
                .map_or(Some(true), |p| p.as_bool())
                .filter(|p| *p)
                .map(|_| Signal { what: "chart persistence (PVC)".into(), span });
            out.push(Datastore {
                engine: *engine,
                name: (*key).to_owned(),
                path: a.path().to_owned(),
                span,
                env: a.env.env,
                source: DatastoreSource::HelmValues,
                image: None,
                persistence,
                replication,
                replicas: None,
                managed: None,
            });
        }
    }
}

fn managed_datastores(project: &Project, out: &mut Vec<Datastore>) {
    let mut found: Vec<(String, String, Span, Environment, Engine, Managed)> = Vec::new();
    let mut consider = |path: &str, key: &str, value: &str, span: Span, env: Environment| {
        if let Some((engine, m)) = managed_of(key, value) {
            found.push((path.to_owned(), key.to_owned(), span, env, engine, m));
        }
    };
    for (a, _, s) in project.compose_services() {
        for e in &s.environment {
            if let Some(v) = &e.value {
                consider(a.path(), &e.key.value, &v.value, v.span, a.env.env);
            }
        }
    }
    for (a, o) in project.k8s_objects() {
        if let K8sBody::Workload(w) = &o.body {
            for c in &w.pod.containers {
                for e in &c.env {
                    if let Some(v) = &e.value {
                        consider(a.path(), &e.name.value, &v.value, v.span, a.env.env);
                    }
                }
            }
        }
        if let K8sBody::ConfigMap(d) | K8sBody::Secret(d) = &o.body {
            if !d.string_data && matches!(o.body, K8sBody::Secret(_)) {
                continue; // base64: not read
            }
            for (k, v) in &d.entries {
                consider(a.path(), &k.value, &v.value, v.span, a.env.env);
            }
        }
    }
    for (a, e) in project.env_files() {
        for entry in &e.entries {
            consider(a.path(), &entry.key.value, &entry.value.value, entry.value.span, a.env.env);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for (path, key, span, env, engine, m) in found {
        if !seen.insert((engine, m.host.clone(), path.clone())) {
            continue;
        }
        out.push(Datastore {
            engine,
            name: key,
            path,
            span,
            env,
            source: DatastoreSource::Managed,
            image: None,
            persistence: Some(Signal { what: format!("managed by {}", m.provider), span }),
            replication: vec![Signal { what: format!("managed service {} (`{}`)", m.provider, m.host), span }],
            replicas: None,
            managed: Some(m),
        });
    }
}

/// Every datastore of the project, in file order.
pub fn build(project: &Project) -> Vec<Datastore> {
    let mut out = Vec::new();
    compose_datastores(project, &mut out);
    k8s_datastores(project, &mut out);
    helm_datastores(project, &mut out);
    managed_datastores(project, &mut out);
    out.sort_by(|a, b| (a.path.as_str(), a.span).cmp(&(b.path.as_str(), b.span)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_to_engines() {
        assert_eq!(engine_of_image("postgres:16-alpine"), Some(Engine::Postgres));
        assert_eq!(engine_of_image("bitnami/postgresql-repmgr:16"), Some(Engine::Postgres));
        assert_eq!(engine_of_image("docker.io/library/mongo:7"), Some(Engine::Mongodb));
        assert_eq!(engine_of_image("valkey/valkey:8"), Some(Engine::Redis));
        assert_eq!(
            engine_of_image("docker.elastic.co/elasticsearch/elasticsearch:8.13.0"),
            Some(Engine::Elasticsearch)
        );
        assert_eq!(engine_of_image("oliver006/redis_exporter"), None);
        assert_eq!(engine_of_image("percona/mongodb_exporter:0.40"), None);
        assert_eq!(engine_of_image("mongo-express"), None);
        assert_eq!(engine_of_image("redis@sha256:abc"), Some(Engine::Redis));
        assert_eq!(engine_of_image("ghcr.io/acme/api:1.0"), None);
        assert_eq!(engine_of_image("localhost:5000/redis:7"), Some(Engine::Redis));
    }

    #[test]
    fn compose_k8s_helm_and_managed_datastores() {
        let p = crate::index::project_from(&[
            (
                "docker-compose.prod.yml",
                "services:\n  mongodb:\n    image: mongo:7.0\n    command: [\"mongod\", \"--replSet\", \"rs0\"]\n    volumes:\n      - mongo-data:/data/db\n  redis:\n    image: redis:7.2-alpine\n  api:\n    image: ghcr.io/acme/api:1\n    environment:\n      DATABASE_URL: postgres://app:${PW}@prod.abc.eu-west-1.rds.amazonaws.com:5432/app\nvolumes:\n  mongo-data: {}\n",
            ),
            (
                "k8s/db.yaml",
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: pg\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: pg\n          image: postgres:16\n          volumeMounts:\n            - name: data\n              mountPath: /var/lib/postgresql/data\n  volumeClaimTemplates:\n    - metadata: {name: data}\n",
            ),
            ("charts/app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n"),
            ("charts/app/values.yaml", "redis:\n  enabled: true\n  architecture: replication\n"),
        ]);
        let d: Vec<(&str, Engine, bool, bool, bool)> = p
            .datastores()
            .iter()
            .map(|d| (d.name.as_str(), d.engine, d.persistence.is_some(), d.is_highly_available(), d.is_managed()))
            .collect();
        assert_eq!(
            d,
            vec![
                ("redis", Engine::Redis, true, true, false),
                ("mongodb", Engine::Mongodb, true, true, false),
                ("redis", Engine::Redis, false, false, false),
                ("DATABASE_URL", Engine::Postgres, true, true, true),
                ("StatefulSet/pg", Engine::Postgres, true, true, false),
            ]
        );
        let mongo = &p.datastores()[1];
        assert_eq!(mongo.span.start, crate::source::Pos::new(2, 3));
        assert_eq!(mongo.replication[0].what, "`--replSet` replica set");
    }

    #[test]
    fn managed_urls() {
        let m = managed_of("DATABASE_URL", "postgres://app:${PW}@prod.abc123.eu-west-1.rds.amazonaws.com:5432/app");
        assert_eq!(
            m.map(|(e, m)| (e, m.provider, m.host)),
            Some((Engine::Postgres, "Amazon RDS", "prod.abc123.eu-west-1.rds.amazonaws.com".into()))
        );
        let m = managed_of("MONGODB_URI", "mongodb+srv://u:p@cluster0.ab1cd.mongodb.net/app");
        assert_eq!(m.map(|(e, m)| (e, m.provider)), Some((Engine::Mongodb, "MongoDB Atlas")));
        let m = managed_of("REDIS_HOST", "master.cache-prod.abcd.euw1.cache.amazonaws.com");
        assert_eq!(m.map(|(e, _)| e), Some(Engine::Redis));
        let m = managed_of("DB_SOCKET", "/cloudsql/acme:europe-west1:prod");
        assert_eq!(m, None); // no engine known from key or URL
        let m = managed_of("POSTGRES_HOST", "/cloudsql/acme:europe-west1:prod");
        assert_eq!(m.map(|(e, m)| (e, m.provider)), Some((Engine::Postgres, "Google Cloud SQL")));
        assert_eq!(managed_of("DATABASE_URL", "postgres://db:5432/app"), None);
    }
}
