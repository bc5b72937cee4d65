//! Bitcoin Core's RPC authentication: a random cookie in the data directory (user
//! `__cookie__`), a configured user and password, and Core's `rpcauth` entries (a user,
//! a salt and the password's HMAC-SHA256 under that salt, so the configuration never
//! holds the password), all sent as HTTP basic auth.

use base64::Engine;
use bitcoin::hashes::hmac::{Hmac, HmacEngine};
use bitcoin::hashes::{sha256, Hash, HashEngine};
use rand::RngCore;
use std::io::Write;
use std::path::Path;
use subtle::ConstantTimeEq;

/// The user name of cookie authentication.
pub const COOKIE_USER: &str = "__cookie__";

/// The accepted `user:password` pairs and `rpcauth` entries.
#[derive(Clone, Default)]
pub struct Credentials {
    accepted: Vec<String>,
    hashed: Vec<RpcAuth>,
}

/// One `rpcauth` entry: `USER:SALT$HASH` as Bitcoin Core's `share/rpcauth/rpcauth.py`
/// prints it, HASH being hex HMAC-SHA256 of the password keyed with SALT's text.
#[derive(Clone)]
struct RpcAuth {
    user: String,
    salt: String,
    hash: [u8; 32],
}

/// An `rpcauth` entry that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("rpcauth {entry:?}: {reason} (expected USER:SALT$HASH, HASH 64 hex digits, as Bitcoin Core's rpcauth.py prints)")]
pub struct RpcAuthError {
    entry: String,
    reason: &'static str,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Credentials({} accepted, {} rpcauth)",
            self.accepted.len(),
            self.hashed.len()
        )
    }
}

impl Credentials {
    pub fn new() -> Credentials {
        Credentials::default()
    }

    pub fn accept(&mut self, user: &str, password: &str) {
        self.accepted.push(format!("{user}:{password}"));
    }

    /// Accepts the user of an `rpcauth` entry, `USER:SALT$HASH`.
    pub fn accept_rpcauth(&mut self, entry: &str) -> Result<(), RpcAuthError> {
        let error = |reason| RpcAuthError {
            entry: entry.to_string(),
            reason,
        };
        let (user, rest) = entry
            .split_once(':')
            .ok_or_else(|| error("no ':' after the user"))?;
        let (salt, hash) = rest
            .split_once('$')
            .ok_or_else(|| error("no '$' after the salt"))?;
        if user.is_empty() || salt.is_empty() {
            return Err(error("empty user or salt"));
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(hash, &mut bytes)
            .map_err(|_| error("the hash is not 64 hex digits"))?;
        self.hashed.push(RpcAuth {
            user: user.to_string(),
            salt: salt.to_string(),
            hash: bytes,
        });
        Ok(())
    }

    /// Checks an `Authorization` header value (`Basic base64(user:password)`).
    pub fn check(&self, header: Option<&str>) -> bool {
        let Some(encoded) = header.and_then(|h| h.strip_prefix("Basic ")) else {
            return false;
        };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
            return false;
        };
        // Compared in constant time, so timing does not reveal a matching prefix.
        let plain = self
            .accepted
            .iter()
            .any(|pair| bool::from(pair.as_bytes().ct_eq(&decoded)));
        plain || self.check_rpcauth(&decoded)
    }

    fn check_rpcauth(&self, decoded: &[u8]) -> bool {
        let Some(colon) = decoded.iter().position(|b| *b == b':') else {
            return false;
        };
        let (user, password) = (&decoded[..colon], &decoded[colon + 1..]);
        self.hashed
            .iter()
            .filter(|entry| entry.user.as_bytes() == user)
            .any(|entry| {
                let mut engine = HmacEngine::<sha256::Hash>::new(entry.salt.as_bytes());
                engine.input(password);
                let mac = Hmac::<sha256::Hash>::from_engine(engine);
                bool::from(mac.to_byte_array().ct_eq(&entry.hash))
            })
    }
}

/// Writes a fresh cookie to `path` and returns its password. The file is readable by
/// its owner only from its creation on (opened with mode 0600, not changed after the
/// secret is in it), and it is a new file: a stale temporary file, or a link someone
/// put in its place, is removed first, never written through.
pub fn write_cookie(path: &Path) -> std::io::Result<String> {
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let password = hex::encode(secret);
    let tmp = path.with_extension("tmp");
    match std::fs::remove_file(&tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    file.write_all(format!("{COOKIE_USER}:{password}").as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)?;
    Ok(password)
}

/// Reads `user:password` from a cookie file.
pub fn read_cookie(path: &Path) -> std::io::Result<(String, String)> {
    let text = std::fs::read_to_string(path)?;
    let (user, password) = text.trim().split_once(':').ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "cookie is not user:password",
        )
    })?;
    Ok((user.to_string(), password.to_string()))
}

/// Deletes the cookie at shutdown.
pub fn remove_cookie(path: &Path) {
    let _ = std::fs::remove_file(path);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_the_right_pair() {
        let mut creds = Credentials::new();
        creds.accept("alice", "s3cret");
        let good = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("alice:s3cret")
        );
        let bad = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("alice:wrong")
        );
        assert!(creds.check(Some(&good)));
        assert!(!creds.check(Some(&bad)));
        assert!(!creds.check(Some("Bearer x")));
        assert!(!creds.check(None));
    }

    fn basic(pair: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    }

    /// An entry made by Bitcoin Core's rpcauth.py method (HMAC-SHA256 keyed with the
    /// salt's text): the password it hashes opens, nothing else does.
    #[test]
    fn an_rpcauth_entry_accepts_the_password_it_was_made_from() {
        let mut creds = Credentials::new();
        creds
            .accept_rpcauth("pool:c0ffee00c0ffee00c0ffee00c0ffee00$2634140800e147e56ead6b69065b8bcddc13d0b3efbe3e4a05f647ce1c6c990f")
            .unwrap();
        assert!(creds.check(Some(&basic("pool:hunter2"))));
        assert!(!creds.check(Some(&basic("pool:hunter3"))));
        assert!(!creds.check(Some(&basic("other:hunter2"))));
        assert!(!creds.check(Some(&basic("pool"))));
        for bad in ["pool", "pool:salt", "pool:salt$abc", ":salt$00", "pool:$00"] {
            let error = creds.accept_rpcauth(bad).unwrap_err().to_string();
            assert!(error.contains(bad), "{error}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_cookie_is_private_from_its_first_byte() {
        use std::io::Read;
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".cookie");
        let tmp = path.with_extension("tmp");
        let mode = |p: &Path| std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777;

        // Someone opened a world-readable temporary file left from an earlier run: the
        // secret must not reach what they hold open.
        std::fs::write(&tmp, "").unwrap();
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut early_reader = std::fs::File::open(&tmp).unwrap();
        let password = write_cookie(&path).unwrap();
        let mut seen = String::new();
        early_reader.read_to_string(&mut seen).unwrap();
        assert!(!seen.contains(&password), "the reader saw the cookie");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(read_cookie(&path).unwrap(), (COOKIE_USER.into(), password));

        // A link in the temporary file's place is replaced, not written through.
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "untouched").unwrap();
        std::os::unix::fs::symlink(&victim, &tmp).unwrap();
        let password = write_cookie(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
        assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
        assert_eq!(mode(&path), 0o600);
        assert_eq!(read_cookie(&path).unwrap().1, password);
    }
}
