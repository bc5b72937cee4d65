//! The node's persistent identity: an ed25519 key kept in a file, whose public half
//! is the peer id other nodes know it by (and bootnode addresses name).
//!
//! The file holds the 32-byte secret as hex on one line, created with mode 0600.

use crate::{NetworkError, PeerId};
use std::fmt;
use std::io::Write;
use std::path::Path;

/// The node's key pair. Cloning copies the secret; `Debug` shows only the peer id.
#[derive(Clone)]
pub struct NodeKey(pub(crate) libp2p::identity::Keypair);

impl NodeKey {
    /// A fresh random key (tests, throwaway nodes).
    pub fn generate() -> NodeKey {
        NodeKey(libp2p::identity::Keypair::generate_ed25519())
    }

    /// The key from its 32-byte ed25519 secret.
    pub fn from_secret_bytes(mut secret: [u8; 32]) -> Result<NodeKey, NetworkError> {
        libp2p::identity::Keypair::ed25519_from_bytes(&mut secret)
            .map(NodeKey)
            .map_err(|e| NetworkError::Config(format!("invalid ed25519 secret: {e}")))
    }

    /// The peer id derived from the public key.
    pub fn peer_id(&self) -> PeerId {
        PeerId::from_libp2p(self.0.public().to_peer_id())
    }

    fn secret_hex(&self) -> Option<String> {
        let ed = self.0.clone().try_into_ed25519().ok()?;
        Some(hex::encode(ed.secret().as_ref()))
    }
}

impl fmt::Debug for NodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeKey({})", self.peer_id())
    }
}

/// Loads the node key from `path`, or creates one there (mode 0600, parent directories
/// included) if the file does not exist. A file that exists but holds no valid key is an
/// error, never silently replaced: the peer id is what other nodes know us by.
pub fn load_or_create_keypair(path: &Path) -> Result<NodeKey, NetworkError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_key(path, &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = NodeKey::generate();
            write_key(path, &key)?;
            Ok(key)
        }
        Err(source) => Err(NetworkError::KeyIo {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn parse_key(path: &Path, text: &str) -> Result<NodeKey, NetworkError> {
    let format_error = |reason: &str| NetworkError::KeyFormat {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let bytes = hex::decode(text.trim()).map_err(|_| format_error("not hex"))?;
    let secret: [u8; 32] = bytes
        .try_into()
        .map_err(|_| format_error("expected a 32-byte ed25519 secret"))?;
    NodeKey::from_secret_bytes(secret).map_err(|e| format_error(&e.to_string()))
}

fn write_key(path: &Path, key: &NodeKey) -> Result<(), NetworkError> {
    let io_error = |source| NetworkError::KeyIo {
        path: path.to_path_buf(),
        source,
    };
    let hex = key.secret_hex().ok_or_else(|| NetworkError::KeyFormat {
        path: path.to_path_buf(),
        reason: "only ed25519 keys can be stored".into(),
    })?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io_error)?;
    }
    // Write a temporary file and rename it, so a crash never leaves a half-written key
    // that the next start would refuse.
    // The mode applies only to a file this call creates: a leftover temporary file
    // (perhaps world-readable, perhaps a planted link) is removed, never written through.
    let tmp = path.with_extension("tmp");
    match std::fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(e)),
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp).map_err(io_error)?;
    file.write_all(format!("{hex}\n").as_bytes())
        .map_err(io_error)?;
    file.sync_all().map_err(io_error)?;
    std::fs::rename(&tmp, path).map_err(io_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_stale_world_readable_temporary_file_does_not_leak_the_key() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node_key");
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, "left over").unwrap();
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o644)).unwrap();
        load_or_create_keypair(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn created_once_then_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("network").join("node_key");
        let first = load_or_create_keypair(&path).unwrap();
        let second = load_or_create_keypair(&path).unwrap();
        assert_eq!(first.peer_id(), second.peer_id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn corrupt_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node_key");
        std::fs::write(&path, "zz").unwrap();
        assert!(matches!(
            load_or_create_keypair(&path),
            Err(NetworkError::KeyFormat { .. })
        ));
        std::fs::write(&path, "abcd").unwrap();
        assert!(load_or_create_keypair(&path).is_err());
    }
}
