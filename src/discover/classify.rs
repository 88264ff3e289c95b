//! Classification of a repository-relative path into an artifact kind, by name and location.
//! YAML files that no name identifies are `Yaml` here and sniffed by content when parsed.

use std::collections::BTreeSet;

use crate::model::ArtifactKind;

fn ext(name: &str) -> &str {
    name.rsplit_once('.').map_or("", |(_, e)| e)
}

fn is_yaml_name(name: &str) -> bool {
    let e = ext(name).to_ascii_lowercase();
    e == "yml" || e == "yaml"
}

/// Code file extensions that make a `.env…` name a source file (`.env.ts`, `env.d.ts`).
const CODE_EXT: &[&str] = &[
    "js", "mjs", "cjs", "ts", "tsx", "jsx", "py", "go", "rs", "rb", "java", "kt", "php", "json", "yml", "yaml", "toml",
    "md", "sh", "ps1", "swift", "cs", "lock", "d",
];

fn is_env_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower == ".envrc" || lower.starts_with(".environment") || lower == ".env.d" {
        return false;
    }
    let code = CODE_EXT.contains(&ext(&lower));
    if lower == ".env" {
        return true;
    }
    if lower.starts_with(".env.") || lower.starts_with(".env-") || lower.starts_with(".env_") {
        return !code || lower.ends_with(".example") || lower.ends_with(".sample");
    }
    if lower.ends_with(".env") && !lower.ends_with("/.env") {
        return true; // production.env, app.env
    }
    // `example.env.local`, `app.env.example`, `env.example`, `env.sample`
    if (lower.contains(".env.") || lower.starts_with("env.")) && !code {
        return true;
    }
    false
}

fn is_compose_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if !is_yaml_name(&lower) {
        return false;
    }
    lower.starts_with("docker-compose")
        || lower.starts_with("compose.")
        || lower == "compose.yml"
        || lower == "compose.yaml"
        || lower.ends_with(".compose.yml")
        || lower.ends_with(".compose.yaml")
        || lower.starts_with("docker-stack")
        || lower == "stack.yml"
}

fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") {
        return false;
    }
    // `dockerfile.rs`, `Dockerfile.md`, `Dockerfile.j2`: source code, docs and templates.
    if (lower.starts_with("dockerfile.") || lower.starts_with("containerfile."))
        && (CODE_EXT.contains(&ext(&lower))
            || matches!(
                ext(&lower),
                "txt" | "snap" | "html" | "j2" | "tmpl" | "tpl" | "template" | "in" | "erb" | "mustache" | "hbs"
            ))
    {
        return false;
    }
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.starts_with("dockerfile-")
        || lower.starts_with("dockerfile_")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
        || lower.starts_with("containerfile.")
}

/// Directories that hold a Helm chart (contain `Chart.yaml`), given every discovered path.
pub fn chart_dirs<'a>(paths: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    paths
        .filter_map(|p| {
            let (dir, name) = p.rsplit_once('/').unwrap_or(("", p));
            (name == "Chart.yaml" || name == "Chart.yml").then(|| dir.to_owned())
        })
        .collect()
}

/// Classify one path. `charts` are the chart directories of the repository.
pub fn classify(path: &str, charts: &BTreeSet<String>) -> Option<ArtifactKind> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let lower = name.to_ascii_lowercase();
    let lower_dir = dir.to_ascii_lowercase();
    let dirs: Vec<&str> = lower_dir.split('/').filter(|d| !d.is_empty()).collect();

    // Helm: Chart.yaml, values*.yaml next to it, and anything under its templates/.
    if lower == "chart.yaml" || lower == "chart.yml" {
        return Some(ArtifactKind::HelmChart);
    }
    for chart in charts {
        let prefix = if chart.is_empty() { String::new() } else { format!("{chart}/") };
        if let Some(rest) = path.strip_prefix(&prefix) {
            if rest.starts_with("templates/") {
                if lower.ends_with(".md") || lower == "notes.txt" {
                    break;
                }
                return Some(ArtifactKind::HelmTemplate);
            }
            if !rest.contains('/') && is_yaml_name(&lower) && lower.starts_with("values") {
                return Some(ArtifactKind::HelmValues);
            }
            if rest.starts_with("ci/") && is_yaml_name(&lower) {
                return Some(ArtifactKind::HelmValues);
            }
        }
    }

    if is_dockerfile_name(name) {
        return Some(ArtifactKind::Dockerfile);
    }
    if lower == ".dockerignore" || lower.ends_with(".dockerignore") {
        return Some(ArtifactKind::Dockerignore);
    }
    if dir == ".github/workflows" && is_yaml_name(&lower) {
        return Some(ArtifactKind::GithubWorkflow);
    }
    if lower == "action.yml" || lower == "action.yaml" {
        return Some(ArtifactKind::GithubAction);
    }
    if lower == ".gitlab-ci.yml"
        || lower.ends_with(".gitlab-ci.yml")
        || lower.ends_with(".gitlab-ci.yaml")
        || (lower_dir.starts_with(".gitlab/ci") && is_yaml_name(&lower))
    {
        return Some(ArtifactKind::GitlabCi);
    }
    if is_compose_name(name) {
        return Some(ArtifactKind::Compose);
    }
    if lower == "kustomization.yaml" || lower == "kustomization.yml" || name == "Kustomization" {
        return Some(ArtifactKind::Kustomization);
    }
    if is_env_name(name) {
        return Some(ArtifactKind::EnvFile);
    }
    if lower == "package.json" {
        return Some(ArtifactKind::PackageJson);
    }
    // Application-level dependency manifests (not vendored or third-party copies).
    if crate::model::manifest::ManifestKind::of_name(name).is_some()
        && !dirs
            .iter()
            .any(|d| matches!(*d, "third_party" | "third-party" | "vendored" | "external" | "bower_components"))
    {
        return Some(ArtifactKind::DependencyManifest);
    }
    if lower == "makefile" || lower == "gnumakefile" || ext(&lower) == "mk" {
        return Some(ArtifactKind::Makefile);
    }
    match ext(&lower) {
        "md" | "markdown" => return Some(ArtifactKind::Markdown),
        "sh" | "bash" => return Some(ArtifactKind::ShellScript),
        _ => {}
    }
    let in_dir = |names: &[&str]| dirs.iter().any(|d| names.iter().any(|n| d.contains(n)));
    // nginx
    if lower == "nginx.conf"
        || (lower.starts_with("nginx") && lower.ends_with(".conf"))
        || lower.ends_with(".nginx")
        || ((lower.ends_with(".conf") || lower.ends_with(".conf.template") || lower.ends_with(".template"))
            && in_dir(&["nginx", "sites-available", "sites-enabled"]))
        || (lower.ends_with(".conf")
            && dirs.last().is_some_and(|d| *d == "conf.d")
            && in_dir(&["nginx", "proxy", "gateway"]))
    {
        return Some(ArtifactKind::Nginx);
    }
    if is_yaml_name(&lower) {
        if lower.starts_with("otel-collector")
            || lower.starts_with("otelcol")
            || lower.starts_with("otel-config")
            || lower.starts_with("opentelemetry-collector")
        {
            return Some(ArtifactKind::OtelCollector);
        }
        if lower.starts_with("alertmanager") {
            return Some(ArtifactKind::Alertmanager);
        }
        if lower.starts_with("prometheus") && !lower.contains("rule") && !lower.contains("alert") {
            return Some(ArtifactKind::Prometheus);
        }
        if (lower.contains("rules")
            || lower.starts_with("alert")
            || (in_dir(&["prometheus"]) && lower.contains("alert")))
            && (in_dir(&["prometheus", "alert", "monitoring", "rules"])
                || lower.ends_with(".rules.yml")
                || lower.ends_with(".rules.yaml"))
        {
            return Some(ArtifactKind::PrometheusRules);
        }
        if in_dir(&["grafana"]) {
            return Some(ArtifactKind::Grafana);
        }
        if lower.starts_with("loki") || lower.starts_with("promtail") {
            return Some(ArtifactKind::Loki);
        }
        return Some(ArtifactKind::Yaml);
    }
    if lower == "grafana.ini" {
        return Some(ArtifactKind::Grafana);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(p: &str) -> Option<ArtifactKind> {
        let charts = chart_dirs(["charts/api/Chart.yaml"].into_iter());
        classify(p, &charts)
    }

    #[test]
    fn names() {
        use ArtifactKind::*;
        assert_eq!(k("Dockerfile"), Some(Dockerfile));
        assert_eq!(k("apps/api/Dockerfile.prod"), Some(Dockerfile));
        assert_eq!(k("build/api.dockerfile"), Some(Dockerfile));
        assert_eq!(k("Dockerfile.dockerignore"), Some(Dockerignore));
        assert_eq!(k("src/model/dockerfile.rs"), None);
        assert_eq!(k("docs/Dockerfile.md"), Some(Markdown));
        assert_eq!(k("Dockerfile.j2"), None);
        assert_eq!(k("Dockerfile.prod"), Some(Dockerfile));
        assert_eq!(k("docker-compose.prod.yml"), Some(Compose));
        assert_eq!(k("compose.yaml"), Some(Compose));
        assert_eq!(k(".github/workflows/ci.yml"), Some(GithubWorkflow));
        assert_eq!(k(".github/workflows/sub/x.yml"), Some(Yaml));
        assert_eq!(k(".gitlab-ci.yml"), Some(GitlabCi));
        assert_eq!(k(".env"), Some(EnvFile));
        assert_eq!(k(".env.production.example"), Some(EnvFile));
        assert_eq!(k("config/production.env"), Some(EnvFile));
        assert_eq!(k("src/.env.ts"), None);
        assert_eq!(k(".envrc"), None);
        assert_eq!(k("charts/api/Chart.yaml"), Some(HelmChart));
        assert_eq!(k("charts/api/values-prod.yaml"), Some(HelmValues));
        assert_eq!(k("charts/api/templates/deployment.yaml"), Some(HelmTemplate));
        assert_eq!(k("k8s/deployment.yaml"), Some(Yaml));
        assert_eq!(k("docker/nginx/prod.conf"), Some(Nginx));
        assert_eq!(k("monitoring/prometheus/prometheus.yml"), Some(Prometheus));
        assert_eq!(k("monitoring/prometheus/alerts.yml"), Some(PrometheusRules));
        assert_eq!(k("monitoring/alertmanager/alertmanager.yml"), Some(Alertmanager));
        assert_eq!(k("monitoring/grafana/provisioning/datasources/ds.yml"), Some(Grafana));
        assert_eq!(k("scripts/backup/backup-mongodb.sh"), Some(ShellScript));
        assert_eq!(k("docs/RUNBOOK.md"), Some(Markdown));
        assert_eq!(k("src/main.rs"), None);
        assert_eq!(k("kustomization.yaml"), Some(Kustomization));
        assert_eq!(k("apps/api/requirements-prod.txt"), Some(DependencyManifest));
        assert_eq!(k("go.mod"), Some(DependencyManifest));
        assert_eq!(k("third_party/lib/go.mod"), None);
        assert_eq!(k("Cargo.toml"), Some(DependencyManifest));
        assert_eq!(k("src/otel-collector/otelcol-config.yml"), Some(OtelCollector));
        assert_eq!(k("otel-collector-config.yaml"), Some(OtelCollector));
        assert_eq!(k("monitoring/grafana/grafana.ini"), Some(Grafana));
    }
}
