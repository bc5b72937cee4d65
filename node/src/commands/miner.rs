//! `ventured miner`: a CPU Stratum v1 client, for devnets and for timing what a
//! Stratum server sends (`--threads 0 --job-log FILE` only follows jobs).

use anyhow::{anyhow, Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tracing::info;

use crate::service::terminate_signal;
use venture_merged_mining::stratum::encoding::u32_from_hex;
use venture_merged_mining::stratum_client::FULL_NONCE_RANGE;
use venture_merged_mining::{StratumMiner, StratumMinerConfig};
use venture_pow::PowAlgorithm;

/// `ventured miner`.
#[derive(Debug, clap::Args)]
pub struct MinerArgs {
    /// The Stratum server.
    #[arg(long, value_name = "HOST:PORT")]
    pub stratum: String,
    /// Worker name sent with mining.authorize.
    #[arg(long)]
    pub user: String,
    /// Password sent with mining.authorize (pools mostly ignore it).
    #[arg(long, default_value = "x")]
    pub password: String,
    /// Hashing threads (0: only follow jobs, e.g. to time their delivery).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// The parent's proof of work.
    #[arg(long, default_value = "sha256d", value_parser = ["sha256d", "scrypt"])]
    pub pow: String,
    /// Append one line per job received: Unix ms, job id, previous block, clean flag.
    #[arg(long, value_name = "FILE")]
    pub job_log: Option<PathBuf>,
    /// Ask for BIP310 version rolling, offering these header version bits (8 hex
    /// digits; `1fffe000` is BIP320's general-purpose range, what `ventured mm` allows).
    #[arg(long, value_name = "MASK", value_parser = parse_mask)]
    pub version_rolling: Option<u32>,
    /// With version rolling: nonces scanned per header version before the next
    /// version (default: all 2^32). Fewer makes rolled shares show up at once.
    #[arg(long, value_name = "N", default_value_t = FULL_NONCE_RANGE, value_parser = clap::value_parser!(u64).range(1..=FULL_NONCE_RANGE))]
    pub nonces_per_version: u64,
    /// Do not send mining.extranonce.subscribe (for pools that drop a connection on a
    /// method they do not know); the extranonce then changes only by reconnecting.
    #[arg(long)]
    pub no_extranonce_subscribe: bool,
}

fn parse_mask(text: &str) -> std::result::Result<u32, String> {
    u32_from_hex(text).ok_or_else(|| format!("{text:?} is not 8 hex digits"))
}

/// Runs the CPU miner until SIGINT or SIGTERM, logging progress every ten seconds.
pub fn run_miner(args: MinerArgs) -> Result<ExitCode> {
    let pow: PowAlgorithm = args
        .pow
        .parse()
        .map_err(|e: String| anyhow!("--pow: {e}"))?;
    let miner = StratumMiner::start(StratumMinerConfig {
        server: args.stratum.clone(),
        user: args.user.clone(),
        password: args.password.clone(),
        threads: args.threads,
        pow,
        job_log: args.job_log.clone(),
        version_rolling_mask: args.version_rolling,
        nonces_per_version: args.nonces_per_version,
        extranonce_subscribe: !args.no_extranonce_subscribe,
    })
    .context("cannot start the miner threads")?;
    info!(server = %args.stratum, threads = args.threads, pow = pow.name(), "Stratum miner started");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let mut ticker = tokio::time::interval(Duration::from_secs(10));
        ticker.tick().await;
        let shutdown = terminate_signal();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                _ = ticker.tick() => {
                    let stats = miner.stats();
                    info!(
                        hashrate = format!("{:.0} H/s", miner.hashrate()),
                        jobs = stats.jobs.load(Ordering::Relaxed),
                        submitted = stats.shares_submitted.load(Ordering::Relaxed),
                        accepted = stats.shares_accepted.load(Ordering::Relaxed),
                        rejected = stats.shares_rejected.load(Ordering::Relaxed),
                        "mining"
                    );
                }
            }
        }
    });
    miner.stop();
    Ok(ExitCode::SUCCESS)
}
