//! `prodready init`: a commented starter configuration. Everything is commented out except the
//! gate, so the file changes nothing until edited; a test proves it parses and applies.

pub const STARTER: &str = r#"# prodready configuration (see README, "Configuration").
# Command-line flags override this file; `prodready audit --print-config` shows the result.
# Editors: a JSON Schema for this file is in schemas/config.schema.json.

[rules]
# Rules that never run (codes from `prodready rules`).
# disable = ["DC003"]
# Run only these rules (default: all).
# select = ["DC004", "K8S004"]

[rules.severity]
# Change a rule's severity: blocker, high, medium, low or info.
# DC003 = "low"

[rules.per_path]
# Disable rules for some paths (globs; `dir` also matches everything under it).
# "examples/**" = ["DC002", "DC003"]

[paths]
# Files not audited (they still count when other files reference them).
# exclude = ["legacy/**"]
# Files audited even where prodready would treat them as test data (fixtures/, tests/, ...).
# include = ["fixtures/deploy/**"]
# Env files that are production whatever their name says.
# production_env = [".env.production", "deploy/*.env"]

[gate]
# Fail on any active finding at least this severe: blocker, high, medium, low or never.
fail_on = "blocker"
# Also fail below this overall score (0-10).
# min_score = 7.0

[weights]
# Relative weight of a category in the overall score (default 1).
# security = 2.0

[external]
# Resources the cluster or platform provides, so references to them are not reported as missing.
# secrets = ["db-credentials"]
# configmaps = ["app-config"]
# volumes = []
# networks = []

[provided]
# Capabilities your platform provides outside this repository, and where that is documented.
# Keys: monitoring, alerting, logging, backups, tracing, error_tracking, secrets_management,
# autoscaling, ci, deploy.
# monitoring = "platform Prometheus, see docs/ops.md"
# backups = "RDS automated snapshots"
"#;
