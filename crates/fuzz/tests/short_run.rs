//! A short run of every fuzz target from the committed seeds with a fixed PRNG seed, as
//! CI runs it: a few thousand executions each, every check but timing.

use std::path::PathBuf;
use venture_fuzz::corpus::{default_corpus_dir, load};
use venture_fuzz::{run, RunConfig, TARGETS};

/// Executions per target: 40,000 in all, well under a minute in the dev profile.
const EXECS: u64 = 4_000;

/// One test for all targets, so that no other test allocates while one is measured.
#[test]
fn every_target_survives_a_short_run() {
    let crash_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-crashes");
    let config = RunConfig {
        execs: EXECS,
        seed: 0x5645,
        crash_dir,
        slow: None,
        kill_after: None,
        progress: false,
        max_corpus: 1_024,
    };
    for target in TARGETS {
        let seeds = load(&default_corpus_dir().join(target.name)).unwrap();
        match run(target, seeds, &config) {
            Ok(stats) => {
                assert_eq!(stats.execs, EXECS);
                eprintln!("{}: corpus {}", target.name, stats.corpus);
            }
            Err(error) => panic!("{error}"),
        }
    }
}
