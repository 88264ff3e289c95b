//! Compiles `rules/**/*.toml` (rule metadata) into a `RuleId` enum and a static metadata table.
//! A malformed or inconsistent metadata file fails the build with its path and line.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Example {
    bad: String,
    good: String,
    /// File name the example is written for (`Dockerfile`, `docker-compose.yml`, …).
    #[serde(default)]
    file: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleToml {
    code: String,
    name: String,
    category: String,
    severity: String,
    #[serde(default = "default_status")]
    status: String,
    #[serde(default = "default_effort")]
    effort: String,
    /// `readiness` (default) or `validity` (configuration that cannot load or run).
    #[serde(default = "default_kind")]
    kind: String,
    summary: String,
    rationale: String,
    remediation: String,
    #[serde(default)]
    peer: Vec<String>,
    /// Old codes that redirect to this rule.
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    example: Vec<Example>,
    /// Command that proves a fix (shown for blockers).
    #[serde(default)]
    verify: Option<String>,
}

fn default_status() -> String {
    "stable".into()
}
fn default_kind() -> String {
    "readiness".into()
}
fn default_effort() -> String {
    "hours".into()
}

const CATEGORIES: &[(&str, &str)] = &[
    ("env", "Env"),
    ("iac", "Iac"),
    ("cicd", "Cicd"),
    ("observability", "Observability"),
    ("backup", "Backup"),
    ("security", "Security"),
    ("scalability", "Scalability"),
    ("operations", "Operations"),
];
const SEVERITIES: &[(&str, &str)] =
    &[("blocker", "Blocker"), ("high", "High"), ("medium", "Medium"), ("low", "Low"), ("info", "Info")];
const STATUSES: &[(&str, &str)] =
    &[("stable", "Stable"), ("preview", "Preview"), ("deprecated", "Deprecated"), ("removed", "Removed")];
const KINDS: &[(&str, &str)] = &[("readiness", "Readiness"), ("validity", "Validity")];
const EFFORTS: &[(&str, &str)] = &[("minutes", "Minutes"), ("hours", "Hours"), ("days", "Days")];

fn lookup(table: &[(&str, &'static str)], v: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == v).map(|(_, variant)| *variant)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "toml") {
            out.push(p);
        }
    }
}

fn fail(msg: String) -> ! {
    // build scripts report errors by panicking; this is the only place the project does so.
    println!("cargo::error={}", msg.replace('\n', " "));
    std::process::exit(1);
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let rules_dir = manifest.join("rules");
    println!("cargo::rerun-if-changed=rules");
    println!("cargo::rerun-if-changed=build.rs");

    let mut files = Vec::new();
    collect(&rules_dir, &mut files);
    let mut rules: BTreeMap<String, (String, RuleToml)> = BTreeMap::new();
    let mut names = BTreeMap::new();
    // PREFIX + three digits; the prefix is uppercase letters with digits allowed inside (`K8S`).
    let code_re_ok = |c: &str| {
        if !c.is_ascii() || c.len() < 5 {
            return false;
        }
        let (prefix, digits) = c.split_at(c.len() - 3);
        prefix.starts_with(|ch: char| ch.is_ascii_uppercase())
            && prefix.ends_with(|ch: char| ch.is_ascii_uppercase())
            && prefix.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit())
            && digits.chars().all(|ch| ch.is_ascii_digit())
    };
    for path in &files {
        let rel = path.strip_prefix(&manifest).unwrap_or(path).display().to_string();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| fail(format!("{rel}: {e}")));
        let rule: RuleToml = toml::from_str(&text).unwrap_or_else(|e| fail(format!("{rel}: {e}")));
        if !code_re_ok(&rule.code) {
            fail(format!("{rel}: code `{}` must be an uppercase prefix (digits allowed inside, as in `K8S`) followed by three digits", rule.code));
        }
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem != rule.code {
            fail(format!("{rel}: file name must be the rule code `{}`", rule.code));
        }
        if lookup(CATEGORIES, &rule.category).is_none() {
            fail(format!("{rel}: unknown category `{}`", rule.category));
        }
        if lookup(SEVERITIES, &rule.severity).is_none() {
            fail(format!("{rel}: unknown severity `{}`", rule.severity));
        }
        if lookup(STATUSES, &rule.status).is_none() {
            fail(format!("{rel}: unknown status `{}`", rule.status));
        }
        if lookup(KINDS, &rule.kind).is_none() {
            fail(format!("{rel}: unknown kind `{}` (readiness, validity)", rule.kind));
        }
        if lookup(EFFORTS, &rule.effort).is_none() {
            fail(format!("{rel}: unknown effort `{}` (minutes, hours, days)", rule.effort));
        }
        if !rule.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            fail(format!("{rel}: name `{}` must be kebab-case", rule.name));
        }
        if !rule.remediation.trim_end().ends_with('.') {
            fail(format!("{rel}: remediation must be a sentence ending in a period"));
        }
        if rule.example.is_empty() {
            fail(format!("{rel}: at least one [[example]] with `bad` and `good` is required"));
        }
        if let Some(prev) = names.insert(rule.name.clone(), rel.clone()) {
            fail(format!("{rel}: name `{}` already used by {prev}", rule.name));
        }
        if let Some((prev, _)) = rules.get(&rule.code) {
            fail(format!("{rel}: code `{}` already used by {prev}", rule.code));
        }
        rules.insert(rule.code.clone(), (rel, rule));
    }

    let mut out = String::new();
    out.push_str("// @generated by build.rs from rules/**/*.toml — do not edit.\n\n");
    out.push_str("/// Every rule code, as a type.\n");
    out.push_str("#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]\n");
    out.push_str("#[allow(clippy::upper_case_acronyms)]\npub enum RuleId {\n");
    for code in rules.keys() {
        let _ = writeln!(out, "    {code},");
    }
    out.push_str("}\n\n");
    out.push_str("impl RuleId {\n    pub const ALL: &'static [RuleId] = &[\n");
    for code in rules.keys() {
        let _ = writeln!(out, "        RuleId::{code},");
    }
    out.push_str("    ];\n\n    pub fn code(self) -> &'static str {\n        match self {\n");
    for code in rules.keys() {
        let _ = writeln!(out, "            RuleId::{code} => {code:?},");
    }
    out.push_str("        }\n    }\n\n    pub fn index(self) -> usize {\n        self as usize\n    }\n}\n\n");
    for (code, (rel, r)) in &rules {
        let cat = lookup(CATEGORIES, &r.category).unwrap_or("Env");
        let sev = lookup(SEVERITIES, &r.severity).unwrap_or("Info");
        let status = lookup(STATUSES, &r.status).unwrap_or("Stable");
        let effort = lookup(EFFORTS, &r.effort).unwrap_or("Hours");
        let kind = lookup(KINDS, &r.kind).unwrap_or("Readiness");
        let _ = writeln!(out, "static META_{code}: RuleMeta = RuleMeta {{");
        let _ = writeln!(out, "    id: RuleId::{code},");
        let _ = writeln!(out, "    code: {code:?},");
        let _ = writeln!(out, "    name: {:?},", r.name);
        let _ = writeln!(out, "    category: Category::{cat},");
        let _ = writeln!(out, "    severity: Severity::{sev},");
        let _ = writeln!(out, "    status: RuleStatus::{status},");
        let _ = writeln!(out, "    effort: Effort::{effort},");
        let _ = writeln!(out, "    kind: RuleKind::{kind},");
        let _ = writeln!(out, "    summary: {:?},", r.summary.trim());
        let _ = writeln!(out, "    rationale: {:?},", r.rationale.trim());
        let _ = writeln!(out, "    remediation: {:?},", r.remediation.trim());
        let _ = writeln!(out, "    peer: &{:?},", r.peer);
        let _ = writeln!(out, "    aliases: &{:?},", r.aliases);
        let _ = writeln!(out, "    verify: {:?},", r.verify.as_deref().map(str::trim));
        let _ = writeln!(out, "    source: {rel:?},");
        out.push_str("    examples: &[\n");
        for e in &r.example {
            let _ = writeln!(out, "        Example {{ file: {:?}, bad: {:?}, good: {:?} }},", e.file, e.bad, e.good);
        }
        out.push_str("    ],\n};\n\n");
    }
    out.push_str("/// All rule metadata, in code order.\npub static RULES: &[&RuleMeta] = &[\n");
    for code in rules.keys() {
        let _ = writeln!(out, "    &META_{code},");
    }
    out.push_str("];\n\nimpl RuleId {\n    pub fn meta(self) -> &'static RuleMeta {\n        match self {\n");
    for code in rules.keys() {
        let _ = writeln!(out, "            RuleId::{code} => &META_{code},");
    }
    out.push_str("        }\n    }\n}\n");

    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    if let Err(e) = std::fs::write(out_dir.join("rules_generated.rs"), out) {
        fail(format!("writing generated rules: {e}"));
    }
}
