//! Opening the database and typed reads.

use crate::schema::*;
use crate::{BlockIndexRecord, BlockUndo, Coin, HeaderRecord, StoreBatch, StoreError};
use bitcoin::consensus::{encode, Decodable};
use bitcoin::hashes::Hash;
use bitcoin::{BlockHash, OutPoint};
use rocksdb::{ColumnFamily, ColumnFamilyDescriptor, IteratorMode, Options, WriteOptions, DB};
use std::path::Path;
use venture_primitives::Block;

/// The node's database.
pub struct Store {
    pub(crate) db: DB,
    /// Whether each batch is flushed to stable storage before `write` returns.
    sync_writes: bool,
}

/// Sizes for reports and benchmarks.
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreStats {
    /// Bytes of SST files and write-ahead log on disk.
    pub disk_bytes: u64,
    /// Estimated live keys of the `utxo` column family.
    pub estimated_coins: u64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.db.path())
            .finish()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut opts = Options::default();
        opts.create_if_missing(true);
        opts.create_missing_column_families(true);
        opts.set_compression_type(rocksdb::DBCompressionType::Lz4);
        opts.increase_parallelism(2);
        opts.set_max_open_files(512);
        let descriptors = COLUMN_FAMILIES.iter().map(|name| {
            let mut cf_opts = Options::default();
            cf_opts.set_compression_type(rocksdb::DBCompressionType::Lz4);
            ColumnFamilyDescriptor::new(*name, cf_opts)
        });
        let db = DB::open_cf_descriptors(&opts, path, descriptors)?;
        let store = Store {
            db,
            sync_writes: false,
        };
        store.check_schema()?;
        Ok(store)
    }

    /// Makes every later write wait for stable storage (slower; survives power loss).
    pub fn set_sync_writes(&mut self, sync: bool) {
        self.sync_writes = sync;
    }

    fn check_schema(&self) -> Result<(), StoreError> {
        let meta = self.cf(CF_META)?;
        match self.db.get_cf(meta, META_SCHEMA)? {
            None => {
                self.db
                    .put_cf(meta, META_SCHEMA, SCHEMA_VERSION.to_le_bytes())?;
                Ok(())
            }
            Some(bytes) => {
                let found = bytes
                    .as_slice()
                    .try_into()
                    .map(u32::from_le_bytes)
                    .map_err(|_| corrupt(CF_META, "schema version is not 4 bytes"))?;
                if found == SCHEMA_VERSION {
                    Ok(())
                } else {
                    Err(StoreError::SchemaVersion {
                        found,
                        supported: SCHEMA_VERSION,
                    })
                }
            }
        }
    }

    pub(crate) fn cf(&self, name: &'static str) -> Result<&ColumnFamily, StoreError> {
        self.db
            .cf_handle(name)
            .ok_or_else(|| corrupt(name, "column family missing"))
    }

    /// A new empty batch; nothing happens until [`Store::write`].
    pub fn batch(&self) -> StoreBatch<'_> {
        StoreBatch::new(self)
    }

    /// Applies a batch atomically.
    pub fn write(&self, batch: StoreBatch<'_>) -> Result<(), StoreError> {
        let mut opts = WriteOptions::default();
        opts.set_sync(self.sync_writes);
        self.db.write_opt(batch.into_inner(), &opts)?;
        Ok(())
    }

    /// The spec hash this database was created for.
    pub fn spec_hash(&self) -> Result<Option<[u8; 32]>, StoreError> {
        match self.db.get_cf(self.cf(CF_META)?, META_SPEC_HASH)? {
            None => Ok(None),
            Some(bytes) => bytes
                .as_slice()
                .try_into()
                .map(Some)
                .map_err(|_| corrupt(CF_META, "spec hash is not 32 bytes")),
        }
    }

    /// The best block, if the database holds a chain.
    pub fn tip(&self) -> Result<Option<BlockHash>, StoreError> {
        match self.db.get_cf(self.cf(CF_META)?, META_TIP)? {
            None => Ok(None),
            Some(bytes) => decode(CF_META, &bytes).map(Some),
        }
    }

    /// Every block index record, for building the in-memory index at start-up.
    pub fn load_index(&self) -> Result<Vec<(BlockHash, BlockIndexRecord)>, StoreError> {
        let cf = self.cf(CF_BLOCK_INDEX)?;
        let mut records = Vec::new();
        for item in self.db.iterator_cf(cf, IteratorMode::Start) {
            let (key, value) = item?;
            let hash_bytes: [u8; 32] = key
                .as_ref()
                .try_into()
                .map_err(|_| corrupt(CF_BLOCK_INDEX, "key is not a 32-byte hash"))?;
            records.push((
                BlockHash::from_byte_array(hash_bytes),
                decode(CF_BLOCK_INDEX, &value)?,
            ));
        }
        Ok(records)
    }

    pub fn block(&self, hash: &BlockHash) -> Result<Option<Block>, StoreError> {
        self.get_decoded(CF_BLOCKS, hash.as_byte_array())
    }

    /// The block's consensus encoding as stored (for serving it without re-encoding).
    /// A block's header record (header with AuxPoW, transaction count), without
    /// reading the block.
    pub fn header(&self, hash: &BlockHash) -> Result<Option<HeaderRecord>, StoreError> {
        self.get_decoded(CF_HEADERS, hash.as_byte_array())
    }

    pub fn block_bytes(&self, hash: &BlockHash) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.db.get_cf(self.cf(CF_BLOCKS)?, hash.as_byte_array())?)
    }

    pub fn undo(&self, hash: &BlockHash) -> Result<Option<BlockUndo>, StoreError> {
        self.get_decoded(CF_UNDO, hash.as_byte_array())
    }

    pub fn coin(&self, outpoint: &OutPoint) -> Result<Option<Coin>, StoreError> {
        self.get_decoded(CF_UTXO, &utxo_key(outpoint))
    }

    /// The active chain's block at `height`.
    pub fn hash_at_height(&self, height: u32) -> Result<Option<BlockHash>, StoreError> {
        self.get_decoded(CF_ACTIVE_CHAIN, &height_key(height))
    }

    /// The block holding `txid`, from the optional transaction index.
    pub fn tx_location(&self, txid: &bitcoin::Txid) -> Result<Option<BlockHash>, StoreError> {
        self.get_decoded(CF_TX_INDEX, txid.as_byte_array())
    }

    /// Whether the transaction index covers the whole active chain.
    pub fn tx_index_complete(&self) -> Result<bool, StoreError> {
        Ok(self.db.get_cf(self.cf(CF_META)?, META_TX_INDEX)?.is_some())
    }

    /// The venture settlement record of a block closing an epoch.
    pub fn settlement(
        &self,
        block: &BlockHash,
    ) -> Result<Option<crate::SettlementRecord>, StoreError> {
        self.get_decoded(CF_VENTURE, block.as_byte_array())
    }

    /// What an eligible block was credited to (see
    /// [`crate::StoreBatch::put_venture_credit`]); `None` when nothing was recorded.
    pub fn venture_credit(&self, block: &BlockHash) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .db
            .get_cf(self.cf(CF_VENTURE_CREDITS)?, block.as_byte_array())?)
    }

    /// Visits every unspent output in key order (txid, then output index).
    pub fn for_each_coin(&self, mut visit: impl FnMut(OutPoint, Coin)) -> Result<(), StoreError> {
        let cf = self.cf(CF_UTXO)?;
        for item in self.db.iterator_cf(cf, IteratorMode::Start) {
            let (key, value) = item?;
            let outpoint =
                outpoint_from_key(&key).ok_or_else(|| corrupt(CF_UTXO, "malformed key"))?;
            visit(outpoint, decode(CF_UTXO, &value)?);
        }
        Ok(())
    }

    /// Bytes on disk and estimated sizes.
    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        let disk_bytes = dir_size(self.db.path());
        let estimated_coins = self
            .db
            .property_int_value_cf(self.cf(CF_UTXO)?, "rocksdb.estimate-num-keys")?
            .unwrap_or(0);
        Ok(StoreStats {
            disk_bytes,
            estimated_coins,
        })
    }

    /// Flushes memtables to SST files (used before measuring size on disk).
    pub fn flush(&self) -> Result<(), StoreError> {
        for name in COLUMN_FAMILIES {
            self.db.flush_cf(self.cf(name)?)?;
        }
        Ok(())
    }

    fn get_decoded<T: Decodable>(
        &self,
        cf: &'static str,
        key: &[u8],
    ) -> Result<Option<T>, StoreError> {
        match self.db.get_pinned_cf(self.cf(cf)?, key)? {
            None => Ok(None),
            Some(bytes) => decode(cf, &bytes).map(Some),
        }
    }
}

fn decode<T: Decodable>(cf: &'static str, bytes: &[u8]) -> Result<T, StoreError> {
    encode::deserialize(bytes).map_err(|e| corrupt(cf, &e.to_string()))
}

pub(crate) fn corrupt(cf: &'static str, reason: &str) -> StoreError {
    StoreError::Corrupt {
        cf,
        reason: reason.to_string(),
    }
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
