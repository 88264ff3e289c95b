//! The configuration file (`prodready.toml` or `.prodready.toml` at the audited root, or
//! `--config FILE`): its serde schema (unknown keys rejected), and how it applies onto
//! [`Settings`]. Every error names the file, line and column; the JSON Schema for editors is
//! `schemas/config.schema.json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{Capability, External, FailOn, PathRule, Pattern, Settings};
use crate::error::Error;
use crate::finding::{Category, Diagnostic, DiagnosticKind, Severity};
use crate::rules::meta::RuleId;

/// File names looked up at the audited root, in order.
pub const FILE_NAMES: [&str; 2] = ["prodready.toml", ".prodready.toml"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub rules: RulesSection,
    #[serde(default)]
    pub paths: PathsSection,
    #[serde(default)]
    pub gate: GateSection,
    #[serde(default)]
    pub weights: BTreeMap<Spanned<String>, Spanned<Number>>,
    #[serde(default)]
    pub external: ExternalSection,
    #[serde(default)]
    pub provided: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    /// Rules that never run.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// When present, only these rules run.
    pub select: Option<Vec<Spanned<String>>>,
    /// Rule → severity.
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Glob → rules disabled there.
    #[serde(default)]
    pub per_path: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathsSection {
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    #[serde(default)]
    pub include: Vec<Spanned<String>>,
    pub production_env: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateSection {
    pub fail_on: Option<Spanned<String>>,
    pub min_score: Option<Spanned<Number>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalSection {
    #[serde(default)]
    pub secrets: Vec<String>,
    #[serde(default)]
    pub configmaps: Vec<String>,
    #[serde(default)]
    pub volumes: Vec<String>,
    #[serde(default)]
    pub networks: Vec<String>,
}

/// TOML writes `7` and `7.0` differently; both are numbers here.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(untagged)]
pub enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    #[allow(clippy::cast_precision_loss)]
    pub fn get(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

/// A rule named by its code or name, possibly by an older code (a renamed rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleRef {
    pub id: RuleId,
    /// The retired code that was written, when the rule was renamed since.
    pub renamed_from: Option<&'static str>,
}

/// Resolve a rule code, name or retired alias.
pub fn resolve_rule(s: &str) -> Option<RuleRef> {
    resolve_rule_in(crate::rules::meta::RULES, s)
}

/// [`resolve_rule`] over a given metadata table (tests pass their own).
pub fn resolve_rule_in(table: &[&'static crate::rules::meta::RuleMeta], s: &str) -> Option<RuleRef> {
    let s = s.trim();
    if let Some(m) = table.iter().find(|m| m.code.eq_ignore_ascii_case(s) || m.name == s) {
        return Some(RuleRef { id: m.id, renamed_from: None });
    }
    table.iter().find_map(|m| {
        m.aliases.iter().find(|a| a.eq_ignore_ascii_case(s)).map(|a| RuleRef { id: m.id, renamed_from: Some(*a) })
    })
}

/// The note shown when configuration, a suppression or a baseline names a renamed rule.
pub fn renamed_note(old: &str, id: RuleId) -> String {
    format!(
        "rule `{old}` was renamed to `{}`; `{old}` still works but is deprecated — write `{}`",
        id.code(),
        id.code()
    )
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = text.get(..offset.min(text.len())).unwrap_or("");
    let line = u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX);
    let col = u32::try_from(before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1).unwrap_or(u32::MAX);
    (line, col)
}

/// The dotted key whose value holds `offset` (for messages of type errors, which name no key):
/// the nearest `key =` line at or above it, under the nearest `[table]` header above that.
pub fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_end = text.get(offset..).and_then(|r| r.find('\n')).map_or(text.len(), |i| offset + i);
    let upto = text.get(..line_end)?;
    let mut key = None;
    for line in upto.lines().rev() {
        let t = line.trim_start();
        if t.starts_with('[') {
            let table = t.trim_start_matches('[').split(']').next().unwrap_or("").trim().to_owned();
            return Some(match key {
                Some(k) if table.is_empty() => k,
                Some(k) => format!("{table}.{k}"),
                None => table,
            });
        }
        if key.is_none() && !t.starts_with('#') {
            if let Some((k, _)) = t.split_once('=') {
                let k = k.trim();
                let quoted = k.starts_with('"') || k.starts_with('\'');
                if !k.is_empty() && (quoted || !k.contains(' ')) {
                    key = Some(k.to_owned());
                }
            }
        }
    }
    key
}

/// Find the configuration file for `root`: `--config` wins, then the names of [`FILE_NAMES`].
pub fn locate(root: &Path, explicit: Option<&Path>) -> Result<Option<PathBuf>, Error> {
    if let Some(p) = explicit {
        if !p.is_file() {
            return Err(Error::Config(format!("`{}` does not exist or is not a file", p.display())));
        }
        return Ok(Some(p.to_path_buf()));
    }
    let found: Vec<PathBuf> = FILE_NAMES.iter().map(|n| root.join(n)).filter(|p| p.is_file()).collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        _ => Err(Error::Config(format!(
            "both `{}` and `{}` exist in `{}`; keep one",
            FILE_NAMES[0],
            FILE_NAMES[1],
            root.display()
        ))),
    }
}

/// Read and apply a configuration file onto `settings` (which hold the defaults).
pub fn load(path: &Path, settings: &mut Settings) -> Result<(), Error> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::Config(format!("cannot read `{}`: {e}", path.display())))?;
    let shown = shown_name(path, &settings.root);
    apply_text(&text, &shown, settings)
}

/// The file's name as messages show it: relative to the root when inside it.
fn shown_name(path: &Path, root: &Path) -> String {
    let rel = match (path.canonicalize(), root.canonicalize()) {
        (Ok(p), Ok(r)) => p.strip_prefix(&r).ok().map(|p| p.to_string_lossy().replace('\\', "/")),
        _ => None,
    };
    rel.unwrap_or_else(|| path.display().to_string())
}

struct Ctx<'a> {
    text: &'a str,
    file: &'a str,
    notes: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn line(&self, span: &std::ops::Range<usize>) -> u32 {
        line_col(self.text, span.start).0
    }

    fn err(&self, span: &std::ops::Range<usize>, msg: impl std::fmt::Display) -> Error {
        let (l, c) = line_col(self.text, span.start);
        Error::Config(format!("{}:{l}:{c}: {msg}", self.file))
    }

    fn rule(&mut self, s: &Spanned<String>, key: &str) -> Result<RuleId, Error> {
        match resolve_rule(s.get_ref()) {
            Some(r) => {
                if let Some(old) = r.renamed_from {
                    let line = self.line(&s.span());
                    self.notes.push(Diagnostic::new(
                        self.file,
                        Some(line),
                        DiagnosticKind::Note,
                        format!("{key}: {}", renamed_note(old, r.id)),
                    ));
                }
                Ok(r.id)
            }
            None => Err(self.err(&s.span(), format!("{key}: unknown rule `{}` (see `prodready rules`)", s.get_ref()))),
        }
    }

    fn pattern(&self, s: &Spanned<String>, key: &str) -> Result<Pattern, Error> {
        if s.get_ref().trim().is_empty() {
            return Err(self.err(&s.span(), format!("{key}: empty glob")));
        }
        Pattern::new(s.get_ref(), Some(self.line(&s.span()))).map_err(|e| self.err(&s.span(), format!("{key}: {e}")))
    }
}

/// Parse `text` (named `file` in messages) and apply it onto `settings`.
pub fn apply_text(text: &str, file: &str, settings: &mut Settings) -> Result<(), Error> {
    let cfg: ConfigFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        let (l, c) = line_col(text, offset);
        let key = key_at(text, offset).map(|k| format!("{k}: ")).unwrap_or_default();
        Error::Config(format!("{file}:{l}:{c}: {key}{}", e.message().trim_end()))
    })?;
    let mut cx = Ctx { text, file, notes: Vec::new() };

    // [rules]
    for s in &cfg.rules.disable {
        let id = cx.rule(s, "rules.disable")?;
        settings.disabled.insert(id);
    }
    if let Some(sel) = &cfg.rules.select {
        let mut set = std::collections::BTreeSet::new();
        for s in sel {
            set.insert(cx.rule(s, "rules.select")?);
        }
        settings.select = Some(set);
    }
    for (k, v) in &cfg.rules.severity {
        let id = cx.rule(k, "rules.severity")?;
        let sev = v
            .get_ref()
            .parse::<Severity>()
            .map_err(|e| cx.err(&v.span(), format!("rules.severity.{}: {e}", k.get_ref())))?;
        settings.severity_overrides.insert(id, sev);
    }
    for (glob, rules) in &cfg.rules.per_path {
        let pattern = cx.pattern(glob, "rules.per_path")?;
        if rules.is_empty() {
            return Err(cx.err(&glob.span(), format!("rules.per_path.\"{}\": list at least one rule", glob.get_ref())));
        }
        let mut ids = Vec::new();
        for r in rules {
            ids.push(cx.rule(r, "rules.per_path")?);
        }
        settings.per_path.push(PathRule { pattern, rules: ids });
    }

    // [paths]
    for s in &cfg.paths.exclude {
        settings.exclude.push(cx.pattern(s, "paths.exclude")?);
    }
    for s in &cfg.paths.include {
        settings.include.push(cx.pattern(s, "paths.include")?);
    }
    if let Some(globs) = &cfg.paths.production_env {
        for g in globs {
            cx.pattern(g, "paths.production_env")?;
        }
        settings
            .set_production_env(globs.iter().map(|g| g.get_ref().clone()).collect())
            .map_err(|e| Error::Config(format!("{file}: {e}")))?;
    }

    // [gate]
    if let Some(f) = &cfg.gate.fail_on {
        settings.fail_on =
            f.get_ref().parse::<FailOn>().map_err(|e| cx.err(&f.span(), format!("gate.fail_on: {e}")))?;
    }
    if let Some(m) = &cfg.gate.min_score {
        let v = m.get_ref().get();
        if !(0.0..=10.0).contains(&v) {
            return Err(cx.err(&m.span(), format!("gate.min_score: must be between 0 and 10, got {v}")));
        }
        settings.min_score = Some(v);
    }

    // [weights]
    for (k, v) in &cfg.weights {
        let cat = k.get_ref().parse::<Category>().map_err(|e| cx.err(&k.span(), format!("weights: {e}")))?;
        let w = v.get_ref().get();
        if !(w.is_finite() && w >= 0.0) {
            return Err(cx.err(&v.span(), format!("weights.{}: must be a number >= 0, got {w}", k.get_ref())));
        }
        settings.category_weights.insert(cat, w);
    }

    // [external]
    let e = &cfg.external;
    settings.external = External {
        secrets: e.secrets.iter().cloned().collect(),
        configmaps: e.configmaps.iter().cloned().collect(),
        volumes: e.volumes.iter().cloned().collect(),
        networks: e.networks.iter().cloned().collect(),
    };

    // [provided]
    for (k, v) in &cfg.provided {
        let cap = k.get_ref().parse::<Capability>().map_err(|e| cx.err(&k.span(), format!("provided: {e}")))?;
        if v.get_ref().trim().is_empty() {
            return Err(cx.err(
                &v.span(),
                format!(
                    "provided.{}: say how it is provided (e.g. \"platform Prometheus, see docs/ops.md\")",
                    k.get_ref()
                ),
            ));
        }
        settings.provided.insert(cap, v.get_ref().trim().to_owned());
    }

    settings.config_file = Some(file.to_owned());
    settings.config_notes.extend(cx.notes);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str) -> Result<Settings, String> {
        let mut s = Settings::new(PathBuf::from("."));
        apply_text(text, "prodready.toml", &mut s).map(|()| s).map_err(|e| e.to_string())
    }

    #[test]
    fn full_file_applies() {
        let s = apply(
            r#"
[rules]
disable = ["DC001"]
select = ["DC002", "DC003", "compose-privileged"]
[rules.severity]
DC003 = "low"
[rules.per_path]
"examples/**" = ["DC002"]
[paths]
exclude = ["legacy"]
include = ["fixtures/deploy/**"]
production_env = ["deploy/*.env"]
[gate]
fail_on = "high"
min_score = 7
[weights]
security = 2.5
[external]
secrets = ["db-credentials"]
configmaps = ["app-config"]
[provided]
monitoring = "platform Prometheus"
"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(s.disabled.contains(&RuleId::DC001));
        assert_eq!(s.select.as_ref().map(|x| x.len()), Some(3));
        assert_eq!(s.severity_overrides.get(&RuleId::DC003), Some(&Severity::Low));
        assert_eq!(s.path_disable(RuleId::DC002, "examples/a/compose.yml"), Some(0));
        assert!(s.is_excluded("legacy/compose.yml") && !s.is_excluded("legacyx"));
        assert!(s.is_included("fixtures/deploy/k8s.yaml"));
        assert!(s.is_production_path("deploy/app.env"));
        assert_eq!(s.fail_on, FailOn::Severity(Severity::High));
        assert_eq!(s.min_score, Some(7.0));
        assert_eq!(s.category_weight(Category::Security), 2.5);
        assert!(s.is_external(super::super::ExternalKind::Secret, "db-credentials"));
        assert_eq!(s.provided(Capability::Monitoring), Some("platform Prometheus"));
    }

    #[test]
    fn errors_name_key_and_line() {
        let e = apply("[rules]\ndisable = [\"DC001\"]\ndissable = []\n").err().unwrap_or_default();
        assert!(e.contains("prodready.toml:3:") && e.contains("dissable"), "{e}");
        let e = apply("[gate]\n\nfail_on = \"sometimes\"\n").err().unwrap_or_default();
        assert!(e.contains("prodready.toml:3:") && e.contains("gate.fail_on"), "{e}");
        let e = apply("[rules]\ndisable = [\n  \"DC001\",\n  \"NOPE999\",\n]\n").err().unwrap_or_default();
        assert!(e.contains("prodready.toml:4:3") && e.contains("NOPE999"), "{e}");
        let e = apply("[rules.severity]\nDC001 = \"huge\"\n").err().unwrap_or_default();
        assert!(e.contains(":2:") && e.contains("huge"), "{e}");
        let e = apply("[gate]\nmin_score = 12\n").err().unwrap_or_default();
        assert!(e.contains(":2:") && e.contains("min_score"), "{e}");
        let e = apply("[provided]\nmonitring = \"x\"\n").err().unwrap_or_default();
        assert!(e.contains(":2:1") && e.contains("monitring"), "{e}");
        let e = apply("[weights]\nsecurty = 2\n").err().unwrap_or_default();
        assert!(e.contains(":2:1") && e.contains("securty"), "{e}");
        let e = apply("[rules.per_path]\n\"a/[\" = [\"DC001\"]\n").err().unwrap_or_default();
        assert!(e.contains(":2:") && e.contains("invalid glob"), "{e}");
        let e = apply("[gate]\nmin_score = \"7\"\n").err().unwrap_or_default();
        assert!(e.contains(":2:"), "{e}");
    }

    #[test]
    fn renamed_codes_resolve_with_a_note() {
        use crate::rules::meta::{Effort, RuleKind, RuleMeta, RuleStatus};
        static META: RuleMeta = RuleMeta {
            id: RuleId::DC001,
            code: "DC001",
            name: "compose-service-without-healthcheck",
            category: Category::Observability,
            severity: Severity::Medium,
            status: RuleStatus::Stable,
            effort: Effort::Minutes,
            kind: RuleKind::Readiness,
            summary: "",
            rationale: "",
            remediation: "",
            peer: &[],
            aliases: &["HC001"],
            verify: None,
            source: "",
            examples: &[],
        };
        let table: [&'static RuleMeta; 1] = [&META];
        assert_eq!(resolve_rule_in(&table, "dc001"), Some(RuleRef { id: RuleId::DC001, renamed_from: None }));
        assert_eq!(resolve_rule_in(&table, "hc001"), Some(RuleRef { id: RuleId::DC001, renamed_from: Some("HC001") }));
        assert_eq!(resolve_rule_in(&table, "XX001"), None);
        assert!(renamed_note("HC001", RuleId::DC001).contains("renamed to `DC001`"));
    }

    #[test]
    fn keys_of_type_errors() {
        let t = "[rules]\ndisable = [\n  \"DC001\",\n  3,\n]\n[gate]\nmin_score = \"7\"\n";
        assert_eq!(key_at(t, t.find('3').unwrap_or(0)).as_deref(), Some("rules.disable"));
        assert_eq!(key_at(t, t.find("\"7").unwrap_or(0)).as_deref(), Some("gate.min_score"));
        assert_eq!(key_at("x = 1\n", 4).as_deref(), Some("x"));
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("", 0), (1, 1));
    }
}
