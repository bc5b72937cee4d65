//! Simulation: reproducible per seed, sensible where the answer is known, and the
//! writers produce what they promise.

use venture_difficulty::{ConsensusContext, DifficultyConfig};
use venture_difficulty_lab::{simulate, LabError, OnOffTrigger, Scenario, SimulationConfig};
use venture_pow::{decode_compact, Target};

fn ctx() -> ConsensusContext {
    ConsensusContext {
        pow_limit: Target(decode_compact(0x1d00ffff).value),
        target_spacing: 600,
        genesis_bits: 0x1c00ffff,
    }
}

fn config(text: &str, scenario: Scenario, blocks: u32, seed: u64) -> SimulationConfig {
    let difficulty: DifficultyConfig = toml::from_str(text).unwrap();
    SimulationConfig::new(difficulty, ctx(), scenario, blocks, seed)
}

const ASERT: &str = "algorithm = \"asert\"\nhalf_life = 43200";
const LWMA: &str = "algorithm = \"lwma\"\nwindow = 45";
const BITCOIN: &str = "algorithm = \"bitcoin\"\ninterval = 2016";

#[test]
fn a_seed_reproduces_a_run_and_another_seed_does_not() {
    let a = simulate(&config(LWMA, Scenario::Constant, 500, 7)).unwrap();
    let b = simulate(&config(LWMA, Scenario::Constant, 500, 7)).unwrap();
    let c = simulate(&config(LWMA, Scenario::Constant, 500, 8)).unwrap();
    assert_eq!(a.blocks, b.blocks);
    assert_ne!(a.blocks, c.blocks);
    assert_eq!(a.blocks.len(), 500);
}

#[test]
fn timestamps_are_integers_that_respect_median_time_past() {
    let run = simulate(&config(
        ASERT,
        Scenario::Step {
            at_block: 100,
            factor: 50.0,
        },
        600,
        3,
    ))
    .unwrap();
    let times: Vec<u32> = run.blocks.iter().map(|b| b.time).collect();
    for i in 11..times.len() {
        let mut window = times[i - 11..i].to_vec();
        window.sort_unstable();
        assert!(
            times[i] > window[5],
            "block {} at {} is not after its MTP",
            i + 1,
            times[i]
        );
    }
}

#[test]
fn constant_hash_rate_keeps_the_schedule() {
    for text in [
        ASERT,
        LWMA,
        "algorithm = \"zcash\"",
        "algorithm = \"digishield\"",
    ] {
        let run = simulate(&config(text, Scenario::Constant, 4_000, 11)).unwrap();
        let m = &run.metrics;
        assert!(
            (m.mean_solvetime - 600.0).abs() < 60.0,
            "{text}: {}",
            m.summary_line()
        );
        assert!(
            (m.mean_difficulty_ratio - 1.0).abs() < 0.15,
            "{text}: {}",
            m.summary_line()
        );
        assert!(m.difficulty_relative_std > 0.0 && m.difficulty_relative_std < 0.5);
        assert_eq!(m.blocks_to_50pct, None);
        assert_eq!(m.switcher_blocks, 0.0);
    }
}

/// A 10x step: a 45-block LWMA gets there within a few windows, Bitcoin's 2016-block
/// retarget needs at least one full interval.
#[test]
fn responsive_algorithms_follow_a_step_sooner() {
    let step = Scenario::Step {
        at_block: 200,
        factor: 10.0,
    };
    let lwma = simulate(&config(LWMA, step.clone(), 3_000, 5))
        .unwrap()
        .metrics;
    let bitcoin = simulate(&config(BITCOIN, step, 3_000, 5)).unwrap().metrics;
    let lwma90 = lwma.blocks_to_90pct.unwrap();
    assert!(lwma90 < 200, "{}", lwma.summary_line());
    assert!(lwma.blocks_to_50pct.unwrap() <= lwma90);
    let bitcoin50 = bitcoin.blocks_to_50pct.unwrap_or(u32::MAX);
    assert!(bitcoin50 >= 2016 - 200, "{}", bitcoin.summary_line());
}

#[test]
fn on_off_miners_are_counted() {
    let below_fair = Scenario::OnOff {
        factor: 20.0,
        trigger: OnOffTrigger::BelowFair,
    };
    let run = simulate(&config(LWMA, below_fair, 2_000, 9))
        .unwrap()
        .metrics;
    assert!(run.switcher_blocks > 0.0);
    assert!(run.switcher_blocks_below_fair <= run.switcher_blocks);
    assert!(run.switcher_on_share > 0.0 && run.switcher_on_share < 1.0);
    let duty = Scenario::OnOff {
        factor: 20.0,
        trigger: OnOffTrigger::DutyCycle {
            period_secs: 36_000.0,
            on_fraction: 0.3,
        },
    };
    let run = simulate(&config(ASERT, duty, 2_000, 9)).unwrap().metrics;
    assert!(run.switcher_blocks > 0.0, "{}", run.summary_line());
}

#[test]
fn csv_and_svg_writers() {
    let run = simulate(&config(
        ASERT,
        Scenario::Oscillating {
            amplitude: 0.5,
            period_secs: 86_400.0,
        },
        300,
        1,
    ))
    .unwrap();
    let mut csv = Vec::new();
    run.write_csv(&mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "height,time,solvetime,bits,difficulty,hashrate");
    assert_eq!(lines.len(), 301);
    let first: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(first.len(), 6);
    assert_eq!(first[0], "1");
    assert_eq!(first[3], format!("{:#010x}", run.blocks[0].bits));
    let svg = run.to_svg("asert <oscillating>");
    assert!(svg.starts_with("<svg"));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("asert &lt;oscillating&gt;"));
    assert_eq!(svg.matches("<polyline").count(), 4);
}

#[test]
fn bad_configurations_are_refused() {
    let bad_algorithm = config(
        "algorithm = \"lwma\"\nwindow = 1",
        Scenario::Constant,
        10,
        1,
    );
    assert!(
        matches!(simulate(&bad_algorithm), Err(LabError::Simulation(m)) if m.contains("window"))
    );
    let bad_scenario = config(
        LWMA,
        Scenario::Step {
            at_block: 5,
            factor: 0.0,
        },
        10,
        1,
    );
    assert!(matches!(
        simulate(&bad_scenario),
        Err(LabError::Simulation(_))
    ));
    let bad_amplitude = config(
        LWMA,
        Scenario::Oscillating {
            amplitude: 1.5,
            period_secs: 10.0,
        },
        10,
        1,
    );
    assert!(matches!(
        simulate(&bad_amplitude),
        Err(LabError::Simulation(_))
    ));
}
