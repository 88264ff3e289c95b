//! The rule engine: evaluates every enabled rule against every audited artifact (in parallel, one
//! task per artifact) and the project, counts targets for scoring, isolates panics, and turns raw
//! findings into sorted, fingerprinted, masked findings.

use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};

use rayon::prelude::*;

use crate::config::file::RuleRef;
use crate::config::Settings;
use crate::finding::{Diagnostic, DiagnosticKind, Finding, Location, Snippet, Suppression};
use crate::index::embedded::EmbeddedData;
use crate::index::{mask, Project};
use crate::model::{Artifact, ArtifactData, ArtifactKind};
use crate::rules::meta::{RuleId, RuleStatus};
use crate::rules::{Checked, Cx, Evidence, RawFinding, Rule};
use crate::source::{SourceFile, Span};
use crate::suppress;

/// Most evidence entries kept per rule (strengths shown in reports).
const MAX_EVIDENCE: usize = 12;

/// How one rule fared over its targets.
#[derive(Clone, Debug, Default)]
pub struct RuleStats {
    /// Targets the rule evaluated.
    pub targets: u32,
    /// Targets where it reported at least one finding.
    pub failed_targets: u32,
    /// Evidence for passed targets (and explicit evidence rules recorded).
    pub evidence: Vec<Evidence>,
}

pub struct EngineOutput {
    pub findings: Vec<Finding>,
    pub stats: HashMap<RuleId, RuleStats>,
    pub diagnostics: Vec<Diagnostic>,
    /// Rules that ran (enabled and not removed).
    pub evaluated: Vec<RuleId>,
}

/// Result of one hook call.
struct Call {
    rule: RuleId,
    checked: Checked,
    findings: Vec<RawFinding>,
    evidence: Vec<Evidence>,
    target: Option<(Location, String)>,
}

struct Collector<'p> {
    project: &'p Project,
    calls: Vec<Call>,
    diagnostics: Vec<Diagnostic>,
}

impl<'p> Collector<'p> {
    fn call<F>(&mut self, rule: &dyn Rule, artifact: Option<&'p Artifact>, target: Option<(Location, String)>, f: F)
    where
        F: FnOnce(&dyn Rule, &mut Cx<'p>) -> Checked,
    {
        let mut cx = Cx::new(self.project, artifact, rule.id());
        let result = catch_unwind(AssertUnwindSafe(|| f(rule, &mut cx)));
        match result {
            Ok(checked) => self.calls.push(Call {
                rule: rule.id(),
                checked,
                findings: std::mem::take(&mut cx.findings),
                evidence: std::mem::take(&mut cx.evidence),
                target,
            }),
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_owned());
                let path = artifact.map_or_else(|| "<project>".to_owned(), |a| a.path().to_owned());
                self.diagnostics.push(Diagnostic::new(
                    path,
                    None,
                    DiagnosticKind::Internal,
                    format!(
                        "rule {} failed internally ({what}); its result for this file is missing — please report this",
                        rule.id()
                    ),
                ));
            }
        }
    }
}

fn loc(a: &Artifact, span: Span) -> Location {
    Location::new(a.path(), span)
}

/// Run every hook of `rule` that applies to `artifact`. The single match over artifact kinds.
fn run_artifact<'p>(col: &mut Collector<'p>, rule: &dyn Rule, a: &'p Artifact) {
    let file_target = Some((loc(a, Span::file_start()), format!("`{}`", a.path())));
    col.call(rule, Some(a), file_target.clone(), |r, cx| r.artifact(cx, a));
    match &a.data {
        ArtifactData::Dockerfile(df) => col.call(rule, Some(a), file_target, |r, cx| r.dockerfile(cx, df)),
        ArtifactData::Compose(c) => {
            col.call(rule, Some(a), file_target.clone(), |r, cx| r.yaml(cx, &c.yaml));
            col.call(rule, Some(a), file_target, |r, cx| r.compose_file(cx, c));
            for s in &c.services {
                let t = Some((loc(a, s.name.span), format!("service `{}` in `{}`", s.name.value, a.path())));
                col.call(rule, Some(a), t, |r, cx| r.compose_service(cx, c, s));
            }
        }
        ArtifactData::Kubernetes(k) => {
            col.call(rule, Some(a), file_target.clone(), |r, cx| r.yaml(cx, &k.yaml));
            col.call(rule, Some(a), file_target, |r, cx| r.k8s_file(cx, k));
            for o in &k.objects {
                let t = Some((loc(a, o.anchor()), format!("{} in `{}`", o.label(), a.path())));
                col.call(rule, Some(a), t, |r, cx| r.k8s_object(cx, o));
                if let Some(w) = o.workload() {
                    for c in w.pod.init_containers.iter().chain(&w.pod.containers) {
                        let span = c.name.as_ref().map_or(c.span, |n| n.span);
                        let t = Some((
                            loc(a, span),
                            format!("container `{}` of {} in `{}`", c.label(), o.label(), a.path()),
                        ));
                        col.call(rule, Some(a), t, |r, cx| r.k8s_container(cx, o, w, c));
                    }
                }
            }
        }
        ArtifactData::Workflow(w) => {
            col.call(rule, Some(a), file_target.clone(), |r, cx| r.yaml(cx, &w.yaml));
            col.call(rule, Some(a), file_target, |r, cx| r.workflow(cx, w));
            for j in &w.jobs {
                let t = Some((loc(a, j.id.span), format!("job `{}` in `{}`", j.id.value, a.path())));
                col.call(rule, Some(a), t, |r, cx| r.workflow_job(cx, w, j));
                for s in &j.steps {
                    let t = Some((loc(a, s.anchor()), format!("step `{}` of job `{}`", s.label(), j.id.value)));
                    col.call(rule, Some(a), t, |r, cx| r.workflow_step(cx, w, j, s));
                }
            }
        }
        ArtifactData::GitlabCi(g) => {
            col.call(rule, Some(a), file_target.clone(), |r, cx| r.yaml(cx, &g.yaml));
            col.call(rule, Some(a), file_target, |r, cx| r.gitlab_ci(cx, g));
            for j in &g.jobs {
                let t = Some((loc(a, j.name.span), format!("job `{}` in `{}`", j.name.value, a.path())));
                col.call(rule, Some(a), t, |r, cx| r.gitlab_job(cx, g, j));
            }
        }
        ArtifactData::EnvFile(e) => col.call(rule, Some(a), file_target, |r, cx| r.env_file(cx, e)),
        ArtifactData::Nginx(n) => {
            col.call(rule, Some(a), file_target, |r, cx| r.nginx(cx, n));
            for s in &n.servers {
                let t = Some((loc(a, s.keyword), format!("nginx {} in `{}`", s.label(), a.path())));
                col.call(rule, Some(a), t, |r, cx| r.nginx_server(cx, n, s));
            }
        }
        ArtifactData::Prometheus(p) => {
            col.call(rule, Some(a), file_target.clone(), |r, cx| r.yaml(cx, &p.yaml));
            col.call(rule, Some(a), file_target, |r, cx| r.prometheus(cx, &p.view));
        }
        ArtifactData::PrometheusRules(p) => {
            col.call(rule, Some(a), file_target.clone(), |r, cx| r.yaml(cx, &p.yaml));
            col.call(rule, Some(a), file_target, |r, cx| r.alert_rules(cx, &p.view));
        }
        ArtifactData::Alertmanager(p) => {
            col.call(rule, Some(a), file_target.clone(), |r, cx| r.yaml(cx, &p.yaml));
            col.call(rule, Some(a), file_target, |r, cx| r.alertmanager(cx, &p.view));
        }
        ArtifactData::Grafana(p) => {
            col.call(rule, Some(a), file_target.clone(), |r, cx| r.yaml(cx, &p.yaml));
            col.call(rule, Some(a), file_target, |r, cx| r.grafana(cx, &p.view));
        }
        ArtifactData::Collector(p) => {
            col.call(rule, Some(a), file_target.clone(), |r, cx| r.yaml(cx, &p.yaml));
            col.call(rule, Some(a), file_target, |r, cx| r.collector(cx, &p.view));
        }
        ArtifactData::Manifest(m) => col.call(rule, Some(a), file_target, |r, cx| r.manifest(cx, m)),
        ArtifactData::ShellScript(s) => col.call(rule, Some(a), file_target, |r, cx| r.shell_script(cx, s)),
        ArtifactData::Makefile(m) => col.call(rule, Some(a), file_target, |r, cx| r.makefile(cx, m)),
        ArtifactData::Markdown(d) => col.call(rule, Some(a), file_target, |r, cx| r.markdown(cx, d)),
        ArtifactData::Yaml(y) => col.call(rule, Some(a), file_target, |r, cx| r.yaml(cx, y)),
        ArtifactData::Recorded | ArtifactData::Unloadable => {}
    }
    // Monitoring configs embedded in this file (ConfigMaps, PrometheusRule CRDs, Helm values).
    for e in col.project.embedded_in(a.path()) {
        let t = Some((loc(a, e.span), e.label()));
        match &e.data {
            EmbeddedData::Prometheus(p) => col.call(rule, Some(a), t, |r, cx| r.prometheus(cx, p)),
            EmbeddedData::Rules(rf) => col.call(rule, Some(a), t, |r, cx| r.alert_rules(cx, rf)),
            EmbeddedData::Alertmanager(am) => col.call(rule, Some(a), t, |r, cx| r.alertmanager(cx, am)),
            EmbeddedData::Collector(c) => col.call(rule, Some(a), t, |r, cx| r.collector(cx, c)),
        }
    }
}

pub fn run(project: &Project, rules: &[Box<dyn Rule>], settings: &Settings) -> EngineOutput {
    let active: Vec<&dyn Rule> = rules
        .iter()
        .map(|r| r.as_ref())
        .filter(|r| settings.is_enabled(r.id()) && r.id().meta().status != RuleStatus::Removed)
        .collect();
    let audited: Vec<&Artifact> = project.audited().collect();

    let per_artifact: Vec<(Vec<Call>, Vec<Diagnostic>)> = audited
        .par_iter()
        .map(|a| {
            let mut col = Collector { project, calls: Vec::new(), diagnostics: Vec::new() };
            for r in &active {
                run_artifact(&mut col, *r, a);
            }
            (col.calls, col.diagnostics)
        })
        .collect();
    let per_project: Vec<(Vec<Call>, Vec<Diagnostic>)> = active
        .par_iter()
        .map(|r| {
            let mut col = Collector { project, calls: Vec::new(), diagnostics: Vec::new() };
            col.call(*r, None, None, |r, cx| r.project(cx, project));
            (col.calls, col.diagnostics)
        })
        .collect();

    let mut stats: HashMap<RuleId, RuleStats> = HashMap::new();
    let mut raw = Vec::new();
    let mut diagnostics = Vec::new();
    for (calls, diags) in per_artifact.into_iter().chain(per_project) {
        diagnostics.extend(diags);
        for call in calls {
            let applied = call.checked == Checked::Yes || !call.findings.is_empty();
            if !applied {
                continue;
            }
            let st = stats.entry(call.rule).or_default();
            let target = st.targets;
            st.targets += 1;
            if call.findings.is_empty() {
                if call.evidence.is_empty() {
                    if let Some((loc, label)) = call.target {
                        if st.evidence.len() < MAX_EVIDENCE {
                            st.evidence.push(Evidence { location: Some(loc), text: label, generated: true });
                        }
                    }
                }
            } else {
                st.failed_targets += 1;
            }
            for e in call.evidence {
                if st.evidence.len() < MAX_EVIDENCE {
                    st.evidence.push(e);
                }
            }
            raw.extend(call.findings.into_iter().map(|mut f| {
                f.target = target;
                f
            }));
        }
    }

    let evaluated: Vec<RuleId> = active.iter().map(|r| r.id()).collect();
    let (mut findings, notes) = finalize(project, raw, settings, &evaluated);
    diagnostics.extend(notes);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.sort();
    EngineOutput { findings, stats, diagnostics, evaluated }
}

/// 64-bit FNV-1a: a stable hash (std's hashers are not guaranteed stable across releases).
pub fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn normalize_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Source lines of a finding (at most 3), masked.
pub fn snippet(src: &SourceFile, span: Span, secrets: &[Span]) -> Option<Snippet> {
    let first = span.start.line.max(1);
    let last = span.end.line.max(first).min(first + 2);
    let mut lines = Vec::new();
    for n in first..=last {
        let Some(line) = src.line(n) else { break };
        let mut text = line.to_owned();
        // explicit secret spans on this line: mask by columns (right to left)
        let mut on_line: Vec<&Span> = secrets.iter().filter(|s| s.start.line == n).collect();
        on_line.sort_by_key(|s| std::cmp::Reverse(s.start.col));
        for s in on_line {
            let a = usize::try_from(s.start.col.saturating_sub(1)).unwrap_or(0);
            let b =
                if s.end.line == n { usize::try_from(s.end.col.saturating_sub(1)).unwrap_or(0) } else { usize::MAX };
            let chars: Vec<char> = text.chars().collect();
            if a < chars.len() && b > a {
                let b = b.min(chars.len());
                let secret: String = chars.get(a..b).map(|c| c.iter().collect()).unwrap_or_default();
                let before: String = chars.get(..a).map(|c| c.iter().collect()).unwrap_or_default();
                let after: String = chars.get(b..).map(|c| c.iter().collect()).unwrap_or_default();
                text = format!("{before}{}{after}", mask::mask(&secret));
            }
        }
        lines.push(mask::mask_line(&text));
    }
    if lines.is_empty() {
        None
    } else {
        Some(Snippet { first_line: first, lines })
    }
}

/// The code a rule's fingerprints are computed with: its original code (the first alias, when it
/// was renamed; aliases are appended oldest first), so renaming a rule keeps baselines and SARIF
/// fingerprints matching.
pub fn fingerprint_code(rule: RuleId) -> &'static str {
    rule.meta().aliases.first().copied().unwrap_or(rule.code())
}

/// The code spans of a message (`service `api``: "api"): what distinguishes two findings on
/// identical lines (`privileged: true` in two services), without depending on the wording around
/// them, so rephrasing a message keeps fingerprints.
fn identifiers(message: &str) -> String {
    message.split('`').skip(1).step_by(2).collect::<Vec<_>>().join("\u{1f}")
}

/// Per-file inline directives and which of their codes suppressed something.
#[derive(Default)]
struct DirectiveUse {
    dirs: Vec<suppress::Located>,
    used: std::collections::BTreeSet<(usize, usize)>,
}

fn finalize(
    project: &Project,
    raw: Vec<RawFinding>,
    settings: &Settings,
    evaluated: &[RuleId],
) -> (Vec<Finding>, Vec<Diagnostic>) {
    let mut seen: HashMap<u64, u32> = HashMap::new();
    let mut out = Vec::with_capacity(raw.len());
    let mut directives: BTreeMap<&str, DirectiveUse> = BTreeMap::new();
    for a in project.audited() {
        let dirs = suppress::scan(&a.source, a.kind == ArtifactKind::Markdown);
        if !dirs.is_empty() {
            directives.insert(a.path(), DirectiveUse { dirs, used: Default::default() });
        }
    }
    let mut per_path_used = vec![std::collections::BTreeSet::<RuleId>::new(); settings.per_path.len()];
    // Deterministic occurrence numbering: order raw findings first.
    let mut raw = raw;
    raw.sort_by(|a, b| {
        let ka = (a.location.as_ref(), a.rule, &a.message);
        let kb = (b.location.as_ref(), b.rule, &b.message);
        ka.cmp(&kb)
    });
    for r in raw {
        let src = r.location.as_ref().and_then(|l| project.artifact(&l.path)).map(|a| &*a.source);
        let snippet = match (&r.location, src) {
            (Some(l), Some(src)) if l.span.start.line > 0 => snippet(src, l.span, &r.secret_spans),
            _ => None,
        };
        let content = snippet.as_ref().and_then(|s| s.lines.first()).map(|l| normalize_ws(l)).unwrap_or_default();
        let path = r.location.as_ref().map_or("", |l| l.path.as_str());
        let names = identifiers(&r.message);
        let key = if r.location.is_none() { r.message.as_str() } else { content.as_str() };
        let base = fnv1a(&[fingerprint_code(r.rule), path, key, &names]);
        let n = seen.entry(base).or_insert(0);
        *n += 1;
        let fingerprint = format!("{:016x}", fnv1a(&[&format!("{base:016x}"), &n.to_string()]));
        let severity = settings.severity_overrides.get(&r.rule).copied().unwrap_or(r.severity);
        let mut suppressed = None;
        if let Some(l) = &r.location {
            if let Some(u) = directives.get_mut(l.path.as_str()) {
                if let Some((i, j)) = suppress::find(&u.dirs, l.span.start.line, r.rule) {
                    suppressed = u.dirs.get(i).map(suppress::suppression);
                    u.used.insert((i, j));
                }
            }
            if suppressed.is_none() {
                if let Some(i) = settings.path_disable(r.rule, &l.path) {
                    if let Some(p) = settings.per_path.get(i) {
                        suppressed = Some(Suppression {
                            kind: suppress::CONFIG,
                            reason: format!(
                                "disabled for `{}` by rules.per_path in {}",
                                p.pattern.glob,
                                settings.config_file.as_deref().unwrap_or("the configuration")
                            ),
                        });
                    }
                    if let Some(set) = per_path_used.get_mut(i) {
                        set.insert(r.rule);
                    }
                }
            }
        }
        out.push(Finding {
            rule: r.rule,
            severity,
            confidence: r.confidence,
            environment: r.environment,
            message: r.message,
            location: r.location,
            related: r.related,
            help: r.help,
            snippet,
            fingerprint,
            suppressed,
            target: r.target,
        });
    }

    let mut notes = Vec::new();
    for (path, u) in &directives {
        for (i, d) in u.dirs.iter().enumerate() {
            for (j, (code, rule)) in d.directive.codes.iter().zip(d.rules()).enumerate() {
                let note = match rule {
                    None => Some(format!("`prodready-ignore` names unknown rule `{code}` (see `prodready rules`)")),
                    Some(RuleRef { id, renamed_from: Some(old) }) => Some(crate::config::file::renamed_note(old, id)),
                    Some(RuleRef { id, renamed_from: None }) => (settings.report_unused_suppressions
                        && evaluated.contains(&id)
                        && !u.used.contains(&(i, j)))
                    .then(|| {
                        format!("unused suppression: `prodready-ignore {code}` matches no {code} finding; remove it")
                    }),
                };
                if let Some(n) = note {
                    notes.push(Diagnostic::new(*path, Some(d.line), DiagnosticKind::Note, n));
                }
            }
        }
    }
    let cfg = settings.config_file.as_deref().unwrap_or("configuration");
    for (p, used) in settings.per_path.iter().zip(&per_path_used) {
        for rule in p.rules.iter().filter(|r| evaluated.contains(r) && !used.contains(r)) {
            notes.push(Diagnostic::new(
                cfg,
                p.pattern.line,
                DiagnosticKind::Note,
                format!(
                    "rules.per_path: `{}` disables {rule} where it reports nothing; remove the entry",
                    p.pattern.glob
                ),
            ));
        }
    }
    (out, notes)
}
