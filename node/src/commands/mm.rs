//! `ventured mm`: the merged-mining coordinator with its Stratum v1 server (the CPU
//! Stratum client, `ventured miner`, is in `miner`).
//!
//! `mm` takes its settings from flags, a TOML file (`--config`), or both (flags win);
//! the file's schema, the layering and the checks are `venture_merged_mining::config`'s,
//! this module only turns the flags into the same settings. It writes a status file
//! (the bound Stratum address and the coordinator's counters) every second when asked,
//! so that scripts can use port 0 and read what was bound.

use anyhow::{Context, Result};
use futures::FutureExt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tracing::info;

use crate::service::terminate_signal;
use venture_merged_mining::config::{
    AuxNodeSettings, LimitsSettings, ParentSettings, VardiffSettings,
};
use venture_merged_mining::{
    log_summary, write_status_file, Coordinator, MmConfig, MmSettings, StratumServer,
};

/// `ventured mm`.
#[derive(Debug, clap::Args)]
pub struct MmArgs {
    /// TOML configuration (see docs/mining.md); flags given as well override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where miners connect (default 127.0.0.1:3333; port 0 picks a free port).
    #[arg(long, value_name = "ADDR")]
    pub stratum_listen: Option<SocketAddr>,
    /// Rewrite this JSON file every second: the bound Stratum address and the counters.
    #[arg(long, value_name = "FILE")]
    pub status_file: Option<PathBuf>,
    /// Append one JSON line per accepted share to FILE (worker, difficulty, job, what it
    /// solved): what a pool pays from.
    #[arg(long, value_name = "FILE")]
    pub share_log: Option<PathBuf>,
    /// Serve Prometheus metrics at http://ADDR/metrics (shares, blocks per chain, nodes
    /// up, latencies, workers).
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<SocketAddr>,
    #[command(flatten)]
    pub parent: Box<ParentArgs>,
    /// An aux chain: `url=HOST:PORT,cookie=FILE,address=ADDR` (or `user=`/`password=`
    /// instead of `cookie=`; or `datadir=DIR,address=ADDR` for a Venture node on this
    /// machine, followed across restarts). Repeat for each chain.
    #[arg(long = "aux", value_name = "SPEC")]
    pub aux: Vec<String>,
    /// Poll each aux node this often (ms, default 100).
    #[arg(long, value_name = "MS")]
    pub aux_poll_ms: Option<u64>,
    /// The header version bits miners may roll with BIP310 version rolling (8 hex
    /// digits; default 1fffe000, BIP320's general-purpose bits; 00000000 refuses it).
    #[arg(long, value_name = "MASK")]
    pub version_rolling_mask: Option<String>,
    #[command(flatten)]
    pub vardiff: Box<VardiffArgs>,
    #[command(flatten)]
    pub limits: Box<LimitsArgs>,
}

/// The parent node (`ventured mm`).
#[derive(Debug, Default, clap::Args)]
pub struct ParentArgs {
    /// The parent node's JSON-RPC address.
    #[arg(long, value_name = "HOST:PORT")]
    pub parent_url: Option<String>,
    /// A Venture node as parent, by its data directory (address and cookie are read from
    /// it at every call, so the node may restart on another port).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["parent_url", "parent_cookie", "parent_user"])]
    pub parent_datadir: Option<PathBuf>,
    /// The parent node's cookie file (e.g. DATADIR/regtest/.cookie).
    #[arg(long, value_name = "FILE")]
    pub parent_cookie: Option<PathBuf>,
    /// Log in to the parent with this user (and --parent-password) instead of a cookie.
    #[arg(long, value_name = "USER")]
    pub parent_user: Option<String>,
    #[arg(long, value_name = "PASSWORD")]
    pub parent_password: Option<String>,
    /// The parent's proof of work: sha256d (Bitcoin family) or scrypt (Litecoin).
    #[arg(long, value_name = "ALGORITHM", value_parser = ["sha256d", "scrypt"])]
    pub parent_pow: Option<String>,
    /// getblocktemplate rules (default: mweb,segwit for scrypt, segwit for sha256d).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub parent_rules: Option<Vec<String>>,
    /// The parent coinbase's payout script, hex (works for any parent).
    #[arg(long, value_name = "HEX", conflicts_with = "parent_address")]
    pub parent_address_script: Option<String>,
    /// The parent coinbase's payout as a segwit (bech32/bech32m) address of the parent.
    #[arg(long, value_name = "ADDRESS")]
    pub parent_address: Option<String>,
    /// Poll the parent this often when it offers no long poll (ms, default 500).
    #[arg(long, value_name = "MS")]
    pub parent_poll_ms: Option<u64>,
    /// Poll the parent instead of long polling even when it offers long polls.
    #[arg(long)]
    pub no_longpoll: bool,
}

/// Share difficulty (`ventured mm`).
#[derive(Debug, Default, clap::Args)]
pub struct VardiffArgs {
    /// Share difficulty a new connection starts at (default 1).
    #[arg(long, value_name = "DIFFICULTY")]
    pub start_difficulty: Option<f64>,
    /// Lowest share difficulty vardiff goes to (default 1e-9).
    #[arg(long, value_name = "DIFFICULTY")]
    pub min_difficulty: Option<f64>,
    /// Highest share difficulty vardiff goes to (default 1e15).
    #[arg(long, value_name = "DIFFICULTY")]
    pub max_difficulty: Option<f64>,
    /// Vardiff aims at one share per connection this often (seconds, default 5).
    #[arg(long, value_name = "SECONDS")]
    pub share_interval: Option<f64>,
}

/// Bounds on miners (`ventured mm`).
#[derive(Debug, Default, clap::Args)]
pub struct LimitsArgs {
    /// Miner connections served at once; more are closed on arrival (default 512).
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,
    /// Close a connection that has not subscribed and authorized within this many
    /// seconds (default 30).
    #[arg(long, value_name = "SECONDS")]
    pub handshake_timeout: Option<f64>,
    /// Distinct worker names one connection may authorize (default 256).
    #[arg(long, value_name = "N")]
    pub max_workers_per_connection: Option<usize>,
    /// The share floor: a share's difficulty never goes below the parent's network
    /// difficulty divided by N (or the easiest aux chain's target) (default 2^32).
    #[arg(long, value_name = "N")]
    pub max_shares_per_block: Option<u64>,
}

impl MmArgs {
    /// The flags as settings, to be laid over the file's.
    fn settings(&self) -> Result<MmSettings> {
        let parent = &self.parent;
        let aux = self
            .aux
            .iter()
            .map(|spec| AuxNodeSettings::from_flag(spec))
            .collect::<Result<_, _>>()?;
        Ok(MmSettings {
            stratum_listen: self.stratum_listen,
            status_file: self.status_file.clone(),
            metrics: self.metrics,
            share_log: self.share_log.clone(),
            aux_poll_ms: self.aux_poll_ms,
            version_rolling_mask: self.version_rolling_mask.clone(),
            parent: ParentSettings {
                url: parent.parent_url.clone(),
                datadir: parent.parent_datadir.clone(),
                cookie: parent.parent_cookie.clone(),
                user: parent.parent_user.clone(),
                password: parent.parent_password.clone(),
                pow: parent.parent_pow.clone(),
                rules: parent.parent_rules.clone(),
                address_script: parent.parent_address_script.clone(),
                address: parent.parent_address.clone(),
                // Without the flag the file decides (and long polling is the default).
                longpoll: parent.no_longpoll.then_some(false),
                poll_ms: parent.parent_poll_ms,
            },
            aux,
            vardiff: VardiffSettings {
                start: self.vardiff.start_difficulty,
                min: self.vardiff.min_difficulty,
                max: self.vardiff.max_difficulty,
                share_interval_s: self.vardiff.share_interval,
            },
            limits: LimitsSettings {
                max_connections: self.limits.max_connections,
                handshake_timeout_s: self.limits.handshake_timeout,
                max_workers_per_connection: self.limits.max_workers_per_connection,
                max_shares_per_block: self.limits.max_shares_per_block,
            },
        })
    }
}

/// Runs the coordinator until SIGINT or SIGTERM.
pub fn run_mm(args: MmArgs) -> Result<ExitCode> {
    let file = match &args.config {
        Some(path) => MmSettings::load(path)?,
        None => MmSettings::default(),
    };
    let config = args.settings()?.over(file).resolve()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(config))
}

async fn serve(config: MmConfig) -> Result<ExitCode> {
    let MmConfig {
        coordinator,
        stratum,
        status_file,
        metrics,
    } = config;
    let coordinator = Coordinator::start(coordinator)?;
    let listen = stratum.listen;
    let server = StratumServer::bind(stratum, coordinator.clone())
        .await
        .with_context(|| format!("cannot listen for Stratum on {listen}"))?;
    let bound = server.local_addr()?;
    info!(stratum = %bound, "merged mining: point miners at stratum+tcp://{bound}");
    println!("stratum listening on {bound}");
    if let Some(path) = &status_file {
        write_status_file(path, bound, &coordinator)?;
    }
    if let Some(addr) = metrics {
        serve_metrics(addr, &coordinator).await?;
    }
    let server = tokio::spawn(server.run());
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    let mut seconds: u64 = 0;
    // Listening once, before the loop: a signal arriving while a new listener is being
    // set up would otherwise be missed.
    let shutdown = terminate_signal();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            _ = ticker.tick() => {
                seconds += 1;
                if let Some(path) = &status_file {
                    if let Err(e) = write_status_file(path, bound, &coordinator) {
                        tracing::warn!("cannot write the status file: {:#}", anyhow::Error::from(e));
                    }
                }
                if seconds.is_multiple_of(60) {
                    log_summary(&coordinator);
                }
            }
        }
    }
    info!("stopping the coordinator");
    server.abort();
    coordinator.shutdown();
    if let Some(path) = &status_file {
        let _ = write_status_file(path, bound, &coordinator);
    }
    Ok(ExitCode::SUCCESS)
}

/// Serves the coordinator's counters to Prometheus until the process stops.
async fn serve_metrics(addr: SocketAddr, coordinator: &Coordinator) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen for metrics on {addr}"))?;
    let bound = listener.local_addr()?;
    let mut registry = venture_metrics::Registry::default();
    venture_merged_mining::metrics::register(&mut registry, coordinator.stats().clone());
    // Everything is read from the counters at each scrape: nothing to refresh first.
    let refresh: venture_metrics::Refresh = Arc::new(|| futures::future::ready(()).boxed());
    tokio::spawn(venture_metrics::serve(
        listener,
        Arc::new(registry),
        refresh,
    ));
    info!(%bound, "metrics at http://{bound}/metrics");
    println!("metrics listening on {bound}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn settings(flags: &[&str]) -> MmSettings {
        let cli = crate::cli::Cli::try_parse_from(["ventured", "mm"].iter().chain(flags)).unwrap();
        match cli.command {
            Some(crate::cli::Command::Mm(args)) => args.settings().unwrap(),
            other => panic!("not mm: {other:?}"),
        }
    }

    #[test]
    fn every_flag_lands_in_its_setting() {
        let flags = [
            "--stratum-listen=127.0.0.1:0",
            "--status-file=/s.json",
            "--parent-url=127.0.0.1:9",
            "--parent-cookie=/c",
            "--parent-pow=scrypt",
            "--parent-rules=mweb,segwit",
            "--parent-address=ltc1q",
            "--parent-poll-ms=7",
            "--no-longpoll",
            "--aux=url=127.0.0.1:10,user=u,password=p,address=vdev1q",
            "--aux=datadir=/d,address=vdev1r",
            "--aux-poll-ms=3",
            "--metrics=127.0.0.1:9300",
            "--share-log=/shares.jsonl",
            "--version-rolling-mask=0000e000",
            "--start-difficulty=2",
            "--min-difficulty=0.5",
            "--max-difficulty=8",
            "--share-interval=4",
            "--max-connections=5",
            "--handshake-timeout=6",
            "--max-workers-per-connection=9",
            "--max-shares-per-block=11",
        ];
        let expected = MmSettings {
            stratum_listen: Some("127.0.0.1:0".parse().unwrap()),
            status_file: Some("/s.json".into()),
            metrics: Some("127.0.0.1:9300".parse().unwrap()),
            share_log: Some("/shares.jsonl".into()),
            aux_poll_ms: Some(3),
            version_rolling_mask: Some("0000e000".into()),
            parent: ParentSettings {
                url: Some("127.0.0.1:9".into()),
                cookie: Some("/c".into()),
                pow: Some("scrypt".into()),
                rules: Some(vec!["mweb".into(), "segwit".into()]),
                address: Some("ltc1q".into()),
                poll_ms: Some(7),
                longpoll: Some(false),
                ..ParentSettings::default()
            },
            aux: vec![
                AuxNodeSettings::from_flag("url=127.0.0.1:10,user=u,password=p,address=vdev1q")
                    .unwrap(),
                AuxNodeSettings::from_flag("datadir=/d,address=vdev1r").unwrap(),
            ],
            vardiff: VardiffSettings {
                start: Some(2.0),
                min: Some(0.5),
                max: Some(8.0),
                share_interval_s: Some(4.0),
            },
            limits: LimitsSettings {
                max_connections: Some(5),
                handshake_timeout_s: Some(6.0),
                max_workers_per_connection: Some(9),
                max_shares_per_block: Some(11),
            },
        };
        assert_eq!(settings(&flags), expected);
        // No flag: nothing set, so the file (or the default) decides everything.
        assert_eq!(settings(&[]), MmSettings::default());
        let datadir = settings(&["--parent-datadir=/p", "--parent-address-script=51"]);
        assert_eq!(datadir.parent.datadir, Some("/p".into()));
        assert_eq!(datadir.parent.address_script.as_deref(), Some("51"));
    }
}
