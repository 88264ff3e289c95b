//! ENV002: a line of an env file that is not `KEY=value`.

use crate::finding::Severity;
use crate::index::mask::mask_line;
use crate::model::EnvFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED};

pub struct MalformedLine;

impl Rule for MalformedLine {
    fn id(&self) -> RuleId {
        RuleId::ENV002
    }

    fn env_file(&self, cx: &mut Cx, env: &EnvFile) -> Checked {
        let severity = if env.is_template() { Severity::Medium } else { Severity::High };
        for p in &env.malformed {
            // The parser quotes the offending line; it may hold a secret, and the snippet shows
            // it (masked) anyway, so the message does not repeat it.
            // TODO: `EnvProblem` should carry a kind instead of a message that echoes the line.
            let message = if p.message.starts_with("line is not `KEY=value`") {
                "line is not `KEY=value` (no `=`): loaders skip it or refuse the whole file".to_owned()
            } else {
                format!("{}; loaders skip the line or refuse the whole file", mask_line(&p.message))
            };
            cx.report(p.span, message)
                .severity(severity)
                .help("write it as `KEY=value` (quote values with spaces or `#`), or comment it out with `#`");
        }
        CHECKED
    }
}
