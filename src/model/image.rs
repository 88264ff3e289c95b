//! Container image references (`registry/repo:tag@sha256:…`), shared by Dockerfile `FROM`,
//! compose `image:`, Kubernetes containers and CI build commands.

/// A parsed image reference. Parsing is lenient: anything that is not obviously malformed is
/// accepted, and `has_variable` is set when the reference is built from `${VAR}`/`$VAR`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ImageRef {
    /// Registry host (`ghcr.io`, `localhost:5000`), if any.
    pub registry: Option<String>,
    /// Repository path without registry (`library/node` is shown as `node`).
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    pub has_variable: bool,
}

impl ImageRef {
    pub fn parse(raw: &str) -> ImageRef {
        let raw = raw.trim();
        let has_variable = raw.contains('$') || raw.contains("{{");
        let (rest, digest) = match raw.split_once('@') {
            Some((r, d)) => (r, Some(d.to_owned())),
            None => (raw, None),
        };
        // A tag is after the last ':' that follows the last '/'.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest.get(last_slash..).and_then(|tail| tail.rfind(':')) {
            Some(i) => {
                let split = last_slash + i;
                (rest.get(..split).unwrap_or(rest), rest.get(split + 1..).map(str::to_owned))
            }
            None => (rest, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, tail)) if first.contains('.') || first.contains(':') || first == "localhost" => {
                (Some(first.to_owned()), tail.to_owned())
            }
            _ => (None, name.to_owned()),
        };
        let repository = repository.strip_prefix("library/").map_or(repository.clone(), str::to_owned);
        ImageRef { registry, repository, tag: tag.filter(|t| !t.is_empty()), digest, has_variable }
    }

    /// Last path segment of the repository (`ghcr.io/acme/shop-api` → `shop-api`).
    pub fn short_name(&self) -> &str {
        self.repository.rsplit('/').next().unwrap_or(&self.repository)
    }

    /// Neither a tag nor a digest: the engine pulls `latest`.
    pub fn is_untagged(&self) -> bool {
        self.tag.is_none() && self.digest.is_none()
    }

    /// Tagged `latest` (and no digest pins it).
    pub fn is_latest(&self) -> bool {
        self.digest.is_none() && self.tag.as_deref() == Some("latest")
    }

    pub fn is_pinned_by_digest(&self) -> bool {
        self.digest.is_some()
    }

    /// `scratch` is not an image.
    pub fn is_scratch(&self) -> bool {
        self.repository == "scratch" && self.registry.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        let r = ImageRef::parse("node:20-alpine");
        assert_eq!((r.repository.as_str(), r.tag.as_deref()), ("node", Some("20-alpine")));
        let r = ImageRef::parse("localhost:5000/team/api");
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert!(r.is_untagged());
        assert_eq!(r.short_name(), "api");
        let r = ImageRef::parse("ghcr.io/acme/api:1.2@sha256:abc");
        assert!(r.is_pinned_by_digest());
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        let r = ImageRef::parse("library/redis:latest");
        assert!(r.is_latest());
        assert_eq!(r.repository, "redis");
        assert!(ImageRef::parse("${REGISTRY}/api:${TAG}").has_variable);
    }
}
