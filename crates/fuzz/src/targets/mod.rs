//! The fuzz targets: each is a function of untrusted bytes, run the way the node runs
//! the decoder those bytes reach, with the memory bound that decoder's limits imply.
//!
//! A target returns an outcome fingerprint (which error, which shape of success) that
//! serves as feedback when the build has no coverage instrumentation, or a [`Mismatch`]
//! when a property the format promises fails (chiefly: what decodes re-encodes to the
//! same bytes).

mod chainspec;
mod consensus;
mod mm;
pub(crate) mod stratum;
mod sync;

use std::hash::{DefaultHasher, Hash, Hasher};

/// A property the format promises that an input broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Mismatch(pub String);

/// How inputs of a target are best mutated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Binary consensus encodings: byte and length-prefix mutations.
    Binary,
    /// TOML or JSON lines: token and line mutations as well.
    Text,
}

/// Memory a target may use for one input of `len` bytes: no single request above
/// `single_base + single_per_byte * len`, and no more than
/// `live_base + live_per_byte * len` live at once. The bases are what a decoder may
/// reserve for a claimed length before reading it; the per-byte parts are what the bytes
/// really present may grow into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub single_base: usize,
    pub single_per_byte: usize,
    pub live_base: usize,
    pub live_per_byte: usize,
}

impl Bounds {
    pub fn single_limit(&self, len: usize) -> usize {
        self.single_base
            .saturating_add(self.single_per_byte.saturating_mul(len))
    }

    pub fn live_limit(&self, len: usize) -> usize {
        self.live_base
            .saturating_add(self.live_per_byte.saturating_mul(len))
    }
}

pub type TargetFn = fn(&[u8]) -> Result<u64, Mismatch>;

/// A decoder under test.
pub struct Target {
    pub name: &'static str,
    /// What the bytes are and where they come from.
    pub about: &'static str,
    pub kind: InputKind,
    /// Mutations never make an input longer than this.
    pub max_len: usize,
    pub bounds: Bounds,
    pub run: TargetFn,
}

/// Every target, in the order `all` runs them.
pub static TARGETS: &[Target] = &[
    consensus::BLOCK,
    consensus::HEADER,
    consensus::AUXPOW,
    consensus::TRANSACTION,
    sync::REQUEST,
    sync::RESPONSE,
    stratum::SERVER,
    stratum::CLIENT,
    mm::MM,
    chainspec::CHAINSPEC,
];

pub fn find(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// A fingerprint of an outcome, for feedback.
fn fingerprint(value: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// The class of an error message: its text with numbers dropped, so that "needed 5 more
/// bytes" and "needed 7 more bytes" are one outcome.
fn error_class(tag: &str, error: &impl std::fmt::Display) -> u64 {
    let text: String = error
        .to_string()
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect();
    fingerprint((tag, text))
}

/// Fails unless `encoded` is exactly `original`.
fn same_bytes(what: &str, original: &[u8], encoded: &[u8]) -> Result<(), Mismatch> {
    if original == encoded {
        return Ok(());
    }
    let at = original
        .iter()
        .zip(encoded)
        .position(|(a, b)| a != b)
        .unwrap_or(original.len().min(encoded.len()));
    Err(Mismatch(format!(
        "{what} re-encodes differently: {} bytes in, {} bytes out, first difference at byte {at}",
        original.len(),
        encoded.len()
    )))
}
