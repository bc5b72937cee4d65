//! `ventured mm`'s bounds on what miners can make it hold and do, from flags or the
//! TOML `[limits]` table (flags win). Defaults and reasons are in
//! [`venture_merged_mining::stratum::StratumLimits`] and [`venture_merged_mining::coordinator::share_floor`].

use anyhow::{bail, Result};
use serde::Deserialize;
use std::time::Duration;
use venture_merged_mining::coordinator::DEFAULT_MAX_SHARES_PER_BLOCK;
use venture_merged_mining::stratum::StratumLimits;

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

/// The TOML `[limits]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLimits {
    max_connections: Option<usize>,
    handshake_timeout_s: Option<f64>,
    max_workers_per_connection: Option<usize>,
    max_shares_per_block: Option<u64>,
}

/// The bounds, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub stratum: StratumLimits,
    pub max_shares_per_block: u64,
}

/// Flags over the file over the defaults; zero counts and non-positive times are
/// refused, since they would turn every miner away.
pub fn resolve_limits(args: &LimitsArgs, file: Option<FileLimits>) -> Result<Limits> {
    let file = file.unwrap_or_default();
    let defaults = StratumLimits::default();
    let max_connections = args
        .max_connections
        .or(file.max_connections)
        .unwrap_or(defaults.max_connections);
    let max_workers = args
        .max_workers_per_connection
        .or(file.max_workers_per_connection)
        .unwrap_or(defaults.max_workers);
    let handshake_timeout = match args.handshake_timeout.or(file.handshake_timeout_s) {
        Some(secs) if secs.is_finite() && secs > 0.0 => Duration::from_secs_f64(secs),
        Some(secs) => {
            bail!("the handshake timeout must be a positive number of seconds, not {secs}")
        }
        None => defaults.handshake_timeout,
    };
    if max_connections == 0 {
        bail!("max_connections must be at least 1");
    }
    if max_workers == 0 {
        bail!("max_workers_per_connection must be at least 1");
    }
    let max_shares_per_block = args
        .max_shares_per_block
        .or(file.max_shares_per_block)
        .unwrap_or(DEFAULT_MAX_SHARES_PER_BLOCK);
    if max_shares_per_block == 0 {
        bail!("max_shares_per_block must be at least 1");
    }
    Ok(Limits {
        stratum: StratumLimits {
            max_connections,
            handshake_timeout,
            max_workers,
        },
        max_shares_per_block,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_zeros_are_refused() {
        let file: FileLimits = toml::from_str(
            "max_connections = 10\nhandshake_timeout_s = 2.5\nmax_workers_per_connection = 3\n\
             max_shares_per_block = 1000",
        )
        .unwrap();
        let args = LimitsArgs {
            max_connections: Some(20),
            ..LimitsArgs::default()
        };
        let limits = resolve_limits(&args, Some(file)).unwrap();
        assert_eq!(limits.stratum.max_connections, 20);
        assert_eq!(
            limits.stratum.handshake_timeout,
            Duration::from_millis(2_500)
        );
        assert_eq!(limits.stratum.max_workers, 3);
        assert_eq!(limits.max_shares_per_block, 1000);
        let defaults = resolve_limits(&LimitsArgs::default(), None).unwrap();
        assert_eq!(defaults.stratum, StratumLimits::default());
        assert_eq!(defaults.max_shares_per_block, 1 << 32);
        for bad in [
            "max_connections = 0",
            "max_workers_per_connection = 0",
            "handshake_timeout_s = 0",
            "max_shares_per_block = 0",
        ] {
            let file: FileLimits = toml::from_str(bad).unwrap();
            assert!(resolve_limits(&LimitsArgs::default(), Some(file)).is_err());
        }
        assert!(toml::from_str::<FileLimits>("max_conections = 1").is_err());
    }
}
