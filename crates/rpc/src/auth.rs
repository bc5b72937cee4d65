//! Bitcoin Core's RPC authentication: a random cookie in the data directory (user
//! `__cookie__`), and/or a configured user and password, sent as HTTP basic auth.

use base64::Engine;
use rand::RngCore;
use std::io::Write;
use std::path::Path;
use subtle::ConstantTimeEq;

/// The user name of cookie authentication.
pub const COOKIE_USER: &str = "__cookie__";

/// The accepted `user:password` pairs.
#[derive(Clone, Default)]
pub struct Credentials {
    accepted: Vec<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({} accepted)", self.accepted.len())
    }
}

impl Credentials {
    pub fn new() -> Credentials {
        Credentials::default()
    }

    pub fn accept(&mut self, user: &str, password: &str) {
        self.accepted.push(format!("{user}:{password}"));
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
        self.accepted
            .iter()
            .any(|pair| bool::from(pair.as_bytes().ct_eq(&decoded)))
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
