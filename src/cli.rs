//! Command-line interface (clap). Resolves arguments into `Settings`; nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{self, ChangedPaths, ColorChoice, FailOn, Format, OutputSpec, Settings, DEFAULT_MAX_FILE_SIZE};
use crate::error::Error;
use crate::finding::{Diagnostic, DiagnosticKind};
use crate::rules::meta::RuleId;

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
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum Command {
    /// Audit a repository and print a readiness report (exit 1 when the gate fails).
    Audit(AuditArgs),
    /// List the rule catalog.
    Rules(RulesArgs),
    /// Explain a rule (or, with --scoring, how scores are computed).
    Explain(ExplainArgs),
    /// Write a commented starter `prodready.toml`.
    Init(InitArgs),
    /// Compare two JSON reports: score changes per category, new and fixed findings.
    Diff(DiffArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the man page (roff) on stdout.
    Man,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to write `prodready.toml` into.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier JSON report (`prodready audit --format json`).
    pub old: PathBuf,
    /// The later JSON report.
    pub new: PathBuf,
    /// `terminal` (default) or `markdown`.
    #[arg(short = 'f', long, default_value = "terminal")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Repository root to audit.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Report format, optionally with a destination (`sarif=prodready.sarif`): terminal, markdown,
    /// json, sarif, github, gitlab or junit. Repeat to write several reports from one run.
    /// Default: terminal on stdout.
    #[arg(short = 'f', long = "format", value_name = "FORMAT[=PATH]")]
    pub format: Vec<String>,

    /// Write the (single) --format report to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Gate threshold: fail when any finding is at least this severe [default: the configuration's
    /// `gate.fail_on`, else blocker].
    #[arg(long, value_name = "blocker|high|medium|low|never", env = "PRODREADY_FAIL_ON")]
    pub fail_on: Option<String>,

    /// Also fail when the overall score is below this value (0-10); overrides `gate.min_score`.
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

    /// Configuration file (default: `prodready.toml` or `.prodready.toml` at the audited root).
    #[arg(long, value_name = "FILE", env = "PRODREADY_CONFIG", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any configuration file.
    #[arg(long)]
    pub no_config: bool,

    /// Print the effective settings (TOML) and exit.
    #[arg(long)]
    pub print_config: bool,

    /// Run only these rules (codes or names, comma-separated; replaces the file's `select`).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Do not run these rules (comma-separated; added to the file's `disable`).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Findings recorded in this baseline do not gate; fixed ones are reported.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings as a baseline file.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Changed paths, one per line (`-` = stdin): findings elsewhere are reported but do not gate.
    #[arg(long, value_name = "FILE")]
    pub paths_from: Option<PathBuf>,

    /// With --paths-from, repository-level findings (no file) gate too.
    #[arg(long, requires = "paths_from")]
    pub gate_repo_level: bool,

    /// Report `prodready-ignore` comments that suppress nothing.
    #[arg(long)]
    pub report_unused_suppressions: bool,

    /// Fit Markdown reports into this many bytes (e.g. 65000 for a PR comment).
    #[arg(long, value_name = "BYTES")]
    pub max_bytes: Option<usize>,
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
    /// Defaults ⊕ configuration file ⊕ environment (through clap) ⊕ command line.
    pub fn settings(&self) -> Result<Settings, Error> {
        let mut s = Settings::new(self.path.clone());
        if !self.no_config {
            if let Some(file) = config::file::locate(&self.path, self.config.as_deref())? {
                config::file::load(&file, &mut s)?;
            }
        }
        if let Some(f) = &self.fail_on {
            s.fail_on = f.parse::<FailOn>().map_err(Error::Usage)?;
        }
        if !self.select.is_empty() {
            s.select = Some(self.rules("--select", &self.select, &mut s.config_notes)?.into_iter().collect());
        }
        let ignored = self.rules("--ignore", &self.ignore, &mut s.config_notes)?;
        s.disabled.extend(ignored);
        s.baseline.clone_from(&self.baseline);
        s.write_baseline.clone_from(&self.write_baseline);
        s.gate_repo_level = self.gate_repo_level;
        s.report_unused_suppressions = self.report_unused_suppressions;
        if self.max_bytes == Some(0) {
            return Err(Error::Usage("--max-bytes must be at least 1".to_owned()));
        }
        s.max_bytes = self.max_bytes;
        if let Some(p) = &self.paths_from {
            let text = if p.as_os_str() == "-" {
                let mut t = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut t)
                    .map_err(|e| Error::Usage(format!("--paths-from -: cannot read stdin: {e}")))?;
                t
            } else {
                std::fs::read_to_string(p).map_err(|e| Error::Usage(format!("--paths-from `{}`: {e}", p.display())))?
            };
            s.changed_paths = Some(ChangedPaths::parse(&text));
        }
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

    fn rules(&self, flag: &str, names: &[String], notes: &mut Vec<Diagnostic>) -> Result<Vec<RuleId>, Error> {
        let mut out = Vec::new();
        for n in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            let r = config::file::resolve_rule(n)
                .ok_or_else(|| Error::Usage(format!("{flag}: unknown rule `{n}` (see `prodready rules`)")))?;
            if let Some(old) = r.renamed_from {
                notes.push(Diagnostic::new(flag, None, DiagnosticKind::Note, config::file::renamed_note(old, r.id)));
            }
            out.push(r.id);
        }
        Ok(out)
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
