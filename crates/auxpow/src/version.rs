//! How a block version carries the AuxPoW flag and the chain id, exactly as Namecoin's
//! `CPureBlockHeader` reads them.
//!
//! The version is a signed 32-bit integer: bits 0..8 are the base version, bit 8 is the
//! AuxPoW flag, and the bits from 16 up hold the chain id. Namecoin extracts the chain id
//! and the base version with C++ signed division and remainder (truncating toward zero),
//! and Rust's `/` and `%` on `i32` truncate the same way, so negative versions (which
//! version-rolling parents can produce) give the same answers as Namecoin Core.

/// The AuxPoW flag: the header is followed by an AuxPoW and its proof of work is the
/// parent block's.
pub const VERSION_AUXPOW: i32 = 1 << 8;

/// The chain id occupies the version bits from here up.
pub const VERSION_CHAIN_START: i32 = 1 << 16;

/// The chain id encoded in `version` (Namecoin's `GetChainId`: `nVersion / (1 << 16)`).
///
/// For non-negative versions this is `version >> 16`. Dogecoin uses an arithmetic shift
/// instead, which differs from Namecoin only for negative versions; we follow Namecoin.
pub fn chain_id(version: i32) -> i32 {
    version / VERSION_CHAIN_START
}

/// Whether `version` has the AuxPoW flag (Namecoin's `IsAuxpow`).
pub fn is_auxpow(version: i32) -> bool {
    version & VERSION_AUXPOW != 0
}

/// The base version without flag and chain id (Namecoin's `GetBaseVersion`:
/// `nVersion % (1 << 8)`, a truncating remainder).
pub fn base_version(version: i32) -> i32 {
    version % VERSION_AUXPOW
}

/// Namecoin's `IsLegacy`: only the full version 1 counts as a legacy block, which is
/// exempt from the chain-id rule.
pub fn is_legacy(version: i32) -> bool {
    version == 1
}

/// Dogecoin's `IsLegacy`: version 1, or version 2 without a chain id (Dogecoin mined a
/// stray version-2 block before merged mining started).
pub fn is_legacy_dogecoin(version: i32) -> bool {
    version == 1 || (version == 2 && chain_id(version) == 0)
}

/// A version with the given base version, chain id and AuxPoW flag (Namecoin's
/// `SetBaseVersion` followed by `SetAuxpowVersion`).
///
/// Only the low 8 bits of `base` are used, since the bits above belong to the flag and the
/// chain id; the chain id is shifted with two's-complement wrapping like Namecoin's
/// `nChainId * VERSION_CHAIN_START`.
pub fn compose(base: i32, chain_id: i32, auxpow: bool) -> i32 {
    let flag = if auxpow { VERSION_AUXPOW } else { 0 };
    (base & 0xff) | chain_id.wrapping_mul(VERSION_CHAIN_START) | flag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_real_versions() {
        // Namecoin 19200 (first merge-mined block) and Dogecoin 371337.
        assert_eq!(chain_id(0x0001_0101), 1);
        assert!(is_auxpow(0x0001_0101));
        assert_eq!(base_version(0x0001_0101), 1);
        assert_eq!(chain_id(0x0062_0102), 0x62);
        assert_eq!(base_version(0x0062_0102), 2);
        // A BIP9 parent version: chain id 0x2000, no AuxPoW flag.
        assert_eq!(chain_id(0x2000_0007), 0x2000);
        assert!(!is_auxpow(0x2000_0007));
    }

    #[test]
    fn negative_versions_truncate_like_cpp() {
        // -65535 / 65536 truncates to 0 in C++; an arithmetic shift would give -1.
        assert_eq!(chain_id(-65535), 0);
        assert_eq!(chain_id(i32::MIN), -32768);
        assert_eq!(base_version(-1), -1);
    }

    #[test]
    fn legacy_rules_differ_only_for_version_two() {
        assert!(is_legacy(1) && is_legacy_dogecoin(1));
        assert!(!is_legacy(2) && is_legacy_dogecoin(2));
        assert!(!is_legacy_dogecoin(0x0062_0002));
        assert!(!is_legacy(0x0001_0001));
    }

    #[test]
    fn compose_inverts_the_readers() {
        let version = compose(4, 0x62, true);
        assert_eq!(version, 0x0062_0104);
        assert_eq!(chain_id(version), 0x62);
        assert_eq!(base_version(version), 4);
        assert!(is_auxpow(version));
        assert_eq!(compose(1, 1, false), 0x0001_0001);
    }
}
