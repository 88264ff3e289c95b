//! CI005: the repository has CI pipelines, but none of them runs tests.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::finding::Location;
use crate::index::{Project, Resolution};
use crate::model::{Artifact, ArtifactData, ArtifactKind};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::{Span, Spanned};

pub struct NoTestStep;

/// Commands that run a test suite.
static TEST_CMD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?:^|[\s;&|(`'\x22])(?:
            (?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test(?::[\w:.-]+)?\b | npm\s+t\b
          | (?:npx\s+|bunx\s+|yarn\s+|pnpm\s+(?:exec\s+)?)?(?:jest|vitest|mocha|karma|ava|playwright\s+test|cypress\s+run)\b
          | (?:python3?\s+-m\s+)?pytest\b | python3?\s+-m\s+unittest\b | (?:tox|nox)\b
          | go\s+test\b | gotestsum\b
          | cargo\s+(?:test|nextest)\b
          | (?:\./)?mvnw?\b[^\n;&|]*\s(?:test|verify|package|install)\b
          | (?:\./)?gradlew?\b[^\n;&|]*\s(?:test|check|build)\b
          | dotnet\s+test\b
          | make\s+(?:[\w.-]+\s+)*(?:test|tests|check)\b
          | (?:bundle\s+exec\s+)?(?:rspec|rake\s+(?:test|spec))\b | rails\s+test\b
          | (?:vendor/bin/)?(?:phpunit|pest)\b | php\s+artisan\s+test\b
          | mix\s+test\b | swift\s+test\b | flutter\s+test\b | deno\s+test\b | ctest\b | bats\b
          | sbt\b[^\n;&|]*\stest\b
          | (?:nx|turbo|lerna)\b[^\n;&|]*\btest\b
        )(?:$|[\s;&|)'`\x22])",
    )
    .ok()
});

/// Flags that switch the tests of a build off.
static SKIP: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"-DskipTests|-Dmaven\.test\.skip=true|-x\s+test\b|--exclude-task\s+test\b").ok());

/// Commands that install a tool rather than run it (`pip install tox`).
static INSTALL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:sudo\s+)?(?:pip3?|pipx|uv\s+pip|npm|yarn|pnpm|bun|gem|go|cargo|apt-get|apt|apk|brew|dotnet\s+tool)\s+(?:install|add|i|get)\b").ok()
});

/// Separators of commands on one line.
static SEP: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"&&|\|\||;|\|").ok());

/// `npm run x`, `yarn x`, `pnpm run x`, `bun run x`: package.json scripts.
static RUN_SCRIPT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\b(?:npm\s+(?:run|run-script)|yarn(?:\s+run)?|pnpm(?:\s+run)?|bun\s+run)\s+([A-Za-z0-9:_.-]+)").ok()
});

/// `make a b`, `$(MAKE) a`.
static MAKE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:\bmake|\$\(MAKE\)|\$\{MAKE\})((?:\s+[A-Za-z0-9_.-]+)*)").ok());

/// Shell scripts a command runs (`./scripts/ci.sh`, `bash scripts/test.sh`).
static SH: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s;&|(])((?:\./)?[A-Za-z0-9_./-]+\.sh)\b").ok());

/// A Makefile target line (`test: build`).
static TARGET: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^([A-Za-z0-9_.%/-]+)\s*:([^=].*)?$").ok());

/// Tools named in the message.
const SEARCHED: &str = "npm/yarn/pnpm test, jest, vitest, pytest, tox, go test, cargo test, mvn verify, gradle test, dotnet test, make test, rspec, phpunit";

/// The test command in one line of shell, if any (install commands and `-DskipTests` excluded).
fn test_command(line: &str) -> Option<String> {
    let (re, sep) = (TEST_CMD.as_ref()?, SEP.as_ref()?);
    sep.split(line).find_map(|cmd| {
        if INSTALL.as_ref().is_some_and(|i| i.is_match(cmd)) || SKIP.as_ref().is_some_and(|s| s.is_match(cmd)) {
            return None;
        }
        let m = re.find(cmd)?;
        Some(m.as_str().trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '/').to_owned())
    })
}

struct Makefile {
    default: Option<String>,
    /// target → (prerequisites, recipe)
    targets: BTreeMap<String, (Vec<String>, String)>,
}

fn parse_makefile(text: &str) -> Makefile {
    let mut m = Makefile { default: None, targets: BTreeMap::new() };
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(recipe) = line.strip_prefix('\t') {
            if let Some(t) = current.as_ref().and_then(|c| m.targets.get_mut(c)) {
                t.1.push_str(recipe);
                t.1.push('\n');
            }
            continue;
        }
        let Some(c) = TARGET.as_ref().and_then(|re| re.captures(line.trim_end())) else {
            if !line.trim().is_empty() && !line.starts_with('#') {
                current = None;
            }
            continue;
        };
        let name = c.get(1).map_or("", |n| n.as_str()).to_owned();
        let prereqs = c
            .get(2)
            .map(|p| p.as_str().split(';').next().unwrap_or("").split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        if m.default.is_none() && !name.starts_with('.') && !name.contains('%') {
            m.default = Some(name.clone());
        }
        m.targets.entry(name.clone()).or_insert_with(|| (prereqs, String::new()));
        current = Some(name);
    }
    m
}

struct Search<'p> {
    project: &'p Project,
    scripts: Vec<BTreeMap<String, String>>,
    makefiles: Vec<Makefile>,
}

impl<'p> Search<'p> {
    fn new(project: &'p Project) -> Search<'p> {
        let mut scripts = Vec::new();
        let mut makefiles = Vec::new();
        for a in project.audited() {
            match a.kind {
                ArtifactKind::PackageJson => {
                    let Ok(v) = serde_json::from_str::<serde_json::Value>(&a.source.text) else { continue };
                    let map: BTreeMap<String, String> = v
                        .get("scripts")
                        .and_then(|s| s.as_object())
                        .map(|o| o.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
                        .unwrap_or_default();
                    scripts.push(map);
                }
                ArtifactKind::Makefile => makefiles.push(parse_makefile(&a.source.text)),
                _ => {}
            }
        }
        Search { project, scripts, makefiles }
    }

    /// What in `text` runs tests (directly, or through scripts, targets and shell files it calls).
    fn runs_tests(&self, text: &str, depth: u8) -> Option<String> {
        let joined = text.replace("\\\n", " ");
        for line in joined.lines() {
            let line = line.split(" #").next().unwrap_or(line);
            if line.trim_start().starts_with('#') {
                continue;
            }
            if let Some(found) = test_command(line) {
                return Some(format!("`{found}`"));
            }
            if depth >= 3 {
                continue;
            }
            if let Some(found) = self.through_scripts(line, depth) {
                return Some(found);
            }
        }
        None
    }

    fn through_scripts(&self, line: &str, depth: u8) -> Option<String> {
        for c in RUN_SCRIPT.as_ref()?.captures_iter(line) {
            let Some(name) = c.get(1).map(|n| n.as_str()) else { continue };
            for map in &self.scripts {
                if let Some(found) = map.get(name).and_then(|body| self.runs_tests(body, depth + 1)) {
                    return Some(format!("{found} through package.json script `{name}`"));
                }
            }
        }
        for c in MAKE.as_ref()?.captures_iter(line) {
            let targets: Vec<&str> = c.get(1).map_or("", |t| t.as_str()).split_whitespace().collect();
            for mf in &self.makefiles {
                let wanted: Vec<String> = if targets.is_empty() {
                    mf.default.iter().cloned().collect()
                } else {
                    targets
                        .iter()
                        .filter(|t| !t.starts_with('-') && !t.contains('='))
                        .map(|t| (*t).to_owned())
                        .collect()
                };
                for t in wanted {
                    if let Some(found) = self.target_runs_tests(mf, &t, depth) {
                        return Some(format!("{found} through make target `{t}`"));
                    }
                }
            }
        }
        for c in SH.as_ref()?.captures_iter(line) {
            let Some(p) = c.get(1).map(|p| p.as_str()) else { continue };
            if let Resolution::File(path) = self.project.resolve("", Some(""), p) {
                if let Some(found) =
                    self.project.artifact(&path).and_then(|a| self.runs_tests(&a.source.text, depth + 1))
                {
                    return Some(format!("{found} through `{path}`"));
                }
            }
        }
        None
    }

    fn target_runs_tests(&self, mf: &Makefile, target: &str, depth: u8) -> Option<String> {
        if matches!(target, "test" | "tests" | "check") && mf.targets.contains_key(target) {
            // `make test` already matched TEST_CMD; a target named so elsewhere counts the same.
            return Some(format!("`make {target}`"));
        }
        let (prereqs, recipe) = mf.targets.get(target)?;
        if let Some(found) = self.runs_tests(recipe, depth + 1) {
            return Some(found);
        }
        prereqs.iter().take(16).find_map(|p| if depth < 3 { self.target_runs_tests(mf, p, depth + 1) } else { None })
    }
}

/// CI definitions to search (the audited ones: test-data directories excluded).
fn ci_files(project: &Project) -> Vec<&Artifact> {
    project.audited().filter(|a| matches!(a.data, ArtifactData::Workflow(_) | ArtifactData::GitlabCi(_))).collect()
}

fn evidence(cx: &mut Cx, path: &str, span: Span, found: &str) {
    cx.evidence(Some(Location::new(path, span)), format!("CI runs tests: {found}"));
}

impl Rule for NoTestStep {
    fn id(&self) -> RuleId {
        RuleId::CI005
    }

    fn project(&self, cx: &mut Cx, project: &Project) -> Checked {
        let files = ci_files(project);
        let Some(first) = files.first() else { return NA };
        let search = Search::new(project);
        for a in &files {
            match &a.data {
                ArtifactData::Workflow(w) => {
                    for job in &w.jobs {
                        if let Some(u) = job.uses.as_ref().filter(|u| is_test_name(&u.value)) {
                            evidence(cx, a.path(), u.span, &format!("reusable workflow `{}`", u.value));
                            return CHECKED;
                        }
                        for step in &job.steps {
                            if let Some(found) = step.run.as_ref().and_then(|r| search.runs_tests(&r.value, 0)) {
                                evidence(cx, a.path(), step.anchor(), &found);
                                return CHECKED;
                            }
                            if let Some(u) = &step.uses {
                                if let Some(found) = local_action(project, &search, u)
                                    .or_else(|| is_test_name(&u.value).then(|| format!("action `{}`", u.value)))
                                {
                                    evidence(cx, a.path(), u.span, &found);
                                    return CHECKED;
                                }
                            }
                        }
                    }
                }
                ArtifactData::GitlabCi(g) => {
                    for job in &g.jobs {
                        for line in job.all_script() {
                            if let Some(found) = search.runs_tests(&line.value, 0) {
                                evidence(cx, a.path(), line.span, &found);
                                return CHECKED;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        let gh = files.iter().filter(|a| a.kind == ArtifactKind::GithubWorkflow).count();
        let gl = files.len() - gh;
        let mut what = Vec::new();
        if gh > 0 {
            what.push(format!("{gh} GitHub Actions workflow{}", if gh == 1 { "" } else { "s" }));
        }
        if gl > 0 {
            what.push(format!("{gl} GitLab CI file{}", if gl == 1 { "" } else { "s" }));
        }
        let mut f = cx.report_at(
            first.path(),
            Span::file_start(),
            format!(
                "no CI job runs tests: {} (and the package.json scripts, make targets and shell scripts they call) run none of {SEARCHED} or similar",
                what.join(" and ")
            ),
        );
        for other in files.iter().skip(1) {
            f = f.related(other.path(), Span::file_start(), "also searched");
        }
        f.help("add a job that runs the test suite on every push and pull request, before any deploy job");
        CHECKED
    }
}

/// Remote actions and reusable workflows whose name says they run tests (`cypress-io/github-action`,
/// `org/ci/.github/workflows/node-test.yml@v2`).
fn is_test_name(uses: &str) -> bool {
    let name = uses.split('@').next().unwrap_or(uses).to_ascii_lowercase();
    !name.starts_with("./") && (name.contains("test") || name.starts_with("cypress-io/github-action"))
}

/// A local composite action (`uses: ./.github/actions/ci`) whose steps run tests.
fn local_action(project: &Project, search: &Search<'_>, uses: &Spanned<String>) -> Option<String> {
    let dir = uses.value.trim().strip_prefix("./")?;
    ["action.yml", "action.yaml"].iter().find_map(|f| {
        let path = format!("{}/{f}", dir.trim_end_matches('/'));
        let a = project.artifact(&path)?;
        search.runs_tests(&a.source.text, 1).map(|found| format!("{found} in `{path}`"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(cmd: &str) -> bool {
        test_command(cmd).is_some()
    }

    #[test]
    fn test_commands() {
        for c in [
            "npm test",
            "npm run test:unit -- --coverage",
            "pnpm test",
            "yarn test",
            "npx jest --ci",
            "python -m pytest -q",
            "pytest",
            "go test ./...",
            "cargo nextest run",
            "./mvnw -B verify",
            "mvn -B package",
            "./gradlew build",
            "dotnet test",
            "make test",
            "make lint test",
            "bundle exec rspec",
            "vendor/bin/phpunit",
            "tox -e py312",
            "npx nx affected -t test",
            "npm ci && npm test",
        ] {
            assert!(runs(c), "{c}");
        }
        for c in [
            "npm ci",
            "npm run build",
            "mvn -B package -DskipTests",
            "./gradlew build -x test",
            "docker build -t test .",
            "echo testing",
            "go build ./...",
            "make build",
            "pip install pytest-cov",
            "pip install tox",
            "npm install --save-dev jest-junit",
        ] {
            assert!(!runs(c), "{c}");
        }
    }

    #[test]
    fn makefile_targets() {
        let m = parse_makefile("all: build\n\nbuild:\n\tgo build ./...\n\nci: lint unit\n\nunit:\n\tgo test ./...\n");
        assert_eq!(m.default.as_deref(), Some("all"));
        assert!(m.targets.get("ci").is_some_and(|t| t.0 == vec!["lint".to_owned(), "unit".to_owned()]));
        assert!(m.targets.get("unit").is_some_and(|t| t.1.contains("go test")));
    }
}
