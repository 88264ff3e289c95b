//! DC021: two services of one compose file publish the same host port.

use crate::finding::Severity;
use crate::model::compose::{ComposeService, PortMapping};
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct DuplicateHostPort;

/// (interface, first port, last port, protocol) of a fixed published port.
type Binding = (String, u32, u32, String);

fn binding(p: &PortMapping) -> Option<Binding> {
    let published = p.published.as_deref()?;
    if published.contains('$') || p.host_ip.as_deref().is_some_and(|h| h.contains('$')) {
        return None;
    }
    let (lo, hi) = match published.split_once('-') {
        Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
        None => {
            let n: u32 = published.trim().parse().ok()?;
            (n, n)
        }
    };
    if lo == 0 {
        return None; // `0` = any free port
    }
    let ip = p.host_ip.clone().unwrap_or_default();
    Some((ip, lo, hi, p.protocol.clone().unwrap_or_else(|| "tcp".to_owned()).to_ascii_lowercase()))
}

fn clash(a: &Binding, b: &Binding) -> bool {
    let any = |ip: &str| ip.is_empty() || ip == "0.0.0.0" || ip == "::";
    let same_if = a.0 == b.0 || any(&a.0) || any(&b.0);
    same_if && a.3 == b.3 && a.1 <= b.2 && b.1 <= a.2
}

fn runs_by_default(s: &ComposeService) -> bool {
    s.profiles.is_empty()
}

impl Rule for DuplicateHostPort {
    fn id(&self) -> RuleId {
        RuleId::DC021
    }

    fn compose_file(&self, cx: &mut Cx, file: &ComposeFile) -> Checked {
        let mut bound: Vec<(&ComposeService, &PortMapping, Binding)> = Vec::new();
        for s in file.services.iter().filter(|s| runs_by_default(s)) {
            for p in &s.ports {
                if let Some(b) = binding(p) {
                    bound.push((s, p, b));
                }
            }
        }
        if bound.is_empty() {
            return NA;
        }
        for (k, (s, p, b)) in bound.iter().enumerate() {
            let Some((first, fp, _)) =
                bound.iter().take(k).find(|(o, _, ob)| o.name.value != s.name.value && clash(ob, b))
            else {
                continue;
            };
            cx.report(
                p.raw.span,
                format!("services `{}` and `{}` both publish host port {}: whichever starts second fails with “port is already allocated”", first.name.value, s.name.value, p.published.as_deref().unwrap_or("")),
            )
            .by_env(Severity::High, Severity::Medium)
            .related_here(fp.raw.span, format!("`{}` publishes it here", first.name.value))
            .help("publish a different host port, or bind them to different interfaces");
        }
        CHECKED
    }
}
