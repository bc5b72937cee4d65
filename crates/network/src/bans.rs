//! The ban list: peer ids and IP subnets refused until a point in wall-clock time.
//! Times are Unix seconds, since bans are shown to users and may be saved to a file.

use crate::{BanEntry, NetworkError};
use libp2p::multiaddr::Protocol;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

/// What a ban applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum BanTarget {
    Peer(libp2p::PeerId),
    /// A network address masked to `prefix` bits.
    Subnet {
        network: IpAddr,
        prefix: u8,
    },
}

impl BanTarget {
    /// Parses a peer id, an IP address (a /32 or /128 subnet) or `address/prefix`.
    pub fn parse(input: &str) -> Result<BanTarget, NetworkError> {
        let s = input.trim();
        if let Some(peer) = crate::types::parse_peer_id(s) {
            return Ok(BanTarget::Peer(peer));
        }
        let invalid = || NetworkError::InvalidBanTarget(input.to_string());
        let (ip, prefix) = match s.split_once('/') {
            Some((ip, prefix)) => {
                let ip = IpAddr::from_str(ip).map_err(|_| invalid())?;
                let prefix = prefix.parse::<u8>().map_err(|_| invalid())?;
                (ip, prefix)
            }
            None => {
                let ip = IpAddr::from_str(s).map_err(|_| invalid())?;
                (ip, max_prefix(&ip))
            }
        };
        if prefix > max_prefix(&ip) {
            return Err(invalid());
        }
        Ok(BanTarget::subnet(ip, prefix))
    }

    pub fn subnet(ip: IpAddr, prefix: u8) -> BanTarget {
        BanTarget::Subnet {
            network: mask(&ip, prefix),
            prefix,
        }
    }

    pub fn single_ip(ip: IpAddr) -> BanTarget {
        BanTarget::subnet(ip, max_prefix(&ip))
    }

    fn contains(&self, ip: &IpAddr) -> bool {
        match self {
            BanTarget::Peer(_) => false,
            BanTarget::Subnet { network, prefix } => {
                network.is_ipv4() == ip.is_ipv4() && mask(ip, *prefix) == *network
            }
        }
    }
}

impl std::fmt::Display for BanTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BanTarget::Peer(peer) => write!(f, "{peer}"),
            BanTarget::Subnet { network, prefix } => write!(f, "{network}/{prefix}"),
        }
    }
}

fn max_prefix(ip: &IpAddr) -> u8 {
    if ip.is_ipv4() {
        32
    } else {
        128
    }
}

fn mask(ip: &IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(*v4);
            let mask = u32::MAX
                .checked_shl(32 - u32::from(prefix.min(32)))
                .unwrap_or(0);
            IpAddr::V4((bits & mask).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(*v6);
            let mask = u128::MAX
                .checked_shl(128 - u32::from(prefix.min(128)))
                .unwrap_or(0);
            IpAddr::V6((bits & mask).into())
        }
    }
}

/// The IP address a multiaddr starts with, if any.
pub(crate) fn ip_of(addr: &libp2p::Multiaddr) -> Option<IpAddr> {
    addr.iter().find_map(|p| match p {
        Protocol::Ip4(ip) => Some(IpAddr::V4(ip)),
        Protocol::Ip6(ip) => Some(IpAddr::V6(ip)),
        _ => None,
    })
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    created: u64,
    until: u64,
    reason: String,
}

/// The bans in force.
#[derive(Debug, Default)]
pub(crate) struct BanList {
    entries: BTreeMap<BanTarget, Record>,
}

/// The saved form: a JSON object from target string to record.
type SavedBans = BTreeMap<String, Record>;

impl BanList {
    /// Adds a ban; false if the target was already banned.
    pub fn insert(&mut self, target: BanTarget, now: u64, until: u64, reason: &str) -> bool {
        if self.entries.get(&target).is_some_and(|r| r.until > now) {
            return false;
        }
        self.entries.insert(
            target,
            Record {
                created: now,
                until,
                reason: reason.to_string(),
            },
        );
        true
    }

    pub fn remove(&mut self, target: &BanTarget) -> bool {
        self.entries.remove(target).is_some()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn is_peer_banned(&self, peer: &libp2p::PeerId, now: u64) -> bool {
        self.entries
            .get(&BanTarget::Peer(*peer))
            .is_some_and(|r| r.until > now)
    }

    pub fn is_ip_banned(&self, ip: &IpAddr, now: u64) -> bool {
        self.entries
            .iter()
            .any(|(target, record)| record.until > now && target.contains(ip))
    }

    /// Drops bans that have run out; returns whether any did.
    pub fn expire(&mut self, now: u64) -> bool {
        let before = self.entries.len();
        self.entries.retain(|_, record| record.until > now);
        self.entries.len() != before
    }

    pub fn list(&self, now: u64) -> Vec<BanEntry> {
        self.entries
            .iter()
            .filter(|(_, record)| record.until > now)
            .map(|(target, record)| BanEntry {
                address: target.to_string(),
                ban_created: record.created,
                banned_until: record.until,
                ban_duration: record.until.saturating_sub(record.created),
                time_remaining: record.until.saturating_sub(now),
                reason: record.reason.clone(),
            })
            .collect()
    }

    pub fn to_json(&self) -> String {
        let saved: SavedBans = self
            .entries
            .iter()
            .map(|(target, record)| (target.to_string(), record.clone()))
            .collect();
        serde_json::to_string_pretty(&saved).unwrap_or_default()
    }

    /// Loads a saved list; a missing file is an empty list.
    pub fn load(path: &Path, now: u64) -> Result<BanList, NetworkError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BanList::default()),
            Err(e) => {
                return Err(NetworkError::BanList {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })
            }
        };
        let saved: SavedBans = serde_json::from_str(&text).map_err(|e| NetworkError::BanList {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let mut list = BanList::default();
        for (target, record) in saved {
            let target = BanTarget::parse(&target).map_err(|e| NetworkError::BanList {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
            if record.until > now {
                list.entries.insert(target, record);
            }
        }
        Ok(list)
    }
}

/// Writes the list atomically (temporary file, then rename).
pub(crate) fn save(path: &Path, json: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets_match_their_addresses() {
        let target = BanTarget::parse("10.1.2.3/16").unwrap();
        assert_eq!(target.to_string(), "10.1.0.0/16");
        assert!(target.contains(&"10.1.200.9".parse().unwrap()));
        assert!(!target.contains(&"10.2.0.1".parse().unwrap()));
        assert!(!target.contains(&"::1".parse().unwrap()));
        assert_eq!(
            BanTarget::parse("1.2.3.4").unwrap().to_string(),
            "1.2.3.4/32"
        );
        assert_eq!(BanTarget::parse("::1").unwrap().to_string(), "::1/128");
        assert!(BanTarget::parse("0.0.0.0/0")
            .unwrap()
            .contains(&"8.8.8.8".parse().unwrap()));
        assert!(BanTarget::parse("1.2.3.4/33").is_err());
        assert!(BanTarget::parse("example.org").is_err());
        let peer = libp2p::identity::Keypair::generate_ed25519()
            .public()
            .to_peer_id();
        assert_eq!(
            BanTarget::parse(&peer.to_string()).unwrap(),
            BanTarget::Peer(peer)
        );
    }

    #[test]
    fn bans_expire_and_survive_a_save() {
        let mut list = BanList::default();
        let peer = libp2p::identity::Keypair::generate_ed25519()
            .public()
            .to_peer_id();
        assert!(list.insert(BanTarget::Peer(peer), 100, 200, "test"));
        assert!(!list.insert(BanTarget::Peer(peer), 150, 300, "again"));
        assert!(list.insert(BanTarget::parse("1.2.3.4").unwrap(), 100, 1_000, "ip"));
        assert!(list.is_peer_banned(&peer, 199));
        assert!(!list.is_peer_banned(&peer, 200));
        assert!(list.is_ip_banned(&"1.2.3.4".parse().unwrap(), 500));
        let entries = list.list(150);
        assert_eq!(entries.len(), 2);
        assert!(entries
            .iter()
            .any(|e| e.address == peer.to_string() && e.time_remaining == 50));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("banlist.json");
        save(&path, &list.to_json()).unwrap();
        let loaded = BanList::load(&path, 250).unwrap();
        assert_eq!(
            loaded.list(250).len(),
            1,
            "the expired peer ban is not loaded"
        );
        assert!(list.expire(250));
        assert_eq!(list.list(250).len(), 1);
    }
}
