//! Why a configuration is refused. Every value is named by its flag and its TOML key,
//! since after layering it may have come from either.

use std::fmt;
use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid configuration {}", path.display())]
    Parse {
        path: PathBuf,
        #[source]
        source: toml::de::Error,
    },
    /// A value that is given but cannot be used.
    #[error("{field}: {problem}")]
    Invalid { field: Field, problem: String },
    #[error("the parent node is missing: give --parent-url (or [parent] url)")]
    MissingParent,
    #[error(
        "the parent payout is missing: give --parent-address-script HEX (or --parent-address)"
    )]
    MissingPayout,
    #[error("the parent node's credentials: {0}")]
    ParentCredentials(CredentialsProblem),
    #[error("the credentials of aux node {url}: {problem}")]
    AuxCredentials {
        url: String,
        problem: CredentialsProblem,
    },
    #[error("aux node {url}: give url or datadir, not both")]
    AuxUrlAndDatadir { url: String },
    #[error("an aux node needs url (or datadir)")]
    AuxNodeMissing,
    /// An `--aux` value that does not parse.
    #[error("--aux {spec}: {problem}")]
    AuxFlag { spec: String, problem: String },
}

impl ConfigError {
    pub(crate) fn invalid(field: Field, problem: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            field,
            problem: problem.into(),
        }
    }
}

/// How a node's credentials are wrong: a node needs exactly one way to log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum CredentialsProblem {
    #[error("give a cookie file or a user and password")]
    Missing,
    #[error("give a cookie file or a user and password, not both")]
    Both,
}

/// A setting, as a flag and as a TOML key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub flag: &'static str,
    pub key: &'static str,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.flag, self.key)
    }
}

impl Field {
    pub const VERSION_ROLLING_MASK: Field =
        Field::new("--version-rolling-mask", "version_rolling_mask");
    pub const PARENT_POW: Field = Field::new("--parent-pow", "[parent] pow");
    pub const PARENT_ADDRESS_SCRIPT: Field =
        Field::new("--parent-address-script", "[parent] address_script");
    pub const PARENT_ADDRESS: Field = Field::new("--parent-address", "[parent] address");
    pub const START_DIFFICULTY: Field = Field::new("--start-difficulty", "[vardiff] start");
    pub const MIN_DIFFICULTY: Field = Field::new("--min-difficulty", "[vardiff] min");
    pub const MAX_DIFFICULTY: Field = Field::new("--max-difficulty", "[vardiff] max");
    pub const SHARE_INTERVAL: Field = Field::new("--share-interval", "[vardiff] share_interval_s");
    pub const MAX_CONNECTIONS: Field = Field::new("--max-connections", "[limits] max_connections");
    pub const HANDSHAKE_TIMEOUT: Field =
        Field::new("--handshake-timeout", "[limits] handshake_timeout_s");
    pub const MAX_WORKERS_PER_CONNECTION: Field = Field::new(
        "--max-workers-per-connection",
        "[limits] max_workers_per_connection",
    );
    pub const MAX_SHARES_PER_BLOCK: Field =
        Field::new("--max-shares-per-block", "[limits] max_shares_per_block");

    const fn new(flag: &'static str, key: &'static str) -> Field {
        Field { flag, key }
    }
}
