//! `launch new | manifest | verify`: what a founder needs to announce a chain.
//!
//! `new` scaffolds a spec; `manifest` writes the announcement (spec hash, genesis hash,
//! binary checksum, venture terms, genesis allocations, bootnodes, launch time) as JSON
//! and prints a summary; `verify` checks a spec, and optionally a running node,
//! against a manifest.

use crate::cli::{LaunchCommand, ManifestArgs, NewChainArgs, VerifyManifestArgs};
use crate::datadir;
use anyhow::{bail, Context, Result};
use bitcoin::hashes::{sha256, Hash};
use serde_json::{json, Value};
use std::process::ExitCode;
use venture_chainspec::{known_chain_id, ChainParams, Eligibility};

pub fn run(command: LaunchCommand) -> Result<ExitCode> {
    match command {
        LaunchCommand::New(args) => new_chain(&args),
        LaunchCommand::Manifest(args) => manifest(&args),
        LaunchCommand::Verify(args) => verify(&args),
    }
}

/// Percentage of the maximum supply, for humans.
fn percent(amount: u64, max_supply: u64) -> f64 {
    amount as f64 * 100.0 / max_supply.max(1) as f64
}

fn coins(amount: u64) -> String {
    format!("{}.{:08}", amount / 100_000_000, amount % 100_000_000)
}

/// The manifest of a spec: everything a miner needs to judge the launch.
pub fn build_manifest(params: &ChainParams, binary_sha256: Option<String>) -> Value {
    let spec = &params.spec;
    let max_supply = spec.consensus.subsidy.max_supply;
    let venture = spec.venture.as_ref().map(|v| {
        let schedule = venture_chain::venture::EpochSchedule::new(v);
        json!({
            "start_height": v.start_height,
            "end_height": v.end_height,
            "total": v.total,
            "total_coins": coins(v.total),
            "percent_of_max_supply": percent(v.total, max_supply),
            "epoch_length": v.epoch_length,
            "epochs": schedule.epoch_count(),
            "eligible": match v.eligible { Eligibility::MergeMined => "merge_mined", Eligibility::All => "all" },
            "max_recipients": v.max_recipients,
            "vesting": {
                "cliff_blocks": v.vesting.cliff_blocks,
                "tranches": v.vesting.tranches,
                "tranche_interval": v.vesting.tranche_interval,
            },
        })
    });
    let allocations: Vec<Value> = spec
        .genesis
        .allocations
        .iter()
        .map(|a| {
            json!({
                "address": a.address,
                "amount": a.amount,
                "amount_coins": coins(a.amount),
                "percent_of_max_supply": percent(a.amount, max_supply),
                "vesting": a.vesting.as_ref().map(|v| json!({
                    "cliff_blocks": v.cliff_blocks,
                    "tranches": v.tranches,
                    "tranche_interval": v.tranche_interval,
                })),
            })
        })
        .collect();
    json!({
        "format": "venture-launch-manifest/1",
        "chain": {
            "name": spec.name,
            "id": spec.id,
            "ticker": spec.ticker,
        },
        "spec_hash": params.spec_hash().to_string(),
        "genesis_hash": params.genesis_hash.to_string(),
        "binary": {
            "name": "ventured",
            "version": env!("CARGO_PKG_VERSION"),
            "sha256": binary_sha256,
        },
        "consensus": {
            "pow": spec.consensus.pow.name(),
            "target_spacing": spec.consensus.target_spacing,
            "chain_id": spec.consensus.chain_id,
            "max_supply": max_supply,
            "initial_subsidy": spec.consensus.subsidy.initial,
            "halving_interval": spec.consensus.subsidy.halving_interval,
            "difficulty": spec.difficulty.name(),
            "merged_mining": spec.merged_mining.as_ref().map(|mm| json!({
                "parent_pow": mm.parent_pow.name(),
                "activation_height": mm.activation_height,
                "native_blocks": mm.native_blocks,
            })),
        },
        "venture": venture,
        "genesis_allocations": allocations,
        "bootnodes": spec.network.bootnodes,
        "launch_time": spec.genesis.time,
    })
}

fn own_binary_sha256() -> Option<String> {
    let path = std::env::current_exe().ok()?;
    let bytes = std::fs::read(path).ok()?;
    Some(sha256::Hash::hash(&bytes).to_string())
}

fn manifest(args: &ManifestArgs) -> Result<ExitCode> {
    let params = datadir::load_params(&args.chain)?;
    let manifest = build_manifest(&params, own_binary_sha256());
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

fn print_summary(params: &ChainParams, manifest: &Value) {
    let spec = &params.spec;
    println!("{} ({}) — ticker {}", spec.name, spec.id, spec.ticker);
    println!("  genesis    {}", params.genesis_hash);
    println!("  spec hash  {}", params.spec_hash());
    println!(
        "  supply     at most {} {}",
        coins(spec.consensus.subsidy.max_supply),
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
    if let Some(v) = &manifest["venture"].as_object() {
        println!(
            "  venture    {} {} ({:.2} % of supply) to the miners of {} blocks of heights {}..={}, settled every {} blocks; vesting: {} blocks cliff, {} tranche(s) every {} blocks",
            v["total_coins"].as_str().unwrap_or_default(),
            spec.ticker,
            v["percent_of_max_supply"].as_f64().unwrap_or_default(),
            v["eligible"].as_str().unwrap_or_default().replace('_', "-"),
            v["start_height"],
            v["end_height"],
            v["epoch_length"],
            v["vesting"]["cliff_blocks"],
            v["vesting"]["tranches"],
            v["vesting"]["tranche_interval"],
        );
    }
    for allocation in manifest["genesis_allocations"]
        .as_array()
        .into_iter()
        .flatten()
    {
        println!(
            "  genesis    {} {} ({:.2} %) to {}",
            allocation["amount_coins"].as_str().unwrap_or_default(),
            spec.ticker,
            allocation["percent_of_max_supply"]
                .as_f64()
                .unwrap_or_default(),
            allocation["address"].as_str().unwrap_or_default()
        );
    }
}

fn verify(args: &VerifyManifestArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&args.manifest)
        .with_context(|| format!("cannot read {}", args.manifest.display()))?;
    let announced: Value = serde_json::from_str(&text).context("the manifest is not JSON")?;
    if announced["format"] != "venture-launch-manifest/1" {
        bail!(
            "{} is not a Venture launch manifest",
            args.manifest.display()
        );
    }
    let params = datadir::load_params(&args.chain)?;
    let ours = build_manifest(&params, own_binary_sha256());
    let mut problems = Vec::new();
    for key in [
        "spec_hash",
        "genesis_hash",
        "chain",
        "consensus",
        "venture",
        "genesis_allocations",
        "launch_time",
    ] {
        if announced[key] != ours[key] {
            problems.push(format!(
                "{key} differs: manifest {} vs spec {}",
                announced[key], ours[key]
            ));
        }
    }
    if announced["binary"]["sha256"] != ours["binary"]["sha256"] {
        println!(
            "note: this binary ({}) is not the announced build ({}); consensus is checked through the spec",
            ours["binary"]["sha256"], announced["binary"]["sha256"]
        );
    }
    if let Some(datadir) = &args.datadir {
        let target = crate::commands::RpcTarget {
            url: args.rpc_url.clone(),
        };
        let client = crate::commands::wallet_node::connect(datadir, &target)?;
        let info = client.call("getblockchaininfo", json!([]))?;
        for (field, key) in [("genesis_hash", "genesis_hash"), ("spec_hash", "spec_hash")] {
            if info[field] != announced[key] {
                problems.push(format!(
                    "the running node's {field} is {}, the manifest says {}",
                    info[field], announced[key]
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
