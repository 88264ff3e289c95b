//! GitLab CI typed view (`.gitlab-ci.yml` and included CI files).

use super::yaml::{Node, YamlStream};
use super::yamlview::{keys, Reader};
use super::SchemaIssue;
use crate::model::gitlab::{GitlabCi, GitlabJob};
use crate::source::Spanned;

/// Top-level keys that are not jobs.
pub const GLOBAL_KEYS: &[&str] = &[
    "stages",
    "variables",
    "include",
    "default",
    "workflow",
    "image",
    "services",
    "before_script",
    "after_script",
    "cache",
    "pages_deploy",
    "spec",
];

pub fn from_yaml(yaml: YamlStream) -> (GitlabCi, Vec<SchemaIssue>) {
    let mut r = Reader::default();
    let mut ci = GitlabCi {
        yaml: YamlStream::default(),
        stages: Vec::new(),
        stages_span: None,
        includes: Vec::new(),
        variables: Vec::new(),
        jobs: Vec::new(),
        top_keys: Vec::new(),
    };
    // GitLab's `spec:` header document precedes the pipeline document.
    let root = yaml.documents.iter().map(|d| d.root()).rfind(|n| n.is_map());
    if let Some(root) = root {
        read(&mut r, root, &mut ci);
    }
    ci.yaml = yaml;
    (ci, r.issues)
}

/// Script lines: a string, or a list of strings (nested lists from `!reference` are flattened).
fn script(n: Option<Node<'_>>) -> Vec<Spanned<String>> {
    let Some(n) = n else { return Vec::new() };
    if let Some(s) = n.spanned_str() {
        return vec![s];
    }
    let mut out = Vec::new();
    for item in n.items() {
        if let Some(s) = item.spanned_str() {
            out.push(s);
        } else if item.is_seq() && item.tag().is_none() {
            out.extend(script(Some(item)));
        }
    }
    out
}

fn read(r: &mut Reader, root: Node<'_>, ci: &mut GitlabCi) {
    ci.top_keys = keys(root);
    ci.stages = r.strings(root, "stages", "gitlab-ci");
    ci.stages_span = root.key_node("stages").map(|k| k.span());
    ci.variables = r.env(root, "variables", "gitlab-ci");
    if let Some(inc) = root.get("include") {
        let items = if inc.is_seq() { inc.items() } else { vec![inc] };
        for i in items {
            if let Some(s) = i.spanned_str() {
                ci.includes.push(s);
            } else if let Some(s) = i.get("local").and_then(|l| l.spanned_str()) {
                ci.includes.push(s);
            }
        }
    }
    for (k, v) in root.entries() {
        let Some(name) = k.spanned_str() else { continue };
        if GLOBAL_KEYS.contains(&name.value.as_str()) || !v.is_map() {
            continue;
        }
        let ctx = format!("job `{}`", name.value);
        let ctx = ctx.as_str();
        let allow_failure = v.get("allow_failure").map(|a| {
            Spanned::new(
                a.as_str()
                    .map_or_else(|| if a.is_map() { "exit_codes".to_owned() } else { String::new() }, str::to_owned),
                a.span(),
            )
        });
        let needs = v
            .get("needs")
            .map(|n| {
                n.items()
                    .into_iter()
                    .filter_map(|i| i.spanned_str().or_else(|| i.get("job").and_then(|j| j.spanned_str())))
                    .collect()
            })
            .unwrap_or_default();
        let environment =
            v.get("environment").and_then(|e| e.spanned_str().or_else(|| e.get("name").and_then(|n| n.spanned_str())));
        ci.jobs.push(GitlabJob {
            hidden: name.value.starts_with('.'),
            node: v.id(),
            stage: r.string(v, "stage", ctx),
            image: v.get("image").and_then(|i| i.spanned_str().or_else(|| i.get("name").and_then(|n| n.spanned_str()))),
            before_script: script(v.get("before_script")),
            script: script(v.get("script")),
            after_script: script(v.get("after_script")),
            when: r.string(v, "when", ctx),
            allow_failure,
            extends: r.strings(v, "extends", ctx),
            needs,
            dependencies: r.strings(v, "dependencies", ctx),
            environment,
            variables: r.env(v, "variables", ctx),
            conditional: v.get("rules").is_some() || v.get("only").is_some() || v.get("except").is_some(),
            keys: keys(v),
            trigger: v.get("trigger").is_some(),
            name,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn jobs_and_templates() {
        let text = "stages: [test, deploy]\n.base:\n  image: node:20\ntest:\n  extends: .base\n  stage: test\n  script:\n    - npm ci\n    - npm test\nsast:\n  stage: test\n  script: semgrep --config auto\n  allow_failure: true\ndeploy:\n  stage: deploy\n  environment: {name: production}\n  script: [./deploy.sh]\n";
        let (ci, issues) = from_yaml(yaml::parse(text));
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(ci.stages.len(), 2);
        assert_eq!(ci.jobs.len(), 4);
        assert!(ci.job(".base").is_some_and(|j| j.hidden));
        assert_eq!(ci.job("sast").and_then(|j| j.allow_failure.as_ref()).map(|a| a.value.as_str()), Some("true"));
        assert_eq!(ci.job("deploy").and_then(|j| j.environment.as_ref()).map(|e| e.value.as_str()), Some("production"));
        assert_eq!(ci.job("test").map(|j| j.script.len()), Some(2));
    }
}
