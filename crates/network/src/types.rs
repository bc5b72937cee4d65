//! Our own peer id and multiaddr types, so no libp2p type leaks into the public API.
//! Both parse and validate on construction and (de)serialize as their usual strings.

use crate::NetworkError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A node's identity: the hash of its public key, shown as base58 (`12D3KooW...`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeerId(pub(crate) libp2p::PeerId);

impl PeerId {
    pub(crate) fn from_libp2p(id: libp2p::PeerId) -> PeerId {
        PeerId(id)
    }

    pub(crate) fn as_libp2p(&self) -> &libp2p::PeerId {
        &self.0
    }
}

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PeerId({})", self.0)
    }
}

/// Parses a peer id strictly. libp2p accepts any short "identity" multihash (so
/// `12D3KooWnope` would pass); we also require that such a digest is a public key, and
/// that a hashed id is a full SHA-256.
pub(crate) fn parse_peer_id(s: &str) -> Option<libp2p::PeerId> {
    const IDENTITY: u64 = 0x00;
    const SHA2_256: u64 = 0x12;
    let peer = libp2p::PeerId::from_str(s.trim()).ok()?;
    let multihash: &libp2p::multihash::Multihash<64> = peer.as_ref();
    let valid = match multihash.code() {
        IDENTITY => libp2p::identity::PublicKey::try_decode_protobuf(multihash.digest()).is_ok(),
        SHA2_256 => multihash.digest().len() == 32,
        _ => false,
    };
    valid.then_some(peer)
}

impl FromStr for PeerId {
    type Err = NetworkError;

    fn from_str(s: &str) -> Result<PeerId, NetworkError> {
        parse_peer_id(s)
            .map(PeerId)
            .ok_or_else(|| NetworkError::InvalidPeerId(s.to_string()))
    }
}

/// A network address in multiaddr form, e.g. `/ip4/127.0.0.1/tcp/30333` or
/// `/dns4/seed.example.org/tcp/30333/p2p/12D3KooW...`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Multiaddr(pub(crate) libp2p::Multiaddr);

impl Multiaddr {
    pub(crate) fn from_libp2p(addr: libp2p::Multiaddr) -> Multiaddr {
        Multiaddr(addr)
    }

    pub(crate) fn as_libp2p(&self) -> &libp2p::Multiaddr {
        &self.0
    }

    /// The peer id of a trailing `/p2p/<id>` component, if any.
    pub fn peer_id(&self) -> Option<PeerId> {
        match self.0.iter().last() {
            Some(libp2p::multiaddr::Protocol::P2p(id)) => Some(PeerId(id)),
            _ => None,
        }
    }

    /// The address without a trailing `/p2p/<id>` component.
    pub fn without_peer_id(&self) -> Multiaddr {
        let mut addr = self.0.clone();
        if matches!(
            addr.iter().last(),
            Some(libp2p::multiaddr::Protocol::P2p(_))
        ) {
            addr.pop();
        }
        Multiaddr(addr)
    }

    /// The address with `/p2p/<peer>` appended (replacing any peer id it had), the form
    /// other nodes take as a bootnode.
    pub fn with_peer_id(&self, peer: &PeerId) -> Multiaddr {
        let mut addr = self.without_peer_id().0;
        addr.push(libp2p::multiaddr::Protocol::P2p(peer.0));
        Multiaddr(addr)
    }

    /// The IP address, if the multiaddr starts with `/ip4` or `/ip6`.
    pub fn ip(&self) -> Option<std::net::IpAddr> {
        crate::bans::ip_of(&self.0)
    }

    /// The TCP port, if any.
    pub fn tcp_port(&self) -> Option<u16> {
        self.0.iter().find_map(|p| match p {
            libp2p::multiaddr::Protocol::Tcp(port) => Some(port),
            _ => None,
        })
    }
}

impl fmt::Display for Multiaddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for Multiaddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Multiaddr({})", self.0)
    }
}

impl FromStr for Multiaddr {
    type Err = NetworkError;

    fn from_str(s: &str) -> Result<Multiaddr, NetworkError> {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err(NetworkError::InvalidMultiaddr {
                input: s.to_string(),
                reason: "empty".into(),
            });
        }
        libp2p::Multiaddr::from_str(trimmed)
            .map(Multiaddr)
            .map_err(|e| NetworkError::InvalidMultiaddr {
                input: s.to_string(),
                reason: e.to_string(),
            })
    }
}

macro_rules! string_serde {
    ($ty:ty) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

string_serde!(PeerId);
string_serde!(Multiaddr);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiaddr_peer_id_round_trip() {
        let key = libp2p::identity::Keypair::generate_ed25519();
        let peer = PeerId(key.public().to_peer_id());
        let addr: Multiaddr = "/ip4/127.0.0.1/tcp/4001".parse().unwrap();
        assert_eq!(addr.peer_id(), None);
        assert_eq!(addr.tcp_port(), Some(4001));
        let full = addr.with_peer_id(&peer);
        assert_eq!(full.peer_id(), Some(peer));
        assert_eq!(full.without_peer_id(), addr);
        let parsed: Multiaddr = full.to_string().parse().unwrap();
        assert_eq!(parsed, full);
        let peer_again: PeerId = peer.to_string().parse().unwrap();
        assert_eq!(peer_again, peer);
        assert_eq!(serde_json::to_string(&peer).unwrap(), format!("\"{peer}\""));
    }

    #[test]
    fn garbage_is_refused() {
        assert!("not an address".parse::<Multiaddr>().is_err());
        assert!("".parse::<Multiaddr>().is_err());
        assert!("12D3KooWnope".parse::<PeerId>().is_err());
        assert!("12".parse::<PeerId>().is_err());
        assert!("127.0.0.1".parse::<PeerId>().is_err());
    }
}
