//! DC017: compose keys the Compose Specification does not know, and values of the wrong shape.

use crate::finding::Severity;
use crate::model::ComposeFile;
use crate::parse::yaml::{Node, ScalarStyle};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct Schema;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A string (numbers allowed: compose accepts them for these fields).
    Scalar,
    /// A string that must not be written as a bare number (`user: 1000`).
    Text,
    /// A boolean, or a string spelling one (or a `${VAR}`).
    Bool,
    List,
    ScalarOrList,
    ListOrMap,
    Map,
    ScalarOrMap,
    /// A mapping or null (`deploy:`, `develop:`).
    MapOrNull,
    Any,
}

use Shape::{Any, Bool, List, ListOrMap, Map, MapOrNull, Scalar, ScalarOrList, ScalarOrMap, Text};

const TOP: &[(&str, Shape)] = &[
    ("version", Scalar),
    ("name", Scalar),
    ("include", List),
    ("services", Map),
    ("networks", Map),
    ("volumes", Map),
    ("secrets", Map),
    ("configs", Map),
    ("models", Map),
];

const SERVICE: &[(&str, Shape)] = &[
    ("annotations", ListOrMap),
    ("attach", Bool),
    ("blkio_config", Map),
    ("build", ScalarOrMap),
    ("cap_add", List),
    ("cap_drop", List),
    ("cgroup", Scalar),
    ("cgroup_parent", Scalar),
    ("command", ScalarOrList),
    ("configs", List),
    ("container_name", Scalar),
    ("cpu_count", Scalar),
    ("cpu_percent", Scalar),
    ("cpu_period", Scalar),
    ("cpu_quota", Scalar),
    ("cpu_rt_period", Scalar),
    ("cpu_rt_runtime", Scalar),
    ("cpu_shares", Scalar),
    ("cpus", Scalar),
    ("cpuset", Scalar),
    ("credential_spec", Map),
    ("depends_on", ListOrMap),
    ("deploy", MapOrNull),
    ("develop", MapOrNull),
    ("device_cgroup_rules", List),
    ("devices", List),
    ("dns", ScalarOrList),
    ("dns_opt", List),
    ("dns_search", ScalarOrList),
    ("domainname", Scalar),
    ("entrypoint", ScalarOrList),
    ("env_file", ScalarOrList),
    ("environment", ListOrMap),
    ("expose", List),
    ("extends", ScalarOrMap),
    ("external_links", List),
    ("extra_hosts", ListOrMap),
    ("gpus", Any),
    ("group_add", List),
    ("healthcheck", Map),
    ("hostname", Scalar),
    ("image", Scalar),
    ("init", Bool),
    ("ipc", Scalar),
    ("isolation", Scalar),
    ("label_file", ScalarOrList),
    ("labels", ListOrMap),
    ("links", List),
    ("logging", Map),
    ("mac_address", Scalar),
    ("mem_limit", Scalar),
    ("mem_reservation", Scalar),
    ("mem_swappiness", Scalar),
    ("memswap_limit", Scalar),
    ("models", ListOrMap),
    ("network_mode", Scalar),
    ("networks", ListOrMap),
    ("oom_kill_disable", Bool),
    ("oom_score_adj", Scalar),
    ("pid", Scalar),
    ("pids_limit", Scalar),
    ("platform", Scalar),
    ("ports", List),
    ("post_start", List),
    ("pre_stop", List),
    ("privileged", Bool),
    ("profiles", List),
    ("provider", Map),
    ("pull_policy", Scalar),
    ("pull_refresh_after", Scalar),
    ("read_only", Bool),
    ("restart", Scalar),
    ("runtime", Scalar),
    ("scale", Scalar),
    ("secrets", List),
    ("security_opt", List),
    ("shm_size", Scalar),
    ("stdin_open", Bool),
    ("stop_grace_period", Scalar),
    ("stop_signal", Scalar),
    ("storage_opt", Map),
    ("sysctls", ListOrMap),
    ("tmpfs", ScalarOrList),
    ("tty", Bool),
    ("ulimits", Map),
    ("use_api_socket", Bool),
    ("user", Text),
    ("userns_mode", Scalar),
    ("uts", Scalar),
    ("volumes", List),
    ("volumes_from", List),
    ("working_dir", Scalar),
];

const BUILD: &[(&str, Shape)] = &[
    ("context", Scalar),
    ("dockerfile", Scalar),
    ("dockerfile_inline", Scalar),
    ("entitlements", List),
    ("args", ListOrMap),
    ("ssh", ListOrMap),
    ("labels", ListOrMap),
    ("cache_from", List),
    ("cache_to", List),
    ("no_cache", Bool),
    ("additional_contexts", ListOrMap),
    ("network", Scalar),
    ("provenance", Any),
    ("sbom", Any),
    ("pull", Bool),
    ("target", Scalar),
    ("shm_size", Scalar),
    ("extra_hosts", ListOrMap),
    ("isolation", Scalar),
    ("privileged", Bool),
    ("secrets", List),
    ("tags", List),
    ("ulimits", Map),
    ("platforms", List),
];

const HEALTHCHECK: &[(&str, Shape)] = &[
    ("disable", Bool),
    ("interval", Scalar),
    ("retries", Scalar),
    ("test", ScalarOrList),
    ("timeout", Scalar),
    ("start_period", Scalar),
    ("start_interval", Scalar),
];

const DEPLOY: &[(&str, Shape)] = &[
    ("mode", Scalar),
    ("endpoint_mode", Scalar),
    ("replicas", Scalar),
    ("labels", ListOrMap),
    ("rollback_config", Map),
    ("update_config", Map),
    ("resources", Map),
    ("restart_policy", Map),
    ("placement", Map),
];

const LOGGING: &[(&str, Shape)] = &[("driver", Scalar), ("options", MapOrNull)];

const DEPENDS_ON: &[(&str, Shape)] = &[("condition", Scalar), ("restart", Bool), ("required", Bool)];

const NETWORK: &[(&str, Shape)] = &[
    ("name", Scalar),
    ("driver", Scalar),
    ("driver_opts", Map),
    ("ipam", Map),
    ("external", Any),
    ("internal", Bool),
    ("enable_ipv4", Bool),
    ("enable_ipv6", Bool),
    ("attachable", Bool),
    ("labels", ListOrMap),
];

const VOLUME: &[(&str, Shape)] =
    &[("name", Scalar), ("driver", Scalar), ("driver_opts", Map), ("external", Any), ("labels", ListOrMap)];

const SECRET: &[(&str, Shape)] = &[
    ("name", Scalar),
    ("environment", Scalar),
    ("file", Scalar),
    ("external", Any),
    ("labels", ListOrMap),
    ("driver", Scalar),
    ("driver_opts", Map),
    ("template_driver", Scalar),
];

const CONFIG: &[(&str, Shape)] = &[
    ("name", Scalar),
    ("content", Scalar),
    ("environment", Scalar),
    ("file", Scalar),
    ("external", Any),
    ("labels", ListOrMap),
    ("template_driver", Scalar),
];

const CONDITIONS: &[&str] = &["service_started", "service_healthy", "service_completed_successfully"];

fn is_bool_text(s: &str) -> bool {
    matches!(s.to_ascii_lowercase().as_str(), "true" | "false" | "yes" | "no" | "y" | "n" | "on" | "off")
        || s.contains('$')
}

fn shape_name(n: Node<'_>) -> &'static str {
    if n.is_map() {
        "a mapping"
    } else if n.is_seq() {
        "a list"
    } else {
        "a scalar"
    }
}

/// `None` when `v` has the shape, else what it should be.
fn mismatch(v: Node<'_>, shape: Shape) -> Option<&'static str> {
    let (map, seq, scalar) = (v.is_map(), v.is_seq(), v.is_scalar());
    let ok = match shape {
        Any => true,
        Scalar => scalar,
        Text => scalar && !(v.style() == Some(ScalarStyle::Plain) && v.as_i64().is_some()),
        Bool => scalar && (v.as_bool().is_some() || v.as_str().is_some_and(is_bool_text)),
        List => seq,
        ScalarOrList => scalar || seq,
        ListOrMap => seq || map,
        Map => map,
        ScalarOrMap => scalar || map,
        MapOrNull => map || v.is_null(),
    };
    if ok || v.is_null() {
        return None;
    }
    Some(match shape {
        Scalar => "a string",
        Text => "a string (quote the number)",
        Bool => "a boolean (`true`/`false`)",
        List => "a list",
        ScalarOrList => "a string or a list",
        ListOrMap => "a list or a mapping",
        Map | MapOrNull => "a mapping",
        ScalarOrMap => "a string or a mapping",
        Any => "",
    })
}

struct Checker<'c, 'p> {
    cx: &'c mut Cx<'p>,
}

impl Checker<'_, '_> {
    fn report(&mut self, n: Node<'_>, message: String, help: &str) {
        self.cx.report(n.span(), message).by_env(Severity::Blocker, Severity::High).help(help.to_owned());
    }

    /// Check the keys of mapping `m` (at `ctx`) against `table`; return the known entries.
    fn keys<'a>(
        &mut self,
        m: Node<'a>,
        ctx: &str,
        table: &[(&'static str, Shape)],
        extensions: bool,
    ) -> Vec<(&'static str, Node<'a>)> {
        let mut out = Vec::new();
        for (k, v) in m.entries() {
            let Some(key) = k.as_str() else { continue };
            if extensions && key.starts_with("x-") {
                continue;
            }
            let Some((name, shape)) = table.iter().find(|(n, _)| *n == key) else {
                let close = table.iter().map(|(n, _)| *n).find(|n| similar(n, key));
                let hint = close.map_or(String::new(), |c| format!(" (did you mean `{c}`?)"));
                self.report(
                    k,
                    format!("{ctx}: unknown key `{key}`{hint}: compose refuses the file"),
                    "remove the key or fix its spelling (extension fields must start with `x-`)",
                );
                continue;
            };
            if let Some(want) = mismatch(v, *shape) {
                let found = match (shape, v.as_str()) {
                    (Bool | Text, Some(text)) => format!("`{text}`"),
                    _ => shape_name(v).to_owned(),
                };
                self.report(
                    v,
                    format!("{ctx}: `{key}` should be {want}, found {found}: compose refuses the file"),
                    "write the value in the shape the Compose Specification expects",
                );
                continue;
            }
            out.push((*name, v));
        }
        out
    }
}

/// One edit away (a typo such as `enviroment`, `restrat`, `healtcheck`).
fn similar(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 || a == b {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a.get(i) == b.get(j) {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        if a.len() > b.len() {
            i += 1;
        } else if b.len() > a.len() {
            j += 1;
        } else if a.get(i + 1) == b.get(j) && a.get(i) == b.get(j + 1) {
            i += 2;
            j += 2;
        } else {
            i += 1;
            j += 1;
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

fn valid_container_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars().count() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

impl Rule for Schema {
    fn id(&self) -> RuleId {
        RuleId::DC017
    }

    fn compose_file(&self, cx: &mut Cx, file: &ComposeFile) -> Checked {
        let Some(root) = file.yaml.first() else { return NA };
        if !root.is_map() {
            return NA; // an empty or non-mapping document is PARSE001's
        }
        let mut ck = Checker { cx };
        for (key, v) in ck.keys(root, "top level", TOP, true) {
            let (table, what): (&[(&str, Shape)], &str) = match key {
                "networks" => (NETWORK, "network"),
                "volumes" => (VOLUME, "volume"),
                "secrets" => (SECRET, "secret"),
                "configs" => (CONFIG, "config"),
                _ => continue,
            };
            for (name, def) in v.entries() {
                let Some(name) = name.as_str() else { continue };
                if def.is_null() {
                    continue;
                }
                if !def.is_map() {
                    ck.report(
                        def,
                        format!(
                            "{what} `{name}`: the definition should be a mapping, found {}: compose refuses the file",
                            shape_name(def)
                        ),
                        "write the definition as a mapping (or leave it empty)",
                    );
                    continue;
                }
                ck.keys(def, &format!("{what} `{name}`"), table, true);
            }
        }
        let Some(services) = root.get("services").filter(|s| s.is_map()) else { return CHECKED };
        for (k, svc) in services.entries() {
            let Some(name) = k.as_str() else { continue };
            if name.starts_with("x-") {
                continue;
            }
            if svc.is_null() {
                continue;
            }
            if !svc.is_map() {
                ck.report(
                    svc,
                    format!(
                        "service `{name}` should be a mapping, found {}: compose refuses the file",
                        shape_name(svc)
                    ),
                    "write the service as a mapping of keys",
                );
                continue;
            }
            let ctx = format!("service `{name}`");
            for (key, v) in ck.keys(svc, &ctx, SERVICE, true) {
                let sub = format!("{ctx} `{key}`");
                match key {
                    "build" if v.is_map() => {
                        ck.keys(v, &sub, BUILD, true);
                    }
                    "healthcheck" => {
                        ck.keys(v, &sub, HEALTHCHECK, true);
                    }
                    "deploy" if v.is_map() => {
                        ck.keys(v, &sub, DEPLOY, true);
                    }
                    "logging" => {
                        ck.keys(v, &sub, LOGGING, true);
                    }
                    "depends_on" if v.is_map() => {
                        for (dep, spec) in v.entries() {
                            let dep = dep.as_str().unwrap_or("");
                            if !spec.is_map() {
                                ck.report(spec, format!("{ctx}: `depends_on.{dep}` should be a mapping with `condition:`, found {}: compose refuses the file", shape_name(spec)), "write `depends_on: { db: { condition: service_healthy } }`, or use the list form");
                                continue;
                            }
                            for (ckey, cv) in ck.keys(spec, &format!("{ctx} `depends_on.{dep}`"), DEPENDS_ON, true) {
                                if ckey == "condition" {
                                    if let Some(c) = cv.as_str().filter(|c| !CONDITIONS.contains(c) && !c.contains('$'))
                                    {
                                        ck.report(cv, format!("{ctx}: `depends_on.{dep}.condition` is `{c}`, not one of `service_started`, `service_healthy`, `service_completed_successfully`: compose refuses the file"), "use one of the three conditions");
                                    }
                                }
                            }
                        }
                    }
                    "container_name" => {
                        if let Some(n) = v.as_str().filter(|n| !n.contains('$') && !valid_container_name(n)) {
                            ck.report(v, format!("{ctx}: `container_name: {n}` is not a valid container name (letters, digits, `_`, `.`, `-`, starting with a letter or digit): docker refuses to create it"), "use a name like `acme-api`");
                        }
                    }
                    _ => {}
                }
            }
        }
        CHECKED
    }
}

#[cfg(test)]
mod tests {
    use super::{similar, valid_container_name};

    #[test]
    fn typos() {
        assert!(similar("environment", "enviroment"));
        assert!(similar("restart", "restrat"));
        assert!(similar("healthcheck", "healtcheck"));
        assert!(!similar("image", "ports"));
        assert!(valid_container_name("acme-api_1.0"));
        assert!(!valid_container_name("acme api"));
        assert!(!valid_container_name("-x"));
    }
}
