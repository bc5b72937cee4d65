//! Stratum v1 byte orders, as cgminer, bfgminer, cpuminer and the pools written against
//! them encode the fields of `mining.notify` and `mining.submit`.
//!
//! - `prevhash`: the header's 32 previous-block bytes (internal order) with each 4-byte
//!   word byte-reversed. Equivalently: the explorer (display) hex with the order of its
//!   eight 4-byte words reversed.
//! - `version`, `nbits`, `ntime`, `nonce`: the header field as a `u32`, written as 8
//!   big-endian hex digits (`"20000000"`, `"207fffff"`); the header stores them
//!   little-endian.
//! - `coinb1`, `extranonce1`, `extranonce2`, `coinb2`: raw bytes in transaction order.
//! - merkle branch: each hash in internal byte order (no swapping); the coinbase txid is
//!   always the left operand: `root = sha256d(root || branch[i])`.

use bitcoin::hashes::Hash;
use bitcoin::BlockHash;

/// The `prevhash` field for a previous-block hash.
pub fn prevhash_to_stratum(hash: &BlockHash) -> String {
    hex::encode(swap_words(hash.to_byte_array()))
}

/// The previous-block hash a `prevhash` field stands for; `None` unless 64 hex digits.
pub fn prevhash_from_stratum(field: &str) -> Option<BlockHash> {
    let bytes: [u8; 32] = hex::decode(field).ok()?.try_into().ok()?;
    Some(BlockHash::from_byte_array(swap_words(bytes)))
}

/// A `u32` header field as Stratum writes it.
pub fn u32_to_hex(value: u32) -> String {
    format!("{value:08x}")
}

/// Reads a Stratum `u32` field (a header field, a version-rolling mask or bits):
/// exactly 8 hex digits of either case, big-endian. Checked digit by digit, since
/// `u32::from_str_radix` would also take a leading `+`.
pub fn u32_from_hex(field: &str) -> Option<u32> {
    if field.len() != 8 || !field.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(field, 16).ok()
}

/// Reverses the bytes of every 4-byte word.
fn swap_words(mut bytes: [u8; 32]) -> [u8; 32] {
    for word in bytes.chunks_exact_mut(4) {
        word.reverse();
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn prevhash_matches_the_stratum_reference_example() {
        // The example in slush's Stratum mining protocol description: the notify's
        // prevhash and the block it names.
        let block =
            BlockHash::from_str("00000000440b921e1b77c6c0487ae5616de67f788f44ae2a5af6e2194d16b6f8")
                .unwrap();
        let field = "4d16b6f85af6e2198f44ae2a6de67f78487ae5611b77c6c0440b921e00000000";
        assert_eq!(prevhash_to_stratum(&block), field);
        assert_eq!(prevhash_from_stratum(field), Some(block));
        assert_eq!(prevhash_from_stratum("00"), None);
    }

    #[test]
    fn u32_fields_are_big_endian_hex() {
        assert_eq!(u32_to_hex(0x2000_0000), "20000000");
        assert_eq!(u32_to_hex(0x207f_ffff), "207fffff");
        assert_eq!(u32_from_hex("504e86b9"), Some(0x504e_86b9));
        assert_eq!(u32_from_hex("504e86b"), None);
        assert_eq!(u32_from_hex("504e86bz"), None);
        assert_eq!(u32_from_hex("504E86B9"), Some(0x504e_86b9));
        // from_str_radix alone takes a sign: eight characters, seven digits.
        assert_eq!(u32_from_hex("+504e86b"), None);
        assert_eq!(u32_from_hex("-504e86b"), None);
        assert_eq!(u32_from_hex(" 504e86b"), None);
    }
}
