//! HELM005: `Chart.yaml` that Helm refuses, or whose versions YAML silently changes.

use crate::finding::Severity;
use crate::model::{Artifact, ArtifactKind};
use crate::parse::yaml::ScalarStyle;
use crate::rules::meta::RuleId;
use crate::rules::{Checked, Cx, Rule, CHECKED, NA};

pub struct ChartInvalid;

/// SemVer 2 as Helm accepts it (a leading `v` is tolerated by Helm's parser).
pub fn is_semver(v: &str) -> bool {
    let v = v.strip_prefix('v').unwrap_or(v);
    let (core, rest) = match v.find(['-', '+']) {
        Some(i) => (v.get(..i).unwrap_or(""), v.get(i..).unwrap_or("")),
        None => (v, ""),
    };
    let nums: Vec<&str> = core.split('.').collect();
    let num_ok =
        |s: &&str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s.len() == 1 || !s.starts_with('0'));
    nums.len() == 3
        && nums.iter().all(num_ok)
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'))
}

impl Rule for ChartInvalid {
    fn id(&self) -> RuleId {
        RuleId::HELM005
    }

    fn artifact(&self, cx: &mut Cx, a: &Artifact) -> Checked {
        if a.kind != ArtifactKind::HelmChart {
            return NA;
        }
        let Some(r) = super::root(a) else { return NA };
        let refuse = |cx: &mut Cx, span, msg: String, help: &str| {
            cx.report(span, format!("{msg}: `helm install`, `helm package` and `helm lint` refuse the chart"))
                .by_env(Severity::Blocker, Severity::High)
                .help(help.to_owned());
        };
        let api = r.get_str("apiVersion");
        match api {
            None => refuse(
                cx,
                r.span(),
                "`Chart.yaml` has no `apiVersion`".to_owned(),
                "add `apiVersion: v2` (Helm 3 charts)",
            ),
            Some("v1" | "v2") => {}
            Some(other) => {
                let span = r.get("apiVersion").map_or(r.span(), |n| n.span());
                refuse(
                    cx,
                    span,
                    format!("`Chart.yaml` has `apiVersion: {other}`, which is neither `v1` nor `v2`"),
                    "use `apiVersion: v2`",
                );
            }
        }
        if r.get_str("name").is_none_or(|n| n.trim().is_empty()) {
            refuse(cx, r.span(), "`Chart.yaml` has no `name`".to_owned(), "set `name:` to the chart directory's name");
        }
        match r.get("version") {
            None => refuse(
                cx,
                r.span(),
                "`Chart.yaml` has no `version`".to_owned(),
                "set `version:` to a SemVer 2 version such as `0.1.0`",
            ),
            Some(v) => {
                let s = v.as_str().unwrap_or("");
                if !s.contains("{{") && !is_semver(s) {
                    refuse(
                        cx,
                        v.span(),
                        format!("chart `version: {s}` is not SemVer 2 (`MAJOR.MINOR.PATCH`)"),
                        "write the version as `1.2.0`, quoted if in doubt",
                    );
                }
            }
        }
        if api == Some("v1") {
            if let Some(d) = r.key_node("dependencies") {
                cx.report(d.span(), "`dependencies:` in an `apiVersion: v1` chart are ignored: Helm reads them from `requirements.yaml` in v1 charts, so the subcharts are never installed")
                    .by_env(Severity::High, Severity::Medium)
                    .help("switch the chart to `apiVersion: v2` (which reads `dependencies:` from `Chart.yaml`)");
            }
        }
        if let Some(v) = r.get("appVersion").filter(|v| v.style() == Some(ScalarStyle::Plain)) {
            let s = v.as_str().unwrap_or("");
            if s.parse::<f64>().is_ok() && s.contains('.') && s.ends_with('0') {
                cx.report(
                    v.span(),
                    format!("`appVersion: {s}` is unquoted, so YAML reads it as the number {}: templates that default the image tag to `.Chart.AppVersion` deploy the wrong tag", s.parse::<f64>().map(|f| f.to_string()).unwrap_or_default()),
                )
                .severity(Severity::Medium)
                .help(format!("quote it: `appVersion: \"{s}\"`"));
            }
        }
        CHECKED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver() {
        assert!(is_semver("1.2.3"));
        assert!(is_semver("0.1.0-rc.1+build.5"));
        assert!(is_semver("v1.2.3"));
        assert!(!is_semver("1.2"));
        assert!(!is_semver("1"));
        assert!(!is_semver("01.2.3"));
        assert!(!is_semver("latest"));
    }
}
