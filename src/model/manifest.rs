//! Dependency manifests (`package.json`, `requirements*.txt`, `pyproject.toml`, `go.mod`,
//! `Cargo.toml`, `pom.xml`, `build.gradle[.kts]`): declared dependencies with spans, `package.json`
//! scripts, and which observability SDKs the dependencies bring in. Parsing lives in
//! `crate::parse::manifest`.

use crate::source::Spanned;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ManifestKind {
    PackageJson,
    Requirements,
    Pyproject,
    GoMod,
    CargoToml,
    Pom,
    Gradle,
}

impl ManifestKind {
    pub fn label(self) -> &'static str {
        match self {
            ManifestKind::PackageJson => "package.json",
            ManifestKind::Requirements => "requirements file",
            ManifestKind::Pyproject => "pyproject.toml",
            ManifestKind::GoMod => "go.mod",
            ManifestKind::CargoToml => "Cargo.toml",
            ManifestKind::Pom => "pom.xml",
            ManifestKind::Gradle => "Gradle build",
        }
    }

    /// The manifest kind a file name denotes (`requirements-prod.txt` → requirements).
    pub fn of_name(name: &str) -> Option<ManifestKind> {
        let lower = name.to_ascii_lowercase();
        Some(match lower.as_str() {
            "package.json" => ManifestKind::PackageJson,
            "pyproject.toml" => ManifestKind::Pyproject,
            "go.mod" => ManifestKind::GoMod,
            "pom.xml" => ManifestKind::Pom,
            "build.gradle" | "build.gradle.kts" => ManifestKind::Gradle,
            _ if name == "Cargo.toml" => ManifestKind::CargoToml,
            _ if lower.starts_with("requirements") && lower.ends_with(".txt") => ManifestKind::Requirements,
            _ => return None,
        })
    }
}

/// One declared dependency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// Package name as the ecosystem spells it (`@sentry/node`, `sentry-sdk`,
    /// `go.opentelemetry.io/otel`, `io.sentry:sentry-spring-boot-starter`), with the span of the
    /// name in the file.
    pub name: Spanned<String>,
    pub version: Option<String>,
    /// A development/test-only dependency (`devDependencies`, `[dev-dependencies]`,
    /// `testImplementation`, `<scope>test</scope>`).
    pub dev: bool,
}

/// A `package.json` script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NpmScript {
    /// The script name with the span of its key.
    pub name: Spanned<String>,
    /// The command with the span of its string value.
    pub command: Spanned<String>,
}

/// What an observability SDK gives the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SdkCapability {
    ErrorTracking,
    Tracing,
    Metrics,
    /// Structured (JSON) logging.
    Logging,
}

/// A recognised observability SDK.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sdk {
    /// Product name (`Sentry`, `OpenTelemetry`, `Prometheus client`, `pino`).
    pub name: &'static str,
    pub capabilities: &'static [SdkCapability],
}

/// A dependency recognised as an observability SDK.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SdkUse<'a> {
    pub sdk: Sdk,
    pub dependency: &'a Dependency,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DependencyManifest {
    pub kind: ManifestKind,
    /// Package/module name (`name` of package.json, `module` of go.mod, `[package] name`…).
    pub name: Option<Spanned<String>>,
    pub dependencies: Vec<Dependency>,
    /// `package.json` `scripts` (empty for other kinds).
    pub scripts: Vec<NpmScript>,
    /// `package.json` `main`.
    pub main: Option<Spanned<String>>,
    /// `package.json` `workspaces` globs.
    pub workspaces: Vec<Spanned<String>>,
}

impl DependencyManifest {
    pub fn dependency(&self, name: &str) -> Option<&Dependency> {
        self.dependencies.iter().find(|d| d.name.value == name)
    }

    pub fn script(&self, name: &str) -> Option<&NpmScript> {
        self.scripts.iter().find(|s| s.name.value == name)
    }

    /// Observability SDKs among the runtime (non-dev) dependencies.
    pub fn sdks(&self) -> Vec<SdkUse<'_>> {
        self.dependencies
            .iter()
            .filter(|d| !d.dev)
            .filter_map(|d| sdk_of(&d.name.value).map(|sdk| SdkUse { sdk, dependency: d }))
            .collect()
    }
}

use SdkCapability::{ErrorTracking as E, Logging as L, Metrics as M, Tracing as T};

const SENTRY: Sdk = Sdk { name: "Sentry", capabilities: &[E, T] };
const OTEL: Sdk = Sdk { name: "OpenTelemetry", capabilities: &[T, M] };
const DATADOG: Sdk = Sdk { name: "Datadog", capabilities: &[T, M, E] };
const NEWRELIC: Sdk = Sdk { name: "New Relic", capabilities: &[T, M, E] };
const ELASTIC: Sdk = Sdk { name: "Elastic APM", capabilities: &[T, M, E] };
const PROM: Sdk = Sdk { name: "Prometheus client", capabilities: &[M] };
const MICROMETER: Sdk = Sdk { name: "Micrometer", capabilities: &[M] };
const ERRORS: Sdk = Sdk { name: "error tracker", capabilities: &[E] };
const XRAY: Sdk = Sdk { name: "AWS X-Ray", capabilities: &[T] };
const GCP: Sdk = Sdk { name: "Google Cloud Operations", capabilities: &[T, E] };
const OPENCENSUS: Sdk = Sdk { name: "OpenCensus", capabilities: &[T, M] };
const LOGGING: Sdk = Sdk { name: "structured logging", capabilities: &[L] };

/// Is this dependency name an observability SDK? Exact names or prefixes per ecosystem.
pub fn sdk_of(name: &str) -> Option<Sdk> {
    let n = name.to_ascii_lowercase();
    let n = n.as_str();
    let pre = |p: &str| n.starts_with(p);
    Some(match n {
        _ if pre("@sentry/") || matches!(n, "sentry-sdk" | "raven" | "sentry") || pre("sentry-sdk[") => SENTRY,
        _ if pre("github.com/getsentry/sentry-go") || pre("io.sentry:") || pre("sentry-") => SENTRY,
        _ if pre("@opentelemetry/") || pre("opentelemetry") || pre("go.opentelemetry.io/") => OTEL,
        _ if pre("io.opentelemetry") || pre("@vercel/otel") || pre("tracing-opentelemetry") => OTEL,
        _ if matches!(n, "dd-trace" | "ddtrace" | "hot-shots" | "datadog" | "datadog-metrics" | "dd-trace-api") => {
            DATADOG
        }
        _ if pre("gopkg.in/datadog/") || pre("github.com/datadog/") || pre("com.datadoghq:") => DATADOG,
        _ if n == "newrelic" || pre("github.com/newrelic/") || pre("com.newrelic") || pre("@newrelic/") => NEWRELIC,
        _ if matches!(n, "elastic-apm-node" | "elastic-apm") || pre("go.elastic.co/apm") || pre("co.elastic.apm") => {
            ELASTIC
        }
        _ if matches!(
            n,
            "prom-client"
                | "express-prom-bundle"
                | "@willsoto/nestjs-prometheus"
                | "prometheus-api-metrics"
                | "prometheus-client"
                | "prometheus_client"
                | "prometheus-fastapi-instrumentator"
                | "django-prometheus"
                | "starlette-exporter"
                | "prometheus-flask-exporter"
                | "github.com/prometheus/client_golang"
                | "prometheus"
                | "metrics-exporter-prometheus"
                | "axum-prometheus"
                | "actix-web-prom"
        ) || pre("io.prometheus:") =>
        {
            PROM
        }
        _ if pre("io.micrometer:micrometer-registry") => MICROMETER,
        _ if pre("@bugsnag/")
            || matches!(
                n,
                "bugsnag" | "rollbar" | "honeybadger" | "@honeybadger-io/js" | "@airbrake/node" | "airbrake"
            )
            || pre("@appsignal/")
            || n == "appsignal" =>
        {
            ERRORS
        }
        _ if matches!(n, "aws-xray-sdk" | "aws-xray-sdk-core") || pre("github.com/aws/aws-xray-sdk-go") => XRAY,
        _ if pre("@google-cloud/trace-agent")
            || pre("@google-cloud/error-reporting")
            || pre("@google-cloud/opentelemetry")
            || pre("cloud.google.com/go/errorreporting")
            || pre("google-cloud-error-reporting")
            || pre("google-cloud-trace") =>
        {
            GCP
        }
        _ if pre("go.opencensus.io") || pre("contrib.go.opencensus.io") || pre("opencensus") => OPENCENSUS,
        _ if matches!(
            n,
            "pino"
                | "pino-http"
                | "nestjs-pino"
                | "winston"
                | "nest-winston"
                | "bunyan"
                | "structlog"
                | "python-json-logger"
                | "loguru"
                | "go.uber.org/zap"
                | "github.com/sirupsen/logrus"
                | "github.com/rs/zerolog"
                | "net.logstash.logback:logstash-logback-encoder"
                | "tracing-subscriber"
        ) =>
        {
            LOGGING
        }
        _ => return None,
    })
}
