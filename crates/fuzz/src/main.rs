//! `venture-fuzz`: runs the fuzz targets from the command line.
//!
//! ```text
//! venture-fuzz <target|all> --execs N [--seed S]   fuzz, stop at the first finding
//! venture-fuzz list                                  the targets and their bounds
//! venture-fuzz replay <target> <file>...             rerun saved inputs with every check
//! venture-fuzz seeds                                 rewrite fuzz/corpus from the vectors
//! ```
//!
//! Exits 0 when the budget is spent without finding, 1 on a finding (its input is under
//! the crash directory), 2 on a usage or I/O error.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use venture_fuzz::corpus::{default_corpus_dir, load};
use venture_fuzz::finding::default_crash_dir;
use venture_fuzz::runner::{progress_line, replay};
use venture_fuzz::targets::{find, TARGETS};
use venture_fuzz::{run, FuzzError, RunConfig, Target};

#[derive(Parser)]
#[command(
    name = "venture-fuzz",
    about = "Mutation fuzzing of every decoder a peer, pool or file reaches",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A target name, or `all`.
    target: Option<String>,
    /// Executions per target, seeds included.
    #[arg(long, default_value_t = 100_000)]
    execs: u64,
    /// PRNG seed; the same seed and corpus give the same run.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Seed corpus root (one directory per target).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Where finding inputs are written (one directory per target).
    #[arg(long)]
    crashes: Option<PathBuf>,
    /// An execution slower than this many milliseconds is a finding.
    #[arg(long, default_value_t = 1_000)]
    slow_ms: u64,
    /// Corpus entries kept in memory per target.
    #[arg(long, default_value_t = 4_096)]
    max_corpus: usize,
}

#[derive(Subcommand)]
enum Command {
    /// List the targets, their inputs and memory bounds.
    List,
    /// Run saved inputs once each, with every check, and report.
    Replay {
        target: String,
        files: Vec<PathBuf>,
        /// Where an input that is (still) a finding is written again.
        #[arg(long)]
        crashes: Option<PathBuf>,
        /// An execution slower than this many milliseconds is a finding.
        #[arg(long, default_value_t = 1_000)]
        slow_ms: u64,
    },
    /// Rewrite the seed corpus from the reference vectors and the project's encoders.
    Seeds {
        /// The vector directory (default: found like the tests find it).
        #[arg(long)]
        vectors: Option<PathBuf>,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error @ FuzzError::Finding { .. }) => {
            eprintln!("{error}");
            ExitCode::from(1)
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

fn execute(cli: Cli) -> Result<(), FuzzError> {
    match cli.command {
        Some(Command::List) => {
            for target in TARGETS {
                let b = target.bounds;
                println!(
                    "{:<16} {}\n{:<16} max input {} bytes; single allocation <= {} + {} x input bytes; live <= {} + {} x input bytes",
                    target.name,
                    target.about,
                    "",
                    target.max_len,
                    b.single_base,
                    b.single_per_byte,
                    b.live_base,
                    b.live_per_byte
                );
            }
            Ok(())
        }
        Some(Command::Replay {
            target,
            files,
            crashes,
            slow_ms,
        }) => {
            let target = find(&target).ok_or(FuzzError::UnknownTarget(target))?;
            let crashes = crashes.unwrap_or_else(default_crash_dir);
            for file in files {
                let input = std::fs::read(&file).map_err(|source| FuzzError::Read {
                    path: file.clone(),
                    source,
                })?;
                match replay(target, &input, Some(Duration::from_millis(slow_ms))) {
                    Ok(r) => println!(
                        "{}: ok in {:?}, largest allocation {} bytes, live peak {} bytes",
                        file.display(),
                        r.elapsed,
                        r.largest_allocation,
                        r.peak_live
                    ),
                    Err(finding) => {
                        return Err(venture_fuzz::finding::record(
                            &crashes,
                            target.name,
                            &input,
                            finding,
                        ))
                    }
                }
            }
            Ok(())
        }
        Some(Command::Seeds { vectors, out }) => {
            let vectors = match vectors {
                Some(dir) => dir,
                None => venture_testkit::vectors_dir()
                    .ok_or_else(|| FuzzError::EmptyCorpus(PathBuf::from("shared/vectors")))?,
            };
            let workspace = venture_testkit::workspace_root();
            let out = out.unwrap_or_else(default_corpus_dir);
            let written = venture_fuzz::seeds::generate(&vectors, &workspace, &out)?;
            println!("{} seeds written under {}", written.len(), out.display());
            Ok(())
        }
        None => {
            let name = cli.target.clone().unwrap_or_else(|| "all".into());
            let targets: Vec<&'static Target> = if name == "all" {
                TARGETS.iter().collect()
            } else {
                vec![find(&name).ok_or(FuzzError::UnknownTarget(name))?]
            };
            let corpus = cli.corpus.clone().unwrap_or_else(default_corpus_dir);
            let config = RunConfig {
                execs: cli.execs,
                seed: cli.seed,
                crash_dir: cli.crashes.clone().unwrap_or_else(default_crash_dir),
                slow: Some(Duration::from_millis(cli.slow_ms)),
                // Ten times the slow limit: long enough that a merely slow input is
                // reported by the runner with its time, not killed.
                kill_after: Some(Duration::from_millis(cli.slow_ms.saturating_mul(10))),
                progress: true,
                max_corpus: cli.max_corpus,
            };
            for target in targets {
                let seeds = load(&corpus.join(target.name))?;
                let stats = run(target, seeds, &config)?;
                println!(
                    "{}; largest allocation {} bytes, live peak {} bytes, slowest {:?}; no finding",
                    progress_line(&stats),
                    stats.largest_allocation,
                    stats.peak_live,
                    stats.slowest
                );
            }
            Ok(())
        }
    }
}
