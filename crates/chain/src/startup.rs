//! Opening a database: writing the genesis block into an empty one, and rebuilding
//! the in-memory index and active chain from a used one.

use crate::index::{BlockIndex, IndexEntry};
use crate::utxo::is_unspendable;
use crate::ChainError;
use bitcoin::hashes::Hash;
use bitcoin::{BlockHash, OutPoint};
use tracing::info;
use venture_chainspec::ChainParams;
use venture_pow::Work;
use venture_store::{BlockStatus, BlockUndo, Coin, Store};

pub(crate) fn hex_of(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the genesis block into an empty store, its spendable outputs into the UTXO
/// set (genesis allocations are spendable as declared, unlike Bitcoin's genesis).
pub(crate) fn init_genesis(store: &Store, params: &ChainParams) -> Result<(), ChainError> {
    if store.tip()?.is_some() {
        return Err(ChainError::Inconsistent(
            "the database has a tip but no spec hash".into(),
        ));
    }
    let genesis = &params.genesis;
    let hash = params.genesis_hash;
    let mut batch = store.batch();
    batch.set_spec_hash(&params.spec_hash().to_byte_array());
    batch.put_block(&hash, genesis);
    let entry = IndexEntry {
        hash,
        header: genesis.header.pure,
        height: 0,
        chain_work: Work::from_bits(genesis.header.pure.bits.to_consensus()),
        status: BlockStatus(BlockStatus::HAVE_DATA),
        sequence: 0,
        merge_mined_count: 0,
        linked: true,
        skip: None,
    };
    batch.put_index(&hash, &entry.to_record());
    let unlock_heights: Vec<u32> = venture_chainspec::genesis_outputs(&params.spec, &params.hrp)
        .map_err(|e| ChainError::Inconsistent(e.to_string()))?
        .into_iter()
        .map(|(_, unlock)| unlock)
        .collect();
    for tx in &genesis.txdata {
        let txid = tx.compute_txid();
        for (vout, output) in tx.output.iter().enumerate() {
            if !is_unspendable(output) {
                let coin = Coin {
                    output: output.clone(),
                    height: 0,
                    is_coinbase: false,
                    unlock_height: unlock_heights.get(vout).copied().unwrap_or(0),
                };
                batch.put_coin(
                    &OutPoint {
                        txid,
                        vout: vout as u32,
                    },
                    &coin,
                );
            }
        }
    }
    batch.put_undo(&hash, &BlockUndo::default());
    batch.set_height(0, &hash);
    batch.set_tip(&hash);
    store.write(batch)?;
    info!(%hash, chain = %params.spec.id, "initialised chain with its genesis block");
    Ok(())
}

/// Builds the in-memory index from the store and the active chain from the tip back.
pub(crate) fn load_index(store: &Store, params: &ChainParams) -> Result<BlockIndex, ChainError> {
    let mut index = BlockIndex::default();
    // Parents before children, so every entry's skip pointer can be set on insert.
    let mut records = store.load_index()?;
    records.sort_unstable_by_key(|(_, record)| record.height);
    for (hash, record) in records {
        index.insert(IndexEntry::from_record(hash, record));
    }
    let tip = store
        .tip()?
        .ok_or_else(|| ChainError::Inconsistent("the database has no tip".into()))?;
    let mut active = Vec::new();
    let mut current = index
        .get(&tip)
        .ok_or_else(|| ChainError::Inconsistent(format!("tip {tip} has no index entry")))?;
    loop {
        active.push(current.hash);
        if current.height == 0 {
            break;
        }
        current = index.get(&current.prev()).ok_or_else(|| {
            ChainError::Inconsistent(format!("ancestor of {} is missing", current.hash))
        })?;
    }
    active.reverse();
    if active.first() != Some(&params.genesis_hash) {
        return Err(ChainError::Inconsistent(
            "the active chain does not start at this spec's genesis".into(),
        ));
    }
    index.set_active(active);
    let tip_work = index.tip().map(|e| e.chain_work).unwrap_or_default();
    for hash in linked_entries(&index) {
        if let Some(entry) = index.get_mut(&hash) {
            entry.linked = true;
            if entry.chain_work > tip_work {
                index.candidates.insert(hash);
            }
        }
    }
    Ok(index)
}

/// Entries whose data, and all of whose ancestors' data, is stored and not failed.
fn linked_entries(index: &BlockIndex) -> Vec<BlockHash> {
    let mut linked = Vec::new();
    let Some(genesis) = index.active_at(0) else {
        return linked;
    };
    let mut queue = vec![genesis];
    while let Some(hash) = queue.pop() {
        let Some(entry) = index.get(&hash) else {
            continue;
        };
        if entry.status.is_failed() || !entry.status.has(BlockStatus::HAVE_DATA) {
            continue;
        }
        linked.push(hash);
        queue.extend_from_slice(index.children(&hash));
    }
    linked
}
