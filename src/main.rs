//! Thin entry point: parse arguments → run → write reports → exit code
//! (0 gate passed · 1 gate failed · 2 invocation error).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

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
        Command::Audit(args) => {
            let settings = args.settings()?;
            let report = app::run(&settings)?;
            let machine_on_stdout = settings.outputs.iter().any(|o| o.path.is_none() && o.format.is_machine());
            let mut wrote_terminal_to_stdout = false;
            for o in &settings.outputs {
                let text = match o.format {
                    Format::Json => report::json::render(&report),
                    Format::Markdown => report::markdown::render(&report),
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
            Ok(if report.gate.passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}
