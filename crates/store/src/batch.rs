//! A set of changes applied atomically by [`crate::Store::write`].

use crate::schema::*;
use crate::{BlockIndexRecord, BlockUndo, Coin, HeaderRecord, Store};
use bitcoin::consensus::encode;
use bitcoin::hashes::Hash;
use bitcoin::{BlockHash, OutPoint};
use rocksdb::WriteBatch;
use venture_primitives::Block;

/// Typed writes collected for one atomic commit.
pub struct StoreBatch<'a> {
    store: &'a Store,
    inner: WriteBatch,
}

impl<'a> StoreBatch<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        StoreBatch {
            store,
            inner: WriteBatch::default(),
        }
    }

    pub(crate) fn into_inner(self) -> WriteBatch {
        self.inner
    }

    // Column families are created at open, so a missing handle is impossible here;
    // `Store::open` has already failed otherwise. Writes to a missing one are dropped
    // rather than panicking, and the next read reports the corruption.
    fn put(&mut self, cf: &'static str, key: &[u8], value: &[u8]) {
        if let Ok(handle) = self.store.cf(cf) {
            self.inner.put_cf(handle, key, value);
        }
    }

    fn delete(&mut self, cf: &'static str, key: &[u8]) {
        if let Ok(handle) = self.store.cf(cf) {
            self.inner.delete_cf(handle, key);
        }
    }

    pub fn set_spec_hash(&mut self, hash: &[u8; 32]) {
        self.put(CF_META, META_SPEC_HASH, hash);
    }

    pub fn set_tip(&mut self, hash: &BlockHash) {
        self.put(CF_META, META_TIP, hash.as_byte_array());
    }

    pub fn put_index(&mut self, hash: &BlockHash, record: &BlockIndexRecord) {
        self.put(
            CF_BLOCK_INDEX,
            hash.as_byte_array(),
            &encode::serialize(record),
        );
    }

    /// Stores a block and its header record (with its transaction count).
    pub fn put_block(&mut self, hash: &BlockHash, block: &Block) {
        self.put(CF_BLOCKS, hash.as_byte_array(), &encode::serialize(block));
        let record = HeaderRecord {
            header: block.header.clone(),
            tx_count: u32::try_from(block.txdata.len()).unwrap_or(u32::MAX),
        };
        self.put_header(hash, &record);
    }

    /// Forgets a header whose block was never stored: its index entry and record.
    pub fn delete_header_only(&mut self, hash: &BlockHash) {
        self.delete(CF_BLOCK_INDEX, hash.as_byte_array());
        self.delete(CF_HEADERS, hash.as_byte_array());
    }

    /// Stores the header record of a block whose data may not be here.
    pub fn put_header(&mut self, hash: &BlockHash, record: &HeaderRecord) {
        self.put(CF_HEADERS, hash.as_byte_array(), &encode::serialize(record));
    }

    pub fn put_undo(&mut self, hash: &BlockHash, undo: &BlockUndo) {
        self.put(CF_UNDO, hash.as_byte_array(), &encode::serialize(undo));
    }

    pub fn delete_undo(&mut self, hash: &BlockHash) {
        self.delete(CF_UNDO, hash.as_byte_array());
    }

    pub fn set_height(&mut self, height: u32, hash: &BlockHash) {
        self.put(CF_ACTIVE_CHAIN, &height_key(height), hash.as_byte_array());
    }

    pub fn clear_height(&mut self, height: u32) {
        self.delete(CF_ACTIVE_CHAIN, &height_key(height));
    }

    pub fn put_tx_location(&mut self, txid: &bitcoin::Txid, block: &BlockHash) {
        self.put(CF_TX_INDEX, txid.as_byte_array(), block.as_byte_array());
    }

    pub fn delete_tx_location(&mut self, txid: &bitcoin::Txid) {
        self.delete(CF_TX_INDEX, txid.as_byte_array());
    }

    /// Records whether the transaction index covers the whole active chain.
    pub fn set_tx_index_complete(&mut self, complete: bool) {
        if complete {
            self.put(CF_META, META_TX_INDEX, &[1]);
        } else {
            self.delete(CF_META, META_TX_INDEX);
        }
    }

    pub fn put_settlement(&mut self, block: &BlockHash, record: &crate::SettlementRecord) {
        self.put(
            CF_VENTURE,
            block.as_byte_array(),
            &encode::serialize(record),
        );
    }

    /// Records what a block eligible for the venture allocation is credited to:
    /// `payout` is its payout script, or empty when its payout is not creditable.
    pub fn put_venture_credit(&mut self, block: &BlockHash, payout: &[u8]) {
        self.put(CF_VENTURE_CREDITS, block.as_byte_array(), payout);
    }

    pub fn put_coin(&mut self, outpoint: &OutPoint, coin: &Coin) {
        self.put(CF_UTXO, &utxo_key(outpoint), &encode::serialize(coin));
    }

    pub fn delete_coin(&mut self, outpoint: &OutPoint) {
        self.delete(CF_UTXO, &utxo_key(outpoint));
    }
}
