//! Every column family and key layout of the database, in one place.
//!
//! | column family | key | value |
//! |---|---|---|
//! | `meta` | [`META_SPEC_HASH`], [`META_TIP`], [`META_SCHEMA`] | spec hash, best block hash, schema version |
//! | `block_index` | block hash (32) | [`crate::BlockIndexRecord`] |
//! | `blocks` | block hash (32) | consensus-encoded block |
//! | `headers` | block hash (32) | [`crate::HeaderRecord`]: the full header (AuxPoW included) and the block's transaction count |
//! | `undo` | block hash (32) | [`crate::BlockUndo`] |
//! | `active_chain` | height (u32 big-endian) | block hash of the active chain |
//! | `utxo` | txid (32) ‖ vout (u32 big-endian) | [`crate::Coin`] |
//! | `tx_index` | txid (32) | hash of the active-chain block holding it (optional index) |
//! | `venture` | block hash (32) | [`crate::SettlementRecord`] of a block closing a venture epoch |
//! | `venture_credits` | block hash (32) | payout script a block eligible for the venture allocation is credited to (empty: its work counts, its payout is not creditable) |

pub const CF_META: &str = "meta";
pub const CF_BLOCK_INDEX: &str = "block_index";
pub const CF_BLOCKS: &str = "blocks";
pub const CF_HEADERS: &str = "headers";
pub const CF_UNDO: &str = "undo";
pub const CF_ACTIVE_CHAIN: &str = "active_chain";
pub const CF_UTXO: &str = "utxo";
pub const CF_TX_INDEX: &str = "tx_index";
pub const CF_VENTURE: &str = "venture";
pub const CF_VENTURE_CREDITS: &str = "venture_credits";

/// All column families, opened together.
pub const COLUMN_FAMILIES: &[&str] = &[
    CF_META,
    CF_BLOCK_INDEX,
    CF_BLOCKS,
    CF_HEADERS,
    CF_UNDO,
    CF_ACTIVE_CHAIN,
    CF_UTXO,
    CF_TX_INDEX,
    CF_VENTURE,
    CF_VENTURE_CREDITS,
];

pub const META_SPEC_HASH: &[u8] = b"spec_hash";
pub const META_TIP: &[u8] = b"tip";
pub const META_SCHEMA: &[u8] = b"schema_version";
/// Present when the transaction index covers the whole active chain.
pub const META_TX_INDEX: &[u8] = b"tx_index_complete";

/// Bumped whenever a layout above changes incompatibly.
pub const SCHEMA_VERSION: u32 = 1;

/// Key of an unspent output: sorts a transaction's outputs together, in order.
pub fn utxo_key(outpoint: &bitcoin::OutPoint) -> [u8; 36] {
    use bitcoin::hashes::Hash;
    let mut key = [0u8; 36];
    key[..32].copy_from_slice(outpoint.txid.as_byte_array());
    key[32..].copy_from_slice(&outpoint.vout.to_be_bytes());
    key
}

/// The outpoint a `utxo` key names; `None` for a key of any other length.
pub fn outpoint_from_key(key: &[u8]) -> Option<bitcoin::OutPoint> {
    use bitcoin::hashes::Hash;
    // Exactly 36 bytes: a longer key is not one this schema wrote.
    let key: &[u8; 36] = key.try_into().ok()?;
    let txid: [u8; 32] = key[..32].try_into().ok()?;
    let vout: [u8; 4] = key[32..].try_into().ok()?;
    Some(bitcoin::OutPoint {
        txid: bitcoin::Txid::from_byte_array(txid),
        vout: u32::from_be_bytes(vout),
    })
}

pub fn height_key(height: u32) -> [u8; 4] {
    height.to_be_bytes()
}
