//! `launch new | manifest | verify`: what a founder needs to announce a chain.
//!
//! `new` scaffolds a spec; `manifest` writes the announcement (spec hash, genesis hash,
//! binary checksum, venture terms, genesis allocations, bootnodes, launch time) as JSON
//! and prints a summary; `verify` checks a spec, and optionally a running node,
//! against a manifest.

use crate::cli::{LaunchCommand, ManifestArgs, NewChainArgs, VerifyManifestArgs};
use crate::datadir;
use crate::manifest::{own_binary_sha256, LaunchManifest};
use anyhow::{bail, Context, Result};
use bitcoin::hashes::{sha256, Hash};
use bitcoin::Amount;
use serde_json::json;
use std::process::ExitCode;
use venture_chainspec::{known_chain_id, ChainParams};
use venture_wallet::format_coins;

pub fn run(command: LaunchCommand) -> Result<ExitCode> {
    match command {
        LaunchCommand::New(args) => new_chain(&args),
        LaunchCommand::Manifest(args) => manifest(&args),
        LaunchCommand::Verify(args) => verify(&args),
    }
}

fn manifest(args: &ManifestArgs) -> Result<ExitCode> {
    let params = datadir::load_params(&args.chain)?;
    let manifest = LaunchManifest::of(&params, own_binary_sha256());
    let text = serde_json::to_string_pretty(&manifest)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| format!("{}-manifest.json", params.spec.id).into());
    std::fs::write(&out, format!("{text}\n"))
        .with_context(|| format!("cannot write {}", out.display()))?;
    print_summary(&params, &manifest);
    for warning in params.warnings() {
        println!("warning: {warning}");
    }
    println!("manifest written to {}", out.display());
    Ok(ExitCode::SUCCESS)
}

fn print_summary(params: &ChainParams, manifest: &LaunchManifest) {
    let spec = &params.spec;
    println!("{} ({}) — ticker {}", spec.name, spec.id, spec.ticker);
    println!("  genesis    {}", params.genesis_hash);
    println!("  spec hash  {}", params.spec_hash());
    println!(
        "  supply     at most {} {}",
        format_coins(Amount::from_sat(spec.consensus.subsidy.max_supply)),
        spec.ticker
    );
    match &spec.merged_mining {
        Some(mm) => println!(
            "  mining     merge-mined with {} parents from height {}{}",
            mm.parent_pow.name(),
            mm.activation_height,
            if mm.native_blocks {
                ", native blocks allowed"
            } else {
                ", merge-mined blocks only"
            }
        ),
        None => println!("  mining     native {} only", spec.consensus.pow.name()),
    }
    if let Some(v) = &manifest.venture {
        println!(
            "  venture    {} {} ({:.2} % of supply) to the miners of {} blocks of heights {}..={}, settled every {} blocks; vesting: {} blocks cliff, {} tranche(s) every {} blocks",
            v.total_coins,
            spec.ticker,
            v.percent_of_max_supply,
            v.eligible.replace('_', "-"),
            v.start_height,
            v.end_height,
            v.epoch_length,
            v.vesting.cliff_blocks,
            v.vesting.tranches,
            v.vesting.tranche_interval,
        );
    }
    for allocation in &manifest.genesis_allocations {
        println!(
            "  genesis    {} {} ({:.2} %) to {}",
            allocation.amount_coins,
            spec.ticker,
            allocation.percent_of_max_supply,
            allocation.address
        );
    }
}

fn verify(args: &VerifyManifestArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&args.manifest)
        .with_context(|| format!("cannot read {}", args.manifest.display()))?;
    let announced = LaunchManifest::from_json(&text)
        .map_err(|reason| anyhow::anyhow!("{}: {reason}", args.manifest.display()))?;
    let params = datadir::load_params(&args.chain)?;
    let ours = LaunchManifest::of(&params, own_binary_sha256());
    let mut problems: Vec<String> = announced
        .differences(&ours)
        .into_iter()
        .map(|difference| format!("{difference} (manifest vs spec)"))
        .collect();
    if announced.binary.sha256 != ours.binary.sha256 {
        println!(
            "note: this binary ({}) is not the announced build ({}); consensus is checked through the spec",
            ours.binary.sha256.as_deref().unwrap_or("unreadable"),
            announced.binary.sha256.as_deref().unwrap_or("none")
        );
    }
    if let Some(datadir) = &args.datadir {
        let target = crate::commands::RpcTarget {
            url: args.rpc_url.clone(),
        };
        let client = crate::commands::wallet_node::connect(datadir, &target)?;
        let info = client.call("getblockchaininfo", json!([]))?;
        for (field, announced) in [
            ("genesis_hash", &announced.genesis_hash),
            ("spec_hash", &announced.spec_hash),
        ] {
            if info[field].as_str() != Some(announced.as_str()) {
                problems.push(format!(
                    "the running node's {field} is {}, the manifest says {announced}",
                    info[field]
                ));
            }
        }
    }
    for problem in &problems {
        println!("MISMATCH {problem}");
    }
    if problems.is_empty() {
        println!(
            "the spec{} matches the manifest",
            if args.datadir.is_some() {
                " and the node"
            } else {
                ""
            }
        );
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::FAILURE)
    }
}

/// A fresh spec for a founder: a chain id no known merge-mined chain uses, its own
/// address prefix and ports, ASERT difficulty, merged mining from the start, and a
/// venture section of 10 % of the supply over the first year to edit.
fn new_chain(args: &NewChainArgs) -> Result<ExitCode> {
    let text = scaffold(args)?;
    // The scaffold must be a valid spec that runs as is.
    let params = ChainParams::from_toml(&text).context("the scaffolded spec does not validate")?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| format!("{}.toml", params.spec.id).into());
    if out.exists() && !args.force {
        bail!("{} exists; use --force to overwrite", out.display());
    }
    std::fs::write(&out, &text).with_context(|| format!("cannot write {}", out.display()))?;
    println!("wrote {} (genesis {})", out.display(), params.genesis_hash);
    println!("next: edit it, run `ventured build-spec --chain {}`, then `ventured launch manifest --chain {}`", out.display(), out.display());
    Ok(ExitCode::SUCCESS)
}

pub fn scaffold(args: &NewChainArgs) -> Result<String> {
    let ticker = args.ticker.to_ascii_uppercase();
    if !(2..=8).contains(&ticker.len()) || !ticker.chars().all(|c| c.is_ascii_alphanumeric()) {
        bail!("--ticker must be 2 to 8 letters or digits");
    }
    let id: String = args
        .name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .chars()
        .take(32)
        .collect();
    if id.is_empty() {
        bail!("--name must contain letters or digits");
    }
    let seed = sha256::Hash::hash(format!("{}/{}", args.name, ticker).as_bytes()).to_byte_array();
    let chain_id = pick_chain_id(&seed);
    let p2p_port = 20_000 + (u16::from_le_bytes([seed[2], seed[3]]) % 20_000) * 2;
    let hrp = ticker.to_ascii_lowercase();
    let (pow, parent) = match args.parent.as_str() {
        "bitcoin" => ("sha256d", "sha256d"),
        "litecoin" => ("scrypt", "scrypt"),
        other => bail!("--parent must be bitcoin or litecoin, not `{other}`"),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // 10-minute blocks: a year is 52,560 blocks, a month 4,380.
    // The halving schedule issues just under 21 M coins; the venture tenth comes on top.
    const COIN: u64 = 100_000_000;
    let max_supply = 23_333_334 * COIN;
    let venture_total = max_supply / 10;
    Ok(format!(
        r#"# {name}: scaffolded by `ventured launch new`. Field reference: docs/chainspec.md;
# the venture allocation: docs/venture.md.

name = "{name}"
id = "{id}"
chain_type = "live"
ticker = "{ticker}"

[consensus]
pow = "{pow}"
pow_limit = "0x1f00ffff"
target_spacing = 600
max_future_block_time = 7200
coinbase_maturity = 100
max_block_weight = 4000000
# Not used by any known merge-mined chain (Namecoin 1, Dogecoin 0x62, ...).
chain_id = {chain_id:#06x}

[consensus.subsidy]
initial = 5_000_000_000
halving_interval = 210_000
max_supply = {max_supply}

[difficulty]
algorithm = "asert"
half_life = 172800

[genesis]
time = {now}
bits = "0x1f00ffff"
message = "{name} genesis {now}"

[network]
address_hrp = "{hrp}"
p2p_port = {p2p_port}
rpc_port = {rpc_port}
bootnodes = []

[merged_mining]
parent_pow = "{parent}"
activation_height = 0
native_blocks = false

# 10 % of the maximum supply to the merge-miners of the first year, settled monthly,
# locked for six months, then released in six monthly tranches.
[venture]
start_height = 1
end_height = 52560
total = {venture_total}
epoch_length = 4380
eligible = "merge_mined"
# the most payout scripts one settlement pays (the top contributors by work); the rest
# are carried into the next epoch. Bounded so a settlement always fits in a block.
max_recipients = 500

[venture.vesting]
cliff_blocks = 26280
tranches = 6
tranche_interval = 4380
"#,
        name = args.name,
        rpc_port = p2p_port + 1,
    ))
}

/// A chain id from the name's hash that no known merge-mined chain uses.
fn pick_chain_id(seed: &[u8; 32]) -> u32 {
    let mut candidate = u32::from(u16::from_le_bytes([seed[0], seed[1]])) & 0x7fff;
    // Small ids are where existing chains cluster; stay above them.
    while candidate < 0x100 || known_chain_id(candidate).is_some() {
        candidate = (candidate * 31 + 7) & 0x7fff;
    }
    candidate
}
