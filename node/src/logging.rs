//! Log output: `tracing` to stderr, filtered by `--log` or `RUST_LOG`.

use tracing_subscriber::EnvFilter;

/// `info`, without gossipsub's per-message warnings (re-publishing a block that already
/// arrived by gossip is expected: the node publishes every new tip).
const DEFAULT_FILTER: &str = "info,libp2p_gossipsub=error";

/// Installs the subscriber; `filter` is an `EnvFilter` directive such as `info` or
/// `venture_chain=debug,info`.
pub fn init(filter: Option<&str>) {
    let filter = filter
        .map(EnvFilter::new)
        .or_else(|| EnvFilter::try_from_default_env().ok())
        .unwrap_or_else(|| EnvFilter::new(DEFAULT_FILTER));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}
