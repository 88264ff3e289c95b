//! docker-compose typed view over the YAML tree.

use super::yaml::{Node, YamlStream};
use super::yamlview::{command_line, keys, Reader};
use super::SchemaIssue;
use crate::model::compose::{
    ComposeBuild, ComposeFile, ComposeService, DependsOn, Healthcheck, Logging, MountKind, NamedDecl, PortMapping,
    Resources, VolumeMount,
};
use crate::source::Spanned;

pub fn from_yaml(yaml: YamlStream) -> (ComposeFile, Vec<SchemaIssue>) {
    let mut r = Reader::default();
    let mut file = ComposeFile {
        yaml: YamlStream::default(),
        name: None,
        services: Vec::new(),
        networks: Vec::new(),
        volumes: Vec::new(),
        secrets: Vec::new(),
        configs: Vec::new(),
        includes: Vec::new(),
        top_keys: Vec::new(),
    };
    if let Some(root) = yaml.first() {
        if let Some(root) = r.expect_map(root, "a compose file") {
            read(&mut r, root, &mut file);
        }
    }
    file.yaml = yaml;
    (file, r.issues)
}

fn read(r: &mut Reader, root: Node<'_>, file: &mut ComposeFile) {
    file.top_keys = keys(root);
    file.name = r.string(root, "name", "compose");
    if let Some(services) = root.get("services") {
        if let Some(services) = r.expect_map(services, "`services`") {
            for (k, v) in services.entries() {
                let Some(name) = k.spanned_str() else { continue };
                if v.is_null() {
                    file.services.push(empty_service(name, v));
                    continue;
                }
                if let Some(v) = r.expect_map(v, &format!("service `{}`", name.value)) {
                    file.services.push(service(r, name, v));
                }
            }
        }
    }
    file.networks = decls(r, root, "networks");
    file.volumes = decls(r, root, "volumes");
    file.secrets = decls(r, root, "secrets");
    file.configs = decls(r, root, "configs");
    if let Some(inc) = root.get("include") {
        for item in inc.items() {
            if let Some(s) = item.spanned_str() {
                file.includes.push(s);
            } else if item.is_map() {
                if let Some(p) = item.get("path") {
                    file.includes.extend(p.str_list());
                }
            }
        }
    }
}

fn decls(r: &mut Reader, root: Node<'_>, key: &str) -> Vec<NamedDecl> {
    let Some(v) = root.get(key) else { return Vec::new() };
    let Some(v) = r.expect_map(v, &format!("`{key}`")) else { return Vec::new() };
    v.entries()
        .into_iter()
        .filter_map(|(k, d)| {
            let name = k.spanned_str()?;
            let external = d.get("external").is_some_and(|e| e.as_bool().unwrap_or(e.is_map()));
            let internal = d.get("internal").and_then(|e| e.as_bool()).unwrap_or(false);
            let file = d.get("file").and_then(|f| f.spanned_str());
            Some(NamedDecl { name, external, file, internal })
        })
        .collect()
}

fn empty_service(name: Spanned<String>, v: Node<'_>) -> ComposeService {
    ComposeService {
        name,
        node: v.id(),
        image: None,
        build: None,
        container_name: None,
        command: None,
        entrypoint: None,
        environment: Vec::new(),
        env_files: Vec::new(),
        ports: Vec::new(),
        expose: Vec::new(),
        volumes: Vec::new(),
        networks: Vec::new(),
        network_mode: None,
        healthcheck: None,
        restart: None,
        deploy_restart: None,
        resources: Resources::default(),
        replicas: None,
        depends_on: Vec::new(),
        privileged: None,
        read_only: None,
        cap_add: Vec::new(),
        cap_drop: Vec::new(),
        security_opt: Vec::new(),
        user: None,
        logging: None,
        secrets: Vec::new(),
        configs: Vec::new(),
        profiles: Vec::new(),
        pid: None,
        ipc: None,
        extra_hosts: Vec::new(),
        extends: None,
        keys: Vec::new(),
    }
}

fn service(r: &mut Reader, name: Spanned<String>, v: Node<'_>) -> ComposeService {
    let ctx = format!("service `{}`", name.value);
    let ctx = ctx.as_str();
    let mut s = empty_service(name, v);
    s.keys = keys(v);
    s.image = r.string(v, "image", ctx);
    s.build = v.get("build").and_then(|b| build(r, b, ctx));
    s.container_name = r.string(v, "container_name", ctx);
    s.command = v.get("command").and_then(command_line);
    s.entrypoint = v.get("entrypoint").and_then(command_line);
    s.environment = r.env(v, "environment", ctx);
    if let Some(ef) = v.get("env_file") {
        if ef.is_seq() {
            for item in ef.items() {
                if let Some(p) = item.spanned_str() {
                    s.env_files.push(p);
                } else if let Some(p) = item.get("path").and_then(|p| p.spanned_str()) {
                    // long form; `required: false` files may be absent
                    let required = item.get("required").and_then(|x| x.as_bool()).unwrap_or(true);
                    if required {
                        s.env_files.push(p);
                    }
                }
            }
        } else if let Some(p) = ef.spanned_str() {
            s.env_files.push(p);
        }
    }
    if let Some(ports) = v.get("ports") {
        for p in ports.items() {
            if let Some(raw) = p.spanned_str() {
                s.ports.push(parse_port(raw));
            } else if p.is_map() {
                let target = p.get("target").and_then(|t| t.as_i64()).and_then(|t| u16::try_from(t).ok());
                let published = p.get("published").and_then(|x| x.as_str()).map(str::to_owned);
                let host_ip = p.get("host_ip").and_then(|x| x.as_str()).map(str::to_owned);
                let protocol = p.get("protocol").and_then(|x| x.as_str()).map(str::to_owned);
                let raw = Spanned::new(
                    format!(
                        "{}{}:{}",
                        host_ip.as_deref().map(|h| format!("{h}:")).unwrap_or_default(),
                        published.as_deref().unwrap_or(""),
                        target.map_or(String::new(), |t| t.to_string())
                    ),
                    p.span(),
                );
                s.ports.push(PortMapping { raw, host_ip, published, target, protocol });
            }
        }
    }
    s.expose = r.strings(v, "expose", ctx);
    if let Some(vols) = v.get("volumes") {
        for m in vols.items() {
            if let Some(raw) = m.spanned_str() {
                s.volumes.push(parse_volume(&raw));
            } else if m.is_map() {
                let kind = match m.get_str("type") {
                    Some("bind") => MountKind::Bind,
                    Some("volume") => MountKind::Volume,
                    Some("tmpfs") => MountKind::Tmpfs,
                    _ => MountKind::Other,
                };
                s.volumes.push(VolumeMount {
                    span: m.span(),
                    kind,
                    source: m.get("source").and_then(|x| x.spanned_str()),
                    target: m.get_str("target").map(str::to_owned),
                    read_only: m.get("read_only").and_then(|x| x.as_bool()).unwrap_or(false),
                });
            }
        }
    }
    s.networks = r.names(v, "networks", ctx);
    s.network_mode = r.string(v, "network_mode", ctx);
    if let Some(hc) = v.get("healthcheck") {
        let key_span = v.key_node("healthcheck").map_or(hc.span(), |k| k.span());
        let disabled = hc.get("disable").and_then(|d| d.as_bool()).unwrap_or(false);
        let test = hc.get("test").and_then(|t| {
            if t.is_seq() {
                let items: Vec<String> = t.items().iter().filter_map(|i| i.as_str().map(str::to_owned)).collect();
                let (first, rest) = items.split_first()?;
                let cmd = match first.as_str() {
                    "NONE" => return Some(Spanned::new("NONE".to_owned(), t.span())),
                    "CMD" | "CMD-SHELL" => rest.join(" "),
                    _ => items.join(" "),
                };
                Some(Spanned::new(cmd, t.span()))
            } else {
                t.spanned_str()
            }
        });
        let none = test.as_ref().is_some_and(|t| t.value == "NONE");
        s.healthcheck =
            Some(Healthcheck { span: key_span, test: test.filter(|t| t.value != "NONE"), disabled: disabled || none });
    }
    s.restart = r.string(v, "restart", ctx);
    if let Some(deploy) = v.get("deploy") {
        s.deploy_restart = deploy.path(&["restart_policy", "condition"]).and_then(|c| c.spanned_str()).or_else(|| {
            deploy.get("restart_policy").filter(|p| p.is_map()).map(|p| Spanned::new("any".to_owned(), p.span()))
        });
        s.replicas = r.integer(deploy, "replicas", ctx);
        if let Some(limits) = deploy.path(&["resources", "limits"]) {
            s.resources.memory_limit = r.string(limits, "memory", ctx);
            s.resources.cpu_limit = r.string(limits, "cpus", ctx);
        }
        if let Some(res) = deploy.path(&["resources", "reservations"]) {
            s.resources.memory_reservation = r.string(res, "memory", ctx);
        }
    }
    if s.resources.memory_limit.is_none() {
        s.resources.memory_limit = r.string(v, "mem_limit", ctx);
    }
    if s.resources.cpu_limit.is_none() {
        s.resources.cpu_limit = r.string(v, "cpus", ctx);
    }
    if let Some(dep) = v.get("depends_on") {
        if dep.is_map() {
            for (k, d) in dep.entries() {
                if let Some(service) = k.spanned_str() {
                    s.depends_on
                        .push(DependsOn { service, condition: d.get("condition").and_then(|c| c.spanned_str()) });
                }
            }
        } else {
            for d in r.strings(v, "depends_on", ctx) {
                s.depends_on.push(DependsOn { service: d, condition: None });
            }
        }
    }
    s.privileged = r.boolean(v, "privileged", ctx);
    s.read_only = r.boolean(v, "read_only", ctx);
    s.cap_add = r.strings(v, "cap_add", ctx);
    s.cap_drop = r.strings(v, "cap_drop", ctx);
    s.security_opt = r.strings(v, "security_opt", ctx);
    s.user = r.string(v, "user", ctx);
    if let Some(l) = v.get("logging") {
        let span = v.key_node("logging").map_or(l.span(), |k| k.span());
        let options = l
            .get("options")
            .map(|o| {
                o.entries().into_iter().filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.spanned_str()?))).collect()
            })
            .unwrap_or_default();
        s.logging = Some(Logging { span, driver: l.get("driver").and_then(|d| d.spanned_str()), options });
    }
    for (field, out) in [("secrets", &mut s.secrets), ("configs", &mut s.configs)] {
        if let Some(list) = v.get(field) {
            for item in list.items() {
                if let Some(n) = item.spanned_str() {
                    out.push(n);
                } else if let Some(n) = item.get("source").and_then(|x| x.spanned_str()) {
                    out.push(n);
                }
            }
        }
    }
    s.profiles = r.strings(v, "profiles", ctx);
    s.pid = r.string(v, "pid", ctx);
    s.ipc = r.string(v, "ipc", ctx);
    if let Some(eh) = v.get("extra_hosts") {
        if eh.is_map() {
            for (k, val) in eh.entries() {
                if let (Some(k), Some(val)) = (k.as_str(), val.as_str()) {
                    s.extra_hosts.push(Spanned::new(format!("{k}:{val}"), eh.span()));
                }
            }
        } else {
            s.extra_hosts = r.strings(v, "extra_hosts", ctx);
        }
    }
    if let Some(ext) = v.get("extends") {
        if let Some(svc) = ext.spanned_str() {
            s.extends = Some((None, svc));
        } else if let Some(svc) = ext.get("service").and_then(|x| x.spanned_str()) {
            s.extends = Some((ext.get("file").and_then(|f| f.spanned_str()), svc));
        }
    }
    s
}

fn build(r: &mut Reader, b: Node<'_>, ctx: &str) -> Option<ComposeBuild> {
    let span = b.span();
    if let Some(ctxdir) = b.spanned_str() {
        return Some(ComposeBuild {
            span,
            context: Some(ctxdir),
            dockerfile: None,
            inline: false,
            target: None,
            args: Vec::new(),
            additional_contexts: Vec::new(),
        });
    }
    let b = r.expect_map(b, &format!("{ctx}: `build`"))?;
    let additional_contexts = b
        .get("additional_contexts")
        .map(|m| {
            m.entries().into_iter().filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.spanned_str()?))).collect()
        })
        .unwrap_or_default();
    Some(ComposeBuild {
        span,
        context: r.string(b, "context", ctx),
        dockerfile: r.string(b, "dockerfile", ctx),
        inline: b.get("dockerfile_inline").is_some(),
        target: r.string(b, "target", ctx),
        args: r.env(b, "args", ctx),
        additional_contexts,
    })
}

/// `[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]` (IPv6 hosts in brackets).
pub fn parse_port(raw: Spanned<String>) -> PortMapping {
    let text = raw.value.trim().to_owned();
    let (body, protocol) = match text.rsplit_once('/') {
        Some((b, p)) => (b.to_owned(), Some(p.to_owned())),
        None => (text.clone(), None),
    };
    let (host_ip, rest) = if let Some(stripped) = body.strip_prefix('[') {
        match stripped.split_once("]:") {
            Some((ip, rest)) => (Some(ip.to_owned()), rest.to_owned()),
            None => (None, body.clone()),
        }
    } else {
        let parts: Vec<&str> = body.split(':').collect();
        if parts.len() == 3 {
            (parts.first().map(|s| (*s).to_owned()), parts.get(1..).map(|p| p.join(":")).unwrap_or_default())
        } else {
            (None, body.clone())
        }
    };
    let (published, target) = match rest.rsplit_once(':') {
        Some((p, t)) => (Some(p.to_owned()), t.to_owned()),
        None => (None, rest.clone()),
    };
    let target_first = target.split('-').next().unwrap_or("").parse::<u16>().ok();
    PortMapping {
        raw,
        host_ip: host_ip.filter(|h| !h.is_empty()),
        published: published.filter(|p| !p.is_empty()),
        target: target_first,
        protocol,
    }
}

/// `SOURCE:TARGET[:MODE]`, `TARGET` (anonymous volume).
pub fn parse_volume(raw: &Spanned<String>) -> VolumeMount {
    let text = raw.value.trim();
    let parts: Vec<&str> = text.splitn(3, ':').collect();
    let (source, target, mode) = match parts.as_slice() {
        [t] => (None, Some((*t).to_owned()), None),
        [s, t] => (Some(*s), Some((*t).to_owned()), None),
        [s, t, m] => (Some(*s), Some((*t).to_owned()), Some(*m)),
        _ => (None, None, None),
    };
    let kind = match source {
        None => MountKind::Volume,
        Some(s)
            if s.starts_with('.')
                || s.starts_with('/')
                || s.starts_with('~')
                || s.starts_with('$')
                || s.contains('/') =>
        {
            MountKind::Bind
        }
        Some(_) => MountKind::Volume,
    };
    VolumeMount {
        span: raw.span,
        kind,
        source: source.map(|s| Spanned::new(s.to_owned(), raw.span)),
        target,
        read_only: mode.is_some_and(|m| m.split(',').any(|x| x == "ro")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;
    use crate::source::Span;

    fn sp(s: &str) -> Spanned<String> {
        Spanned::new(s.to_owned(), Span::default())
    }

    #[test]
    fn ports() {
        let p = parse_port(sp("127.0.0.1:5432:5432"));
        assert_eq!(
            (p.host_ip.as_deref(), p.published.as_deref(), p.target),
            (Some("127.0.0.1"), Some("5432"), Some(5432))
        );
        let p = parse_port(sp("8080:80/tcp"));
        assert_eq!(
            (p.host_ip, p.published.as_deref(), p.target, p.protocol.as_deref()),
            (None, Some("8080"), Some(80), Some("tcp"))
        );
        let p = parse_port(sp("3000"));
        assert_eq!((p.published, p.target), (None, Some(3000)));
        let p = parse_port(sp("[::1]:6379:6379"));
        assert_eq!(p.host_ip.as_deref(), Some("::1"));
    }

    #[test]
    fn volumes() {
        let v = parse_volume(&sp("./data:/var/lib/x:ro"));
        assert_eq!((v.kind, v.read_only), (MountKind::Bind, true));
        let v = parse_volume(&sp("pgdata:/var/lib/postgresql/data"));
        assert_eq!(v.kind, MountKind::Volume);
        let v = parse_volume(&sp("/var/run/docker.sock:/var/run/docker.sock"));
        assert_eq!(v.kind, MountKind::Bind);
    }

    #[test]
    fn services_with_anchors() {
        let text = "x-common: &common\n  restart: unless-stopped\n  healthcheck:\n    test: [\"CMD\", \"curl\", \"-f\", \"http://localhost\"]\nservices:\n  api:\n    <<: *common\n    build:\n      context: ./apps/api\n    environment:\n      - NODE_ENV=production\n      - JWT_SECRET\n    ports: [\"4000:4000\"]\n    deploy:\n      resources:\n        limits: {memory: 512M}\n    depends_on:\n      db: {condition: service_healthy}\n  db:\n    image: postgres:16\n";
        let (c, issues) = from_yaml(yaml::parse(text));
        assert!(issues.is_empty(), "{issues:?}");
        let api = c.service("api").unwrap_or_else(|| unreachable!());
        assert_eq!(api.restart.as_ref().map(|r| r.value.as_str()), Some("unless-stopped"));
        assert_eq!(
            api.healthcheck.as_ref().and_then(|h| h.test.as_ref()).map(|t| t.value.as_str()),
            Some("curl -f http://localhost")
        );
        assert_eq!(api.environment.len(), 2);
        assert_eq!(
            api.environment.first().and_then(|e| e.value.as_ref()).map(|v| v.value.as_str()),
            Some("production")
        );
        assert_eq!(api.resources.memory_limit.as_ref().map(|m| m.value.as_str()), Some("512M"));
        assert_eq!(
            api.depends_on.first().and_then(|d| d.condition.as_ref()).map(|c| c.value.as_str()),
            Some("service_healthy")
        );
        assert_eq!(api.name.span.start.line, 6);
    }

    #[test]
    fn wrong_types_are_issues_not_losses() {
        let (c, issues) =
            from_yaml(yaml::parse("services:\n  a:\n    image: [1]\n    privileged: maybe\n  b:\n    image: x\n"));
        assert_eq!(c.services.len(), 2);
        assert_eq!(issues.len(), 2);
    }
}
