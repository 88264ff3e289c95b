//! Scores, statuses and the verdict. See `SCORING` (printed by `prodready explain --scoring`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::config::Settings;
use crate::engine::RuleStats;
use crate::finding::{Category, Finding, Severity};
use crate::rules::meta::{RuleId, RuleKind, RuleStatus};
use crate::rules::Evidence;

/// Scale applied to a category that has an active blocker: its score lands in 0–4.0.
pub const BLOCKER_CAP: f64 = 4.0;
/// How much a fully failing blocker-weight validity rule takes off its category (multiplicative).
pub const VALIDITY_PENALTY: f64 = 0.5;
/// Overall score cap while any blocker is active.
pub const OVERALL_BLOCKER_CAP: f64 = 4.0;

pub const SCORING: &str = "\
How prodready scores

Unit of a check: a rule evaluated against its targets (each Dockerfile, compose service, Kubernetes
container, workflow job, env file, … that the rule judges; repository-level rules have one target).
For a rule with n targets, of which f have active findings, and k active findings in all:

    pass ratio  p = (n - f) / (n - f + k)        (1.0 when it found nothing)

so fifty clean manifests cannot drown one blocker (k grows with every finding), and fixing any
finding raises p. Suppressed findings do not count.

Category score (0.0-10.0) = 10 x sum(w x p) / sum(w) over the rules of the category that applied,
with w the rule's severity weight: blocker 10, high 7.5, medium 5, low 2.5 (OpenSSF Scorecard's
weights). Info and preview rules are shown but do not score. A category where no rule applied is
n/a (score null, with a reason): never 10, never 0, and left out of the overall. An absence that
matters (\"no runbooks\") is a failed repository-level check, not n/a.

Validity rules (does the configuration load and run at all: YAML that parses, keys the tool knows,
references that resolve) never earn credit — passing them is the minimum — but each failing one
multiplies its category by 1 - 0.5 x (w / 10) x (1 - p); a category with only validity checks is
n/a.

Blocker cap: a category with an active blocker is scaled into 0-4.0 (score x 0.4), so it reads as
failing while every other fix still moves it.

Overall = weighted mean of the applicable category scores (weights 1 unless configured), capped at
4.0 while any blocker is active.

Status bands: Excellent >= 9.0, Good >= 7.0, Partial >= 5.0, Limited >= 3.0, Poor below.

Verdict: NOT ASSESSED when nothing deployable was found; DO NOT DEPLOY when any blocker is active;
NEEDS ATTENTION when any high finding is active or the overall is below 7.0; READY otherwise.
Scores are rounded to one decimal for display; JSON carries the same rounded values.
";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Ready,
    NeedsAttention,
    DoNotDeploy,
    NotAssessed,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Ready => "READY",
            Verdict::NeedsAttention => "NEEDS ATTENTION",
            Verdict::DoNotDeploy => "DO NOT DEPLOY",
            Verdict::NotAssessed => "NOT ASSESSED",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::NeedsAttention => "needs_attention",
            Verdict::DoNotDeploy => "do_not_deploy",
            Verdict::NotAssessed => "not_assessed",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Excellent,
    Good,
    Partial,
    Limited,
    Poor,
    NotApplicable,
}

impl Status {
    pub fn from_score(score: Option<f64>) -> Status {
        match score {
            None => Status::NotApplicable,
            Some(s) if s >= 9.0 => Status::Excellent,
            Some(s) if s >= 7.0 => Status::Good,
            Some(s) if s >= 5.0 => Status::Partial,
            Some(s) if s >= 3.0 => Status::Limited,
            Some(_) => Status::Poor,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Excellent => "EXCELLENT",
            Status::Good => "GOOD",
            Status::Partial => "PARTIAL",
            Status::Limited => "LIMITED",
            Status::Poor => "POOR",
            Status::NotApplicable => "N/A",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Status::Excellent => "excellent",
            Status::Good => "good",
            Status::Partial => "partial",
            Status::Limited => "limited",
            Status::Poor => "poor",
            Status::NotApplicable => "not_applicable",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckOutcome {
    Pass,
    Fail,
    /// Info or preview rule: shown, not scored.
    Unscored,
}

#[derive(Clone, Debug)]
pub struct CheckResult {
    pub rule: RuleId,
    pub outcome: CheckOutcome,
    pub targets: u32,
    pub failed_targets: u32,
    pub findings: u32,
    pub suppressed: u32,
    pub pass_ratio: f64,
    pub weight: f64,
    pub evidence: Vec<Evidence>,
}

#[derive(Clone, Debug)]
pub struct CategoryScore {
    pub category: Category,
    pub score: Option<f64>,
    /// Score before the blocker cap.
    pub raw_score: Option<f64>,
    pub status: Status,
    pub na_reason: Option<String>,
    pub checks_passed: u32,
    pub checks_total: u32,
    pub blockers: u32,
    pub explanation: String,
    pub checks: Vec<CheckResult>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub blocker: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
    pub info: u32,
    pub suppressed: u32,
}

impl Counts {
    /// Per severity, the active findings; `suppressed` counts the others.
    pub fn of(findings: &[Finding]) -> Counts {
        Counts::tally(findings, Finding::is_active)
    }

    /// Per severity, the findings that score (active or known from a baseline); `suppressed` counts
    /// the others.
    pub fn of_scored(findings: &[Finding]) -> Counts {
        Counts::tally(findings, Finding::scores)
    }

    fn tally(findings: &[Finding], counts: impl Fn(&Finding) -> bool) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            if !counts(f) {
                c.suppressed += 1;
                continue;
            }
            match f.severity {
                Severity::Blocker => c.blocker += 1,
                Severity::High => c.high += 1,
                Severity::Medium => c.medium += 1,
                Severity::Low => c.low += 1,
                Severity::Info => c.info += 1,
            }
        }
        c
    }

    pub fn get(&self, s: Severity) -> u32 {
        match s {
            Severity::Blocker => self.blocker,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Scorecard {
    pub categories: Vec<CategoryScore>,
    pub overall: Option<f64>,
    pub verdict: Verdict,
    pub counts: Counts,
}

pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn na_reason(c: Category) -> &'static str {
    match c {
        Category::Env => "no env files, env templates or service environment blocks were found",
        Category::Iac => "no Dockerfiles, compose files or Kubernetes manifests were found",
        Category::Cicd => "no CI pipeline (GitHub Actions, GitLab CI) was found",
        Category::Observability => "nothing to monitor was found",
        Category::Backup => "no stateful services or backup tooling were found",
        Category::Security => "nothing security-relevant was found",
        Category::Scalability => "no services to scale were found",
        Category::Operations => "nothing operational was found",
    }
}

/// Score the findings. `evaluated` are the rules that ran; `stats` their target counts.
pub fn score(
    evaluated: &[RuleId],
    stats: &HashMap<RuleId, RuleStats>,
    findings: &[Finding],
    deployable: bool,
    settings: &Settings,
) -> Scorecard {
    // active findings and failed targets per rule
    let mut active: HashMap<RuleId, (u32, BTreeSet<u32>)> = HashMap::new();
    let mut suppressed: HashMap<RuleId, u32> = HashMap::new();
    let mut blockers: BTreeMap<Category, u32> = BTreeMap::new();
    for f in findings {
        if f.scores() {
            let e = active.entry(f.rule).or_default();
            e.0 += 1;
            e.1.insert(f.target);
            if f.severity == Severity::Blocker {
                *blockers.entry(f.rule.meta().category).or_default() += 1;
            }
        } else {
            *suppressed.entry(f.rule).or_default() += 1;
        }
    }

    let mut categories = Vec::new();
    for cat in Category::ALL {
        let mut checks = Vec::new();
        let (mut wsum, mut wp) = (0.0, 0.0);
        // Product of the validity rules' penalties (1.0 when all pass).
        let (mut validity, mut validity_failing, mut validity_total) = (1.0_f64, 0u32, 0u32);
        let (mut passed, mut total) = (0u32, 0u32);
        for rule in evaluated.iter().filter(|r| r.meta().category == cat) {
            let Some(st) = stats.get(rule) else { continue };
            if st.targets == 0 {
                continue;
            }
            let meta = rule.meta();
            let sev = settings.severity_overrides.get(rule).copied().unwrap_or(meta.severity);
            let (k, failed) =
                active.get(rule).map_or((0, 0), |(k, t)| (*k, u32::try_from(t.len()).unwrap_or(u32::MAX)));
            let n = st.targets.max(failed);
            let pass_ratio = if k == 0 { 1.0 } else { f64::from(n - failed) / f64::from(n - failed + k) };
            let scored = sev != Severity::Info && meta.status != RuleStatus::Preview;
            let weight = if scored { sev.weight() } else { 0.0 };
            let outcome = if !scored {
                CheckOutcome::Unscored
            } else if k == 0 {
                CheckOutcome::Pass
            } else {
                CheckOutcome::Fail
            };
            if scored && meta.kind == RuleKind::Validity {
                // Configuration that loads earns no credit; configuration that does not takes it away.
                validity *= 1.0 - VALIDITY_PENALTY * (weight / 10.0) * (1.0 - pass_ratio);
                validity_total += 1;
                if k > 0 {
                    validity_failing += 1;
                }
            } else if scored {
                wsum += weight;
                wp += weight * pass_ratio;
            }
            if scored {
                total += 1;
                if k == 0 {
                    passed += 1;
                }
            }
            checks.push(CheckResult {
                rule: *rule,
                outcome,
                targets: n,
                failed_targets: failed,
                findings: k,
                suppressed: suppressed.get(rule).copied().unwrap_or(0),
                pass_ratio,
                weight,
                evidence: st.evidence.clone(),
            });
        }
        let nb = blockers.get(&cat).copied().unwrap_or(0);
        let (score, raw, na) = if wsum > 0.0 {
            let raw = 10.0 * wp / wsum * validity;
            let s = if nb > 0 { raw * BLOCKER_CAP / 10.0 } else { raw };
            (Some(round1(s)), Some(round1(raw)), None)
        } else {
            (None, None, Some(na_reason(cat).to_owned()))
        };
        let explanation = match score {
            None => format!("n/a: {}", na_reason(cat)),
            Some(_) => {
                let readiness_total = total - validity_total;
                let readiness_passed = passed - (validity_total - validity_failing);
                let mut e = format!("{readiness_passed} of {readiness_total} readiness checks passed");
                if validity_total > 0 {
                    e.push_str(&format!(
                        "; {} of {validity_total} validity checks passed",
                        validity_total - validity_failing
                    ));
                    if validity_failing > 0 {
                        e.push_str(&format!(" (failures scale the score by {validity:.2})"));
                    }
                }
                if nb > 0 {
                    e.push_str(&format!(
                        "; {nb} blocker{} cap{} this category at {BLOCKER_CAP:.1}",
                        if nb == 1 { "" } else { "s" },
                        if nb == 1 { "s" } else { "" }
                    ));
                }
                e
            }
        };
        categories.push(CategoryScore {
            category: cat,
            score,
            raw_score: raw,
            status: Status::from_score(score),
            na_reason: na,
            checks_passed: passed,
            checks_total: total,
            blockers: nb,
            explanation,
            checks,
        });
    }

    let counts = Counts::of(findings);
    // The verdict counts findings known from a baseline too (they are real, only not gating).
    let scored = Counts::of_scored(findings);
    let (mut num, mut den) = (0.0, 0.0);
    for c in &categories {
        if let Some(s) = c.score {
            let w = settings.category_weight(c.category);
            num += w * s;
            den += w;
        }
    }
    let overall = if !deployable || den == 0.0 {
        None
    } else {
        let o = num / den;
        Some(round1(if scored.blocker > 0 { o.min(OVERALL_BLOCKER_CAP) } else { o }))
    };
    let verdict = if !deployable {
        Verdict::NotAssessed
    } else if scored.blocker > 0 {
        Verdict::DoNotDeploy
    } else if scored.high > 0 || overall.is_some_and(|o| o < 7.0) {
        Verdict::NeedsAttention
    } else {
        Verdict::Ready
    };
    if !deployable {
        for c in &mut categories {
            c.score = None;
            c.status = Status::NotApplicable;
            c.na_reason = Some("nothing deployable was found in this repository".to_owned());
            c.explanation = "n/a: nothing deployable was found in this repository".to_owned();
        }
    }
    Scorecard { categories, overall, verdict, counts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Confidence;
    use crate::model::Environment;

    fn finding(rule: RuleId, severity: Severity, target: u32) -> Finding {
        Finding {
            rule,
            severity,
            confidence: Confidence::High,
            environment: Environment::Default,
            message: String::new(),
            location: None,
            related: Vec::new(),
            help: None,
            snippet: None,
            fingerprint: format!("{rule}-{target}"),
            suppressed: None,
            target,
        }
    }

    fn stats(targets: &[(RuleId, u32)]) -> HashMap<RuleId, RuleStats> {
        targets.iter().map(|(r, n)| (*r, RuleStats { targets: *n, failed_targets: 0, evidence: Vec::new() })).collect()
    }

    fn cat(card: &Scorecard, c: Category) -> Option<f64> {
        card.categories.iter().find(|x| x.category == c).and_then(|x| x.score)
    }

    fn run(rules: &[(RuleId, u32)], findings: &[Finding]) -> Scorecard {
        let evaluated: Vec<RuleId> = rules.iter().map(|r| r.0).collect();
        score(&evaluated, &stats(rules), findings, true, &Settings::new(".".into()))
    }

    #[test]
    fn nothing_applicable_is_na_never_ten_or_zero() {
        let card = run(&[(RuleId::DC001, 3)], &[]);
        assert_eq!(cat(&card, Category::Observability), Some(10.0));
        assert_eq!(cat(&card, Category::Backup), None);
        let b = card.categories.iter().find(|c| c.category == Category::Backup);
        assert!(b.is_some_and(|b| b.na_reason.is_some() && b.status == Status::NotApplicable));
    }

    #[test]
    fn a_blocker_caps_its_category_and_the_overall() {
        // DC006 (security, blocker weight) fails once among many passing security rules.
        let rules = [(RuleId::DC006, 50), (RuleId::DC004, 50), (RuleId::DC005, 50), (RuleId::DC008, 50)];
        let card = run(&rules, &[finding(RuleId::DC006, Severity::Blocker, 7)]);
        let s = cat(&card, Category::Security).unwrap_or(99.0);
        assert!(s <= BLOCKER_CAP, "{s}");
        assert!(card.overall.unwrap_or(99.0) <= OVERALL_BLOCKER_CAP);
        assert_eq!(card.verdict, Verdict::DoNotDeploy);
    }

    #[test]
    fn fixing_any_finding_raises_the_category_score() {
        let rules = [(RuleId::DC002, 4), (RuleId::DC003, 4), (RuleId::DC001, 4)];
        // DC002 (scalability, medium): two findings on one target, one on another.
        let all = vec![
            finding(RuleId::DC002, Severity::Medium, 0),
            finding(RuleId::DC002, Severity::Medium, 0),
            finding(RuleId::DC002, Severity::Medium, 1),
        ];
        let mut prev = cat(&run(&rules, &all), Category::Scalability).unwrap_or(99.0);
        for n in (0..all.len()).rev() {
            let now = cat(&run(&rules, all.get(..n).unwrap_or(&[])), Category::Scalability).unwrap_or(0.0);
            assert!(now > prev, "fixing a finding must raise the score: {prev} -> {now}");
            prev = now;
        }
    }

    #[test]
    fn passing_validity_checks_earn_no_credit_and_failing_ones_cost() {
        // CI005 (cicd readiness) fails; CI008/CI011 (validity) pass on many targets.
        let base = [(RuleId::CI005, 1)];
        let with_validity = [(RuleId::CI005, 1), (RuleId::CI008, 40), (RuleId::CI011, 40)];
        let f = [finding(RuleId::CI005, Severity::Medium, 0)];
        assert_eq!(cat(&run(&base, &f), Category::Cicd), cat(&run(&with_validity, &f), Category::Cicd));
        let clean = cat(&run(&with_validity, &[]), Category::Cicd).unwrap_or(0.0);
        let broken =
            cat(&run(&with_validity, &[finding(RuleId::CI011, Severity::High, 3)]), Category::Cicd).unwrap_or(99.0);
        assert!(broken < clean, "{broken} < {clean}");
        // Only validity checks applied: n/a, not 10.
        assert_eq!(cat(&run(&[(RuleId::CI008, 5)], &[]), Category::Cicd), None);
    }

    #[test]
    fn suppressed_findings_do_not_count() {
        let rules = [(RuleId::DC002, 2)];
        let mut f = finding(RuleId::DC002, Severity::Medium, 0);
        f.suppressed = Some(crate::finding::Suppression { kind: "inline", reason: "x".into() });
        assert_eq!(cat(&run(&rules, &[f]), Category::Scalability), Some(10.0));
    }
}
