//! The environment classifier: is an artifact production, staging, development, test or example —
//! and why. Severities that depend on "production" come from here, never from name checks in rules.
//!
//! Evidence, strongest first: a configured `production_env` glob; a test-data directory
//! (`fixtures/`, `testdata/`, `tests/`…); an example directory (`examples/`, `samples/`…); a marker
//! in the file name (`docker-compose.prod.yml`, `values-staging.yaml`, `.env.production`,
//! `Dockerfile.dev`); a marker in a directory name (`k8s/overlays/production`, `deploy/dev/`); use
//! by a deploy job in CI. Otherwise the artifact is on the default deploy path (`default`), which
//! counts as production for severities.

use crate::config::Settings;
use crate::index::files::file_name;
use crate::index::Project;
use crate::model::{ArtifactKind, EnvInfo, Environment};

const TEST_DIRS: &[&str] = &[
    "fixtures",
    "fixture",
    "__fixtures__",
    "testdata",
    "test-data",
    "test_data",
    "tests",
    "test",
    "__tests__",
    "__mocks__",
    "e2e",
    "spec",
    "specs",
    "testing",
    "cypress",
    "playwright",
];
/// Directories of retired material: kept for reference, not deployed.
const ARCHIVE_DIRS: &[&str] = &["_archived", "archived", "archive", "_archive", "deprecated", "attic"];
const EXAMPLE_DIRS: &[&str] = &[
    "examples",
    "example",
    "samples",
    "sample",
    "demo",
    "demos",
    "tutorial",
    "tutorials",
    "quickstart",
    "quickstarts",
    "templates-examples",
];

fn marker(word: &str) -> Option<Environment> {
    Some(match word {
        "prod" | "production" | "prd" | "live" => Environment::Production,
        "staging" | "stage" | "stg" | "preprod" | "pre-prod" | "uat" => Environment::Staging,
        "dev" | "development" | "local" | "debug" | "override" | "devcontainer" => Environment::Development,
        "test" | "tests" | "testing" | "ci" | "e2e" | "integration" | "cypress" | "playwright" => Environment::Test,
        "example" | "examples" | "sample" | "samples" | "demo" => Environment::Example,
        _ => return None,
    })
}

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(['.', '-', '_']).filter(|w| !w.is_empty()).map(|w| w.to_ascii_lowercase())
}

/// Classify by path alone.
pub fn classify_path(path: &str, kind: ArtifactKind) -> EnvInfo {
    let components: Vec<&str> = path.split('/').collect();
    let (dirs, name) = match components.split_last() {
        Some((name, dirs)) => (dirs, *name),
        None => (&[][..], path),
    };
    for d in dirs {
        let lower = d.to_ascii_lowercase();
        if TEST_DIRS.contains(&lower.as_str()) {
            return EnvInfo { env: Environment::Test, reason: format!("under test-data directory `{d}/`") };
        }
    }
    for d in dirs {
        let lower = d.to_ascii_lowercase();
        if ARCHIVE_DIRS.contains(&lower.as_str()) {
            return EnvInfo { env: Environment::Example, reason: format!("under archived directory `{d}/`") };
        }
        if EXAMPLE_DIRS.contains(&lower.as_str()) {
            return EnvInfo { env: Environment::Example, reason: format!("under example directory `{d}/`") };
        }
    }
    // Helm chart-testing values (`charts/api/ci/*-values.yaml`, read by `ct lint/install`): test
    // inputs for the chart, not a deployment's configuration.
    if kind == ArtifactKind::HelmValues && dirs.last().is_some_and(|d| d.eq_ignore_ascii_case("ci")) {
        return EnvInfo { env: Environment::Test, reason: "chart-testing values under `ci/`".to_owned() };
    }
    // File-name markers. Env templates (`.env.production.example`) keep the environment they are
    // a template for: "example"/"template" words describe the role, not the environment.
    let skip_example_words = kind == ArtifactKind::EnvFile;
    // Pipeline definitions named `ci.yml`, `test.yml`, `e2e.yml` are the pipeline, not test data.
    let pipeline = matches!(kind, ArtifactKind::GithubWorkflow | ArtifactKind::GithubAction | ArtifactKind::GitlabCi);
    for w in words(name) {
        if let Some(env) = marker(&w) {
            if (skip_example_words && env == Environment::Example) || (pipeline && env == Environment::Test) {
                continue;
            }
            // `Dockerfile.test`, `docker-compose.ci.yml`: test tooling, not a deploy target.
            return EnvInfo { env, reason: format!("file name `{name}`") };
        }
    }
    // Directory markers, nearest first (`k8s/overlays/production/deployment.yaml`).
    for d in dirs.iter().rev() {
        for w in words(d) {
            if let Some(env) = marker(&w) {
                if env == Environment::Test && !matches!(w.as_str(), "test" | "tests" | "testing" | "e2e") {
                    continue; // `ci/` or `integration/` directories hold real pipeline files
                }
                return EnvInfo { env, reason: format!("directory `{d}/`") };
            }
        }
    }
    EnvInfo::default()
}

/// Classify every artifact of the project (same order as `project.artifacts`).
pub fn classify_all(project: &Project, settings: &Settings) -> Vec<EnvInfo> {
    let mut infos: Vec<EnvInfo> = project
        .artifacts
        .iter()
        .map(|a| {
            if settings.is_production_path(a.path()) {
                return EnvInfo {
                    env: Environment::Production,
                    reason: "listed in `production_env` of the configuration".to_owned(),
                };
            }
            let info = classify_path(a.path(), a.kind);
            if info.env == Environment::Test && settings.is_included(a.path()) {
                return EnvInfo {
                    env: Environment::Default,
                    reason: format!("{}, but listed in `paths.include` of the configuration", info.reason),
                };
            }
            info
        })
        .collect();
    // Files that a deploy job uses are on the deploy path of that job's environment.
    for (path, env, reason) in deploy_uses(project, &infos) {
        let Ok(i) = project.artifacts.binary_search_by(|a| a.source.path.as_str().cmp(path.as_str())) else { continue };
        if let Some(info) = infos.get_mut(i) {
            if info.env == Environment::Default {
                *info = EnvInfo { env, reason };
            }
        }
    }
    infos
}

/// Is a CI job a deployment, and to which environment?
fn deploy_env(name: &str, environment: Option<&str>) -> Option<Environment> {
    if let Some(e) = environment {
        let e = e.to_ascii_lowercase();
        for w in words(&e) {
            if let Some(env) = marker(&w) {
                return matches!(env, Environment::Production | Environment::Staging).then_some(env);
            }
        }
        if e.contains("prod") {
            return Some(Environment::Production);
        }
    }
    let n = name.to_ascii_lowercase();
    let deployish = ["deploy", "release", "rollout", "publish", "promote", "cd"]
        .iter()
        .any(|k| n.split(['-', '_', ' ', ':']).any(|w| w == *k || w.starts_with(k)));
    if !deployish {
        return None;
    }
    if n.contains("staging") || n.contains("stage") {
        Some(Environment::Staging)
    } else if n.contains("dev") || n.contains("test") || n.contains("preview") {
        None
    } else {
        Some(Environment::Production)
    }
}

/// Is a CI job (by name and `environment:`) a deployment, and to which environment? Production or
/// staging; `None` for jobs that deploy nothing (or only to development/preview targets).
pub fn deploy_target(job_name: &str, environment: Option<&str>) -> Option<Environment> {
    deploy_env(job_name, environment)
}

/// Paths (repository-relative, existing artifacts) a script references with `-f`/`--file`/`-k`
/// or as a plain argument.
fn referenced_paths<'a>(project: &Project, script: &'a str) -> Vec<String> {
    let mut out = Vec::new();
    let toks: Vec<&'a str> = script
        .split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
        .filter(|t| !t.is_empty())
        .collect();
    for t in toks {
        let t = t.trim_matches(|c| c == '"' || c == '\'' || c == '(' || c == ')');
        let t = t.split_once('=').map_or(t, |(k, v)| if k.starts_with("--") { v } else { t });
        let t = t.strip_prefix("./").unwrap_or(t);
        if t.is_empty() || t.starts_with('-') {
            continue;
        }
        if project.artifact(t).is_some() {
            out.push(t.to_owned());
        } else if project.files.contains_dir(t) && !t.is_empty() {
            // `kubectl apply -f k8s/` / `-k overlays/production`: every artifact under it
            let prefix = format!("{}/", t.trim_end_matches('/'));
            out.extend(project.artifacts.iter().filter(|a| a.path().starts_with(&prefix)).map(|a| a.path().to_owned()));
        }
    }
    out
}

fn deploy_uses(project: &Project, infos: &[EnvInfo]) -> Vec<(String, Environment, String)> {
    use crate::model::ArtifactData;
    let mut out = Vec::new();
    for (a, info) in project.artifacts.iter().zip(infos) {
        if info.env == Environment::Test {
            continue;
        }
        match &a.data {
            ArtifactData::Workflow(w) => {
                for j in &w.jobs {
                    let Some(env) = deploy_env(&j.id.value, j.environment.as_ref().map(|e| e.value.as_str())) else {
                        continue;
                    };
                    for st in &j.steps {
                        let mut scripts: Vec<&str> = st.run.iter().map(|r| r.value.as_str()).collect();
                        scripts.extend(
                            st.with
                                .iter()
                                .filter(|(k, _)| {
                                    matches!(
                                        k.value.as_str(),
                                        "script" | "run" | "command" | "args" | "manifests" | "files" | "file"
                                    )
                                })
                                .map(|(_, v)| v.value.as_str()),
                        );
                        for s in scripts {
                            for p in referenced_paths(project, s) {
                                out.push((p, env, format!("used by deploy job `{}` in `{}`", j.id.value, a.path())));
                            }
                        }
                    }
                }
            }
            ArtifactData::GitlabCi(g) => {
                for j in &g.jobs {
                    let Some(env) = deploy_env(&j.name.value, j.environment.as_ref().map(|e| e.value.as_str())) else {
                        continue;
                    };
                    for line in j.all_script() {
                        for p in referenced_paths(project, &line.value) {
                            out.push((p, env, format!("used by deploy job `{}` in `{}`", j.name.value, a.path())));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// A compact label for reports: "production (file name `docker-compose.prod.yml`)".
pub fn describe(info: &EnvInfo) -> String {
    format!("{} ({})", info.env, info.reason)
}

/// Is the file name a template of a given environment's env file (`.env.production.example`)?
pub fn env_template_for(path: &str) -> Option<Environment> {
    let name = file_name(path);
    words(name).find_map(|w| marker(&w).filter(|e| *e != Environment::Example))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(p: &str) -> Environment {
        classify_path(p, ArtifactKind::Compose).env
    }

    #[test]
    fn deploy_jobs() {
        assert_eq!(deploy_env("deploy", Some("production")), Some(Environment::Production));
        assert_eq!(deploy_env("deploy-staging", None), Some(Environment::Staging));
        assert_eq!(deploy_env("release", None), Some(Environment::Production));
        assert_eq!(deploy_env("test", Some("production")), Some(Environment::Production));
        assert_eq!(deploy_env("lint", None), None);
        assert_eq!(deploy_env("deploy", Some("review/$CI_COMMIT_REF_NAME")), Some(Environment::Production));
    }

    #[test]
    fn path_markers() {
        assert_eq!(env("docker-compose.prod.yml"), Environment::Production);
        assert_eq!(env("docker-compose.yml"), Environment::Default);
        assert_eq!(env("docker-compose.dev.yml"), Environment::Development);
        assert_eq!(env("docker-compose.override.yml"), Environment::Development);
        assert_eq!(env("k8s/overlays/production/deployment.yaml"), Environment::Production);
        assert_eq!(env("deploy/staging/app.yaml"), Environment::Staging);
        assert_eq!(env("fixtures/repos/poor/docker-compose.prod.yml"), Environment::Test);
        assert_eq!(env("examples/nginx/compose.yaml"), Environment::Example);
        assert_eq!(env("charts/api/values-prod.yaml"), Environment::Production);
        assert_eq!(env("docker-compose.test.yml"), Environment::Test);
        assert_eq!(env("_archived/volumes/ceph/secret.yaml"), Environment::Example);
        assert_eq!(classify_path("src/frontend/Dockerfile.cypress", ArtifactKind::Dockerfile).env, Environment::Test);
        assert_eq!(env(".gitlab/ci/deploy.yml"), Environment::Default);
        assert_eq!(classify_path(".env.production.example", ArtifactKind::EnvFile).env, Environment::Production);
        assert_eq!(classify_path(".env.example", ArtifactKind::EnvFile).env, Environment::Default);
        assert_eq!(classify_path("Dockerfile.dev", ArtifactKind::Dockerfile).env, Environment::Development);
        assert_eq!(classify_path(".github/workflows/ci.yml", ArtifactKind::GithubWorkflow).env, Environment::Default);
        assert_eq!(classify_path(".github/workflows/test.yml", ArtifactKind::GithubWorkflow).env, Environment::Default);
        assert_eq!(classify_path(".gitlab-ci.yml", ArtifactKind::GitlabCi).env, Environment::Default);
        assert_eq!(
            classify_path("charts/prometheus/ci/19-values.yaml", ArtifactKind::HelmValues).env,
            Environment::Test
        );
        assert_eq!(classify_path("charts/prometheus/values.yaml", ArtifactKind::HelmValues).env, Environment::Default);
    }
}
