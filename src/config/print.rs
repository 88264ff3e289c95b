//! `prodready audit --print-config`: the effective settings as TOML. The output is itself a valid
//! configuration file (a test reads it back), with the run-only settings as comments.

use std::fmt::Write as _;

use super::{Capability, FailOn, Settings};
use crate::finding::Category;

/// A TOML basic string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let v: Vec<String> = items.into_iter().map(q).collect();
    format!("[{}]", v.join(", "))
}

/// A number TOML reads back as a float.
fn num(x: f64) -> String {
    let s = format!("{x}");
    if s.contains('.') || s.contains('e') || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

pub fn render(s: &Settings) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Effective prodready settings: defaults, then the configuration file, the environment");
    let _ = writeln!(out, "# (PRODREADY_*) and the command line, each overriding the one before.");
    let _ = writeln!(out, "# configuration file: {}", s.config_file.as_deref().unwrap_or("none"));
    let _ = writeln!(out, "# root: {}", s.root.display());
    let outputs: Vec<String> = s
        .outputs
        .iter()
        .map(|o| match &o.path {
            Some(p) => format!("{}={}", o.format.id(), p.display()),
            None => o.format.id().to_owned(),
        })
        .collect();
    let _ = writeln!(out, "# formats: {}", if outputs.is_empty() { "terminal".to_owned() } else { outputs.join(", ") });
    if let Some(b) = &s.baseline {
        let _ = writeln!(out, "# baseline: {}", b.display());
    }
    if let Some(c) = &s.changed_paths {
        let _ = writeln!(
            out,
            "# paths-from: {} changed paths (repository-level findings gate: {})",
            c.len(),
            s.gate_repo_level
        );
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "[rules]");
    let _ = writeln!(out, "disable = {}", list(s.disabled.iter().map(|r| r.code())));
    match &s.select {
        Some(sel) => {
            let _ = writeln!(out, "select = {}", list(sel.iter().map(|r| r.code())));
        }
        None => {
            let _ = writeln!(out, "# select: all rules");
        }
    }
    let _ = writeln!(out, "\n[rules.severity]");
    for (r, sev) in &s.severity_overrides {
        let _ = writeln!(out, "{} = {}", r.code(), q(sev.id()));
    }
    let _ = writeln!(out, "\n[rules.per_path]");
    for p in &s.per_path {
        let _ = writeln!(out, "{} = {}", q(&p.pattern.glob), list(p.rules.iter().map(|r| r.code())));
    }

    let _ = writeln!(out, "\n[paths]");
    let _ = writeln!(out, "exclude = {}", list(s.exclude.iter().map(|p| p.glob.as_str())));
    let _ = writeln!(out, "include = {}", list(s.include.iter().map(|p| p.glob.as_str())));
    let _ = writeln!(out, "production_env = {}", list(s.production_env_patterns.iter().map(String::as_str)));

    let _ = writeln!(out, "\n[gate]");
    let fail_on = match s.fail_on {
        FailOn::Never => "never",
        FailOn::Severity(sev) => sev.id(),
    };
    let _ = writeln!(out, "fail_on = {}", q(fail_on));
    match s.min_score {
        Some(m) => {
            let _ = writeln!(out, "min_score = {}", num(m));
        }
        None => {
            let _ = writeln!(out, "# min_score: none");
        }
    }

    let _ = writeln!(out, "\n[weights]");
    for c in Category::ALL {
        let _ = writeln!(out, "{} = {}", c.id(), num(s.category_weight(c)));
    }

    let e = &s.external;
    let _ = writeln!(out, "\n[external]");
    let _ = writeln!(out, "secrets = {}", list(e.secrets.iter().map(String::as_str)));
    let _ = writeln!(out, "configmaps = {}", list(e.configmaps.iter().map(String::as_str)));
    let _ = writeln!(out, "volumes = {}", list(e.volumes.iter().map(String::as_str)));
    let _ = writeln!(out, "networks = {}", list(e.networks.iter().map(String::as_str)));

    let _ = writeln!(out, "\n[provided]");
    for c in Capability::ALL {
        if let Some(v) = s.provided(c) {
            let _ = writeln!(out, "{} = {}", c.id(), q(v));
        }
    }
    out
}
