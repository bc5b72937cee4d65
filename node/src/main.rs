//! `ventured`: the Venture node.
//!
//! Runs a merge-mined proof-of-work chain from a chain spec: RocksDB storage, the
//! JSON-RPC server, the built-in miner; plus the founder, tester and operator tools
//! (`build-spec`, `init`, `purge-chain`, `export-blocks`, `import-blocks`, …). This crate
//! only parses the command line and wires the library crates together.

mod block_notify;
mod blocks_file;
mod cli;
mod commands;
mod datadir;
mod dev_account;
mod explorer;
mod logging;
mod manifest;
mod metrics;
mod network_adapter;
mod run_config;
mod service;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse_checked();
    logging::init(
        cli.log.as_deref(),
        i16::from(cli.verbose) - i16::from(cli.quiet),
        cli.log_format,
    );
    match commands::dispatch(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
