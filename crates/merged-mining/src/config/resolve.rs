//! Settings to configs: defaults filled in, every value checked. Zero counts and
//! non-positive times or difficulties are refused rather than clamped, since they would
//! turn every miner away (or let every hash through) without saying why.

use crate::config::payout::{script_from_address, script_from_hex};
use crate::config::{
    AuxNodeSettings, ConfigError, CredentialsProblem, Field, LimitsSettings, MmConfig, MmSettings,
    ParentSettings, VardiffSettings, DEFAULT_STRATUM_LISTEN,
};
use crate::coordinator::{
    AuxConfig, CoordinatorConfig, NodeAuth, NodeEndpoint, ParentConfig,
    DEFAULT_MAX_SHARES_PER_BLOCK,
};
use crate::stratum::encoding::u32_from_hex;
use crate::stratum::version_rolling::DEFAULT_SERVER_MASK;
use crate::stratum::{StratumConfig, StratumLimits, VardiffConfig};
use std::path::PathBuf;
use std::time::Duration;
use venture_pow::PowAlgorithm;

impl MmSettings {
    /// The configs `ventured mm` runs with.
    pub fn resolve(self) -> Result<MmConfig, ConfigError> {
        let parent = self.parent.resolve()?;
        let aux = self
            .aux
            .into_iter()
            .map(AuxNodeSettings::resolve)
            .collect::<Result<_, _>>()?;
        let mut coordinator = CoordinatorConfig::new(parent, aux);
        if let Some(ms) = self.aux_poll_ms {
            coordinator.aux_poll_interval = Duration::from_millis(ms.max(1));
        }
        let vardiff = self.vardiff.resolve()?;
        let listen = match self.stratum_listen {
            Some(addr) => addr,
            None => DEFAULT_STRATUM_LISTEN
                .parse()
                .expect("the default listen address parses"),
        };
        let version_rolling_mask = match self.version_rolling_mask.as_deref() {
            None => DEFAULT_SERVER_MASK,
            Some(text) => u32_from_hex(text).ok_or_else(|| {
                ConfigError::invalid(
                    Field::VERSION_ROLLING_MASK,
                    format!("{text:?} is not 8 hex digits (BIP320's bits are \"1fffe000\")"),
                )
            })?,
        };
        let (limits, max_shares_per_block) = self.limits.resolve()?;
        coordinator.max_shares_per_block = max_shares_per_block;
        Ok(MmConfig {
            coordinator,
            stratum: StratumConfig {
                listen,
                vardiff,
                limits,
                version_rolling_mask,
                share_log: self.share_log,
            },
            status_file: self.status_file,
            metrics: self.metrics,
        })
    }
}

impl ParentSettings {
    fn resolve(self) -> Result<ParentConfig, ConfigError> {
        let pow: PowAlgorithm = self
            .pow
            .as_deref()
            .unwrap_or("sha256d")
            .parse()
            .map_err(|problem: String| ConfigError::invalid(Field::PARENT_POW, problem))?;
        let endpoint = match (self.datadir, self.url) {
            (Some(datadir), _) => NodeEndpoint::venture_datadir(&datadir),
            (None, Some(url)) => {
                let auth = node_auth(self.cookie, self.user, self.password)
                    .map_err(ConfigError::ParentCredentials)?;
                NodeEndpoint::new(url, auth)
            }
            (None, None) => return Err(ConfigError::MissingParent),
        };
        let payout_script = match (self.address_script, self.address) {
            (Some(hex_script), _) => script_from_hex(&hex_script)?,
            (None, Some(address)) => script_from_address(&address)?,
            (None, None) => return Err(ConfigError::MissingPayout),
        };
        let rules = self.rules.unwrap_or_else(|| match pow {
            PowAlgorithm::Scrypt => vec!["mweb".into(), "segwit".into()],
            PowAlgorithm::Sha256d => vec!["segwit".into()],
        });
        Ok(ParentConfig {
            endpoint,
            pow,
            rules,
            payout_script,
            longpoll: self.longpoll.unwrap_or(true),
            poll_interval: Duration::from_millis(self.poll_ms.unwrap_or(500)),
        })
    }
}

impl AuxNodeSettings {
    fn resolve(self) -> Result<AuxConfig, ConfigError> {
        let endpoint = match (self.url, self.datadir) {
            (None, Some(datadir)) => NodeEndpoint::venture_datadir(&datadir),
            (Some(url), None) => match node_auth(self.cookie, self.user, self.password) {
                Ok(auth) => NodeEndpoint::new(url, auth),
                Err(problem) => return Err(ConfigError::AuxCredentials { url, problem }),
            },
            (Some(url), Some(_)) => return Err(ConfigError::AuxUrlAndDatadir { url }),
            (None, None) => return Err(ConfigError::AuxNodeMissing),
        };
        Ok(AuxConfig {
            endpoint,
            address: self.address,
        })
    }
}

impl VardiffSettings {
    fn resolve(self) -> Result<VardiffConfig, ConfigError> {
        let defaults = VardiffConfig::default();
        let share_interval = match self.share_interval_s {
            Some(secs) => positive_seconds(secs, Field::SHARE_INTERVAL, "share interval")?,
            None => defaults.share_interval,
        };
        let vardiff = VardiffConfig {
            start: self.start.unwrap_or(defaults.start),
            min: self.min.unwrap_or(defaults.min),
            max: self.max.unwrap_or(defaults.max),
            share_interval,
        };
        for (field, name, value) in [
            (Field::START_DIFFICULTY, "start", vardiff.start),
            (Field::MIN_DIFFICULTY, "min", vardiff.min),
            (Field::MAX_DIFFICULTY, "max", vardiff.max),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return Err(ConfigError::invalid(
                    field,
                    format!("the {name} difficulty must be a positive number, not {value}"),
                ));
            }
        }
        Ok(vardiff)
    }
}

impl LimitsSettings {
    /// The Stratum server's bounds and the coordinator's share floor (defaults and
    /// reasons: [`StratumLimits`], [`crate::coordinator::share_floor`]).
    fn resolve(self) -> Result<(StratumLimits, u64), ConfigError> {
        let defaults = StratumLimits::default();
        let handshake_timeout = match self.handshake_timeout_s {
            Some(secs) => positive_seconds(secs, Field::HANDSHAKE_TIMEOUT, "handshake timeout")?,
            None => defaults.handshake_timeout,
        };
        let limits = StratumLimits {
            max_connections: at_least_one(
                self.max_connections.unwrap_or(defaults.max_connections),
                Field::MAX_CONNECTIONS,
                "max_connections",
            )?,
            handshake_timeout,
            max_workers: at_least_one(
                self.max_workers_per_connection
                    .unwrap_or(defaults.max_workers),
                Field::MAX_WORKERS_PER_CONNECTION,
                "max_workers_per_connection",
            )?,
        };
        let max_shares_per_block = at_least_one(
            self.max_shares_per_block
                .unwrap_or(DEFAULT_MAX_SHARES_PER_BLOCK),
            Field::MAX_SHARES_PER_BLOCK,
            "max_shares_per_block",
        )?;
        Ok((limits, max_shares_per_block))
    }
}

fn positive_seconds(secs: f64, field: Field, what: &str) -> Result<Duration, ConfigError> {
    if secs.is_finite() && secs > 0.0 {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(ConfigError::invalid(
            field,
            format!("the {what} must be a positive number of seconds, not {secs}"),
        ))
    }
}

fn at_least_one<N: PartialEq + From<u8>>(
    value: N,
    field: Field,
    name: &str,
) -> Result<N, ConfigError> {
    if value == N::from(0) {
        Err(ConfigError::invalid(
            field,
            format!("{name} must be at least 1"),
        ))
    } else {
        Ok(value)
    }
}

/// Exactly one way to log in: a cookie file, or a user (with a password, empty if not
/// given).
fn node_auth(
    cookie: Option<PathBuf>,
    user: Option<String>,
    password: Option<String>,
) -> Result<NodeAuth, CredentialsProblem> {
    match (cookie, user, password) {
        (Some(cookie), None, None) => Ok(NodeAuth::Cookie(cookie)),
        (None, Some(user), password) => Ok(NodeAuth::UserPassword {
            user,
            password: password.unwrap_or_default(),
        }),
        (None, None, _) => Err(CredentialsProblem::Missing),
        (Some(_), _, _) => Err(CredentialsProblem::Both),
    }
}
