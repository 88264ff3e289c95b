//! REF002: a compose `env_file` that does not exist.

use crate::finding::Severity;
use crate::index::files::{file_name, parent_dir};
use crate::index::Resolution;
use crate::model::compose::ComposeService;
use crate::model::envfile::{role_from_name, EnvFileRole};
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};
use crate::source::Span;

pub struct EnvFileMissing;

/// A committed template for the env file `missing` (`.env` → `.env.example`, `api.env` →
/// `api.env.sample` or `api.example.env`), in the same directory.
fn template_for<'a>(files: &'a crate::index::FileSet, missing: &'a str) -> Option<&'a str> {
    let dir = parent_dir(missing);
    let want = file_name(missing);
    files.under(dir).filter(|p| parent_dir(p) == dir).find(|p| {
        let name = file_name(p);
        if role_from_name(name) != EnvFileRole::Template {
            return false;
        }
        let stem: Vec<&str> = name
            .split('.')
            .filter(|t| {
                !matches!(
                    t.to_ascii_lowercase().as_str(),
                    "example" | "sample" | "template" | "tmpl" | "tpl" | "dist" | "defaults" | "default"
                )
            })
            .collect();
        let stem = stem.join(".");
        stem == want || stem.trim_start_matches('.') == want.trim_start_matches('.')
    })
}

impl Rule for EnvFileMissing {
    fn id(&self) -> RuleId {
        RuleId::REF002
    }

    fn compose_service(&self, cx: &mut Cx, _file: &ComposeFile, s: &ComposeService) -> Checked {
        // `required: false` entries were left out by the parser: they may be absent.
        if s.env_files.is_empty() {
            return NA;
        }
        let project = cx.project;
        let path = cx.path();
        let name = &s.name.value;
        for ef in &s.env_files {
            match project.resolve(path, None, &ef.value) {
                Resolution::File(p) => cx.evidence(
                    Some(crate::finding::Location::new(p.clone(), Span::file_start())),
                    format!("service `{name}` reads `{p}`"),
                ),
                Resolution::Missing(p) => match template_for(&project.files, &p) {
                    Some(t) => {
                        cx.report(
                            ef.span,
                            format!("service `{name}` reads `env_file: {}`, which is not committed (only the template `{t}` is): every deploy must create `{p}` first, or `docker compose up` fails", ef.value),
                        )
                        .by_env(Severity::Medium, Severity::Low)
                        .related(t.to_owned(), Span::file_start(), "the committed template")
                        .help("make the deploy step write the file from a secret store, or use the long form with `required: false` if the variables are optional");
                    }
                    None => {
                        cx.report(ef.span, format!("service `{name}` reads `env_file: {}`, but `{p}` does not exist: `docker compose up` fails", ef.value))
                            .by_env(Severity::Blocker, Severity::High)
                            .help("commit the file, fix the path (it is relative to the compose file), or use the long form with `required: false` for optional files");
                    }
                },
                Resolution::CaseMismatch { wanted, actual } => {
                    cx.report(ef.span, format!("service `{name}` reads `env_file: {}`, but `{wanted}` does not exist; `{actual}` differs only in letter case (works on macOS and Windows, fails on Linux)", ef.value))
                        .by_env(Severity::Blocker, Severity::High)
                        .related(actual.clone(), Span::file_start(), "the file that exists, spelled differently")
                        .help(format!("write the path as the file is named: `{actual}`"));
                }
                Resolution::Dir(p) => {
                    cx.report(
                        ef.span,
                        format!("service `{name}` reads `env_file: {}`, but `{p}` is a directory", ef.value),
                    )
                    .by_env(Severity::Blocker, Severity::High)
                    .help("point `env_file` at a file");
                }
                Resolution::Dynamic | Resolution::OutsideRoot(_) => {}
            }
        }
        CHECKED
    }
}
