//! K8S021: environment variable defined twice in one container.

use std::collections::HashMap;

use super::who;
use crate::model::k8s::{Container, K8sObject, Workload};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct DuplicateEnv;

impl Rule for DuplicateEnv {
    fn id(&self) -> RuleId {
        RuleId::K8S021
    }

    fn k8s_container(&self, cx: &mut Cx, obj: &K8sObject, _wl: &Workload, c: &Container) -> Checked {
        if c.env.is_empty() {
            return NA;
        }
        let mut first = HashMap::new();
        for e in &c.env {
            match first.get(e.name.value.as_str()) {
                Some(span) => {
                    cx.report(
                        e.name.span,
                        format!("{} defines `{}` twice: the last definition silently wins, and `kubectl apply` may merge the two unpredictably", who(obj, c), e.name.value),
                    )
                    .related_here(*span, "first defined here")
                    .help("keep one definition of each variable");
                }
                None => {
                    first.insert(e.name.value.as_str(), e.name.span);
                }
            }
        }
        CHECKED
    }
}
