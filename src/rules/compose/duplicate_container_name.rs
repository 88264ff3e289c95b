//! DC020: two services of one compose file with the same `container_name`.

use crate::finding::Severity;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct DuplicateContainerName;

impl Rule for DuplicateContainerName {
    fn id(&self) -> RuleId {
        RuleId::DC020
    }

    fn compose_file(&self, cx: &mut Cx, file: &ComposeFile) -> Checked {
        let named: Vec<_> = file
            .services
            .iter()
            .filter_map(|s| s.container_name.as_ref().map(|n| (s, n)))
            .filter(|(_, n)| !n.value.contains('$'))
            .collect();
        if named.is_empty() {
            return NA;
        }
        for (k, (s, n)) in named.iter().enumerate() {
            let Some((first, fname)) = named.iter().take(k).find(|(_, m)| m.value == n.value) else { continue };
            cx.report(
                n.span,
                format!("services `{}` and `{}` both use `container_name: {}`: compose refuses the project (container names are unique per host)", first.name.value, s.name.value, n.value),
            )
            .by_env(Severity::Blocker, Severity::High)
            .related_here(fname.span, format!("`{}` uses the same name", first.name.value))
            .help("give each service its own `container_name`, or drop it and let compose name the containers");
        }
        CHECKED
    }
}
