//! `difficulty replay|simulate` and `auxpow verify`: the lab crates on the command line.

use crate::cli::{AuxpowCommand, DifficultyCommand, SimulateArgs};
use crate::datadir;
use anyhow::{bail, Context, Result};
use std::process::ExitCode;
use venture_difficulty::{ConsensusContext, DifficultyConfig};
use venture_difficulty_lab::{simulate, OnOffTrigger, Scenario, SimulationConfig};
use venture_pow::{decode_compact, PowAlgorithm, Target};

pub fn difficulty(command: DifficultyCommand) -> Result<ExitCode> {
    match command {
        DifficultyCommand::Replay { files } => {
            let report = venture_difficulty_lab::replay(&files)?;
            for mismatch in &report.mismatches {
                println!("{mismatch}");
            }
            println!("{}", report.summary_line());
            Ok(exit_code(report.all_passed()))
        }
        DifficultyCommand::Simulate(args) => run_simulation(&args),
    }
}

fn run_simulation(args: &SimulateArgs) -> Result<ExitCode> {
    let (difficulty, ctx) = match &args.chain {
        Some(chain) => {
            let params = datadir::load_params(chain)?;
            let ctx = ConsensusContext {
                pow_limit: params.pow_limit,
                target_spacing: params.spec.consensus.target_spacing,
                genesis_bits: params.spec.genesis.bits.0,
            };
            (params.spec.difficulty.clone(), ctx)
        }
        None => (
            algorithm_config(args)?,
            default_context(args.target_spacing),
        ),
    };
    let scenario = match args.scenario.as_str() {
        "constant" => Scenario::Constant,
        "step" => Scenario::Step {
            at_block: args.at_block,
            factor: args.factor,
        },
        "on-off" => Scenario::OnOff {
            factor: args.factor,
            trigger: OnOffTrigger::BelowFair,
        },
        "on-off-duty" => Scenario::OnOff {
            factor: args.factor,
            trigger: OnOffTrigger::DutyCycle {
                period_secs: 6.0 * 3600.0,
                on_fraction: 0.3,
            },
        },
        "oscillating" => Scenario::Oscillating {
            amplitude: 0.5,
            period_secs: 86_400.0,
        },
        other => {
            bail!("unknown scenario `{other}` (constant, step, on-off, on-off-duty, oscillating)")
        }
    };
    let config = SimulationConfig::new(difficulty, ctx, scenario, args.blocks, args.seed);
    let result = simulate(&config)?;
    let csv_path = args.out.with_extension("csv");
    let svg_path = args.out.with_extension("svg");
    let file = std::fs::File::create(&csv_path)
        .with_context(|| format!("cannot create {}", csv_path.display()))?;
    result.write_csv(std::io::BufWriter::new(file))?;
    let title = format!(
        "{} · {} · seed {}",
        result.algorithm,
        result.scenario.label(),
        args.seed
    );
    std::fs::write(&svg_path, result.to_svg(&title))
        .with_context(|| format!("cannot write {}", svg_path.display()))?;
    println!("{}", result.metrics.summary_line());
    println!("wrote {} and {}", csv_path.display(), svg_path.display());
    Ok(ExitCode::SUCCESS)
}

/// A `[difficulty]` table from `--algorithm` and `--param key=value` pairs, parsed as
/// a spec would be, so the same field errors apply.
fn algorithm_config(args: &SimulateArgs) -> Result<DifficultyConfig> {
    let name = args.algorithm.as_deref().unwrap_or_default();
    let mut table = format!("algorithm = \"{name}\"\n");
    for param in &args.params {
        let (key, value) = param
            .split_once('=')
            .with_context(|| format!("--param `{param}` is not KEY=VALUE"))?;
        table.push_str(&format!("{} = {}\n", key.trim(), value.trim()));
    }
    toml::from_str(&table).with_context(|| format!("invalid difficulty parameters:\n{table}"))
}

/// Bitcoin-like values: a pow limit of 0x1d00ffff and a genesis 256 times harder, so
/// algorithms have room to ease as well as to tighten.
fn default_context(target_spacing: u32) -> ConsensusContext {
    ConsensusContext {
        pow_limit: Target(decode_compact(0x1d00ffff).value),
        target_spacing,
        genesis_bits: 0x1c00ffff,
    }
}

pub fn auxpow(command: AuxpowCommand) -> Result<ExitCode> {
    let AuxpowCommand::Verify(args) = command;
    if let Some(hex) = &args.hex {
        let parent_pow: PowAlgorithm = args.parent_pow.parse().map_err(anyhow::Error::msg)?;
        let decoded = venture_auxpow_lab::decode_header_hex(hex, args.chain_id, parent_pow)?;
        println!("{}", serde_json::to_string_pretty(&decoded)?);
        return Ok(ExitCode::SUCCESS);
    }
    let report = venture_auxpow_lab::verify(&args.files)?;
    for mismatch in &report.mismatches {
        println!("{mismatch}");
    }
    for note in &report.notes {
        println!("note: {note}");
    }
    println!("{}", report.summary_line());
    Ok(exit_code(report.all_passed()))
}

fn exit_code(success: bool) -> ExitCode {
    if success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
