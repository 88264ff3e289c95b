//! Kubernetes typed view: one object per YAML document (`List` items expanded).

use super::yaml::{Node, YamlStream};
use super::yamlview::{labels, Reader};
use super::SchemaIssue;
use crate::model::k8s::{
    Container, ContainerPort, DataMap, EnvFromSource, Hpa, Ingress, IngressBackend, K8sBody, K8sEnv, K8sFile,
    K8sObject, K8sService, NetworkPolicy, Pdb, PodSpec, PodVolume, PodVolumeSource, Probe, ProbeAction, Resources,
    ScaleTarget, SecurityContext, SelectorExpr, ServicePort, ValueFrom, Workload, WorkloadKind,
};
use crate::source::{Span, Spanned};

pub fn from_yaml(yaml: YamlStream) -> (K8sFile, Vec<SchemaIssue>) {
    let mut r = Reader::default();
    let mut objects = Vec::new();
    for (i, d) in yaml.documents.iter().enumerate() {
        let root = d.root();
        if root.is_null() {
            continue;
        }
        if !root.is_map() {
            r.issue(
                root,
                format!("document {} should be a Kubernetes object (a mapping), found a {}", i + 1, root.type_name()),
            );
            continue;
        }
        if root.get_str("kind").is_some_and(|k| k.ends_with("List")) {
            for item in root.get("items").map(|x| x.items()).unwrap_or_default() {
                if let Some(o) = object(&mut r, i, item) {
                    objects.push(o);
                }
            }
            continue;
        }
        if let Some(o) = object(&mut r, i, root) {
            objects.push(o);
        }
    }
    (K8sFile { yaml, objects }, r.issues)
}

fn object(r: &mut Reader, doc: usize, root: Node<'_>) -> Option<K8sObject> {
    let api_version = root.get("apiVersion").and_then(|n| n.spanned_str());
    let kind = root.get("kind").and_then(|n| n.spanned_str());
    let (Some(api_version), Some(kind)) = (api_version, kind) else {
        r.issue(root, "Kubernetes object without `apiVersion` and `kind`");
        return None;
    };
    let meta = root.get("metadata");
    let name = meta.and_then(|m| m.get("name")).and_then(|n| n.spanned_str());
    let namespace = meta.and_then(|m| m.get("namespace")).and_then(|n| n.spanned_str());
    let obj_labels = labels(meta.and_then(|m| m.get("labels")));
    let spec = root.get("spec");
    let ctx = format!("{}/{}", kind.value, name.as_ref().map_or("<unnamed>", |n| n.value.as_str()));
    let body = match WorkloadKind::parse(&kind.value) {
        Some(wk) => K8sBody::Workload(Box::new(workload(r, wk, root, spec, &ctx))),
        None => match kind.value.as_str() {
            "Service" => K8sBody::Service(service(spec)),
            "Ingress" => K8sBody::Ingress(ingress(spec)),
            "HorizontalPodAutoscaler" => K8sBody::Hpa(hpa(r, spec, &ctx)),
            "PodDisruptionBudget" => K8sBody::Pdb(Pdb {
                selector: selector(spec.and_then(|s| s.get("selector"))),
                expressions: expressions(spec.and_then(|s| s.get("selector"))),
                has_policy: spec.is_some_and(|s| s.get("minAvailable").is_some() || s.get("maxUnavailable").is_some()),
            }),
            "NetworkPolicy" => K8sBody::NetworkPolicy(NetworkPolicy {
                pod_selector: selector(spec.and_then(|s| s.get("podSelector"))),
                expressions: expressions(spec.and_then(|s| s.get("podSelector"))),
            }),
            "ConfigMap" => K8sBody::ConfigMap(data_map(root)),
            "Secret" => K8sBody::Secret(data_map(root)),
            "Namespace" => K8sBody::Namespace,
            _ => K8sBody::Other,
        },
    };
    Some(K8sObject {
        doc,
        span: root.span(),
        api_version,
        kind,
        name,
        namespace,
        labels: obj_labels,
        body,
        node: root.id(),
        patch: false,
    })
}

fn selector(sel: Option<Node<'_>>) -> Option<(Span, Vec<(String, String)>)> {
    let sel = sel?;
    let ml = sel.get("matchLabels");
    let mut l = labels(ml);
    if l.is_empty() && ml.is_none() && sel.get("matchExpressions").is_none() {
        // Service selectors and NetworkPolicy podSelector `{}` are plain maps.
        l = labels(Some(sel));
    }
    Some((sel.span(), l))
}

/// `matchExpressions` of a label selector.
fn expressions(sel: Option<Node<'_>>) -> Vec<SelectorExpr> {
    sel.and_then(|s| s.get("matchExpressions"))
        .map(|m| m.items())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| {
            Some(SelectorExpr {
                key: e.get_str("key")?.to_owned(),
                op: e.get_str("operator")?.to_owned(),
                values: e
                    .get("values")
                    .map(|v| v.str_list().into_iter().map(|s| s.value).collect())
                    .unwrap_or_default(),
            })
        })
        .collect()
}

fn workload(r: &mut Reader, kind: WorkloadKind, root: Node<'_>, spec: Option<Node<'_>>, ctx: &str) -> Workload {
    let (template, replicas, sel, selector_expressions) = match kind {
        WorkloadKind::Pod => (Some(root), None, None, Vec::new()),
        WorkloadKind::CronJob => {
            (spec.and_then(|s| s.path(&["jobTemplate", "spec", "template"])), None, None, Vec::new())
        }
        WorkloadKind::Job => (spec.and_then(|s| s.get("template")), None, None, Vec::new()),
        _ => (
            spec.and_then(|s| s.get("template")),
            spec.and_then(|s| r.integer(s, "replicas", ctx)),
            selector(spec.and_then(|s| s.get("selector"))),
            expressions(spec.and_then(|s| s.get("selector"))),
        ),
    };
    let pod_labels = labels(template.and_then(|t| t.path(&["metadata", "labels"])));
    let pod_spec = template.and_then(|t| t.get("spec"));
    let pod = pod_spec.map(|p| pod(r, p, ctx)).unwrap_or_default();
    let service_name = match kind {
        WorkloadKind::StatefulSet => spec.and_then(|s| s.get("serviceName")).and_then(|n| n.spanned_str()),
        _ => None,
    };
    Workload { kind, replicas, selector: sel, selector_expressions, pod_labels, pod, service_name }
}

fn pod(r: &mut Reader, p: Node<'_>, ctx: &str) -> PodSpec {
    let mut pod = PodSpec { span: p.span(), ..PodSpec::default() };
    for c in p.get("containers").map(|c| c.items()).unwrap_or_default() {
        pod.containers.push(container(r, c, false, ctx));
    }
    for c in p.get("initContainers").map(|c| c.items()).unwrap_or_default() {
        pod.init_containers.push(container(r, c, true, ctx));
    }
    pod.host_network = r.boolean(p, "hostNetwork", ctx);
    pod.host_pid = r.boolean(p, "hostPID", ctx);
    pod.host_ipc = r.boolean(p, "hostIPC", ctx);
    pod.security_context = security_context(r, p.get("securityContext"), ctx);
    pod.service_account = r.string(p, "serviceAccountName", ctx).or_else(|| r.string(p, "serviceAccount", ctx));
    pod.automount_service_account_token = r.boolean(p, "automountServiceAccountToken", ctx);
    for v in p.get("volumes").map(|v| v.items()).unwrap_or_default() {
        let Some(name) = v.get("name").and_then(|n| n.spanned_str()) else { continue };
        let str_at = |path: &[&str]| v.path(path).and_then(|n| n.spanned_str());
        let source = if let Some(n) = str_at(&["configMap", "name"]) {
            PodVolumeSource::ConfigMap(n)
        } else if let Some(n) = str_at(&["secret", "secretName"]) {
            PodVolumeSource::Secret(n)
        } else if let Some(n) = str_at(&["persistentVolumeClaim", "claimName"]) {
            PodVolumeSource::Pvc(n)
        } else if let Some(n) = str_at(&["hostPath", "path"]) {
            PodVolumeSource::HostPath(n)
        } else if v.get("emptyDir").is_some() {
            PodVolumeSource::EmptyDir
        } else {
            PodVolumeSource::Other
        };
        pod.volumes.push(PodVolume { name, source });
    }
    for s in p.get("imagePullSecrets").map(|v| v.items()).unwrap_or_default() {
        if let Some(n) = s.get("name").and_then(|n| n.spanned_str()) {
            pod.image_pull_secrets.push(n);
        }
    }
    pod
}

fn security_context(r: &mut Reader, sc: Option<Node<'_>>, ctx: &str) -> SecurityContext {
    let Some(sc) = sc else { return SecurityContext::default() };
    let caps = sc.get("capabilities");
    SecurityContext {
        span: Some(sc.span()),
        privileged: r.boolean(sc, "privileged", ctx),
        allow_privilege_escalation: r.boolean(sc, "allowPrivilegeEscalation", ctx),
        read_only_root_filesystem: r.boolean(sc, "readOnlyRootFilesystem", ctx),
        run_as_non_root: r.boolean(sc, "runAsNonRoot", ctx),
        run_as_user: r.integer(sc, "runAsUser", ctx),
        run_as_group: r.integer(sc, "runAsGroup", ctx),
        capabilities_add: caps.map(|c| r.strings(c, "add", ctx)).unwrap_or_default(),
        capabilities_drop: caps.map(|c| r.strings(c, "drop", ctx)).unwrap_or_default(),
        seccomp_profile: sc.path(&["seccompProfile", "type"]).and_then(|t| t.spanned_str()),
    }
}

fn probe(c: Node<'_>, key: &str) -> Option<Probe> {
    let p = c.get(key)?;
    let span = c.key_node(key).map_or(p.span(), |k| k.span());
    let port = |n: Option<Node<'_>>| n.and_then(|n| n.get("port")).and_then(|p| p.spanned_str());
    let action = if let Some(h) = p.get("httpGet") {
        ProbeAction::Http { path: h.get("path").and_then(|x| x.spanned_str()), port: port(Some(h)) }
    } else if let Some(t) = p.get("tcpSocket") {
        ProbeAction::Tcp { port: port(Some(t)) }
    } else if let Some(e) = p.get("exec") {
        match e.get("command").and_then(super::yamlview::command_line) {
            Some(command) => ProbeAction::Exec { command },
            None => ProbeAction::Unknown,
        }
    } else if let Some(g) = p.get("grpc") {
        ProbeAction::Grpc { port: port(Some(g)) }
    } else {
        ProbeAction::Unknown
    };
    Some(Probe { span, action })
}

fn container(r: &mut Reader, c: Node<'_>, is_init: bool, ctx: &str) -> Container {
    let name = c.get("name").and_then(|n| n.spanned_str());
    let cctx = format!("{ctx} container `{}`", name.as_ref().map_or("?", |n| n.value.as_str()));
    let cctx = cctx.as_str();
    let mut ports = Vec::new();
    for p in c.get("ports").map(|p| p.items()).unwrap_or_default() {
        if let Some(port) = r.integer(p, "containerPort", cctx) {
            ports.push(ContainerPort {
                name: p.get_str("name").map(str::to_owned),
                port,
                protocol: p.get_str("protocol").map(str::to_owned),
            });
        }
    }
    let mut env = Vec::new();
    for e in c.get("env").map(|e| e.items()).unwrap_or_default() {
        let Some(n) = e.get("name").and_then(|n| n.spanned_str()) else { continue };
        let value = e.get("value").filter(|v| !v.is_null()).and_then(|v| v.spanned_str());
        let value_from = e.get("valueFrom").map(|vf| {
            if let Some(s) = vf.get("secretKeyRef") {
                match s.get("name").and_then(|x| x.spanned_str()) {
                    Some(name) => ValueFrom::SecretKey { name, key: s.get_str("key").map(str::to_owned) },
                    None => ValueFrom::Other,
                }
            } else if let Some(s) = vf.get("configMapKeyRef") {
                match s.get("name").and_then(|x| x.spanned_str()) {
                    Some(name) => ValueFrom::ConfigMapKey { name, key: s.get_str("key").map(str::to_owned) },
                    None => ValueFrom::Other,
                }
            } else if vf.get("fieldRef").is_some() {
                ValueFrom::Field
            } else if vf.get("resourceFieldRef").is_some() {
                ValueFrom::Resource
            } else {
                ValueFrom::Other
            }
        });
        env.push(K8sEnv { name: n, value, value_from });
    }
    let mut env_from = Vec::new();
    for e in c.get("envFrom").map(|e| e.items()).unwrap_or_default() {
        if let Some(n) = e.path(&["configMapRef", "name"]).and_then(|n| n.spanned_str()) {
            env_from.push(EnvFromSource::ConfigMap(n));
        } else if let Some(n) = e.path(&["secretRef", "name"]).and_then(|n| n.spanned_str()) {
            env_from.push(EnvFromSource::Secret(n));
        }
    }
    let res = c.get("resources");
    let rs = |path: &[&str]| res.and_then(|x| x.path(path)).and_then(|n| n.spanned_str());
    let resources = Resources {
        span: c.key_node("resources").map(|k| k.span()),
        requests_cpu: rs(&["requests", "cpu"]),
        requests_memory: rs(&["requests", "memory"]),
        limits_cpu: rs(&["limits", "cpu"]),
        limits_memory: rs(&["limits", "memory"]),
    };
    let volume_mounts = c
        .get("volumeMounts")
        .map(|v| v.items())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| Some((m.get("name")?.spanned_str()?, m.get_str("mountPath").unwrap_or("").to_owned())))
        .collect();
    let strs = |k: &str| c.get(k).map(|v| v.str_list()).unwrap_or_default();
    Container {
        span: c.span(),
        image: c.get("image").and_then(|n| n.spanned_str()),
        image_pull_policy: c.get("imagePullPolicy").and_then(|n| n.spanned_str()),
        command: strs("command"),
        args: strs("args"),
        ports,
        env,
        env_from,
        resources,
        liveness: probe(c, "livenessProbe"),
        readiness: probe(c, "readinessProbe"),
        startup: probe(c, "startupProbe"),
        security_context: security_context(r, c.get("securityContext"), cctx),
        volume_mounts,
        is_init,
        node: c.id(),
        name,
    }
}

fn service(spec: Option<Node<'_>>) -> K8sService {
    let Some(spec) = spec else {
        return K8sService { service_type: None, cluster_ip: None, selector: None, ports: Vec::new() };
    };
    let ports = spec
        .get("ports")
        .map(|p| p.items())
        .unwrap_or_default()
        .into_iter()
        .map(|p| ServicePort {
            span: p.span(),
            name: p.get_str("name").map(str::to_owned),
            port: p.get("port").and_then(|x| x.as_i64()),
            target_port: p.get("targetPort").and_then(|x| x.spanned_str()),
        })
        .collect();
    let sel = spec.get("selector").map(|s| (s.span(), labels(Some(s))));
    K8sService {
        service_type: spec.get("type").and_then(|t| t.spanned_str()),
        cluster_ip: spec.get("clusterIP").and_then(|t| t.spanned_str()),
        selector: sel,
        ports,
    }
}

fn backend(b: Node<'_>) -> Option<IngressBackend> {
    // networking.k8s.io/v1: backend.service.{name, port.{number|name}}; v1beta1: serviceName/servicePort
    if let Some(svc) = b.get("service") {
        let service = svc.get("name")?.spanned_str()?;
        let port =
            svc.get("port").and_then(|p| p.get("number").or_else(|| p.get("name"))).and_then(|n| n.spanned_str());
        return Some(IngressBackend { service, port });
    }
    let service = b.get("serviceName")?.spanned_str()?;
    Some(IngressBackend { service, port: b.get("servicePort").and_then(|p| p.spanned_str()) })
}

fn ingress(spec: Option<Node<'_>>) -> Ingress {
    let mut ing = Ingress { backends: Vec::new(), tls: false, hosts: Vec::new() };
    let Some(spec) = spec else { return ing };
    if let Some(b) = spec.get("defaultBackend").or_else(|| spec.get("backend")).and_then(backend) {
        ing.backends.push(b);
    }
    for rule in spec.get("rules").map(|r| r.items()).unwrap_or_default() {
        if let Some(h) = rule.get("host").and_then(|h| h.spanned_str()) {
            ing.hosts.push(h);
        }
        for p in rule.path(&["http", "paths"]).map(|p| p.items()).unwrap_or_default() {
            if let Some(b) = p.get("backend").and_then(backend) {
                ing.backends.push(b);
            }
        }
    }
    ing.tls = spec.get("tls").is_some_and(|t| !t.items().is_empty());
    ing
}

fn hpa(r: &mut Reader, spec: Option<Node<'_>>, ctx: &str) -> Hpa {
    let Some(spec) = spec else { return Hpa { target: None, min_replicas: None, max_replicas: None } };
    let target = spec
        .get("scaleTargetRef")
        .and_then(|t| Some(ScaleTarget { kind: t.get("kind")?.spanned_str()?, name: t.get("name")?.spanned_str()? }));
    Hpa { target, min_replicas: r.integer(spec, "minReplicas", ctx), max_replicas: r.integer(spec, "maxReplicas", ctx) }
}

fn data_map(root: Node<'_>) -> DataMap {
    let mut entries = Vec::new();
    let mut string_data = false;
    for key in ["data", "stringData"] {
        if let Some(d) = root.get(key) {
            for (k, v) in d.entries() {
                if let (Some(k), Some(v)) = (k.spanned_str(), v.spanned_str()) {
                    entries.push((k, v));
                }
            }
            if key == "stringData" && !d.entries().is_empty() {
                string_data = true;
            }
        }
    }
    DataMap { entries, string_data, secret_type: root.get_str("type").map(str::to_owned) }
}

/// Convenience for rules: spanned value as string, for messages.
pub fn spanned_label(s: &Option<Spanned<String>>) -> &str {
    s.as_ref().map_or("?", |s| s.value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn multi_document_workloads() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.2.3\n          ports: [{containerPort: 4000}]\n          readinessProbe:\n            httpGet: {path: /health, port: 4000}\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef: {name: db, key: password}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: {app: api}\n  ports: [{port: 80, targetPort: 4000}]\n";
        let (f, issues) = from_yaml(yaml::parse(text));
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(f.objects.len(), 2);
        let w = f.objects.first().and_then(|o| o.workload()).unwrap_or_else(|| unreachable!());
        assert_eq!(w.replicas.as_ref().map(|r| r.value), Some(2));
        let c = w.pod.containers.first().unwrap_or_else(|| unreachable!());
        assert!(matches!(c.readiness.as_ref().map(|p| &p.action), Some(ProbeAction::Http { .. })));
        assert!(matches!(c.env.first().and_then(|e| e.value_from.as_ref()), Some(ValueFrom::SecretKey { .. })));
        assert!(matches!(f.objects.get(1).map(|o| &o.body), Some(K8sBody::Service(_))));
    }
}
