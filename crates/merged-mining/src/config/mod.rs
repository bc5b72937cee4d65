//! The coordinator's configuration, from a TOML file, the command line, or both.
//!
//! [`MmSettings`] is the file's schema, deserialized once; the command line fills the
//! same struct, and [`MmSettings::over`] lays it over the file's (a flag beats the file,
//! which beats the default). [`MmSettings::resolve`] then fills in the defaults and
//! checks every value, giving what the coordinator and the Stratum server run with; a
//! bad value is refused with a [`ConfigError`] naming its flag and its TOML key. The
//! flags and keys are listed in `docs/mining.md`.

mod aux_flag;
mod error;
mod layer;
mod payout;
mod resolve;
mod schema;
#[cfg(test)]
mod tests;

pub use error::{ConfigError, CredentialsProblem, Field};
pub use payout::MAX_PAYOUT_SCRIPT_BYTES;
pub use schema::{AuxNodeSettings, LimitsSettings, MmSettings, ParentSettings, VardiffSettings};

use crate::coordinator::CoordinatorConfig;
use crate::stratum::StratumConfig;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Where miners connect when neither a flag nor the file says.
pub const DEFAULT_STRATUM_LISTEN: &str = "127.0.0.1:3333";

/// Everything `ventured mm` runs with, resolved and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct MmConfig {
    pub coordinator: CoordinatorConfig,
    pub stratum: StratumConfig,
    /// Rewritten every second with the bound Stratum address and the counters.
    pub status_file: Option<PathBuf>,
    /// Where Prometheus metrics are served (`/metrics`), if anywhere.
    pub metrics: Option<SocketAddr>,
}

impl MmSettings {
    /// Reads and parses a TOML configuration file.
    pub fn load(path: &Path) -> Result<MmSettings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        MmSettings::from_toml(&text).map_err(|source| ConfigError::Parse {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Parses the text of a TOML configuration; unknown keys are refused, so that a
    /// misspelt setting is not silently left at its default.
    pub fn from_toml(text: &str) -> Result<MmSettings, toml::de::Error> {
        toml::from_str(text)
    }
}
