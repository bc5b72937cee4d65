//! Log output: `tracing` to stderr, filtered by `--log` or `RUST_LOG`.

use tracing_subscriber::EnvFilter;

/// Installs the subscriber; `filter` is an `EnvFilter` directive such as `info` or
/// `venture_chain=debug,info`.
pub fn init(filter: Option<&str>) {
    let filter = filter
        .map(EnvFilter::new)
        .or_else(|| EnvFilter::try_from_default_env().ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
