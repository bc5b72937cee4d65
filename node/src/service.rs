//! `ventured run`: opens the chain and runs the RPC server and the miner until stopped
//! (Ctrl-C, SIGTERM or the `stop` RPC).

use crate::cli::RunArgs;
use crate::network_adapter::ChainAdapter;
use crate::{datadir, dev_account};
use anyhow::{bail, Context, Result};
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tracing::info;
use venture_chainspec::ChainParams;
use venture_mempool::{Mempool, MempoolConfig};
use venture_metrics::Registry;
use venture_mining::{AuxBlockCache, Miner, MinerConfig};
use venture_network::{
    load_or_create_keypair, Multiaddr, NetworkConfig, NetworkHandle, NetworkService,
};
use venture_primitives::address_to_script;
use venture_rpc::{
    core_methods, Credentials, RpcContext, RpcServerConfig, SharedChain, COOKIE_USER,
};

pub fn run(args: RunArgs, dev: bool) -> Result<ExitCode> {
    let chain_name = if dev {
        "dev"
    } else {
        args.chain.chain.as_str()
    };
    let params = datadir::load_params(chain_name)?;
    let temporary = if args.tmp || (dev && args.chain.datadir.is_none()) {
        Some(
            tempfile::Builder::new()
                .prefix("venture-")
                .tempdir()
                .context("cannot create a temporary data directory")?,
        )
    } else {
        None
    };
    let dir = match &temporary {
        Some(tmp) => tmp.path().to_path_buf(),
        None => datadir::resolve(args.chain.datadir.as_deref(), &params),
    };
    let mining = mining_config(&args, dev, &params)?;
    // The explorer is on by default for --dev only, on loopback at a free port.
    let http = match (args.http, dev && !args.no_http) {
        (Some(addr), _) => Some(addr),
        (None, true) => Some(SocketAddr::from(([127, 0, 0, 1], 0))),
        (None, false) => None,
    };
    let mut opened = datadir::open_chain(params.clone(), &dir)?;
    opened
        .set_tx_index(args.txindex)
        .context("cannot build the transaction index")?;
    let chain: SharedChain = Arc::new(Mutex::new(opened));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("ventured")
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(serve(&args, params, chain, &dir, mining, http));
    drop(temporary);
    result.map(|()| ExitCode::SUCCESS)
}

/// The miner's settings, or `None` when not mining.
fn mining_config(
    args: &RunArgs,
    dev: bool,
    params: &ChainParams,
) -> Result<Option<(MinerConfig, String)>> {
    if !(args.mine || dev) {
        return Ok(None);
    }
    let address = match (&args.mine_address, params.is_development()) {
        (Some(address), _) => address.clone(),
        (None, true) => dev_account::dev_address(&params.hrp),
        (None, false) => {
            bail!("--mine needs --mine-address on a chain that is not a development chain")
        }
    };
    let payout =
        address_to_script(&params.hrp, &address).with_context(|| "invalid --mine-address")?;
    let config = MinerConfig {
        payout,
        threads: args.mine_threads.max(1),
        block_interval: Duration::from_millis(params.spec.mining.block_interval_ms),
    };
    Ok(Some((config, address)))
}

async fn serve(
    args: &RunArgs,
    params: Arc<ChainParams>,
    chain: SharedChain,
    dir: &Path,
    mining: Option<(MinerConfig, String)>,
    http: Option<SocketAddr>,
) -> Result<()> {
    // Bad entries are refused before anything is bound or written.
    let mut credentials = Credentials::new();
    for entry in &args.rpc_auth {
        credentials.accept_rpcauth(entry)?;
    }
    match (&args.rpc_user, &args.rpc_password) {
        (Some(user), Some(password)) => credentials.accept(user, password),
        (Some(_), None) => {
            bail!("--rpc-user needs a password: --rpc-password or VENTURE_RPC_PASSWORD")
        }
        (None, Some(_)) => {
            bail!("an RPC password (--rpc-password or VENTURE_RPC_PASSWORD) needs --rpc-user")
        }
        (None, None) => {}
    }
    let port = args.rpc_port.unwrap_or(params.spec.network.rpc_port);
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.rpc_bind, port))
        .await
        .with_context(|| format!("cannot listen for RPC on {}:{port}", args.rpc_bind))?;
    let rpc_addr = listener.local_addr()?;
    std::fs::write(datadir::rpc_addr_file(dir), rpc_addr.to_string())?;
    let cookie_path = datadir::cookie(dir);
    let cookie_password =
        venture_rpc::write_cookie(&cookie_path).context("cannot write the RPC cookie")?;
    credentials.accept(COOKIE_USER, &cookie_password);

    let mempool = Mempool::shared(MempoolConfig::default());
    // Created before the network so that libp2p's metrics join the node's.
    let mut registry = args.metrics.map(|_| Registry::default());
    let (network, network_task) = start_network(
        args,
        &params,
        chain.clone(),
        mempool.clone(),
        dir,
        registry.as_mut(),
    )
    .await?;
    let p2p_addrs = network.listen_addrs().await.unwrap_or_default();
    tokio::spawn(publish_new_tips(chain.clone(), network.clone()));
    let miner = mining
        .as_ref()
        .map(|(config, _)| Arc::new(Miner::start(chain.clone(), mempool.clone(), config.clone())));
    let (shutdown_tx, mut shutdown_rx) = watch::channel(false);
    let stopping = Arc::new(AtomicBool::new(false));
    let miner_status = miner.clone().map(|m| {
        Arc::new(move || (m.threads(), m.hashrate())) as Arc<dyn Fn() -> (usize, f64) + Send + Sync>
    });
    let tip = chain
        .lock()
        .map_err(|_| anyhow::anyhow!("chain state lock poisoned"))?
        .subscribe();
    let ctx = Arc::new(RpcContext {
        chain: chain.clone(),
        tip,
        mempool: mempool.clone(),
        params: params.clone(),
        started: Instant::now(),
        shutdown: shutdown_tx.clone(),
        stopping: stopping.clone(),
        miner_status,
        aux_blocks: AuxBlockCache::new(),
        payout_address: mining
            .as_ref()
            .map(|(_, address)| address.clone())
            .or_else(|| args.mine_address.clone()),
        network: Some(network.clone()),
    });
    let server_shutdown = {
        let mut rx = shutdown_rx.clone();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    };
    let config = RpcServerConfig {
        credentials,
        methods: core_methods(),
    };
    let http_addr = match http {
        Some(addr) => {
            let mut rx = shutdown_rx.clone();
            let stop = async move {
                let _ = rx.wait_for(|stop| *stop).await;
            };
            Some(crate::explorer::start(addr, ctx.clone(), dir, stop).await?)
        }
        None => None,
    };
    let server = tokio::spawn(venture_rpc::serve(listener, ctx, config, server_shutdown));
    tokio::spawn(log_new_tips(chain.clone()));
    let metrics_addr = match (args.metrics, registry) {
        (Some(addr), Some(registry)) => Some(
            crate::metrics::start(
                addr,
                registry,
                dir,
                chain.clone(),
                mempool.clone(),
                network.clone(),
            )
            .await?,
        ),
        _ => None,
    };
    if let Some(command) = &args.block_notify {
        tokio::spawn(crate::block_notify::notify_new_tips(
            chain.clone(),
            command.clone(),
        ));
    }
    print_banner(
        &params,
        dir,
        rpc_addr,
        &cookie_path,
        mining.as_ref().map(|(c, a)| (a.as_str(), c.threads)),
    );
    println!(
        "  p2p       {} on {}",
        network.local_peer_id(),
        join(&p2p_addrs)
    );
    if let Some(addr) = metrics_addr {
        println!("  metrics   http://{addr}/metrics");
    }
    if let Some(addr) = http_addr {
        println!("  explorer  http://{addr}/");
    }

    tokio::select! {
        _ = shutdown_rx.wait_for(|stop| *stop) => info!("stop requested over RPC"),
        _ = terminate_signal() => info!("shutdown signal received"),
    }
    stopping.store(true, Ordering::Relaxed);
    let _ = shutdown_tx.send(true);
    if let Some(miner) = miner {
        // The RPC context may still hold a clone for a moment; stopping via Drop of the
        // last reference would also work, but stop the threads now.
        tokio::task::spawn_blocking(move || drop(miner)).await.ok();
    }
    match tokio::time::timeout(Duration::from_secs(10), server).await {
        Ok(Ok(Err(e))) => tracing::warn!("RPC server error: {e}"),
        Err(_) => tracing::warn!("RPC server did not stop within 10 s"),
        _ => {}
    }
    network.shutdown().await;
    let _ = tokio::time::timeout(Duration::from_secs(10), network_task).await;
    venture_rpc::remove_cookie(&cookie_path);
    let _ = std::fs::remove_file(datadir::rpc_addr_file(dir));
    let _ = std::fs::remove_file(datadir::metrics_addr_file(dir));
    let _ = std::fs::remove_file(datadir::http_addr_file(dir));
    let tip = chain.lock().map(|c| c.tip()).ok();
    if let Some(tip) = tip {
        info!(height = tip.height, hash = %tip.hash, "shut down cleanly");
    }
    Ok(())
}

/// Starts the peer-to-peer layer with the spec's and the command line's settings.
async fn start_network(
    args: &RunArgs,
    params: &ChainParams,
    chain: SharedChain,
    mempool: venture_mempool::SharedMempool,
    dir: &Path,
    registry: Option<&mut Registry>,
) -> Result<(NetworkHandle, tokio::task::JoinHandle<()>)> {
    let key =
        load_or_create_keypair(&datadir::node_key(dir)).context("cannot load the node key")?;
    let mut config = NetworkConfig::new(params.genesis_hash, key);
    config.listen = if args.p2p_listen.is_empty() {
        vec![parse_multiaddr(
            &format!("/ip4/0.0.0.0/tcp/{}", params.spec.network.p2p_port),
            "p2p port",
        )?]
    } else {
        args.p2p_listen
            .iter()
            .map(|a| parse_multiaddr(a, "--p2p-listen"))
            .collect::<Result<_>>()?
    };
    config.bootnodes = params
        .spec
        .network
        .bootnodes
        .iter()
        .map(|a| parse_multiaddr(a, "network.bootnodes"))
        .chain(
            args.bootnodes
                .iter()
                .map(|a| parse_multiaddr(a, "--bootnode")),
        )
        .collect::<Result<_>>()?;
    config.enable_mdns = args.mdns || (params.is_development() && !args.no_mdns);
    config.max_block_bytes = params.spec.consensus.max_block_weight as usize;
    config.user_agent = format!("/ventured:{}/", env!("CARGO_PKG_VERSION"));
    config.banlist_path = Some(datadir::banlist(dir));
    NetworkService::start_with_metrics(
        config,
        Arc::new(ChainAdapter::new(chain, mempool)),
        registry,
    )
    .await
    .context("cannot start the peer-to-peer layer")
}

fn parse_multiaddr(text: &str, origin: &str) -> Result<Multiaddr> {
    text.parse()
        .map_err(|e| anyhow::anyhow!("invalid multiaddress `{text}` in {origin}: {e}"))
}

fn join(addrs: &[Multiaddr]) -> String {
    addrs
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Gossips each new best block (mined here, submitted over RPC or received), unless
/// the node is still catching up. Re-publishing a block that came from gossip is a
/// harmless duplicate.
async fn publish_new_tips(chain: SharedChain, network: NetworkHandle) {
    let Ok(mut tips) = chain.lock().map(|c| c.subscribe()) else {
        return;
    };
    while tips.changed().await.is_ok() {
        let hash = tips.borrow_and_update().hash;
        // The chain's lock is a blocking one: take it off the async workers.
        let chain = chain.clone();
        let bytes = tokio::task::spawn_blocking(move || match chain.lock() {
            Ok(chain) if !chain.is_initial_download() => {
                chain.store().block_bytes(&hash).ok().flatten()
            }
            _ => None,
        })
        .await
        .ok()
        .flatten();
        if let Some(bytes) = bytes {
            if let Err(e) = network.publish_block(bytes).await {
                tracing::warn!(%hash, "cannot gossip block: {e}");
            }
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub(crate) async fn terminate_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Logs the best block as it moves, at most once a second.
async fn log_new_tips(chain: SharedChain) {
    let Ok(mut tips) = chain.lock().map(|c| c.subscribe()) else {
        return;
    };
    let mut last_height = tips.borrow().height;
    while tips.changed().await.is_ok() {
        let tip = tips.borrow_and_update().clone();
        let delta = i64::from(tip.height) - i64::from(last_height);
        info!(height = tip.height, hash = %tip.hash, "best block ({delta:+})");
        last_height = tip.height;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn print_banner(
    params: &ChainParams,
    dir: &Path,
    rpc: SocketAddr,
    cookie: &Path,
    mining: Option<(&str, usize)>,
) {
    println!("Venture node · {} ({})", params.spec.name, params.spec.id);
    println!("  genesis   {}", params.genesis_hash);
    println!("  data dir  {}", dir.display());
    println!("  RPC       http://{rpc}/  (cookie: {})", cookie.display());
    match mining {
        Some((address, threads)) => println!("  mining    to {address} with {threads} thread(s)"),
        None => println!("  mining    off"),
    }
    println!("Query it:");
    println!(
        "  curl -s --user \"$(cat {})\" -d '{{\"method\":\"getblockchaininfo\"}}' http://{rpc}/",
        cookie.display()
    );
    println!(
        "  litecoin-cli -rpcconnect={} -rpcport={} -rpccookiefile={} getblockchaininfo",
        rpc.ip(),
        rpc.port(),
        cookie.display()
    );
}
