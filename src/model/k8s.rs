//! Kubernetes model: multi-document manifests, workloads with their pod spec, and the objects
//! rules relate to workloads (Service, Ingress, HPA, PDB, NetworkPolicy, ConfigMap, Secret).

use crate::parse::yaml::{NodeId, YamlStream};
use crate::source::{Span, Spanned};

pub type Labels = Vec<(String, String)>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    /// The predecessor of ReplicaSet (`v1`), still served.
    ReplicationController,
    Job,
    CronJob,
    Pod,
}

impl WorkloadKind {
    pub fn parse(kind: &str) -> Option<WorkloadKind> {
        Some(match kind {
            "Deployment" => WorkloadKind::Deployment,
            "StatefulSet" => WorkloadKind::StatefulSet,
            "DaemonSet" => WorkloadKind::DaemonSet,
            "ReplicaSet" => WorkloadKind::ReplicaSet,
            "ReplicationController" => WorkloadKind::ReplicationController,
            "Job" => WorkloadKind::Job,
            "CronJob" => WorkloadKind::CronJob,
            "Pod" => WorkloadKind::Pod,
            _ => return None,
        })
    }

    /// Long-running workloads (probes, PDBs and replicas matter).
    pub fn is_long_running(self) -> bool {
        !matches!(self, WorkloadKind::Job | WorkloadKind::CronJob)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeAction {
    Http { path: Option<Spanned<String>>, port: Option<Spanned<String>> },
    Tcp { port: Option<Spanned<String>> },
    Exec { command: Spanned<String> },
    Grpc { port: Option<Spanned<String>> },
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// The `livenessProbe:`/`readinessProbe:`/`startupProbe:` key.
    pub span: Span,
    pub action: ProbeAction,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub port: Spanned<i64>,
    pub protocol: Option<String>,
}

/// Where an env value comes from when it is not literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueFrom {
    SecretKey { name: Spanned<String>, key: Option<String> },
    ConfigMapKey { name: Spanned<String>, key: Option<String> },
    Field,
    Resource,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct K8sEnv {
    pub name: Spanned<String>,
    pub value: Option<Spanned<String>>,
    pub value_from: Option<ValueFrom>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvFromSource {
    ConfigMap(Spanned<String>),
    Secret(Spanned<String>),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    /// The `resources:` key, if present.
    pub span: Option<Span>,
    pub requests_cpu: Option<Spanned<String>>,
    pub requests_memory: Option<Spanned<String>>,
    pub limits_cpu: Option<Spanned<String>>,
    pub limits_memory: Option<Spanned<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityContext {
    pub span: Option<Span>,
    pub privileged: Option<Spanned<bool>>,
    pub allow_privilege_escalation: Option<Spanned<bool>>,
    pub read_only_root_filesystem: Option<Spanned<bool>>,
    pub run_as_non_root: Option<Spanned<bool>>,
    pub run_as_user: Option<Spanned<i64>>,
    pub run_as_group: Option<Spanned<i64>>,
    pub capabilities_add: Vec<Spanned<String>>,
    pub capabilities_drop: Vec<Spanned<String>>,
    pub seccomp_profile: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Container {
    pub name: Option<Spanned<String>>,
    /// Span of the container's mapping (its first key); used when the name is missing.
    pub span: Span,
    pub image: Option<Spanned<String>>,
    pub image_pull_policy: Option<Spanned<String>>,
    pub command: Vec<Spanned<String>>,
    pub args: Vec<Spanned<String>>,
    pub ports: Vec<ContainerPort>,
    pub env: Vec<K8sEnv>,
    pub env_from: Vec<EnvFromSource>,
    pub resources: Resources,
    pub liveness: Option<Probe>,
    pub readiness: Option<Probe>,
    pub startup: Option<Probe>,
    pub security_context: SecurityContext,
    pub volume_mounts: Vec<(Spanned<String>, String)>,
    pub is_init: bool,
    /// The container's mapping in the YAML tree (for rules that read fields the view omits).
    pub node: NodeId,
}

impl Container {
    /// Name for messages: the container name, or its image, or "container #n".
    pub fn label(&self) -> String {
        self.name
            .as_ref()
            .map(|n| n.value.clone())
            .or_else(|| self.image.as_ref().map(|i| i.value.clone()))
            .unwrap_or_else(|| "unnamed container".to_owned())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PodVolumeSource {
    ConfigMap(Spanned<String>),
    Secret(Spanned<String>),
    Pvc(Spanned<String>),
    HostPath(Spanned<String>),
    EmptyDir,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodVolume {
    pub name: Spanned<String>,
    pub source: PodVolumeSource,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodSpec {
    /// The pod spec mapping (`spec.template.spec`, or `spec` of a Pod).
    pub span: Span,
    pub containers: Vec<Container>,
    pub init_containers: Vec<Container>,
    pub host_network: Option<Spanned<bool>>,
    pub host_pid: Option<Spanned<bool>>,
    pub host_ipc: Option<Spanned<bool>>,
    pub security_context: SecurityContext,
    pub service_account: Option<Spanned<String>>,
    pub automount_service_account_token: Option<Spanned<bool>>,
    pub volumes: Vec<PodVolume>,
    pub image_pull_secrets: Vec<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    pub kind: WorkloadKind,
    pub replicas: Option<Spanned<i64>>,
    /// `spec.selector.matchLabels` (Deployment/StatefulSet/DaemonSet/ReplicaSet).
    pub selector: Option<(Span, Labels)>,
    /// `spec.selector.matchExpressions`.
    pub selector_expressions: Vec<SelectorExpr>,
    /// Labels of the pod template (or of the Pod itself).
    pub pod_labels: Labels,
    pub pod: PodSpec,
    /// `spec.serviceName` (StatefulSet).
    pub service_name: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePort {
    pub span: Span,
    pub name: Option<String>,
    pub port: Option<i64>,
    /// Number or named port.
    pub target_port: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct K8sService {
    pub service_type: Option<Spanned<String>>,
    /// `spec.clusterIP` (`None` makes a headless Service).
    pub cluster_ip: Option<Spanned<String>>,
    pub selector: Option<(Span, Labels)>,
    pub ports: Vec<ServicePort>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngressBackend {
    pub service: Spanned<String>,
    /// Port number or name.
    pub port: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ingress {
    pub backends: Vec<IngressBackend>,
    pub tls: bool,
    pub hosts: Vec<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaleTarget {
    pub kind: Spanned<String>,
    pub name: Spanned<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hpa {
    pub target: Option<ScaleTarget>,
    pub min_replicas: Option<Spanned<i64>>,
    pub max_replicas: Option<Spanned<i64>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pdb {
    pub selector: Option<(Span, Labels)>,
    /// `selector.matchExpressions`.
    pub expressions: Vec<SelectorExpr>,
    /// `minAvailable` or `maxUnavailable` is set.
    pub has_policy: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkPolicy {
    pub pod_selector: Option<(Span, Labels)>,
    /// `podSelector.matchExpressions`.
    pub expressions: Vec<SelectorExpr>,
}

/// One `matchExpressions` requirement of a label selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectorExpr {
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`.
    pub op: String,
    pub values: Vec<String>,
}

impl SelectorExpr {
    pub fn matches(&self, labels: &Labels) -> bool {
        let value = labels.iter().find(|(k, _)| *k == self.key).map(|(_, v)| v.as_str());
        match self.op.as_str() {
            "In" => value.is_some_and(|v| self.values.iter().any(|x| x == v)),
            "NotIn" => value.is_none_or(|v| !self.values.iter().any(|x| x == v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    }
}

/// A `LabelSelector` (PDB, NetworkPolicy, workload): every `matchLabels` pair and every
/// expression must hold; an empty selector selects every pod.
pub fn label_selector_matches(match_labels: &Labels, expressions: &[SelectorExpr], labels: &Labels) -> bool {
    match_labels.iter().all(|(k, v)| labels.iter().any(|(lk, lv)| lk == k && lv == v))
        && expressions.iter().all(|e| e.matches(labels))
}

/// Keys of a Secret/ConfigMap and whether any value is inline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataMap {
    /// `data:` / `stringData:` entries: key, value (decoded text for `stringData`, base64 as written for `data`).
    pub entries: Vec<(Spanned<String>, Spanned<String>)>,
    /// `stringData` (plain text) rather than `data` (base64).
    pub string_data: bool,
    pub secret_type: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum K8sBody {
    Workload(Box<Workload>),
    Service(K8sService),
    Ingress(Ingress),
    Hpa(Hpa),
    Pdb(Pdb),
    NetworkPolicy(NetworkPolicy),
    ConfigMap(DataMap),
    Secret(DataMap),
    Namespace,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct K8sObject {
    /// Index of the YAML document in the file.
    pub doc: usize,
    /// Span of the document (its first key).
    pub span: Span,
    pub api_version: Spanned<String>,
    pub kind: Spanned<String>,
    pub name: Option<Spanned<String>>,
    pub namespace: Option<Spanned<String>>,
    pub labels: Labels,
    pub body: K8sBody,
    /// The object's mapping in document `doc` (an item of a `List`, or the document root).
    pub node: NodeId,
    /// A Kustomize patch (listed in a kustomization's `patches`/`patchesStrategicMerge`): a
    /// fragment merged into a base object, not a complete object. Set by the index.
    pub patch: bool,
}

impl K8sObject {
    /// "Deployment/api" for messages.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind.value, self.name.as_ref().map_or("<unnamed>", |n| n.value.as_str()))
    }

    /// Where to point for the object as a whole: its `metadata.name`, else its `kind`.
    pub fn anchor(&self) -> Span {
        self.name.as_ref().map_or(self.kind.span, |n| n.span)
    }

    /// Namespace as written, `None` when unset (the namespace it is applied to).
    pub fn ns(&self) -> Option<&str> {
        self.namespace.as_ref().map(|n| n.value.as_str())
    }

    pub fn workload(&self) -> Option<&Workload> {
        match &self.body {
            K8sBody::Workload(w) => Some(w),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub struct K8sFile {
    pub yaml: YamlStream,
    pub objects: Vec<K8sObject>,
}

/// Does `selector` select a pod with `labels` (every selector pair present)?
pub fn selector_matches(selector: &Labels, labels: &Labels) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.iter().any(|(lk, lv)| lk == k && lv == v))
}
