//! DF023: a package manager's download cache left in a shipped layer (pip, yarn, yum, dnf,
//! zypper; apt and apk are DF008/DF009).

use crate::model::dockerfile::{Args, Dockerfile};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::{run_text, shipped_instructions, simple_commands, words};

pub struct PackageCache;

/// `PIP_NO_CACHE_DIR` set by an ENV of the shipped stages.
fn pip_cache_disabled(cx: &Cx, df: &Dockerfile) -> bool {
    shipped_instructions(cx.project, cx.path(), df).iter().any(|i| match &i.args {
        Args::Env(kvs) => kvs.iter().any(|kv| kv.key.value == "PIP_NO_CACHE_DIR"),
        _ => false,
    })
}

impl Rule for PackageCache {
    fn id(&self) -> RuleId {
        RuleId::DF023
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let pip_off = pip_cache_disabled(cx, df);
        let mut seen = false;
        for i in shipped_instructions(cx.project, cx.path(), df) {
            let Some((text, span)) = run_text(i) else { continue };
            let mounts: Vec<String> =
                i.flags.iter().filter(|f| f.name == "mount").filter_map(|f| f.value.clone()).collect();
            let cache_mount = |needle: &str| mounts.iter().any(|m| m.contains("cache") && m.contains(needle));
            let cmds = simple_commands(&text);
            let all = cmds.join(" ; ");
            for cmd in &cmds {
                let w = words(cmd);
                let (first, second) = (w.first().copied().unwrap_or(""), w.get(1).copied().unwrap_or(""));
                let pip = (matches!(first.rsplit('/').next().unwrap_or(first), "pip" | "pip3") && second == "install")
                    || (first.starts_with("python")
                        && second == "-m"
                        && matches!(w.get(2).copied(), Some("pip" | "pip3"))
                        && w.get(3) == Some(&"install"));
                let (tool, kept) = if pip {
                    seen = true;
                    ("pip install", !pip_off && !w.contains(&"--no-cache-dir") && !cache_mount("pip"))
                } else if first == "yarn" && (second == "install" || second.is_empty() || second.starts_with("--")) {
                    seen = true;
                    ("yarn install", !all.contains("yarn cache clean") && !cache_mount("yarn"))
                } else if matches!(first, "yum" | "dnf" | "microdnf" | "zypper")
                    && matches!(second, "install" | "in" | "-y")
                    && w.iter().any(|x| *x == "install" || *x == "in")
                {
                    seen = true;
                    let clean = format!("{first} clean");
                    (first, !all.contains(&clean) && !all.contains("/var/cache/") && !cache_mount("/var/cache"))
                } else {
                    continue;
                };
                if !kept {
                    continue;
                }
                let fix = match tool {
                    "pip install" => "add `--no-cache-dir` (or `ENV PIP_NO_CACHE_DIR=1`)".to_owned(),
                    "yarn install" => "end the step with `&& yarn cache clean`".to_owned(),
                    other => format!("end the step with `&& {other} clean all`"),
                };
                let tool = if pip || tool == "yarn install" { tool.to_owned() } else { format!("{tool} install") };
                let at = cx.find(span, if pip { "install" } else { first });
                cx.report(at, format!("`{tool}` keeps its download cache in the image layer: {fix}"));
            }
        }
        if seen {
            CHECKED
        } else {
            NA
        }
    }
}
