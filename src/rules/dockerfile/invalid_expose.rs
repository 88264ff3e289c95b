//! DF025: an EXPOSE token that is not a valid port.

use crate::finding::Severity;
use crate::model::dockerfile::{Args, Dockerfile};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::port_range;

pub struct InvalidExpose;

fn problem(token: &str) -> Option<String> {
    if token.contains('$') {
        return None;
    }
    match port_range(token) {
        None => Some("is not a port number".to_owned()),
        Some((lo, hi, proto)) => {
            if hi > 65535 {
                Some(format!("is outside the valid range 0–65535 (`{hi}`)"))
            } else if lo > hi {
                Some(format!("is a range that ends before it starts (`{lo}-{hi}`)"))
            } else if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
                Some(format!("has an unknown protocol `{proto}` (tcp, udp or sctp)"))
            } else {
                None
            }
        }
    }
}

impl Rule for InvalidExpose {
    fn id(&self) -> RuleId {
        RuleId::DF025
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let mut seen = false;
        for i in &df.instructions {
            let Args::Expose(ports) = &i.args else { continue };
            seen = true;
            for p in ports {
                let Some(why) = problem(&p.value) else { continue };
                cx.report(p.span, format!("`EXPOSE {}` {why}: `docker build` rejects the instruction", p.value))
                    .by_env(Severity::High, Severity::Medium)
                    .help("write a port (`EXPOSE 8080`), a range (`EXPOSE 7000-7010`) or a port with protocol (`EXPOSE 53/udp`)");
            }
        }
        if seen {
            CHECKED
        } else {
            NA
        }
    }
}
