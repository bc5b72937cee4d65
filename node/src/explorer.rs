//! `--http ADDR`: the block explorer and launch dashboard, served next to RPC from the
//! same RPC context and methods.

use crate::datadir;
use crate::manifest::{own_binary_sha256, LaunchManifest};
use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use venture_explorer::Site;
use venture_rpc::{core_methods, RpcContext};

/// Binds `addr`, writes the bound address to the data directory and serves the
/// explorer until `shutdown` resolves. Returns the bound address.
pub async fn start(
    addr: SocketAddr,
    ctx: Arc<RpcContext>,
    dir: &Path,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen for the explorer (--http) on {addr}"))?;
    let bound = listener.local_addr()?;
    std::fs::write(datadir::http_addr_file(dir), bound.to_string())?;
    let manifest = LaunchManifest::of(&ctx.params, own_binary_sha256());
    let site = Site {
        manifest: vec![
            ("Format".into(), manifest.format),
            ("Spec hash".into(), manifest.spec_hash),
            ("Genesis block".into(), manifest.genesis_hash),
            (
                format!(
                    "This node's binary ({} {})",
                    manifest.binary.name, manifest.binary.version
                ),
                manifest
                    .binary
                    .sha256
                    .unwrap_or_else(|| "unreadable".into()),
            ),
        ],
    };
    tokio::spawn(venture_explorer::serve(
        listener,
        ctx,
        core_methods(),
        site,
        shutdown,
    ));
    Ok(bound)
}
