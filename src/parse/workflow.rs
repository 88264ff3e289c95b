//! GitHub Actions workflow typed view. YAML 1.2: `on:` is the string key `on`.

use super::yaml::{Node, YamlStream};
use super::yamlview::{keys, Reader};
use super::SchemaIssue;
use crate::model::workflow::{Job, Permissions, Step, Trigger, Workflow};
use crate::source::Spanned;

pub fn from_yaml(yaml: YamlStream) -> (Workflow, Vec<SchemaIssue>) {
    let mut r = Reader::default();
    let mut wf = Workflow {
        yaml: YamlStream::default(),
        name: None,
        on: Vec::new(),
        on_span: None,
        permissions: None,
        env: Vec::new(),
        jobs: Vec::new(),
        top_keys: Vec::new(),
    };
    if let Some(root) = yaml.first() {
        if let Some(root) = r.expect_map(root, "a workflow") {
            read(&mut r, root, &mut wf);
        }
    }
    wf.yaml = yaml;
    (wf, r.issues)
}

/// `permissions:` at workflow or job level.
pub fn permissions(p: Node<'_>) -> Option<Permissions> {
    if let Some(s) = p.as_str() {
        return match s {
            "write-all" => Some(Permissions::WriteAll(p.span())),
            "read-all" => Some(Permissions::ReadAll(p.span())),
            _ => None,
        };
    }
    if p.is_map() {
        let scopes = p.entries().into_iter().filter_map(|(k, v)| Some((k.spanned_str()?, v.spanned_str()?))).collect();
        return Some(Permissions::Scopes { span: p.span(), scopes });
    }
    None
}

fn read(r: &mut Reader, root: Node<'_>, wf: &mut Workflow) {
    wf.top_keys = keys(root);
    wf.name = r.string(root, "name", "workflow");
    if let Some(on) = root.get("on") {
        wf.on_span = root.key_node("on").map(|k| k.span());
        if let Some(ev) = on.spanned_str() {
            wf.on.push(Trigger { event: ev });
        } else if on.is_seq() {
            wf.on.extend(on.str_list().into_iter().map(|event| Trigger { event }));
        } else {
            wf.on.extend(keys(on).into_iter().map(|event| Trigger { event }));
        }
    }
    wf.permissions = root.get("permissions").and_then(permissions);
    wf.env = r.env(root, "env", "workflow");
    let Some(jobs) = root.get("jobs") else { return };
    let Some(jobs) = r.expect_map(jobs, "`jobs`") else { return };
    for (k, v) in jobs.entries() {
        let Some(id) = k.spanned_str() else { continue };
        let Some(v) = r.expect_map(v, &format!("job `{}`", id.value)) else { continue };
        wf.jobs.push(job(r, id, v));
    }
}

fn scalar_or_name(n: Option<Node<'_>>) -> Option<Spanned<String>> {
    let n = n?;
    n.spanned_str().or_else(|| n.get("name").and_then(|x| x.spanned_str()))
}

fn job(r: &mut Reader, id: Spanned<String>, v: Node<'_>) -> Job {
    let ctx = format!("job `{}`", id.value);
    let ctx = ctx.as_str();
    let mut steps = Vec::new();
    if let Some(st) = v.get("steps") {
        if !st.is_seq() {
            r.issue(st, format!("{ctx}: `steps` should be a list, found a {}", st.type_name()));
        }
        for (i, s) in st.items().into_iter().enumerate() {
            if let Some(s) = r.expect_map(s, &format!("{ctx}: step {}", i + 1)) {
                steps.push(step(r, i, s, ctx));
            }
        }
    }
    let runs_on = v.get("runs-on").and_then(|n| {
        n.spanned_str().or_else(|| {
            let items = n.str_list();
            (!items.is_empty())
                .then(|| Spanned::new(items.iter().map(|i| i.value.as_str()).collect::<Vec<_>>().join(", "), n.span()))
        })
    });
    Job {
        node: v.id(),
        name: r.string(v, "name", ctx),
        needs: r.strings(v, "needs", ctx),
        if_cond: v.get("if").and_then(|n| n.spanned_str()),
        runs_on,
        permissions: v.get("permissions").and_then(permissions),
        environment: scalar_or_name(v.get("environment")),
        continue_on_error: v.get("continue-on-error").and_then(|n| n.spanned_str()),
        uses: r.string(v, "uses", ctx),
        steps,
        env: r.env(v, "env", ctx),
        has_matrix: v.path(&["strategy", "matrix"]).is_some(),
        keys: keys(v),
        id,
    }
}

fn step(r: &mut Reader, index: usize, s: Node<'_>, ctx: &str) -> Step {
    let sctx = format!("{ctx} step {}", index + 1);
    let sctx = sctx.as_str();
    let with = s
        .get("with")
        .map(|w| w.entries().into_iter().filter_map(|(k, v)| Some((k.spanned_str()?, v.spanned_str()?))).collect())
        .unwrap_or_default();
    Step {
        index,
        span: s.span(),
        node: s.id(),
        id: r.string(s, "id", sctx),
        name: r.string(s, "name", sctx),
        uses: r.string(s, "uses", sctx),
        run: r.string(s, "run", sctx),
        shell: r.string(s, "shell", sctx),
        with,
        env: r.env(s, "env", sctx),
        if_cond: s.get("if").and_then(|n| n.spanned_str()),
        continue_on_error: s.get("continue-on-error").and_then(|n| n.spanned_str()),
        working_directory: r.string(s, "working-directory", sctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn reads_jobs_steps_and_on() {
        let text = "name: CI\non:\n  push:\n    branches: [main]\n  pull_request:\npermissions: write-all\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Audit\n        run: npm audit\n        continue-on-error: true\n  deploy:\n    needs: test\n    environment: production\n    steps:\n      - run: |\n          echo deploying\n          ./scripts/deploy.sh\n";
        let (w, issues) = from_yaml(yaml::parse(text));
        assert!(issues.is_empty(), "{issues:?}");
        assert!(w.has_trigger("push") && w.has_trigger("pull_request"));
        assert!(matches!(w.permissions, Some(Permissions::WriteAll(_))));
        let t = w.job("test").unwrap_or_else(|| unreachable!());
        assert_eq!(t.steps.len(), 2);
        assert_eq!(t.steps.get(1).and_then(|s| s.continue_on_error.as_ref()).map(|c| c.value.as_str()), Some("true"));
        let d = w.job("deploy").unwrap_or_else(|| unreachable!());
        assert_eq!(d.needs.first().map(|n| n.value.as_str()), Some("test"));
        assert_eq!(d.environment.as_ref().map(|e| e.value.as_str()), Some("production"));
        assert!(d.steps.first().and_then(|s| s.run.as_ref()).is_some_and(|r| r.value.contains("./scripts/deploy.sh")));
    }
}
