//! ENV008: whitespace around the `=` of an env line.

use crate::model::EnvFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::{Pos, Span};

pub struct SpaceAroundEquals;

impl Rule for SpaceAroundEquals {
    fn id(&self) -> RuleId {
        RuleId::ENV008
    }

    fn env_file(&self, cx: &mut Cx, env: &EnvFile) -> Checked {
        if env.entries.is_empty() {
            return NA;
        }
        for e in &env.entries {
            let (k, v) = (e.key.span.end, e.value.span.start);
            // Key and value on one line with more than the `=` between them.
            if k.line != v.line || v.col <= k.col + 1 {
                continue;
            }
            let gap = Span::new(Pos::new(k.line, k.col), Pos::new(v.line, v.col));
            cx.report(
                gap,
                format!("`{}` has whitespace around `=`: compose trims it, but `docker run --env-file` reads the key as `{} ` (and rejects it) and a shell runs `{}` as a command", e.key.value, e.key.value, e.key.value),
            )
            .help(format!("write `{}=value` with no spaces", e.key.value));
        }
        CHECKED
    }
}
