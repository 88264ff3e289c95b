//! Command-line interface (clap). Resolves arguments into `Settings`; nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{ColorChoice, FailOn, Format, OutputSpec, Settings, DEFAULT_MAX_FILE_SIZE};
use crate::error::Error;

#[derive(Debug, Parser)]
#[command(
    name = "prodready",
    version,
    about = "Is this repository ready to deploy to production? Audits Dockerfiles, compose, Kubernetes, CI, env files and more, and says exactly why not.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit a repository and print a readiness report (exit 1 when the gate fails).
    Audit(AuditArgs),
    /// List the rule catalog.
    Rules(RulesArgs),
    /// Explain a rule (or, with --scoring, how scores are computed).
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Repository root to audit.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Report format, optionally with a destination: `json`, `markdown=report.md`, `terminal`.
    /// Repeat to write several reports from one run. Default: terminal on stdout.
    #[arg(short = 'f', long = "format", value_name = "FORMAT[=PATH]")]
    pub format: Vec<String>,

    /// Write the (single) --format report to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Gate threshold: fail when any finding is at least this severe.
    #[arg(long, value_name = "blocker|high|medium|low|never", default_value = "blocker", env = "PRODREADY_FAIL_ON")]
    pub fail_on: String,

    /// Also fail when the overall score is below this value (0-10).
    #[arg(long, value_name = "SCORE", env = "PRODREADY_MIN_SCORE")]
    pub min_score: Option<f64>,

    /// Worker threads (default: all cores). Output is identical for any value.
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Print only the summary line (and errors).
    #[arg(short, long)]
    pub quiet: bool,

    /// Color terminal output (honours NO_COLOR in auto mode).
    #[arg(long, value_name = "auto|always|never", default_value = "auto")]
    pub color: String,

    /// Pass the gate even when nothing deployable is found.
    #[arg(long)]
    pub allow_empty: bool,

    /// Also audit files that .gitignore excludes and git does not track.
    #[arg(long)]
    pub include_ignored: bool,

    /// Skip files larger than this many bytes (each is reported as skipped).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Only rules of this category (env, iac, cicd, observability, backup, security, scalability, operations).
    #[arg(long)]
    pub category: Option<String>,
    /// `text` (default) or `json`.
    #[arg(short = 'f', long, default_value = "text")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule code (e.g. DF001) or name.
    #[arg(required_unless_present = "scoring")]
    pub rule: Option<String>,
    /// Explain the scoring formula instead.
    #[arg(long)]
    pub scoring: bool,
}

impl AuditArgs {
    pub fn settings(&self) -> Result<Settings, Error> {
        let mut s = Settings::new(self.path.clone());
        s.fail_on = self.fail_on.parse::<FailOn>().map_err(Error::Usage)?;
        if let Some(m) = self.min_score {
            if !(0.0..=10.0).contains(&m) {
                return Err(Error::Usage(format!("--min-score must be between 0 and 10, got {m}")));
            }
            s.min_score = Some(m);
        }
        if self.jobs == Some(0) {
            return Err(Error::Usage("--jobs must be at least 1".to_owned()));
        }
        s.jobs = self.jobs;
        s.quiet = self.quiet;
        s.color = self.color.parse::<ColorChoice>().map_err(Error::Usage)?;
        s.allow_empty = self.allow_empty;
        s.include_ignored = self.include_ignored;
        s.max_file_size = self.max_file_size;
        s.outputs = self.outputs()?;
        Ok(s)
    }

    fn outputs(&self) -> Result<Vec<OutputSpec>, Error> {
        let mut outs = Vec::new();
        for f in &self.format {
            let (fmt, path) = match f.split_once('=') {
                Some((fmt, p)) if !p.is_empty() => (fmt, Some(PathBuf::from(p))),
                Some((fmt, _)) => (fmt, None),
                None => (f.as_str(), None),
            };
            outs.push(OutputSpec { format: fmt.parse::<Format>().map_err(Error::Usage)?, path });
        }
        if let Some(out) = &self.output {
            match outs.as_mut_slice() {
                [] => outs.push(OutputSpec { format: Format::Terminal, path: Some(out.clone()) }),
                [one] if one.path.is_none() => one.path = Some(out.clone()),
                _ => {
                    return Err(Error::Usage(
                        "--output applies to a single --format; use --format FORMAT=PATH for several reports"
                            .to_owned(),
                    ))
                }
            }
        }
        let stdout_count = outs.iter().filter(|o| o.path.is_none()).count();
        if stdout_count > 1 {
            return Err(Error::Usage(
                "only one report can go to stdout; give the others a destination with --format FORMAT=PATH".to_owned(),
            ));
        }
        Ok(outs)
    }
}
