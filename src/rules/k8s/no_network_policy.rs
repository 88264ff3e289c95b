//! K8S016: namespace whose workloads no NetworkPolicy restricts.

use std::collections::BTreeMap;

use crate::finding::Location;
use crate::index::Project;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct NoNetworkPolicy;

/// Policy kinds of the CNI plugins and of Kubernetes itself.
const POLICY_KINDS: &[&str] = &["NetworkPolicy", "CiliumNetworkPolicy", "AdminNetworkPolicy"];
/// Policies that apply to every namespace.
const CLUSTER_POLICY_KINDS: &[&str] =
    &["CiliumClusterwideNetworkPolicy", "GlobalNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy"];

fn ns_name(ns: Option<&str>) -> &str {
    ns.unwrap_or("default")
}

impl Rule for NoNetworkPolicy {
    fn id(&self) -> RuleId {
        RuleId::K8S016
    }

    fn project(&self, cx: &mut Cx, project: &Project) -> Checked {
        // Namespace → its first long-running workload.
        let mut namespaces = BTreeMap::new();
        for (a, o, w) in super::workloads(project) {
            if w.kind.is_long_running() {
                namespaces.entry(ns_name(o.ns()).to_owned()).or_insert((a, o));
            }
        }
        if namespaces.is_empty() {
            return NA;
        }
        if let Some((a, o)) = project.k8s_objects().find(|(_, o)| CLUSTER_POLICY_KINDS.contains(&o.kind.value.as_str()))
        {
            cx.evidence(Some(Location::new(a.path(), o.anchor())), format!("{} applies to every namespace", o.label()));
            return CHECKED;
        }
        for (ns, (a, o)) in namespaces {
            let policy = project
                .k8s_objects()
                .find(|(_, p)| POLICY_KINDS.contains(&p.kind.value.as_str()) && ns_name(p.ns()) == ns);
            if let Some((pa, p)) = policy {
                cx.evidence(
                    Some(Location::new(pa.path(), p.anchor())),
                    format!("{} restricts traffic in namespace `{ns}`", p.label()),
                );
                continue;
            }
            cx.report_at(
                a.path(),
                o.anchor(),
                format!("namespace `{ns}` has no NetworkPolicy: every pod in the cluster can reach {} and its neighbours, so one compromised pod can talk to all of them", o.label()),
            )
            .help("add a default-deny `NetworkPolicy` (`podSelector: {}`, `policyTypes: [Ingress]`) to the namespace and allow only the traffic each workload needs");
        }
        CHECKED
    }
}
