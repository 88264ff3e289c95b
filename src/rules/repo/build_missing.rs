//! REF001: a compose build whose context directory or Dockerfile does not exist.

use crate::finding::Severity;
use crate::index::Resolution;
use crate::model::compose::ComposeService;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct BuildMissing;

const CASE: &str = "works on case-insensitive macOS and Windows file systems, fails on Linux";

impl Rule for BuildMissing {
    fn id(&self) -> RuleId {
        RuleId::REF001
    }

    fn compose_service(&self, cx: &mut Cx, _file: &ComposeFile, s: &ComposeService) -> Checked {
        let Some(build) = &s.build else { return NA };
        let project = cx.project;
        let Some(b) = project.images.compose_build(cx.path(), &s.name.value) else { return NA };
        let name = &s.name.value;
        let context_span = build.context.as_ref().map_or(build.span, |c| c.span);
        // 1. The context directory.
        match &b.context {
            Resolution::Missing(dir) => {
                cx.report(context_span, format!("service `{name}` builds from `{dir}`, which does not exist"))
                    .by_env(Severity::Blocker, Severity::High)
                    .help("fix `build.context` (it is relative to the compose file's directory)");
                return CHECKED;
            }
            Resolution::CaseMismatch { wanted, actual } => {
                cx.report(
                    context_span,
                    format!(
                        "service `{name}` builds from `{wanted}`, which does not exist; `{actual}` differs only in letter case ({CASE})"
                    ),
                )
                .by_env(Severity::Blocker, Severity::High)
                .help(format!("write the directory as it is named: `{actual}`"));
                return CHECKED;
            }
            Resolution::Dir(_) | Resolution::File(_) => {}
            Resolution::Dynamic | Resolution::OutsideRoot(_) => return NA,
        }
        // 2. The Dockerfile inside it.
        let df_span = build.dockerfile.as_ref().map_or(context_span, |d| d.span);
        let written = if b.dockerfile_defaulted {
            format!(" (the default `{}` of the build context)", b.dockerfile_written)
        } else {
            String::new()
        };
        match &b.dockerfile {
            Resolution::File(path) => {
                cx.evidence(
                    Some(crate::finding::Location::new(path.clone(), Span::file_start())),
                    format!("service `{name}` builds from `{path}`"),
                );
            }
            Resolution::Missing(path) => {
                cx.report(df_span, format!("service `{name}` builds from `{path}`{written}, which does not exist"))
                    .by_env(Severity::Blocker, Severity::High)
                    .help("fix `build.dockerfile` (it is relative to the build context), or add the Dockerfile");
            }
            Resolution::CaseMismatch { wanted, actual } => {
                cx.report(
                    df_span,
                    format!(
                        "service `{name}` builds from `{wanted}`{written}, which does not exist; `{actual}` differs only in letter case ({CASE})"
                    ),
                )
                .by_env(Severity::Blocker, Severity::High)
                .related(actual.clone(), Span::file_start(), "the file that exists, spelled differently")
                .help(format!("write the path as the file is named: `{actual}`"));
            }
            Resolution::Dir(path) => {
                cx.report(
                    df_span,
                    format!("service `{name}` builds from `{path}`{written}, which is a directory, not a Dockerfile"),
                )
                .by_env(Severity::Blocker, Severity::High)
                .help("point `build.dockerfile` at the Dockerfile inside it");
            }
            // `dockerfile_inline:` or a variable: only the context could be judged.
            Resolution::Dynamic | Resolution::OutsideRoot(_) => {}
        }
        CHECKED
    }
}
