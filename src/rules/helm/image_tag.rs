//! HELM001: chart values that deploy an image as `latest` or without a tag.

use super::{chart_values, dotted, is_deployed_values, maps, root};
use crate::finding::Severity;
use crate::model::image::ImageRef;
use crate::model::{Artifact, ArtifactKind};
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct ImageTag;

/// The chart's `appVersion`: the Helm convention (and the scaffold's template) is that an empty
/// `tag` falls back to it. The helper that does so often lives in `_helpers.tpl` or in a library
/// chart, so the templates are not required to mention it.
fn app_version_fallback(cx: &Cx, a: &Artifact) -> Option<String> {
    let cv = chart_values(cx.project, a)?;
    cv.chart
        .and_then(super::root)
        .and_then(|r| r.get_str("appVersion"))
        .filter(|v| !v.trim().is_empty())
        .map(str::to_owned)
}

impl Rule for ImageTag {
    fn id(&self) -> RuleId {
        RuleId::HELM001
    }

    fn artifact(&self, cx: &mut Cx, a: &crate::model::Artifact) -> Checked {
        if a.kind != ArtifactKind::HelmValues || !is_deployed_values(a) {
            return NA;
        }
        let Some(r) = root(a) else { return NA };
        let fallback = app_version_fallback(cx, a);
        let mut any = false;
        for (path, m) in maps(r) {
            // `image: {repository: …, tag: …}` (the chart scaffold's shape)
            if let Some(repo) = m.get_str("repository") {
                any = true;
                let has_digest = ["digest", "sha"].iter().any(|k| m.get_str(k).is_some_and(|d| !d.trim().is_empty()));
                if has_digest || repo.contains('@') || repo.contains("{{") {
                    continue;
                }
                let tag_node = m.get("tag");
                let tag = tag_node.and_then(|t| t.as_str()).map(str::trim).unwrap_or("");
                if tag == "latest" {
                    let span = tag_node.map_or(m.span(), |t| t.span());
                    cx.report(span, format!("`{}` deploys `{repo}:latest`: every pod start may pull different code, and a rollback restores nothing", dotted(&path, "tag")))
                        .by_env(Severity::Medium, Severity::Low)
                        .help("set a version tag (`tag: 1.4.2`), or leave it empty so the chart's `appVersion` is used");
                } else if tag.is_empty() && !repo.contains(':') {
                    if let Some(v) = &fallback {
                        cx.evidence_here(
                            m.span(),
                            format!("`{}` defaults to the chart's `appVersion` `{v}`", dotted(&path, "tag")),
                        );
                        continue;
                    }
                    let span =
                        tag_node.map_or_else(|| m.key_node("repository").map_or(m.span(), |k| k.span()), |t| t.span());
                    cx.report(span, format!("`{}` is empty and `Chart.yaml` sets no `appVersion` to fall back to: `{repo}` is deployed as `latest`", dotted(&path, "tag")))
                        .by_env(Severity::Medium, Severity::Low)
                        .help("set `tag:` to a version, or set `appVersion` in `Chart.yaml` and use `{{ .Values.image.tag | default .Chart.AppVersion }}`");
                }
                continue;
            }
            // `image: repo:tag` as one string
            if let Some(img) = m.get("image").filter(|i| i.is_scalar() && !i.is_null()) {
                let Some(raw) = img.as_str() else { continue };
                let r = ImageRef::parse(raw);
                if raw.trim().is_empty() || r.has_variable || !raw.contains('/') && !raw.contains(':') {
                    continue;
                }
                any = true;
                if r.is_latest() || r.is_untagged() {
                    cx.report(
                        img.span(),
                        format!(
                            "`{}` deploys `{raw}`{}: every pod start may pull different code",
                            dotted(&path, "image"),
                            if r.is_untagged() { " without a tag (so `latest`)" } else { "" }
                        ),
                    )
                    .by_env(Severity::Medium, Severity::Low)
                    .help("pin a version tag, ideally with its digest");
                }
            }
        }
        if any {
            CHECKED
        } else {
            NA
        }
    }
}
