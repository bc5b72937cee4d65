//! One module per group of subcommands.

mod blocks;
mod chain_data;
mod lab;
mod launch;
pub(crate) mod miner;
pub(crate) mod mm;
pub(crate) mod wallet;
pub(crate) mod wallet_node;

pub use wallet::{RpcTarget, WalletCommand};

use crate::cli::{Cli, Command};
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

/// Runs the command the user asked for.
pub fn dispatch(cli: Cli) -> Result<ExitCode> {
    let dev = cli.dev;
    let quiet = cli.quiet > 0;
    match cli.command {
        None => crate::service::run(cli.run, dev),
        Some(Command::Run(args)) => crate::service::run(args, dev),
        Some(Command::Init(args)) => chain_data::init(&args),
        Some(Command::BuildSpec(args)) => chain_data::build_spec(&args),
        Some(Command::PurgeChain(args)) => chain_data::purge(&args),
        Some(Command::ExportBlocks(args)) => blocks::export(&args),
        Some(Command::ImportBlocks(args)) => blocks::import(&args, quiet),
        Some(Command::Difficulty(command)) => lab::difficulty(command),
        Some(Command::Auxpow(command)) => lab::auxpow(command),
        Some(Command::Key(crate::cli::KeyCommand::PeerId(args))) => chain_data::peer_id(&args),
        Some(Command::Wallet(args)) => wallet::run(args.command, &args.chain, &args.rpc),
        Some(Command::Launch(command)) => launch::run(command),
        Some(Command::Mm(args)) => mm::run_mm(args),
        Some(Command::Miner(args)) => miner::run_miner(args),
        Some(Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // Generated into memory: clap_complete panics when its writer fails (a
            // closed pipe), a plain write reports it.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "ventured", &mut script);
            std::io::stdout().write_all(&script)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Manpage) => {
            let command = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(command).render(&mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
