//! Data directory layout and opening the chain in it.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use venture_chain::{Chain, Clock};
use venture_chainspec::ChainParams;

/// The RocksDB database of the chain.
pub fn chaindata(datadir: &Path) -> PathBuf {
    datadir.join("chaindata")
}

/// Bitcoin Core-style RPC cookie.
pub fn cookie(datadir: &Path) -> PathBuf {
    datadir.join(".cookie")
}

/// `host:port` the RPC server actually bound (useful with `--rpc-port 0`).
pub fn rpc_addr_file(datadir: &Path) -> PathBuf {
    datadir.join("rpc.addr")
}

/// Where the explorer's bound address is written while it runs.
pub fn http_addr_file(datadir: &Path) -> PathBuf {
    datadir.join("http.addr")
}

/// Where the metrics server's bound address is written while it runs.
pub fn metrics_addr_file(datadir: &Path) -> PathBuf {
    datadir.join("metrics.addr")
}

/// The peer-to-peer identity (ed25519 secret, mode 0600).
pub fn node_key(datadir: &Path) -> PathBuf {
    datadir.join("node_key")
}

/// Bans that survive a restart.
pub fn banlist(datadir: &Path) -> PathBuf {
    datadir.join("banlist.json")
}

/// `~/.venture/<chain id>` unless a directory is given.
pub fn resolve(datadir: Option<&Path>, params: &ChainParams) -> PathBuf {
    match datadir {
        Some(dir) => dir.to_path_buf(),
        None => {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("."));
            home.join(".venture").join(&params.spec.id)
        }
    }
}

/// Loads a spec by built-in name or path, with the reason on failure.
pub fn load_params(chain: &str) -> Result<Arc<ChainParams>> {
    let params =
        ChainParams::load(chain).with_context(|| format!("cannot load chain spec `{chain}`"))?;
    Ok(Arc::new(params))
}

/// Opens (creating if needed) the chain in `datadir`.
pub fn open_chain(params: Arc<ChainParams>, datadir: &Path) -> Result<Chain> {
    std::fs::create_dir_all(datadir)
        .with_context(|| format!("cannot create data directory {}", datadir.display()))?;
    let path = chaindata(datadir);
    Chain::open(params, &path, Clock::system()).map_err(|e| {
        let text = e.to_string();
        if text.contains("lock") {
            anyhow::anyhow!(
                "cannot open {}: {text}\n(is another ventured using this data directory?)",
                path.display()
            )
        } else {
            anyhow::anyhow!("cannot open the chain in {}: {text}", datadir.display())
        }
    })
}
