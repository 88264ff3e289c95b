//! DC016: a compose service refers to a network, volume, secret, config or service that no file
//! of the project declares.

use crate::finding::Severity;
use crate::model::compose::{ComposeService, MountKind, NamedDecl};
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED};
use crate::source::Spanned;

use super::{project_files, service_node};

pub struct UndefinedReference;

fn declared(files: &[(&str, &ComposeFile)], pick: fn(&ComposeFile) -> &Vec<NamedDecl>, name: &str) -> bool {
    files.iter().any(|(_, c)| pick(c).iter().any(|d| d.name.value == name))
}

fn service_defined(files: &[(&str, &ComposeFile)], name: &str) -> bool {
    files.iter().any(|(_, c)| c.service(name).is_some())
}

impl Rule for UndefinedReference {
    fn id(&self) -> RuleId {
        RuleId::DC016
    }

    fn compose_service(&self, cx: &mut Cx, file: &ComposeFile, s: &ComposeService) -> Checked {
        let files = project_files(cx.project, cx.path());
        let svc = &s.name.value;
        let mut problems: Vec<(Spanned<String>, String, &'static str)> = Vec::new();
        for n in &s.networks {
            if n.value != "default" && !n.value.contains('$') && !declared(&files, |c| &c.networks, &n.value) {
                problems.push((n.clone(), format!("service `{svc}` joins network `{}`, which no top-level `networks:` declares", n.value), "declare it under the top-level `networks:` (with `external: true` if it is created outside compose)"));
            }
        }
        for m in &s.volumes {
            if m.kind != MountKind::Volume {
                continue;
            }
            let Some(src) = &m.source else { continue };
            if src.value.contains('$') || declared(&files, |c| &c.volumes, &src.value) {
                continue;
            }
            problems.push((src.clone(), format!("service `{svc}` mounts volume `{}`, which no top-level `volumes:` declares (a host path must start with `.`, `/` or `~`)", src.value), "declare the volume under the top-level `volumes:`, or write a bind mount as a path (`./data:/data`)"));
        }
        for (refs, pick, what) in [
            (&s.secrets, (|c: &ComposeFile| &c.secrets) as fn(&ComposeFile) -> &Vec<NamedDecl>, "secret"),
            (&s.configs, |c: &ComposeFile| &c.configs, "config"),
        ] {
            for r in refs {
                if !r.value.contains('$') && !declared(&files, pick, &r.value) {
                    problems.push((
                        r.clone(),
                        format!("service `{svc}` uses {what} `{}`, which no top-level `{what}s:` declares", r.value),
                        "declare it under the top-level section with `file:`, `environment:` or `external: true`",
                    ));
                }
            }
        }
        for d in &s.depends_on {
            if !service_defined(&files, &d.service.value) {
                problems.push((
                    d.service.clone(),
                    format!("service `{svc}` depends on `{}`, which is not a service of this project", d.service.value),
                    "fix the name or define the service",
                ));
            }
        }
        if let Some((None, ext)) = &s.extends {
            if !service_defined(&files, &ext.value) {
                problems.push((
                    ext.clone(),
                    format!("service `{svc}` extends `{}`, which is not defined in this file", ext.value),
                    "fix the name, or add `file:` pointing at the file that defines it",
                ));
            }
        }
        if let Some(nm) = &s.network_mode {
            if let Some(target) = nm.value.strip_prefix("service:") {
                if !service_defined(&files, target) {
                    problems.push((
                        nm.clone(),
                        format!("service `{svc}` shares the network of service `{target}`, which is not defined"),
                        "fix the service name",
                    ));
                }
            }
        }
        // `links:` and `volumes_from:` name services too.
        if let Some(node) = service_node(file, s) {
            for key in ["links", "volumes_from"] {
                for item in node.get(key).map(|v| v.items()).unwrap_or_default() {
                    let Some(v) = item.spanned_str() else { continue };
                    let target = v.value.split(':').next().unwrap_or("").to_owned();
                    if key == "volumes_from" && v.value.starts_with("container:") {
                        continue;
                    }
                    if !target.is_empty() && !target.contains('$') && !service_defined(&files, &target) {
                        problems.push((
                            v.clone(),
                            format!(
                                "service `{svc}` lists `{target}` in `{key}`, which is not a service of this project"
                            ),
                            "fix the service name",
                        ));
                    }
                }
            }
        }
        for (at, message, help) in problems {
            cx.report(at.span, message).by_env(Severity::Blocker, Severity::High).help(help);
        }
        CHECKED
    }
}
