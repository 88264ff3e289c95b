//! CI023: a job container or service image that is `latest` or untagged.

use crate::model::image::ImageRef;
use crate::model::workflow::Job;
use crate::model::Workflow;
use crate::parse::yaml::Node;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct UnpinnedImage;

fn image_of(n: Node<'_>) -> Option<Node<'_>> {
    if n.is_scalar() {
        Some(n)
    } else {
        n.get("image")
    }
}

impl Rule for UnpinnedImage {
    fn id(&self) -> RuleId {
        RuleId::CI023
    }

    fn workflow_job(&self, cx: &mut Cx, wf: &Workflow, job: &Job) -> Checked {
        let Some(doc) = wf.yaml.documents.first() else { return NA };
        let node = doc.node(job.node);
        let mut images: Vec<(String, Node<'_>)> = Vec::new();
        if let Some(i) = node.get("container").and_then(image_of) {
            images.push(("the job container".to_owned(), i));
        }
        for (name, svc) in node.get("services").map(|s| s.entries()).unwrap_or_default() {
            if let Some(i) = image_of(svc) {
                images.push((format!("service `{}`", name.as_str().unwrap_or("?")), i));
            }
        }
        if images.is_empty() {
            return NA;
        }
        for (what, img) in images {
            let Some(raw) = img.as_str() else { continue };
            let r = ImageRef::parse(raw);
            if r.has_variable || raw.trim().is_empty() {
                continue;
            }
            let how = if r.is_latest() {
                ""
            } else if r.is_untagged() {
                " without a tag (so `latest`)"
            } else {
                continue;
            };
            cx.report(img.span(), format!("{what} of job `{}` runs `{raw}`{how}: the job runs whatever the registry serves that day, so runs stop being reproducible and a compromised image runs with the job's secrets", job.id.value))
                .help("pin a version tag, ideally with its digest (`postgres:16.4@sha256:…`)");
        }
        CHECKED
    }
}
