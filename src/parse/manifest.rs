//! Dependency manifests → `crate::model::manifest`. `package.json` through the span-preserving
//! JSON reader; the others through small line scanners (tolerant of everything they do not
//! understand: a manifest is read for names, not validated).

use std::sync::LazyLock;

use regex::Regex;

use super::json::{self, Json};
use crate::model::manifest::{Dependency, DependencyManifest, ManifestKind, NpmScript};
use crate::source::{SourceFile, Spanned};

/// Parse a manifest; the second value is a parse problem (line, message), if any.
pub fn parse(kind: ManifestKind, src: &SourceFile) -> (DependencyManifest, Option<(u32, String)>) {
    let mut m = DependencyManifest {
        kind,
        name: None,
        dependencies: Vec::new(),
        scripts: Vec::new(),
        main: None,
        workspaces: Vec::new(),
    };
    let problem = match kind {
        ManifestKind::PackageJson => package_json(src, &mut m),
        ManifestKind::Requirements => {
            requirements(src, &mut m);
            None
        }
        ManifestKind::Pyproject | ManifestKind::CargoToml => {
            toml_like(src, &mut m);
            None
        }
        ManifestKind::GoMod => {
            go_mod(src, &mut m);
            None
        }
        ManifestKind::Pom => {
            pom(src, &mut m);
            None
        }
        ManifestKind::Gradle => {
            gradle(src, &mut m);
            None
        }
    };
    (m, problem)
}

fn package_json(src: &SourceFile, m: &mut DependencyManifest) -> Option<(u32, String)> {
    let (root, err) = json::parse(src);
    let problem = err.map(|e| (e.span.start.line, format!("invalid JSON: {}", e.message)));
    let Some(root) = root else { return problem };
    m.name = root.get("name").and_then(Json::spanned_str);
    m.main = root.get("main").and_then(Json::spanned_str);
    for (section, dev) in [
        ("dependencies", false),
        ("devDependencies", true),
        ("optionalDependencies", false),
        ("peerDependencies", false),
    ] {
        for (k, v) in root.get(section).map(Json::entries).unwrap_or_default() {
            m.dependencies.push(Dependency { name: k.clone(), version: v.as_str().map(str::to_owned), dev });
        }
    }
    for (k, v) in root.get("scripts").map(Json::entries).unwrap_or_default() {
        if let Some(cmd) = v.spanned_str() {
            m.scripts.push(NpmScript { name: k.clone(), command: cmd });
        }
    }
    if let Some(w) = root.get("workspaces") {
        let list = w.get("packages").unwrap_or(w);
        m.workspaces = list.items().iter().filter_map(Json::spanned_str).collect();
    }
    problem
}

/// Lines of `src` with their byte offsets.
fn lines(src: &SourceFile) -> impl Iterator<Item = (usize, &str)> {
    let mut off = 0usize;
    src.text.split_inclusive('\n').map(move |l| {
        let start = off;
        off += l.len();
        (start, l.trim_end_matches('\n'))
    })
}

fn spanned(src: &SourceFile, at: usize, s: &str) -> Spanned<String> {
    Spanned::new(s.to_owned(), src.span(at..at + s.len()))
}

static REQ_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^([A-Za-z0-9][A-Za-z0-9._\-]*)").ok());

/// The package name at the start of a PEP 508 requirement (`sentry-sdk[flask]>=1.0 ; python_version…`).
fn req_name(s: &str) -> Option<&str> {
    REQ_NAME.as_ref()?.captures(s)?.get(1).map(|m| m.as_str())
}

fn requirements(src: &SourceFile, m: &mut DependencyManifest) {
    let dev = src.path.to_ascii_lowercase().contains("dev") || src.path.to_ascii_lowercase().contains("test");
    for (off, line) in lines(src) {
        let body = line.split(" #").next().unwrap_or(line);
        let t = body.trim_start();
        if t.is_empty() || t.starts_with('#') || t.starts_with('-') || t.contains("://") {
            continue;
        }
        let lead = body.len() - t.len();
        if let Some(name) = req_name(t) {
            let version = t.get(name.len()..).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
            m.dependencies.push(Dependency { name: spanned(src, off + lead, name), version, dev });
        }
    }
}

static QUOTED: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r#""([^"\n]*)"|'([^'\n]*)'"#).ok());
static TOML_KEY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"^\s*"?([A-Za-z0-9_.\-]+)"?\s*(?:\.[A-Za-z_]+\s*)?="#).ok());

/// `pyproject.toml` and `Cargo.toml`: dependency tables (`[dependencies]`, `[dev-dependencies]`,
/// `[tool.poetry.dependencies]`, `[dependencies.name]`) and PEP 621 arrays
/// (`dependencies = [ "x>=1" ]`, `[project.optional-dependencies]`, `[dependency-groups]`).
fn toml_like(src: &SourceFile, m: &mut DependencyManifest) {
    let mut table = String::new();
    let mut in_array: Option<bool> = None; // Some(dev) while inside a dependency array
    for (off, line) in lines(src) {
        let t = line.trim();
        if t.starts_with('#') {
            continue;
        }
        if in_array.is_none() && t.starts_with('[') && !t.starts_with("[[") {
            table = t.trim_matches(|c| c == '[' || c == ']').trim().to_owned();
            // `[dependencies.serde]`: the table names one dependency.
            let lower = table.to_ascii_lowercase();
            for prefix in ["dependencies.", "dev-dependencies.", "build-dependencies.", "workspace.dependencies."] {
                if let Some(name) = lower.strip_prefix(prefix) {
                    let name = name.trim_matches('"');
                    if let Some(i) = line.find(name) {
                        m.dependencies.push(Dependency {
                            name: spanned(src, off + i, line.get(i..i + name.len()).unwrap_or(name)),
                            version: None,
                            dev: prefix.starts_with("dev"),
                        });
                    }
                }
            }
            continue;
        }
        let lower_table = table.to_ascii_lowercase();
        let table_dev = lower_table.contains("dev") || lower_table.contains("test");
        if let Some(dev) = in_array {
            scan_requirement_strings(src, off, line, dev, m);
            if t.contains(']') && !t.starts_with('"') && !t.starts_with('\'') || t == "]" {
                in_array = None;
            }
            continue;
        }
        if m.name.is_none() && (table == "package" || table == "project" || table == "tool.poetry") {
            if let Some(rest) = t.strip_prefix("name") {
                if rest.trim_start().starts_with('=') {
                    if let Some(c) = QUOTED.as_ref().and_then(|re| re.captures(line)) {
                        if let Some(g) = c.get(1).or_else(|| c.get(2)) {
                            m.name = Some(spanned(src, off + g.start(), g.as_str()));
                        }
                    }
                }
            }
        }
        let dep_table = lower_table.ends_with("dependencies")
            || lower_table.ends_with("dev-dependencies")
            || lower_table.ends_with("build-dependencies")
            || lower_table.starts_with("dependency-groups")
            || lower_table.ends_with("optional-dependencies");
        // PEP 621 array: `dependencies = [` in [project], or any key of an optional-dependencies table.
        let array_start = t.contains('[')
            && t.contains('=')
            && (lower_table == "project" && t.starts_with("dependencies")
                || lower_table.ends_with("optional-dependencies")
                || lower_table.starts_with("dependency-groups"));
        if array_start {
            let dev = table_dev || t.starts_with("dev") || t.starts_with("test");
            let after = line.find('[').unwrap_or(0);
            scan_requirement_strings(src, off + after, line.get(after..).unwrap_or(""), dev, m);
            if !t.ends_with(']') {
                in_array = Some(dev);
            }
            continue;
        }
        if dep_table && lower_table != "project" {
            let Some(c) = TOML_KEY.as_ref().and_then(|re| re.captures(line)) else { continue };
            let Some(k) = c.get(1) else { continue };
            if k.as_str() == "python" {
                continue;
            }
            let version = QUOTED
                .as_ref()
                .and_then(|re| re.captures(line.get(k.end()..).unwrap_or("")))
                .and_then(|c| c.get(1).or_else(|| c.get(2)))
                .map(|v| v.as_str().to_owned());
            m.dependencies.push(Dependency {
                name: spanned(src, off + k.start(), k.as_str()),
                version,
                dev: table_dev,
            });
        }
    }
}

fn scan_requirement_strings(src: &SourceFile, off: usize, line: &str, dev: bool, m: &mut DependencyManifest) {
    let Some(re) = QUOTED.as_ref() else { return };
    for c in re.captures_iter(line) {
        let Some(g) = c.get(1).or_else(|| c.get(2)) else { continue };
        if let Some(name) = req_name(g.as_str()) {
            let version = g.as_str().get(name.len()..).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
            m.dependencies.push(Dependency { name: spanned(src, off + g.start(), name), version, dev });
        }
    }
}

fn go_mod(src: &SourceFile, m: &mut DependencyManifest) {
    let mut in_block = false;
    for (off, line) in lines(src) {
        let body = line.split("//").next().unwrap_or(line);
        let t = body.trim();
        if let Some(rest) = t.strip_prefix("module ") {
            let name = rest.trim();
            if let Some(i) = line.find(name) {
                m.name = Some(spanned(src, off + i, name));
            }
            continue;
        }
        if t.starts_with("require (") || t == "require(" {
            in_block = true;
            continue;
        }
        if in_block && t == ")" {
            in_block = false;
            continue;
        }
        let spec = if in_block {
            t
        } else if let Some(r) = t.strip_prefix("require ") {
            r.trim()
        } else {
            continue;
        };
        let mut parts = spec.split_whitespace();
        let Some(name) = parts.next() else { continue };
        let Some(i) = line.find(name) else { continue };
        m.dependencies.push(Dependency {
            name: spanned(src, off + i, name),
            version: parts.next().map(str::to_owned),
            dev: false,
        });
    }
}

static POM_DEP: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"(?s)<dependency>(.*?)</dependency>").ok());
static POM_TAG: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"<(groupId|artifactId|version|scope)>\s*([^<\s]*)\s*</").ok());

fn pom(src: &SourceFile, m: &mut DependencyManifest) {
    let (Some(dep_re), Some(tag_re)) = (POM_DEP.as_ref(), POM_TAG.as_ref()) else { return };
    for d in dep_re.captures_iter(&src.text) {
        let Some(body) = d.get(1) else { continue };
        let (mut group, mut artifact, mut version, mut scope) = (None, None, None, None);
        for t in tag_re.captures_iter(body.as_str()) {
            let (Some(tag), Some(val)) = (t.get(1), t.get(2)) else { continue };
            let abs = body.start() + val.start();
            match tag.as_str() {
                "groupId" => group = Some(val.as_str().to_owned()),
                "artifactId" => artifact = Some((abs, val.as_str().to_owned())),
                "version" => version = Some(val.as_str().to_owned()),
                "scope" => scope = Some(val.as_str().to_owned()),
                _ => {}
            }
        }
        let Some((at, a)) = artifact else { continue };
        let name = match group {
            Some(g) => format!("{g}:{a}"),
            None => a.clone(),
        };
        m.dependencies.push(Dependency {
            name: Spanned::new(name, src.span(at..at + a.len())),
            version,
            dev: scope.as_deref() == Some("test"),
        });
    }
}

static GRADLE_DEP: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"\b([A-Za-z]*(?:[Ii]mplementation|[Aa]pi|[Cc]ompileOnly|[Rr]untimeOnly|[Aa]gent))\s*\(?\s*["']([A-Za-z0-9_.\-]+):([A-Za-z0-9_.\-]+)(?::([^"']*))?["']"#).ok()
});

fn gradle(src: &SourceFile, m: &mut DependencyManifest) {
    let Some(re) = GRADLE_DEP.as_ref() else { return };
    for c in re.captures_iter(&src.text) {
        let (Some(conf), Some(g), Some(a)) = (c.get(1), c.get(2), c.get(3)) else { continue };
        let dev = conf.as_str().to_ascii_lowercase().starts_with("test");
        m.dependencies.push(Dependency {
            name: Spanned::new(format!("{}:{}", g.as_str(), a.as_str()), src.span(g.start()..a.end())),
            version: c.get(4).map(|v| v.as_str().to_owned()),
            dev,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Pos, Span};

    fn sp(l1: u32, c1: u32, l2: u32, c2: u32) -> Span {
        Span::new(Pos::new(l1, c1), Pos::new(l2, c2))
    }

    fn names(m: &DependencyManifest) -> Vec<(&str, bool)> {
        m.dependencies.iter().map(|d| (d.name.value.as_str(), d.dev)).collect()
    }

    #[test]
    fn package_json_scripts_and_sdks() {
        let src = SourceFile::from_text(
            "apps/api/package.json",
            "{\n  \"name\": \"@acme/api\",\n  \"scripts\": {\n    \"start\": \"node dist/main.js\",\n    \"db:migrate\": \"node scripts/migrate.js\"\n  },\n  \"dependencies\": {\"@sentry/node\": \"^8\", \"pino\": \"^9\"},\n  \"devDependencies\": {\"jest\": \"^29\", \"@opentelemetry/api\": \"1\"}\n}\n",
        );
        let (m, p) = parse(ManifestKind::PackageJson, &src);
        assert!(p.is_none());
        assert_eq!(m.name.as_ref().map(|n| n.value.as_str()), Some("@acme/api"));
        let s = m.script("db:migrate").unwrap_or_else(|| unreachable!());
        assert_eq!(s.name.span, sp(5, 5, 5, 17));
        assert_eq!(s.command.span, sp(5, 19, 5, 44));
        assert_eq!(s.command.value, "node scripts/migrate.js");
        assert_eq!(
            names(&m),
            vec![("@sentry/node", false), ("pino", false), ("jest", true), ("@opentelemetry/api", true)]
        );
        let sdks: Vec<&str> = m.sdks().iter().map(|s| s.sdk.name).collect();
        assert_eq!(sdks, vec!["Sentry", "structured logging"]);
        assert_eq!(m.dependencies[0].name.span, sp(7, 20, 7, 34));
    }

    #[test]
    fn requirements_and_pyproject() {
        let src = SourceFile::from_text(
            "requirements.txt",
            "# deps\nflask==3.0\n  sentry-sdk[flask]>=1.40 ; python_version > '3.8'\n-r base.txt\ngit+https://x/y.git\nprometheus-client\n",
        );
        let (m, _) = parse(ManifestKind::Requirements, &src);
        assert_eq!(names(&m), vec![("flask", false), ("sentry-sdk", false), ("prometheus-client", false)]);
        assert_eq!(m.dependencies[1].name.span, sp(3, 3, 3, 13));
        let src = SourceFile::from_text(
            "pyproject.toml",
            "[project]\nname = \"svc\"\ndependencies = [\n  \"fastapi>=0.110\",\n  \"opentelemetry-sdk\",\n]\n[project.optional-dependencies]\ntest = [\"pytest\"]\n[tool.poetry.dependencies]\npython = \"^3.12\"\nddtrace = \"^2\"\n[tool.poetry.group.dev.dependencies]\nruff = \"*\"\n",
        );
        let (m, _) = parse(ManifestKind::Pyproject, &src);
        assert_eq!(m.name.as_ref().map(|n| n.value.as_str()), Some("svc"));
        assert_eq!(
            names(&m),
            vec![
                ("fastapi", false),
                ("opentelemetry-sdk", false),
                ("pytest", true),
                ("ddtrace", false),
                ("ruff", true)
            ]
        );
        assert_eq!(m.dependencies[1].name.span, sp(5, 4, 5, 21));
    }

    #[test]
    fn go_cargo_pom_gradle() {
        let src = SourceFile::from_text(
            "go.mod",
            "module github.com/acme/svc\n\ngo 1.22\n\nrequire (\n\tgithub.com/getsentry/sentry-go v0.27.0\n\tgo.uber.org/zap v1.27.0 // indirect\n)\nrequire github.com/prometheus/client_golang v1.19.0\n",
        );
        let (m, _) = parse(ManifestKind::GoMod, &src);
        assert_eq!(m.name.as_ref().map(|n| n.value.as_str()), Some("github.com/acme/svc"));
        assert_eq!(m.dependencies.len(), 3);
        assert_eq!(m.dependencies[0].name.span, sp(6, 2, 6, 32));
        assert_eq!(m.sdks().len(), 3);
        let src = SourceFile::from_text(
            "Cargo.toml",
            "[package]\nname = \"svc\"\n\n[dependencies]\nsentry = { version = \"0.34\" }\ntokio = \"1\"\n\n[dev-dependencies]\ninsta = \"1\"\n\n[dependencies.opentelemetry]\nversion = \"0.24\"\n",
        );
        let (m, _) = parse(ManifestKind::CargoToml, &src);
        assert_eq!(names(&m), vec![("sentry", false), ("tokio", false), ("insta", true), ("opentelemetry", false)]);
        assert_eq!(m.dependencies[3].name.span, sp(11, 15, 11, 28));
        let src = SourceFile::from_text(
            "pom.xml",
            "<project>\n<dependencies>\n  <dependency>\n    <groupId>io.sentry</groupId>\n    <artifactId>sentry-spring-boot-starter</artifactId>\n  </dependency>\n  <dependency><groupId>junit</groupId><artifactId>junit</artifactId><scope>test</scope></dependency>\n</dependencies>\n</project>\n",
        );
        let (m, _) = parse(ManifestKind::Pom, &src);
        assert_eq!(names(&m), vec![("io.sentry:sentry-spring-boot-starter", false), ("junit:junit", true)]);
        assert_eq!(m.dependencies[0].name.span, sp(5, 17, 5, 43));
        let src = SourceFile::from_text(
            "build.gradle.kts",
            "dependencies {\n    implementation(\"io.micrometer:micrometer-registry-prometheus:1.12.0\")\n    testImplementation 'junit:junit:4.13'\n}\n",
        );
        let (m, _) = parse(ManifestKind::Gradle, &src);
        assert_eq!(names(&m), vec![("io.micrometer:micrometer-registry-prometheus", false), ("junit:junit", true)]);
        assert_eq!(m.sdks().len(), 1);
    }
}
