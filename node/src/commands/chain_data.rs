//! `build-spec`, `init`, `purge-chain`.

use crate::cli::{BuildSpecArgs, ChainArgs, PurgeArgs};
use crate::datadir;
use anyhow::{Context, Result};
use std::io::Write;
use std::process::ExitCode;

pub fn build_spec(args: &BuildSpecArgs) -> Result<ExitCode> {
    let params = datadir::load_params(&args.chain)?;
    print!("{}", params.to_toml());
    eprintln!(
        "genesis {} · spec hash {}",
        params.genesis_hash,
        params.spec_hash()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn init(args: &ChainArgs) -> Result<ExitCode> {
    let params = datadir::load_params(&args.chain)?;
    let dir = datadir::resolve(args.datadir.as_deref(), &params);
    let chain = datadir::open_chain(params.clone(), &dir)?;
    println!("chain      {} ({})", params.spec.name, params.spec.id);
    println!("data dir   {}", dir.display());
    println!("genesis    {}", params.genesis_hash);
    println!("spec hash  {}", params.spec_hash());
    println!("height     {}", chain.height());
    Ok(ExitCode::SUCCESS)
}

pub fn purge(args: &PurgeArgs) -> Result<ExitCode> {
    let params = datadir::load_params(&args.chain.chain)?;
    let dir = datadir::resolve(args.chain.datadir.as_deref(), &params);
    let path = datadir::chaindata(&dir);
    if !path.exists() {
        println!("{} does not exist; nothing to purge", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    if !args.yes {
        print!("Remove {}? [y/N] ", path.display());
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("aborted");
            return Ok(ExitCode::FAILURE);
        }
    }
    std::fs::remove_dir_all(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    println!("{} removed", path.display());
    Ok(ExitCode::SUCCESS)
}

pub fn peer_id(args: &ChainArgs) -> Result<ExitCode> {
    let params = datadir::load_params(&args.chain)?;
    let dir = datadir::resolve(args.datadir.as_deref(), &params);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let key = venture_network::load_or_create_keypair(&datadir::node_key(&dir))?;
    println!("{}", key.peer_id());
    Ok(ExitCode::SUCCESS)
}
