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
        "test" | "tests" | "testing" | "ci" | "e2e" | "integration" => Environment::Test,
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
        if EXAMPLE_DIRS.contains(&lower.as_str()) {
            return EnvInfo { env: Environment::Example, reason: format!("under example directory `{d}/`") };
        }
    }
    // File-name markers. Env templates (`.env.production.example`) keep the environment they are
    // a template for: "example"/"template" words describe the role, not the environment.
    let skip_example_words = kind == ArtifactKind::EnvFile;
    for w in words(name) {
        if let Some(env) = marker(&w) {
            if skip_example_words && env == Environment::Example {
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
    project
        .artifacts
        .iter()
        .map(|a| {
            if settings.is_production_path(a.path()) {
                return EnvInfo {
                    env: Environment::Production,
                    reason: "listed in `production_env` of the configuration".to_owned(),
                };
            }
            classify_path(a.path(), a.kind)
        })
        .collect()
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
        assert_eq!(env(".gitlab/ci/deploy.yml"), Environment::Default);
        assert_eq!(classify_path(".env.production.example", ArtifactKind::EnvFile).env, Environment::Production);
        assert_eq!(classify_path(".env.example", ArtifactKind::EnvFile).env, Environment::Default);
        assert_eq!(classify_path("Dockerfile.dev", ArtifactKind::Dockerfile).env, Environment::Development);
    }
}
