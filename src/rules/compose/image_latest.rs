//! DC007: compose service pulling an image by `:latest` or without a tag.

use crate::finding::Severity;
use crate::model::compose::ComposeService;
use crate::model::image::ImageRef;
use crate::model::ComposeFile;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct ImageLatest;

impl Rule for ImageLatest {
    fn id(&self) -> RuleId {
        RuleId::DC007
    }

    fn compose_service(&self, cx: &mut Cx, _file: &ComposeFile, s: &ComposeService) -> Checked {
        // With `build:`, `image:` names the image compose builds and tags: nothing is pulled.
        if s.build.is_some() {
            return NA;
        }
        let Some(image) = &s.image else { return NA };
        let r = ImageRef::parse(&image.value);
        if r.has_variable {
            return NA;
        }
        let message = if r.is_latest() {
            format!(
                "service `{}` runs `{}`: `latest` changes under you, so two deploys can run different code",
                s.name.value, image.value
            )
        } else if r.is_untagged() {
            format!(
                "service `{}` runs `{}` without a tag, which pulls `latest`: two deploys can run different code",
                s.name.value, image.value
            )
        } else {
            cx.evidence_here(image.span, format!("service `{}` pins `{}`", s.name.value, image.value));
            return CHECKED;
        };
        cx.report(image.span, message)
            .by_env(Severity::Medium, Severity::Low)
            .help("pin a version tag (`postgres:16.4`), ideally with its digest (`postgres:16.4@sha256:…`)");
        CHECKED
    }
}
