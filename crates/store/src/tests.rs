//! The store against a real RocksDB in a temporary directory: atomic batches, every
//! column family's typed round trip, key order, and corruption reported by name.

use super::schema::*;
use super::*;
use bitcoin::block::{Header as PureHeader, Version};
use bitcoin::hashes::Hash;
use bitcoin::{Amount, BlockHash, CompactTarget, OutPoint, ScriptBuf, TxMerkleNode, TxOut, Txid};
use tempfile::TempDir;
use venture_pow::Work;
use venture_primitives::{coinbase_script, coinbase_transaction, Block, Header};

fn open() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

fn pure_header(nonce: u32) -> PureHeader {
    PureHeader {
        version: Version::from_consensus(1),
        prev_blockhash: BlockHash::all_zeros(),
        merkle_root: TxMerkleNode::all_zeros(),
        time: 1_700_000_000,
        bits: CompactTarget::from_consensus(0x207f_ffff),
        nonce,
    }
}

fn block(nonce: u32, height: u32) -> Block {
    Block {
        header: Header::new(pure_header(nonce)),
        txdata: vec![coinbase_transaction(
            1,
            coinbase_script(height, &[]),
            vec![TxOut {
                value: Amount::from_sat(50),
                script_pubkey: ScriptBuf::new(),
            }],
        )],
    }
}

fn coin(sats: u64) -> Coin {
    Coin {
        output: TxOut {
            value: Amount::from_sat(sats),
            script_pubkey: ScriptBuf::from_bytes(vec![0x51]),
        },
        height: 7,
        is_coinbase: false,
        unlock_height: 0,
    }
}

fn outpoint(byte: u8, vout: u32) -> OutPoint {
    OutPoint {
        txid: Txid::from_byte_array([byte; 32]),
        vout,
    }
}

#[test]
fn a_batch_changes_nothing_until_written_and_everything_when_written() {
    let (_dir, store) = open();
    let block = block(1, 0);
    let hash = block.block_hash();
    let record = BlockIndexRecord {
        header: block.header.pure,
        height: 0,
        chain_work: Work(venture_pow::U256::from(2u64)),
        status: BlockStatus(BlockStatus::HAVE_DATA),
        sequence: 1,
        merge_mined_count: 0,
    };
    let mut batch = store.batch();
    batch.set_spec_hash(&[9; 32]);
    batch.put_index(&hash, &record);
    batch.put_block(&hash, &block);
    batch.set_height(0, &hash);
    batch.set_tip(&hash);
    batch.put_coin(&outpoint(1, 0), &coin(10));
    assert_eq!(
        store.tip().unwrap(),
        None,
        "nothing is visible before write"
    );
    assert!(store.block(&hash).unwrap().is_none());
    store.write(batch).unwrap();

    assert_eq!(store.spec_hash().unwrap(), Some([9; 32]));
    assert_eq!(store.tip().unwrap(), Some(hash));
    assert_eq!(store.hash_at_height(0).unwrap(), Some(hash));
    assert_eq!(store.load_index().unwrap(), vec![(hash, record)]);
    assert_eq!(store.block(&hash).unwrap(), Some(block.clone()));
    let bytes = store.block_bytes(&hash).unwrap().unwrap();
    assert_eq!(bytes, bitcoin::consensus::encode::serialize(&block));
    let header = store.header(&hash).unwrap().unwrap();
    assert_eq!((header.header, header.tx_count), (block.header, 1));
    assert_eq!(store.coin(&outpoint(1, 0)).unwrap(), Some(coin(10)));
}

#[test]
fn a_dropped_batch_writes_nothing() {
    let (_dir, store) = open();
    {
        let mut batch = store.batch();
        batch.put_coin(&outpoint(1, 0), &coin(10));
    }
    assert_eq!(store.coin(&outpoint(1, 0)).unwrap(), None);
}

#[test]
fn deletes_and_clears_undo_what_puts_did() {
    let (_dir, store) = open();
    let hash = block(2, 1).block_hash();
    let txid = Txid::from_byte_array([3; 32]);
    let mut batch = store.batch();
    batch.put_header(
        &hash,
        &HeaderRecord {
            header: Header::new(pure_header(2)),
            tx_count: 0,
        },
    );
    batch.put_undo(
        &hash,
        &BlockUndo {
            spent: vec![coin(5)],
        },
    );
    batch.set_height(1, &hash);
    batch.put_tx_location(&txid, &hash);
    batch.set_tx_index_complete(true);
    batch.put_coin(&outpoint(4, 1), &coin(6));
    store.write(batch).unwrap();
    assert!(store.tx_index_complete().unwrap());
    assert_eq!(store.tx_location(&txid).unwrap(), Some(hash));
    assert_eq!(store.undo(&hash).unwrap().unwrap().spent, vec![coin(5)]);

    let mut batch = store.batch();
    batch.delete_header_only(&hash);
    batch.delete_undo(&hash);
    batch.clear_height(1);
    batch.delete_tx_location(&txid);
    batch.set_tx_index_complete(false);
    batch.delete_coin(&outpoint(4, 1));
    store.write(batch).unwrap();
    assert!(store.header(&hash).unwrap().is_none());
    assert!(store.undo(&hash).unwrap().is_none());
    assert!(store.hash_at_height(1).unwrap().is_none());
    assert!(store.tx_location(&txid).unwrap().is_none());
    assert!(!store.tx_index_complete().unwrap());
    assert!(store.coin(&outpoint(4, 1)).unwrap().is_none());
}

#[test]
fn venture_records_round_trip_per_block() {
    let (_dir, store) = open();
    let (a, b) = (block(3, 1).block_hash(), block(4, 1).block_hash());
    let settlement = SettlementRecord {
        epoch: 2,
        outputs: 3,
        paid: 1_000,
        paid_total: 5_000,
        carry: 7,
    };
    let mut batch = store.batch();
    batch.put_settlement(&a, &settlement);
    batch.put_venture_credit(&a, &[0x51, 0x52]);
    batch.put_venture_credit(&b, &[]);
    store.write(batch).unwrap();
    assert_eq!(store.settlement(&a).unwrap(), Some(settlement));
    assert_eq!(store.settlement(&b).unwrap(), None);
    assert_eq!(store.venture_credit(&a).unwrap(), Some(vec![0x51, 0x52]));
    // An empty credit (work counted, payout not creditable) differs from none at all.
    assert_eq!(store.venture_credit(&b).unwrap(), Some(vec![]));
    assert_eq!(
        store.venture_credit(&block(5, 1).block_hash()).unwrap(),
        None
    );
}

#[test]
fn coins_are_visited_by_txid_then_output_index_as_numbers() {
    let (_dir, store) = open();
    // Output indexes are big-endian in the key, so 256 sorts after 2 (little-endian
    // would put it first).
    let outpoints = [
        outpoint(2, 0),
        outpoint(1, 256),
        outpoint(1, 2),
        outpoint(1, 0),
    ];
    let mut batch = store.batch();
    for (i, op) in outpoints.iter().enumerate() {
        batch.put_coin(op, &coin(i as u64 + 1));
    }
    store.write(batch).unwrap();
    let mut seen = Vec::new();
    store.for_each_coin(|op, _| seen.push(op)).unwrap();
    assert_eq!(
        seen,
        vec![
            outpoint(1, 0),
            outpoint(1, 2),
            outpoint(1, 256),
            outpoint(2, 0)
        ]
    );
}

#[test]
fn utxo_keys_round_trip_and_malformed_keys_are_refused() {
    let op = outpoint(0xab, 0x0102_0304);
    let key = utxo_key(&op);
    assert_eq!(&key[32..], &[1, 2, 3, 4]);
    assert_eq!(outpoint_from_key(&key), Some(op));
    assert_eq!(outpoint_from_key(&key[..35]), None);
    assert_eq!(outpoint_from_key(&[0; 37]), None);
}

#[test]
fn a_corrupt_record_is_reported_with_its_column_family() {
    let (_dir, store) = open();
    let op = outpoint(1, 0);
    let cf = store.cf(CF_UTXO).unwrap();
    store.db.put_cf(cf, utxo_key(&op), [0xff, 0x01]).unwrap();
    match store.coin(&op) {
        Err(StoreError::Corrupt { cf, .. }) => assert_eq!(cf, CF_UTXO),
        other => panic!("expected corruption in utxo, got {other:?}"),
    }
    let meta = store.cf(CF_META).unwrap();
    store.db.put_cf(meta, META_SPEC_HASH, [1, 2, 3]).unwrap();
    let err = store.spec_hash().unwrap_err();
    assert!(
        err.to_string().contains("spec hash is not 32 bytes"),
        "{err}"
    );
}

#[test]
fn a_database_of_another_schema_version_is_refused_at_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        let meta = store.cf(CF_META).unwrap();
        store
            .db
            .put_cf(meta, META_SCHEMA, (SCHEMA_VERSION + 1).to_le_bytes())
            .unwrap();
    }
    match Store::open(dir.path()) {
        Err(StoreError::SchemaVersion { found, supported }) => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("expected a schema version error, got {other:?}"),
    }
}

#[test]
fn data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let hash = block(6, 0).block_hash();
    {
        let mut store = Store::open(dir.path()).unwrap();
        store.set_sync_writes(true);
        let mut batch = store.batch();
        batch.set_tip(&hash);
        batch.put_coin(&outpoint(9, 9), &coin(99));
        store.write(batch).unwrap();
        store.flush().unwrap();
        assert!(store.stats().unwrap().disk_bytes > 0);
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.tip().unwrap(), Some(hash));
    assert_eq!(store.coin(&outpoint(9, 9)).unwrap(), Some(coin(99)));
}
