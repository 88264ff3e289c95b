//! DF017: `FROM` that refers to an undeclared `ARG` or to a stage that is not defined before it.

use crate::finding::Severity;
use crate::model::dockerfile::{Args, Dockerfile};
use crate::model::interp;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

use super::is_common_official_image;

pub struct FromUndefined;

/// Build args BuildKit predefines in the global scope.
const PLATFORM_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
    "BUILDKIT_SYNTAX",
];

/// A FROM word that can only be a stage name (no registry, tag, digest or variable).
fn bare_name(s: &str) -> bool {
    !s.is_empty() && !s.contains(['/', ':', '@', '$', '.'])
}

impl Rule for FromUndefined {
    fn id(&self) -> RuleId {
        RuleId::DF017
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        if df.stages.is_empty() {
            return NA;
        }
        let globals: Vec<&str> = df.global_args().map(|kv| kv.key.value.as_str()).collect();
        for stage in &df.stages {
            let written = &stage.base.value;
            // 1. Variables no global ARG declares.
            for r in interp::parse(written) {
                if r.default.is_some() || globals.contains(&r.name.as_str()) || PLATFORM_ARGS.contains(&r.name.as_str())
                {
                    continue;
                }
                let declared_in_stage = df.instructions.iter().any(|i| {
                    i.stage.is_some()
                        && matches!(&i.args, Args::Arg(kvs) if kvs.iter().any(|kv| kv.key.value == r.name))
                });
                let why = if declared_in_stage {
                    format!("`{}` is declared by an `ARG` inside a stage, and FROM lines only see `ARG`s declared before the first `FROM`", r.name)
                } else {
                    format!("no `ARG {}` is declared before the first `FROM`", r.name)
                };
                cx.report(
                    stage.base.span,
                    format!(
                        "`FROM {written}` uses `${}`, but {why}: it expands to an empty string and the build fails",
                        r.name
                    ),
                )
                .by_env(Severity::Blocker, Severity::High)
                .help(format!("declare it at the top of the Dockerfile: `ARG {}=<default image>`", r.name));
            }
            // 2. A stage name used before (or by) the stage that defines it.
            let name = &stage.base_resolved;
            if stage.base_stage.is_some() || !bare_name(name) || is_common_official_image(name) {
                continue;
            }
            let later = df.stages.iter().find(|s| {
                s.index >= stage.index && s.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(name))
            });
            if let Some(target) = later {
                let what = if target.index == stage.index {
                    "names the stage itself".to_owned()
                } else {
                    format!("names a stage defined later (line {})", target.base.span.start.line)
                };
                cx.report(
                    stage.base.span,
                    format!("`FROM {written}` {what}: FROM only sees earlier stages, so docker tries to pull an image called `{name}` and the build fails"),
                )
                .by_env(Severity::Blocker, Severity::High)
                .help("move the stage it builds on above it, or fix the name");
            }
        }
        CHECKED
    }
}
