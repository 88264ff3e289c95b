//! DF016: a relative WORKDIR.

use crate::finding::Severity;
use crate::model::dockerfile::{Args, Dockerfile};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct RelativeWorkdir;

fn is_absolute(p: &str) -> bool {
    let p = p.trim_matches(|c| c == '"' || c == '\'');
    p.starts_with('/')
        // Windows images: `C:\app`, `c:/app`
        || p.as_bytes().get(1) == Some(&b':') && p.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        || p.starts_with('\\')
}

impl Rule for RelativeWorkdir {
    fn id(&self) -> RuleId {
        RuleId::DF016
    }

    fn dockerfile(&self, cx: &mut Cx, df: &Dockerfile) -> Checked {
        let mut seen = false;
        for (idx, i) in df.instructions.iter().enumerate() {
            let Args::Workdir(w) = &i.args else { continue };
            seen = true;
            let expanded = df.expand_at(idx, &w.value);
            if is_absolute(&w.value) || is_absolute(&expanded) {
                continue;
            }
            // A variable whose value is unknown here (a build arg without default): cannot judge.
            if expanded.contains('$') {
                continue;
            }
            cx.report(
                w.span,
                format!("`WORKDIR {}` is relative: it resolves against whatever working directory the base image or an earlier stage set, and moves when they change", w.value),
            )
            .by_env(Severity::Low, Severity::Low)
            .help(format!("write the absolute path, e.g. `WORKDIR /{}`", expanded.trim_start_matches("./")));
        }
        if seen {
            CHECKED
        } else {
            NA
        }
    }
}
