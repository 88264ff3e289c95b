//! CI016: a release workflow that restores caches (which any workflow of the repository can
//! write to) before building what it publishes.

use crate::model::workflow::Step;
use crate::model::Workflow;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct CachePoisoning;

/// Why the workflow publishes: a `release` trigger or a push of tags.
fn release_trigger(wf: &Workflow) -> Option<&'static str> {
    if wf.has_trigger("release") {
        return Some("runs on `release`");
    }
    let root = wf.yaml.first()?;
    let push = root.path(&["on", "push"])?;
    (push.get("tags").is_some() || push.get("tags-ignore").is_some()).then_some("runs on pushed tags")
}

/// Does the step restore a cache, and how?
fn caches(step: &Step) -> Option<String> {
    let u = step.uses.as_ref()?;
    let action = u.value.trim().rsplit_once('@').map_or(u.value.trim(), |(a, _)| a).to_ascii_lowercase();
    let input = |k: &str| step.with_value(k).map(|v| v.value.trim().to_owned());
    let on = |v: Option<String>| v.is_some_and(|v| !v.is_empty() && v != "false");
    match action.as_str() {
        "actions/cache" | "actions/cache/restore" => Some(format!("`{action}`")),
        "actions/setup-node" | "actions/setup-python" | "actions/setup-java" | "actions/setup-dotnet"
            if on(input("cache")) =>
        {
            Some(format!("`{action}` with `cache: {}`", input("cache").unwrap_or_default()))
        }
        // setup-go caches by default since v4.
        "actions/setup-go" if input("cache").as_deref() != Some("false") => {
            Some("`actions/setup-go` (caches by default)".to_owned())
        }
        "swatinem/rust-cache" if input("lookup-only").as_deref() != Some("true") => {
            Some("`Swatinem/rust-cache`".to_owned())
        }
        "ruby/setup-ruby" if on(input("bundler-cache")) => Some("`ruby/setup-ruby` with `bundler-cache`".to_owned()),
        "astral-sh/setup-uv" if on(input("enable-cache")) => {
            Some("`astral-sh/setup-uv` with `enable-cache`".to_owned())
        }
        "docker/build-push-action" if input("cache-from").is_some_and(|c| c.contains("type=gha")) => {
            Some("`docker/build-push-action` with `cache-from: type=gha`".to_owned())
        }
        _ => None,
    }
}

impl Rule for CachePoisoning {
    fn id(&self) -> RuleId {
        RuleId::CI016
    }

    fn workflow(&self, cx: &mut Cx, wf: &Workflow) -> Checked {
        let Some(why) = release_trigger(wf) else { return NA };
        for job in &wf.jobs {
            for step in &job.steps {
                let Some(how) = caches(step) else { continue };
                let Some(u) = &step.uses else { continue };
                cx.report(u.span, format!("the workflow {why} and job `{}` restores a cache through {how}: any workflow of the repository, a pull request's included, can write a poisoned cache entry that ends up in the release", job.id.value))
                    .help("do not restore caches in workflows that publish (disable the action's cache input, or use `actions/cache/save` only)");
            }
        }
        CHECKED
    }
}
