//! Thin entry point: parse arguments → run → write reports → exit code
//! (0 gate passed · 1 gate failed · 2 invocation error).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use prodready::cli::{Cli, Command};
use prodready::config::{ColorChoice, Format};
use prodready::error::Error;
use prodready::report::{self, RenderOptions};
use prodready::{app, catalog};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("prodready: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

fn write_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a non-zero exit.
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Output("<stdout>".into(), e.to_string())),
        _ => Ok(()),
    }
}

/// GitHub's limit on a step's summary.
const STEP_SUMMARY_LIMIT: u64 = 1024 * 1024;

/// With `--format github` inside GitHub Actions, append the Markdown report to the step summary,
/// within what is left of its 1 MiB.
fn step_summary(report: &report::Report) -> Result<(), Error> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else { return Ok(()) };
    let path = std::path::PathBuf::from(path);
    let used = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let budget = usize::try_from(STEP_SUMMARY_LIMIT.saturating_sub(used)).unwrap_or(0);
    if budget < 1024 {
        return Ok(());
    }
    let text = report::github::step_summary(report, budget);
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| Error::Output(path.clone(), e.to_string()))?;
    f.write_all(text.as_bytes()).map_err(|e| Error::Output(path.clone(), e.to_string()))
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Rules(args) => {
            write_stdout(&catalog::rules_listing(args.category.as_deref(), &args.format).map_err(Error::Usage)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain(args) => {
            let text = if args.scoring {
                prodready::score::SCORING.to_owned()
            } else {
                let code = args.rule.unwrap_or_default();
                catalog::explain(&code)
                    .ok_or_else(|| Error::Usage(format!("unknown rule `{code}` (see `prodready rules`)")))?
            };
            write_stdout(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Init(args) => {
            let path = args.path.join(prodready::config::file::FILE_NAMES[0]);
            if !args.path.is_dir() {
                return Err(Error::Usage(format!("`{}` is not a directory", args.path.display())));
            }
            let existing = prodready::config::file::FILE_NAMES.iter().map(|n| args.path.join(n)).find(|p| p.exists());
            if let (Some(e), false) = (existing, args.force) {
                return Err(Error::Usage(format!("`{}` already exists (pass --force to overwrite)", e.display())));
            }
            std::fs::write(&path, prodready::config::starter::STARTER)
                .map_err(|e| Error::Output(path.clone(), e.to_string()))?;
            eprintln!("prodready: wrote {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff(args) => {
            let c = prodready::diff::compare(&args.old, &args.new)?;
            let text = match args.format.as_str() {
                "terminal" | "text" => prodready::diff::render_terminal(&c),
                "markdown" | "md" => prodready::diff::render_markdown(&c),
                other => return Err(Error::Usage(format!("unknown format `{other}` (expected terminal or markdown)"))),
            };
            write_stdout(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions(args) => {
            let mut buf = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "prodready", &mut buf);
            write_stdout(&String::from_utf8_lossy(&buf))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut buf)
                .map_err(|e| Error::Output("<stdout>".into(), e.to_string()))?;
            write_stdout(&String::from_utf8_lossy(&buf))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(args) => {
            let settings = args.settings()?;
            if args.print_config {
                write_stdout(&prodready::config::print::render(&settings))?;
                return Ok(ExitCode::SUCCESS);
            }
            let report = app::run(&settings)?;
            let machine_on_stdout = settings.outputs.iter().any(|o| o.path.is_none() && o.format.is_machine());
            let mut wrote_terminal_to_stdout = false;
            for o in &settings.outputs {
                let text = match o.format {
                    Format::Json => report::json::render(&report),
                    Format::Markdown => match settings.max_bytes {
                        Some(max) => report::markdown::render_limited(&report, max),
                        None => report::markdown::render(&report),
                    },
                    Format::Sarif => report::sarif::render(&report),
                    Format::Github => {
                        step_summary(&report)?;
                        report::github::render(&report)
                    }
                    Format::Gitlab => report::gitlab::render(&report),
                    Format::Junit => report::junit::render(&report),
                    Format::Terminal => {
                        let color = o.path.is_none() && use_color(settings.color, std::io::stdout().is_terminal());
                        report::terminal::render(&report, RenderOptions { color, quiet: settings.quiet })
                    }
                };
                match &o.path {
                    Some(p) => std::fs::write(p, text).map_err(|e| Error::Output(p.clone(), e.to_string()))?,
                    None => {
                        wrote_terminal_to_stdout |= o.format == Format::Terminal;
                        write_stdout(&text)?;
                    }
                }
            }
            if !wrote_terminal_to_stdout {
                let stderr_tty = std::io::stderr().is_terminal();
                let color = use_color(settings.color, stderr_tty);
                let human = if machine_on_stdout || settings.quiet {
                    // stdout holds the machine format alone; keep stderr to the summary.
                    report::terminal::summary(&report, color)
                } else if settings.outputs.iter().any(|o| o.path.is_none()) {
                    String::new()
                } else {
                    report::terminal::render(
                        &report,
                        RenderOptions {
                            color: use_color(settings.color, std::io::stdout().is_terminal()),
                            quiet: settings.quiet,
                        },
                    )
                };
                if machine_on_stdout || settings.outputs.iter().any(|o| o.path.is_none()) {
                    eprint!("{human}");
                } else {
                    write_stdout(&human)?;
                }
            }
            if let Some(p) = &settings.write_baseline {
                std::fs::write(p, prodready::baseline::render(&report))
                    .map_err(|e| Error::Output(p.clone(), e.to_string()))?;
            }
            Ok(if report.gate.passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}
