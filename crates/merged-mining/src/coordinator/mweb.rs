//! Litecoin's MWEB extension block in a parent template (Litecoin Core 0.21.2,
//! `doc/mweb/mining-changes.md`). Once MWEB is active, a template's last transaction is
//! the HogEx (the "integrating transaction"), whose first output commits to the
//! extension block the template gives as hex in `mweb`; a block is its transactions,
//! then a 0x01 byte, then that data.
//!
//! The HogEx is serialized with MWEB's flag 0x08 where Bitcoin has only the witness flag
//! 0x01, so Bitcoin's transaction decoder (rust-bitcoin's included) refuses it: template
//! transactions are carried as the node's bytes and ids and are only walked here, never
//! decoded and re-encoded.

use crate::coordinator::template_limits::{hex_bytes, MAX_MWEB_BYTES};
use crate::coordinator::TemplateTx;
use serde_json::Value;

/// Precedes the extension block after a block's transactions (Litecoin serializes it as
/// an optional field: 0x01 for present).
pub const MWEB_MARKER: u8 = 0x01;
/// The flag bit of a transaction carrying MWEB data (a HogEx carries an empty one).
const MWEB_FLAG: u8 = 0x08;
const WITNESS_FLAG: u8 = 0x01;
/// The HogAddr output script: OP_8 and a 32-byte push of the extension block's hash.
const HOGADDR_PREFIX: [u8; 2] = [0x58, 0x20];

/// What a template says about MWEB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mweb {
    /// No extension block: MWEB is not active on the parent.
    Absent,
    /// The extension block's bytes, appended to every parent block after [`MWEB_MARKER`].
    Present(Vec<u8>),
    /// The template needs an extension block that cannot be built from it, for this
    /// reason: its work still serves the aux chains, but no parent block is submitted
    /// (the parent would refuse it).
    Unusable(String),
}

impl Mweb {
    /// Reads the `mweb` field and checks it against the transactions: with MWEB active
    /// (`mweb` in `rules`) or any transaction flagged as MWEB, the data must be hex and
    /// the last transaction, and only it, a HogEx.
    pub fn from_template(reply: &Value, transactions: &[TemplateTx]) -> Mweb {
        let active = reply
            .get("rules")
            .and_then(Value::as_array)
            .is_some_and(|rules| {
                rules
                    .iter()
                    .any(|rule| matches!(rule.as_str(), Some("mweb" | "!mweb")))
            });
        let flagged = transactions.iter().any(|tx| has_mweb_flag(&tx.data));
        let text = match reply.get("mweb") {
            None | Some(Value::Null) if active => {
                return unusable("MWEB is active (`mweb` is in the template's rules) but the template has no `mweb` data")
            }
            None | Some(Value::Null) if flagged => {
                return unusable(
                    "a transaction carries MWEB's flag but the template has no `mweb` data",
                )
            }
            None | Some(Value::Null) => return Mweb::Absent,
            Some(Value::String(text)) => text,
            Some(_) => return unusable("`mweb` is not a string"),
        };
        if hex_bytes(text) > MAX_MWEB_BYTES {
            return unusable(&format!(
                "`mweb` holds {} bytes, more than Litecoin's largest extension block ({MAX_MWEB_BYTES} bytes)",
                hex_bytes(text)
            ));
        }
        let data = match hex::decode(text) {
            Ok(data) if !data.is_empty() => data,
            Ok(_) => return unusable("`mweb` is empty"),
            Err(e) => return unusable(&format!("`mweb` is not hex: {e}")),
        };
        let Some((last, others)) = transactions.split_last() else {
            return unusable("the template has `mweb` data but no transactions (no HogEx)");
        };
        if !is_hogex(&last.data) {
            return unusable("the template has `mweb` data but its last transaction is not a HogEx (MWEB flag 0x08, no MWEB body, a first output OP_8 <32 bytes>)");
        }
        if others.iter().any(|tx| has_mweb_flag(&tx.data)) {
            return unusable("a transaction before the HogEx carries MWEB's flag");
        }
        Mweb::Present(data)
    }

    /// Why no parent block can be built, if none can.
    pub fn problem(&self) -> Option<&str> {
        match self {
            Mweb::Unusable(why) => Some(why),
            Mweb::Absent | Mweb::Present(_) => None,
        }
    }
}

fn unusable(why: &str) -> Mweb {
    Mweb::Unusable(why.to_string())
}

/// Whether a serialized transaction uses the extended format with MWEB's flag set.
pub fn has_mweb_flag(data: &[u8]) -> bool {
    matches!(data.get(4..6), Some([0x00, flags]) if flags & MWEB_FLAG != 0)
}

/// Whether `data` is one well-formed HogEx: extended format with the MWEB flag (and
/// perhaps the witness flag), at least one output, the first one a HogAddr, an empty MWEB
/// body, nothing after the lock time.
pub fn is_hogex(data: &[u8]) -> bool {
    hogex_walk(data).is_some()
}

fn hogex_walk(data: &[u8]) -> Option<()> {
    let mut r = Reader(data);
    r.take(4)?;
    let flags = match (r.byte()?, r.byte()?) {
        (0x00, flags) if flags & MWEB_FLAG != 0 && flags & !(MWEB_FLAG | WITNESS_FLAG) == 0 => {
            flags
        }
        _ => return None,
    };
    let inputs = r.count()?;
    for _ in 0..inputs {
        r.take(36)?;
        r.bytes()?;
        r.take(4)?;
    }
    let outputs = r.count()?;
    let mut first_script = None;
    for _ in 0..outputs {
        r.take(8)?;
        let script = r.bytes()?;
        first_script.get_or_insert(script);
    }
    let hogaddr = first_script?;
    if hogaddr.len() != 34 || !hogaddr.starts_with(&HOGADDR_PREFIX) {
        return None;
    }
    if flags & WITNESS_FLAG != 0 {
        for _ in 0..inputs {
            for _ in 0..r.count()? {
                r.bytes()?;
            }
        }
    }
    // The MWEB body is an optional field; a HogEx has none.
    (r.byte()? == 0x00).then_some(())?;
    r.take(4)?;
    r.0.is_empty().then_some(())
}

/// A cursor over Bitcoin's serialization; every read fails at the end of the data, so
/// counts the data claims can never run past it.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }

    fn count(&mut self) -> Option<u64> {
        let le = |bytes: &[u8]| {
            let mut value = [0u8; 8];
            value.get_mut(..bytes.len())?.copy_from_slice(bytes);
            Some(u64::from_le_bytes(value))
        };
        match self.byte()? {
            0xfd => le(self.take(2)?),
            0xfe => le(self.take(4)?),
            0xff => le(self.take(8)?),
            n => Some(u64::from(n)),
        }
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.count()?).ok()?;
        self.take(n)
    }
}

#[cfg(test)]
mod tests;
