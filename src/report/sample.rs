//! A hand-built, realistic [`Report`] for renderer tests: a blocker with a snippet and a related
//! location, high/medium/low/info findings, a repository-level finding, a suppressed finding,
//! scored categories, one n/a category, diagnostics and an inventory with test data.

use super::{Gate, Inventory, InventoryItem, Report, Stats};
use crate::finding::{
    Category, Confidence, Diagnostic, DiagnosticKind, Finding, Location, Related, Severity, Snippet, Suppression,
};
use crate::model::{ArtifactKind, EnvInfo, Environment};
use crate::rules::meta::RuleId;
use crate::rules::Evidence;
use crate::score::{CategoryScore, CheckOutcome, CheckResult, Counts, Scorecard, Status, Verdict};
use crate::source::{Pos, Span};

fn span(line: u32, col: u32, end_col: u32) -> Span {
    Span::new(Pos::new(line, col), Pos::new(line, end_col))
}

fn loc(path: &str, line: u32, col: u32, end_col: u32) -> Option<Location> {
    Some(Location::new(path, span(line, col, end_col)))
}

fn finding(rule: RuleId, severity: Severity, env: Environment, message: &str, location: Option<Location>) -> Finding {
    Finding {
        rule,
        severity,
        confidence: Confidence::High,
        environment: env,
        message: message.to_owned(),
        location,
        related: Vec::new(),
        help: None,
        snippet: None,
        fingerprint: format!("{:016x}", (message.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
        suppressed: None,
        target: 0,
    }
}

fn check(rule: RuleId, targets: u32, failed: u32, findings: u32, weight: f64, evidence: Vec<Evidence>) -> CheckResult {
    let outcome = if weight == 0.0 {
        CheckOutcome::Unscored
    } else if findings == 0 {
        CheckOutcome::Pass
    } else {
        CheckOutcome::Fail
    };
    let pass_ratio =
        if findings == 0 { 1.0 } else { f64::from(targets - failed) / f64::from(targets - failed + findings) };
    CheckResult {
        rule,
        outcome,
        targets,
        failed_targets: failed,
        findings,
        suppressed: 0,
        pass_ratio,
        weight,
        evidence,
    }
}

#[allow(clippy::too_many_arguments)]
fn category(
    category: Category,
    score: Option<f64>,
    raw: Option<f64>,
    passed: u32,
    total: u32,
    blockers: u32,
    explanation: &str,
    checks: Vec<CheckResult>,
) -> CategoryScore {
    CategoryScore {
        category,
        score,
        raw_score: raw,
        status: Status::from_score(score),
        na_reason: None,
        checks_passed: passed,
        checks_total: total,
        blockers,
        explanation: explanation.to_owned(),
        checks,
    }
}

fn item(path: &str, kind: ArtifactKind, env: Environment, reason: &str) -> InventoryItem {
    InventoryItem {
        path: path.to_owned(),
        kind,
        env: EnvInfo { env, reason: reason.to_owned() },
        tracked: true,
        audited: env != Environment::Test,
    }
}

pub(crate) fn sample_report() -> Report {
    let mut blocker = finding(
        RuleId::PARSE001,
        Severity::Blocker,
        Environment::Production,
        "docker-compose.prod.yml does not parse: mapping values are not allowed in this context",
        loc("docker-compose.prod.yml", 4, 11, 12),
    );
    blocker.related.push(Related {
        location: Location::new("apps/api/Dockerfile", span(1, 1, 5)),
        label: "the service `api` builds from this Dockerfile".to_owned(),
    });
    blocker.help = Some("Indent `ports:` to the level of `image:`.".to_owned());
    blocker.snippet = Some(Snippet {
        first_line: 4,
        lines: vec!["     ports: [\"80:4000\"]".to_owned(), "    environment:".to_owned()],
    });

    let mut high_k8s = finding(
        RuleId::PARSE001,
        Severity::High,
        Environment::Staging,
        "k8s/deploy.yaml does not parse: found character that cannot start any token",
        loc("k8s/deploy.yaml", 7, 9, 10),
    );
    high_k8s.snippet = Some(Snippet { first_line: 7, lines: vec!["  image: @latest".to_owned()] });

    let no_runbooks = finding(
        RuleId::OPS001,
        Severity::High,
        Environment::Default,
        "no runbook or incident-response documentation was found",
        None,
    );

    let mut medium = finding(
        RuleId::DC001,
        Severity::Medium,
        Environment::Default,
        "service `api` has no healthcheck",
        loc("docker-compose.yml", 3, 3, 6),
    );
    medium.snippet = Some(Snippet { first_line: 3, lines: vec!["  api:".to_owned()] });
    medium.target = 1;

    let mut low = finding(
        RuleId::DC001,
        Severity::Low,
        Environment::Development,
        "service `db` has no healthcheck",
        loc("docker-compose.dev.yml", 2, 3, 5),
    );
    low.confidence = Confidence::Medium;

    let info = finding(
        RuleId::DC001,
        Severity::Info,
        Environment::Example,
        "service `demo` has no healthcheck",
        loc("examples/docker-compose.yml", 2, 3, 7),
    );

    let mut suppressed = finding(
        RuleId::DC001,
        Severity::Medium,
        Environment::Default,
        "service `worker` has no healthcheck",
        loc("docker-compose.yml", 9, 3, 9),
    );
    suppressed.suppressed =
        Some(Suppression { kind: "inline", reason: "the worker exposes no port; liveness via queue depth".to_owned() });
    suppressed.target = 2;

    let mut findings = vec![no_runbooks, medium, suppressed, low, blocker, info, high_k8s];
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    let ev = |path: &str, line: u32, text: &str| Evidence {
        location: loc(path, line, 1, 2),
        text: text.to_owned(),
        generated: false,
    };
    let categories = vec![
        CategoryScore {
            na_reason: Some("no env files, env templates or service environment blocks were found".to_owned()),
            ..category(
                Category::Env,
                None,
                None,
                0,
                0,
                0,
                "n/a: no env files, env templates or service environment blocks were found",
                Vec::new(),
            )
        },
        category(
            Category::Iac,
            Some(2.4),
            Some(6.0),
            0,
            1,
            1,
            "0 of 1 checks passed; 1 blocker caps this category at 4.0",
            vec![check(
                RuleId::PARSE001,
                5,
                2,
                2,
                7.5,
                vec![ev("docker-compose.yml", 1, "docker-compose.yml parses (2 services)")],
            )],
        ),
        category(Category::Cicd, Some(8.5), Some(8.5), 3, 4, 0, "3 of 4 checks passed", Vec::new()),
        category(
            Category::Observability,
            Some(5.0),
            Some(5.0),
            0,
            1,
            0,
            "0 of 1 checks passed",
            vec![CheckResult {
                suppressed: 1,
                ..check(
                    RuleId::DC001,
                    4,
                    2,
                    2,
                    5.0,
                    vec![
                        ev("docker-compose.yml", 12, "service `web` has a healthcheck (wget /health)"),
                        ev("docker-compose.prod.yml", 2, "service `api` has a healthcheck (curl /ready)"),
                    ],
                )
            }],
        ),
        category(Category::Backup, Some(5.5), Some(5.5), 1, 2, 0, "1 of 2 checks passed", Vec::new()),
        category(Category::Security, Some(9.4), Some(9.4), 5, 6, 0, "5 of 6 checks passed", Vec::new()),
        category(Category::Scalability, Some(3.5), Some(3.5), 1, 3, 0, "1 of 3 checks passed", Vec::new()),
        category(
            Category::Operations,
            Some(0.0),
            Some(0.0),
            0,
            1,
            0,
            "0 of 1 checks passed",
            vec![check(RuleId::OPS001, 1, 1, 1, 7.5, Vec::new())],
        ),
    ];
    let counts = Counts::of(&findings);
    let scorecard = Scorecard { categories, overall: Some(4.0), verdict: Verdict::DoNotDeploy, counts };

    let diagnostics = vec![
        Diagnostic::new("assets/big.yaml", None, DiagnosticKind::Skipped, "file is larger than 1 MiB"),
        Diagnostic::new("docker-compose.prod.yml", Some(4), DiagnosticKind::Parse, "mapping values are not allowed"),
    ];

    let inventory = Inventory {
        items: vec![
            item("apps/api/Dockerfile", ArtifactKind::Dockerfile, Environment::Default, "no environment marker"),
            item("docker-compose.dev.yml", ArtifactKind::Compose, Environment::Development, "file name `.dev`"),
            item("docker-compose.prod.yml", ArtifactKind::Compose, Environment::Production, "file name `.prod`"),
            item("docker-compose.yml", ArtifactKind::Compose, Environment::Default, "no environment marker"),
            item("examples/docker-compose.yml", ArtifactKind::Compose, Environment::Example, "directory `examples/`"),
            item("k8s/deploy.yaml", ArtifactKind::Kubernetes, Environment::Staging, "namespace `staging`"),
            item("tests/fixtures/docker-compose.yml", ArtifactKind::Compose, Environment::Test, "directory `tests/`"),
        ],
    };

    Report {
        tool_version: "0.1.0",
        root_name: "acme-shop".to_owned(),
        scorecard,
        findings,
        diagnostics,
        inventory,
        gate: Gate {
            passed: false,
            reasons: vec!["1 blocker finding".to_owned(), "overall score 4.0 is below the minimum 7.0".to_owned()],
            fail_on: "blocker".to_owned(),
            min_score: Some(7.0),
        },
        stats: Stats { files_discovered: 42, files_scanned: 7, bytes_scanned: 12_345, duration_ms: 17, threads: 4 },
        rules: vec![RuleId::DC001, RuleId::OPS001, RuleId::PARSE001],
        baseline: None,
        scope: None,
    }
}

/// The sample with hostile strings in every user-controlled field renderers print.
pub(crate) fn hostile_report() -> Report {
    const EVIL: &str =
        "a|b `x` <script>alert(1)</script> *em* _u_ [l](http://e) &amp; $x$ ~~s~~\nNEXTLINE\u{1b}[31mred";
    let mut r = sample_report();
    r.root_name = format!("root {EVIL}");
    for f in &mut r.findings {
        f.message = format!("{} {EVIL}", f.message);
        f.help = Some(format!("help {EVIL}"));
        if let Some(l) = &mut f.location {
            l.path = format!("dir|x/`p`<b>\n{}", l.path);
        }
        for rel in &mut f.related {
            rel.label = format!("label {EVIL}");
        }
        if let Some(s) = &mut f.snippet {
            s.lines.push("```".to_owned());
            s.lines.push("x ```` y \u{1b}[2J".to_owned());
        }
        if let Some(s) = &mut f.suppressed {
            s.reason = format!("reason {EVIL}");
        }
    }
    for c in &mut r.scorecard.categories {
        c.explanation = format!("{} {EVIL}", c.explanation);
        for ch in &mut c.checks {
            for e in &mut ch.evidence {
                e.text = format!("{} {EVIL}", e.text);
            }
        }
    }
    for d in &mut r.diagnostics {
        d.message = format!("{} {EVIL}", d.message);
        d.path = format!("{}|{EVIL}", d.path);
    }
    for i in &mut r.inventory.items {
        i.path = format!("{} {EVIL}", i.path);
        i.env.reason = format!("{} {EVIL}", i.env.reason);
    }
    r.gate.reasons.push(format!("reason {EVIL}"));
    r
}
