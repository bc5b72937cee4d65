//! `ventured mm`: the merged-mining coordinator with its Stratum v1 server (the CPU
//! Stratum client, `ventured miner`, is in `miner`).
//!
//! `mm` takes its settings from flags, a TOML file (`--config`), or both (flags win).
//! It writes a status file (the bound Stratum address and the coordinator's counters)
//! every second when asked, so that scripts can use port 0 and read what was bound.

use anyhow::{anyhow, bail, Context, Result};
use bitcoin::ScriptBuf;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tracing::info;

use crate::commands::mm_limits::{resolve_limits, FileLimits, LimitsArgs};
use crate::service::terminate_signal;
use venture_merged_mining::coordinator::{AuxConfig, NodeAuth, NodeEndpoint, ParentConfig};
use venture_merged_mining::stratum::VardiffConfig;
use venture_merged_mining::{Coordinator, CoordinatorConfig, StratumConfig, StratumServer};
use venture_pow::PowAlgorithm;
use venture_primitives::{address_to_script, Hrp};

const DEFAULT_STRATUM_LISTEN: &str = "127.0.0.1:3333";

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
    #[arg(long, value_name = "ALGORITHM")]
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

/// The TOML configuration of `ventured mm`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    stratum_listen: Option<SocketAddr>,
    status_file: Option<PathBuf>,
    aux_poll_ms: Option<u64>,
    parent: Option<FileParent>,
    #[serde(default)]
    aux: Vec<FileNode>,
    vardiff: Option<FileVardiff>,
    limits: Option<FileLimits>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileParent {
    url: Option<String>,
    datadir: Option<PathBuf>,
    cookie: Option<PathBuf>,
    user: Option<String>,
    password: Option<String>,
    pow: Option<String>,
    rules: Option<Vec<String>>,
    address_script: Option<String>,
    address: Option<String>,
    longpoll: Option<bool>,
    poll_ms: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileNode {
    url: Option<String>,
    datadir: Option<PathBuf>,
    cookie: Option<PathBuf>,
    user: Option<String>,
    password: Option<String>,
    address: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileVardiff {
    start: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
    share_interval_s: Option<f64>,
}

/// Runs the coordinator until SIGINT or SIGTERM.
pub fn run_mm(args: MmArgs) -> Result<ExitCode> {
    let file = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            toml::from_str::<FileConfig>(&text)
                .with_context(|| format!("invalid configuration {}", path.display()))?
        }
        None => FileConfig::default(),
    };
    let (coordinator_config, stratum_config, status_file) = resolve(&args, file)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(coordinator_config, stratum_config, status_file))
}

async fn serve(
    config: CoordinatorConfig,
    stratum: StratumConfig,
    status_file: Option<PathBuf>,
) -> Result<ExitCode> {
    let coordinator = Coordinator::start(config)?;
    let listen = stratum.listen;
    let server = StratumServer::bind(stratum, coordinator.clone())
        .await
        .with_context(|| format!("cannot listen for Stratum on {listen}"))?;
    let bound = server.local_addr()?;
    info!(stratum = %bound, "merged mining: point miners at stratum+tcp://{bound}");
    println!("stratum listening on {bound}");
    if let Some(path) = &status_file {
        write_status(path, bound, &coordinator)?;
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
                    if let Err(e) = write_status(path, bound, &coordinator) {
                        tracing::warn!("cannot write the status file: {e:#}");
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
        let _ = write_status(path, bound, &coordinator);
    }
    Ok(ExitCode::SUCCESS)
}

fn log_summary(coordinator: &Coordinator) {
    let stats = coordinator.stats();
    let aux: Vec<String> = stats
        .aux
        .iter()
        .map(|chain| {
            format!(
                "{:#x}:{}",
                chain.chain_id.load(Ordering::Relaxed),
                chain.accepted.load(Ordering::Relaxed)
            )
        })
        .collect();
    info!(
        miners = stats.connections.load(Ordering::Relaxed),
        shares = stats.shares_accepted.load(Ordering::Relaxed),
        parent_blocks = stats.parent.accepted.load(Ordering::Relaxed),
        aux_blocks = %aux.join(" "),
        "merged mining"
    );
}

/// Writes the status atomically (a reader never sees half a file).
fn write_status(path: &Path, stratum: SocketAddr, coordinator: &Arc<Coordinator>) -> Result<()> {
    let status = serde_json::json!({
        "stratum": stratum.to_string(),
        "pid": std::process::id(),
        "stats": coordinator.stats_json(),
    });
    let partial = path.with_extension("tmp");
    std::fs::write(&partial, serde_json::to_vec_pretty(&status)?)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn resolve(
    args: &MmArgs,
    file: FileConfig,
) -> Result<(CoordinatorConfig, StratumConfig, Option<PathBuf>)> {
    let fparent = file.parent.unwrap_or_default();
    let pow: PowAlgorithm = args
        .parent
        .parent_pow
        .clone()
        .or(fparent.pow)
        .unwrap_or_else(|| "sha256d".into())
        .parse()
        .map_err(|e: String| anyhow!("--parent-pow: {e}"))?;
    let parent_endpoint = match args.parent.parent_datadir.clone().or(fparent.datadir) {
        Some(datadir) if args.parent.parent_url.is_none() => {
            NodeEndpoint::venture_datadir(&datadir)
        }
        _ => {
            let url = args
                .parent
                .parent_url
                .clone()
                .or(fparent.url)
                .ok_or_else(|| {
                    anyhow!("the parent node is missing: give --parent-url (or [parent] url)")
                })?;
            let auth = node_auth(
                args.parent.parent_cookie.clone().or(fparent.cookie),
                args.parent.parent_user.clone().or(fparent.user),
                args.parent.parent_password.clone().or(fparent.password),
            )
            .context("the parent node's credentials")?;
            NodeEndpoint::new(url, auth)
        }
    };
    let payout_script = match (
        args.parent.parent_address_script.clone(),
        args.parent.parent_address.clone(),
        fparent.address_script,
        fparent.address,
    ) {
        (Some(hex_script), _, _, _) => script_from_hex(&hex_script)?,
        (None, Some(address), _, _) => script_from_address(&address)?,
        (None, None, Some(hex_script), _) => script_from_hex(&hex_script)?,
        (None, None, None, Some(address)) => script_from_address(&address)?,
        (None, None, None, None) => bail!(
            "the parent payout is missing: give --parent-address-script HEX (or --parent-address)"
        ),
    };
    let rules = args
        .parent
        .parent_rules
        .clone()
        .or(fparent.rules)
        .unwrap_or_else(|| match pow {
            PowAlgorithm::Scrypt => vec!["mweb".into(), "segwit".into()],
            PowAlgorithm::Sha256d => vec!["segwit".into()],
        });
    let parent = ParentConfig {
        endpoint: parent_endpoint,
        pow,
        rules,
        payout_script,
        longpoll: !args.parent.no_longpoll && fparent.longpoll.unwrap_or(true),
        poll_interval: Duration::from_millis(
            args.parent
                .parent_poll_ms
                .or(fparent.poll_ms)
                .unwrap_or(500),
        ),
    };

    let mut aux = Vec::new();
    let flag_aux: Vec<FileNode> = args
        .aux
        .iter()
        .map(|spec| parse_aux_flag(spec))
        .collect::<Result<_>>()?;
    let aux_nodes = if flag_aux.is_empty() {
        file.aux
    } else {
        flag_aux
    };
    for node in aux_nodes {
        let endpoint = match (node.url, node.datadir) {
            (None, Some(datadir)) => NodeEndpoint::venture_datadir(&datadir),
            (Some(url), None) => {
                let auth = node_auth(node.cookie, node.user, node.password)
                    .with_context(|| format!("the credentials of aux node {url}"))?;
                NodeEndpoint::new(url, auth)
            }
            (Some(url), Some(_)) => bail!("aux node {url}: give url or datadir, not both"),
            (None, None) => bail!("an aux node needs url (or datadir)"),
        };
        aux.push(AuxConfig {
            endpoint,
            address: node.address,
        });
    }
    if aux.is_empty() {
        tracing::warn!("no aux chain configured: only the parent is mined");
    }
    let mut config = CoordinatorConfig::new(parent, aux);
    if let Some(ms) = args.aux_poll_ms.or(file.aux_poll_ms) {
        config.aux_poll_interval = Duration::from_millis(ms.max(1));
    }

    let fvardiff = file.vardiff.unwrap_or_default();
    let defaults = VardiffConfig::default();
    let vardiff = VardiffConfig {
        start: args
            .vardiff
            .start_difficulty
            .or(fvardiff.start)
            .unwrap_or(defaults.start),
        min: args
            .vardiff
            .min_difficulty
            .or(fvardiff.min)
            .unwrap_or(defaults.min),
        max: args
            .vardiff
            .max_difficulty
            .or(fvardiff.max)
            .unwrap_or(defaults.max),
        share_interval: match args.vardiff.share_interval.or(fvardiff.share_interval_s) {
            Some(secs) if secs.is_finite() && secs > 0.0 => Duration::from_secs_f64(secs),
            Some(secs) => {
                bail!("the share interval must be a positive number of seconds, not {secs}")
            }
            None => defaults.share_interval,
        },
    };
    for (name, value) in [
        ("start", vardiff.start),
        ("min", vardiff.min),
        ("max", vardiff.max),
    ] {
        if !(value.is_finite() && value > 0.0) {
            bail!("the {name} difficulty must be a positive number, not {value}");
        }
    }
    let listen = match args.stratum_listen.or(file.stratum_listen) {
        Some(addr) => addr,
        None => DEFAULT_STRATUM_LISTEN.parse()?,
    };
    let status_file = args.status_file.clone().or(file.status_file);
    let limits = resolve_limits(&args.limits, file.limits)?;
    config.max_shares_per_block = limits.max_shares_per_block;
    let stratum = StratumConfig {
        listen,
        vardiff,
        limits: limits.stratum,
    };
    Ok((config, stratum, status_file))
}

fn node_auth(
    cookie: Option<PathBuf>,
    user: Option<String>,
    password: Option<String>,
) -> Result<NodeAuth> {
    match (cookie, user, password) {
        (Some(cookie), None, None) => Ok(NodeAuth::Cookie(cookie)),
        (None, Some(user), password) => Ok(NodeAuth::UserPassword {
            user,
            password: password.unwrap_or_default(),
        }),
        (None, None, _) => bail!("give a cookie file or a user and password"),
        (Some(_), _, _) => bail!("give a cookie file or a user and password, not both"),
    }
}

/// Parses `url=HOST:PORT,cookie=FILE,address=ADDR` (or `user=`, `password=`, `datadir=`).
fn parse_aux_flag(spec: &str) -> Result<FileNode> {
    let mut node = FileNode::default();
    let mut address = None;
    for part in spec.split(',').filter(|p| !p.is_empty()) {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| anyhow!("--aux {spec}: `{part}` is not KEY=VALUE"))?;
        match key.trim() {
            "url" => node.url = Some(value.to_string()),
            "datadir" => node.datadir = Some(PathBuf::from(value)),
            "cookie" => node.cookie = Some(PathBuf::from(value)),
            "user" => node.user = Some(value.to_string()),
            "password" => node.password = Some(value.to_string()),
            "address" => address = Some(value.to_string()),
            other => bail!(
                "--aux {spec}: unknown key `{other}` (url, datadir, cookie, user, password, address)"
            ),
        }
    }
    if node.url.is_none() && node.datadir.is_none() {
        bail!("--aux {spec}: url= (or datadir=) is missing");
    }
    node.address = address.ok_or_else(|| anyhow!("--aux {spec}: address= is missing"))?;
    Ok(node)
}

fn script_from_hex(text: &str) -> Result<ScriptBuf> {
    let bytes = hex::decode(text.trim()).context("the parent payout script is not hex")?;
    if bytes.is_empty() {
        bail!("the parent payout script is empty");
    }
    Ok(ScriptBuf::from_bytes(bytes))
}

/// A segwit address of any chain: its human-readable part is whatever precedes the last
/// `1`.
fn script_from_address(address: &str) -> Result<ScriptBuf> {
    let hrp = address
        .rsplit_once('1')
        .map(|(hrp, _)| hrp)
        .ok_or_else(|| anyhow!("{address} is not a segwit address; use --parent-address-script"))?;
    let hrp = Hrp::parse(hrp).map_err(|e| anyhow!("{address}: {e}"))?;
    address_to_script(&hrp, address)
        .map_err(|e| anyhow!("{address}: {e}; use --parent-address-script for other kinds"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aux_flags_and_payouts_parse() {
        let node = parse_aux_flag("url=127.0.0.1:1,cookie=/c,address=vdev1q").unwrap();
        assert_eq!(node.url.as_deref(), Some("127.0.0.1:1"));
        assert_eq!(node.cookie, Some(PathBuf::from("/c")));
        assert_eq!(node.address, "vdev1q");
        assert!(parse_aux_flag("url=x").is_err());
        assert!(parse_aux_flag("address=y").is_err());
        assert!(parse_aux_flag("datadir=/d,address=y")
            .unwrap()
            .datadir
            .is_some());
        assert!(parse_aux_flag("url=x,address=y,colour=red").is_err());
        assert_eq!(script_from_hex("51").unwrap().as_bytes(), &[0x51]);
        let script = script_from_address("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4").unwrap();
        assert_eq!(
            hex::encode(script.as_bytes()),
            "0014751e76e8199196d454941c45d1b3a323f1433bd6"
        );
    }

    #[test]
    fn config_file_and_flags_combine() {
        let file: FileConfig = toml::from_str(
            r#"
            stratum_listen = "127.0.0.1:0"
            [parent]
            url = "127.0.0.1:9"
            user = "u"
            password = "p"
            pow = "scrypt"
            address_script = "51"
            [[aux]]
            url = "127.0.0.1:10"
            cookie = "/tmp/c"
            address = "vdev1q"
            [vardiff]
            start = 0.5
            share_interval_s = 2
            [limits]
            max_connections = 7
            "#,
        )
        .unwrap();
        let args = MmArgs {
            config: None,
            stratum_listen: None,
            status_file: None,
            parent: Box::default(),
            aux: Vec::new(),
            aux_poll_ms: None,
            vardiff: Box::new(VardiffArgs {
                start_difficulty: Some(0.25),
                ..VardiffArgs::default()
            }),
            limits: Box::default(),
        };
        let (config, stratum, _) = resolve(&args, file).unwrap();
        assert_eq!(config.parent.pow, PowAlgorithm::Scrypt);
        assert_eq!(config.parent.rules, ["mweb", "segwit"]);
        assert_eq!(config.aux.len(), 1);
        assert_eq!(stratum.vardiff.start, 0.25);
        assert_eq!(stratum.vardiff.share_interval, Duration::from_secs(2));
        assert_eq!(stratum.listen.port(), 0);
        assert_eq!(stratum.limits.max_connections, 7);
    }
}
