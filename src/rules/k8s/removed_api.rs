//! K8S020: object written against an API version that current clusters no longer serve.

use crate::finding::Severity;
use crate::model::k8s::K8sObject;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct RemovedApi;

/// (apiVersion, kind or `*`, removed in Kubernetes, replacement apiVersion).
const REMOVED: &[(&str, &str, &str, &str)] = &[
    ("extensions/v1beta1", "Deployment", "1.16", "apps/v1"),
    ("extensions/v1beta1", "DaemonSet", "1.16", "apps/v1"),
    ("extensions/v1beta1", "ReplicaSet", "1.16", "apps/v1"),
    ("extensions/v1beta1", "NetworkPolicy", "1.16", "networking.k8s.io/v1"),
    ("extensions/v1beta1", "PodSecurityPolicy", "1.16", "-Pod Security Admission"),
    ("extensions/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1"),
    ("apps/v1beta1", "*", "1.16", "apps/v1"),
    ("apps/v1beta2", "*", "1.16", "apps/v1"),
    ("networking.k8s.io/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "IngressClass", "1.22", "networking.k8s.io/v1"),
    ("batch/v1beta1", "CronJob", "1.25", "batch/v1"),
    ("batch/v2alpha1", "CronJob", "1.21", "batch/v1"),
    ("policy/v1beta1", "PodDisruptionBudget", "1.25", "policy/v1"),
    ("policy/v1beta1", "PodSecurityPolicy", "1.25", "-Pod Security Admission"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.25", "autoscaling/v2"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26", "autoscaling/v2"),
    ("rbac.authorization.k8s.io/v1beta1", "*", "1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1alpha1", "*", "1.22", "rbac.authorization.k8s.io/v1"),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "1.22", "apiextensions.k8s.io/v1"),
    ("admissionregistration.k8s.io/v1beta1", "*", "1.22", "admissionregistration.k8s.io/v1"),
    ("apiregistration.k8s.io/v1beta1", "APIService", "1.22", "apiregistration.k8s.io/v1"),
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest", "1.22", "certificates.k8s.io/v1"),
    ("coordination.k8s.io/v1beta1", "Lease", "1.22", "coordination.k8s.io/v1"),
    ("scheduling.k8s.io/v1beta1", "PriorityClass", "1.22", "scheduling.k8s.io/v1"),
    ("scheduling.k8s.io/v1alpha1", "PriorityClass", "1.17", "scheduling.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "StorageClass", "1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "VolumeAttachment", "1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSIDriver", "1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSINode", "1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.27", "storage.k8s.io/v1"),
    ("discovery.k8s.io/v1beta1", "EndpointSlice", "1.25", "discovery.k8s.io/v1"),
    ("events.k8s.io/v1beta1", "Event", "1.25", "events.k8s.io/v1"),
    ("node.k8s.io/v1beta1", "RuntimeClass", "1.25", "node.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "*", "1.26", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "*", "1.29", "flowcontrol.apiserver.k8s.io/v1"),
    ("settings.k8s.io/v1alpha1", "PodPreset", "1.20", "-"),
];

impl Rule for RemovedApi {
    fn id(&self) -> RuleId {
        RuleId::K8S020
    }

    fn k8s_object(&self, cx: &mut Cx, obj: &K8sObject) -> Checked {
        let api = obj.api_version.value.trim();
        let hit = REMOVED.iter().find(|(v, k, _, _)| *v == api && (*k == "*" || *k == obj.kind.value));
        let Some((_, _, removed, replacement)) = hit else {
            return if api.contains('/') || api == "v1" { CHECKED } else { NA };
        };
        let to = if let Some(alt) = replacement.strip_prefix('-') {
            if alt.is_empty() {
                "it has no replacement".to_owned()
            } else {
                format!("it has no replacement: use {alt}")
            }
        } else {
            format!("use `{replacement}`")
        };
        cx.report(
            obj.api_version.span,
            format!("{} uses `apiVersion: {api}`, which Kubernetes {removed} removed: current clusters reject the manifest ({to})", obj.label()),
        )
        .by_env(Severity::High, Severity::Medium)
        .help("move to the stable API version and adapt the fields that changed (`kubectl convert` or the Kubernetes deprecation guide)");
        CHECKED
    }
}
