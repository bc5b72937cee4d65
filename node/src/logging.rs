//! Log output: `tracing` to stderr, filtered by `--log`, `RUST_LOG` or `-v`/`-q`, as
//! text or as JSON lines.

use crate::cli::LogFormat;
use tracing_subscriber::EnvFilter;

/// Gossipsub's per-message warnings are left out at every level but trace: re-publishing
/// a block that already arrived by gossip is expected (the node publishes every tip).
const QUIET_GOSSIP: &str = "libp2p_gossipsub=error";

/// The filter for a verbosity: 0 is `info`, each `-v` one level more, each `-q` one less.
fn level_filter(verbosity: i16) -> String {
    match verbosity {
        i16::MIN..=-2 => format!("error,{QUIET_GOSSIP}"),
        -1 => format!("warn,{QUIET_GOSSIP}"),
        0 => format!("info,{QUIET_GOSSIP}"),
        1 => format!("debug,{QUIET_GOSSIP}"),
        _ => "trace".to_string(),
    }
}

/// Installs the subscriber. `filter` (an `EnvFilter` directive such as `info` or
/// `venture_chain=debug,info`) wins, then `RUST_LOG`, then `verbosity`.
pub fn init(filter: Option<&str>, verbosity: i16, format: LogFormat) {
    let filter = filter
        .map(EnvFilter::new)
        .or_else(|| EnvFilter::try_from_default_env().ok())
        .unwrap_or_else(|| EnvFilter::new(level_filter(verbosity)));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_v_and_q_moves_one_level() {
        assert!(level_filter(0).starts_with("info,"));
        assert!(level_filter(1).starts_with("debug,"));
        assert_eq!(level_filter(2), "trace");
        assert_eq!(level_filter(5), "trace");
        assert!(level_filter(-1).starts_with("warn,"));
        assert!(level_filter(-2).starts_with("error,"));
        assert!(level_filter(-7).starts_with("error,"));
    }
}
