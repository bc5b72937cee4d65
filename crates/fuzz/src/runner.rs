//! The fuzzing loop: seeds first, then mutated corpus entries, each executed under
//! `catch_unwind` with its time and allocations measured, until the execution budget is
//! spent or an input is a finding.

use crate::alloc::{self, Usage};
use crate::coverage::Coverage;
use crate::finding::{record, Finding};
use crate::rng::Rng;
use crate::targets::{InputKind, Target};
use crate::{guard, mutate, tokens, FuzzError};
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

/// How a run goes.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Executions, seeds included.
    pub execs: u64,
    /// The PRNG seed: the same seed, corpus and build give the same run.
    pub seed: u64,
    pub crash_dir: PathBuf,
    /// An execution slower than this is a finding; `None` disables timing (tests).
    pub slow: Option<Duration>,
    /// The watchdog ends the process when one execution runs this long.
    pub kill_after: Option<Duration>,
    /// Print progress every ten seconds.
    pub progress: bool,
    /// Most corpus entries kept in memory (seeds included).
    pub max_corpus: usize,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct RunStats {
    pub target: &'static str,
    pub execs: u64,
    pub elapsed: Duration,
    pub seeds: usize,
    pub corpus: usize,
    /// Edges reached, when the build is instrumented.
    pub edges: Option<usize>,
    /// The largest single allocation and the highest live peak of any execution.
    pub largest_allocation: usize,
    pub peak_live: usize,
    pub slowest: Duration,
}

impl RunStats {
    pub fn execs_per_sec(&self) -> f64 {
        self.execs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// One execution's result.
struct Execution {
    outcome: Result<u64, Finding>,
    elapsed: Duration,
    usage: Usage,
}

/// The message and place of the last panic, kept by the hook installed in [`run`].
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Whether a target is running: its panics are findings, reported by the runner; any
/// other panic goes to the hook that was installed before.
static IN_TARGET: AtomicBool = AtomicBool::new(false);

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_TARGET.load(Ordering::SeqCst) {
                return previous(info);
            }
            if let Ok(mut last) = LAST_PANIC.lock() {
                *last = Some(info.to_string());
            }
        }));
    });
}

fn execute(target: &Target, input: &[u8]) -> Execution {
    guard::begin(input);
    let baseline = alloc::start();
    let started = Instant::now();
    IN_TARGET.store(true, Ordering::SeqCst);
    let result = catch_unwind(AssertUnwindSafe(|| (target.run)(input)));
    IN_TARGET.store(false, Ordering::SeqCst);
    let elapsed = started.elapsed();
    let usage = alloc::finish(baseline);
    guard::end();
    let outcome = match result {
        Ok(Ok(fingerprint)) => Ok(fingerprint),
        Ok(Err(mismatch)) => Err(Finding::Oracle(mismatch.0)),
        Err(_) => {
            let message = LAST_PANIC
                .lock()
                .ok()
                .and_then(|mut last| last.take())
                .unwrap_or_else(|| "(no message)".into());
            Err(Finding::Panic(message))
        }
    };
    Execution {
        outcome,
        elapsed,
        usage,
    }
}

/// The finding in an execution, if any, in order of severity.
fn judge(
    target: &Target,
    input: &[u8],
    run: &Execution,
    slow: Option<Duration>,
) -> Option<Finding> {
    if let Err(finding) = &run.outcome {
        return Some(finding.clone());
    }
    if let Some(size) = run.usage.refused {
        return Some(Finding::Refused(size));
    }
    let single_bound = target.bounds.single_limit(input.len());
    if run.usage.largest > single_bound {
        return Some(Finding::LargeAllocation {
            size: run.usage.largest,
            bound: single_bound,
            len: input.len(),
        });
    }
    let live_bound = target.bounds.live_limit(input.len());
    if run.usage.peak > live_bound {
        return Some(Finding::LiveMemory {
            live: run.usage.peak,
            bound: live_bound,
            len: input.len(),
        });
    }
    match slow {
        Some(limit) if run.elapsed > limit => Some(Finding::Slow(run.elapsed)),
        _ => None,
    }
}

/// Runs `target` from `seeds` under `config`; an error is a finding (its input written)
/// or a failure to write it.
pub fn run(
    target: &'static Target,
    seeds: Vec<Vec<u8>>,
    config: &RunConfig,
) -> Result<RunStats, FuzzError> {
    guard::set_crash_dir(&config.crash_dir, target.name).map_err(|source| FuzzError::Write {
        path: config.crash_dir.join(target.name),
        source,
    })?;
    guard::install(config.kill_after);
    install_panic_hook();

    let mut rng = Rng::new(config.seed);
    let mut coverage = Coverage::new();
    let mut outcomes = HashSet::new();
    let seed_count = seeds.len();
    let mut corpus = seeds;
    let mut stats = RunStats {
        target: target.name,
        execs: 0,
        elapsed: Duration::ZERO,
        seeds: seed_count,
        corpus: seed_count,
        edges: None,
        largest_allocation: 0,
        peak_live: 0,
        slowest: Duration::ZERO,
    };
    let started = Instant::now();
    let mut last_report = started;

    while stats.execs < config.execs {
        let seed_phase = (stats.execs as usize) < seed_count;
        let input = if seed_phase {
            corpus[stats.execs as usize].clone()
        } else {
            let mut input = pick(&corpus, &mut rng).clone();
            mutate_input(target, &mut input, &mut rng, &corpus);
            input
        };
        let run = execute(target, &input);
        stats.execs += 1;
        stats.largest_allocation = stats.largest_allocation.max(run.usage.largest);
        stats.peak_live = stats.peak_live.max(run.usage.peak);
        stats.slowest = stats.slowest.max(run.elapsed);
        if let Some(finding) = judge(target, &input, &run, config.slow) {
            return Err(record(&config.crash_dir, target.name, &input, finding));
        }

        let new = if coverage.available() {
            coverage.collect()
        } else {
            run.outcome.as_ref().is_ok_and(|fp| outcomes.insert(*fp))
        };
        if new && !seed_phase {
            if corpus.len() < config.max_corpus {
                corpus.push(input);
            } else {
                // Full: replace a random entry that is not a seed.
                let slot = seed_count + rng.below(corpus.len() - seed_count);
                corpus[slot] = input;
            }
        }

        if config.progress
            && stats.execs.is_multiple_of(1024)
            && last_report.elapsed() >= Duration::from_secs(10)
        {
            last_report = Instant::now();
            stats.elapsed = started.elapsed();
            stats.corpus = corpus.len();
            stats.edges = coverage.available().then(|| coverage.edges());
            eprintln!("{}", progress_line(&stats));
        }
    }
    stats.elapsed = started.elapsed();
    stats.corpus = corpus.len();
    stats.edges = coverage.available().then(|| coverage.edges());
    Ok(stats)
}

/// The shorter of two random entries: short inputs run faster and mutate into more
/// distinct ones, while long ones still get their turn.
fn pick<'a>(corpus: &'a [Vec<u8>], rng: &mut Rng) -> &'a Vec<u8> {
    let a = &corpus[rng.below(corpus.len())];
    let b = &corpus[rng.below(corpus.len())];
    if b.len() < a.len() {
        b
    } else {
        a
    }
}

fn mutate_input(target: &Target, input: &mut Vec<u8>, rng: &mut Rng, corpus: &[Vec<u8>]) {
    if rng.one_in(64) {
        mutate::flood(input, rng, target.max_len);
        return;
    }
    match target.kind {
        InputKind::Text if !rng.one_in(3) => tokens::mutate(input, rng, corpus, target.max_len),
        _ => mutate::mutate(input, rng, corpus, target.max_len),
    }
}

/// Runs one input with every check (the reproduction of a finding).
pub fn replay(target: &Target, input: &[u8], slow: Option<Duration>) -> Result<Replayed, Finding> {
    install_panic_hook();
    let run = execute(target, input);
    match judge(target, input, &run, slow) {
        Some(finding) => Err(finding),
        None => Ok(Replayed {
            elapsed: run.elapsed,
            largest_allocation: run.usage.largest,
            peak_live: run.usage.peak,
        }),
    }
}

/// What replaying one input measured.
#[derive(Debug, Clone, Copy)]
pub struct Replayed {
    pub elapsed: Duration,
    pub largest_allocation: usize,
    pub peak_live: usize,
}

/// One line of progress or summary.
pub fn progress_line(stats: &RunStats) -> String {
    let edges = stats
        .edges
        .map(|e| format!(", {e} edges"))
        .unwrap_or_default();
    format!(
        "{}: {} execs in {:.1} s ({:.0} execs/s), corpus {} ({} seeds){edges}",
        stats.target,
        stats.execs,
        stats.elapsed.as_secs_f64(),
        stats.execs_per_sec(),
        stats.corpus,
        stats.seeds,
    )
}
