//! Blocks handed out for merged mining (`createauxblock` / `getauxblock`), kept until a
//! miner returns one with its AuxPoW (`submitauxblock`). As in Namecoin Core: one block
//! per payout script, rebuilt when the tip changes, and every saved block forgotten then.

use crate::{BlockTemplate, MiningError};
use bitcoin::{BlockHash, ScriptBuf};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use venture_chain::Chain;
use venture_difficulty::BlockKind;
use venture_mempool::Mempool;
use venture_pow::Target;
use venture_primitives::Block;

/// At most this many payout scripts are served per tip; beyond it the cache starts over
/// (a caller inventing addresses cannot grow it without bound).
const MAX_SCRIPTS: usize = 1_000;
/// A cached block is rebuilt after this long when its template may have changed
/// (Namecoin: mempool changed and 60 s passed).
const REFRESH_AFTER: Duration = Duration::from_secs(60);

/// What a merge-miner needs to commit to a block (Namecoin's `createauxblock` fields).
#[derive(Debug, Clone)]
pub struct AuxBlockInfo {
    pub hash: BlockHash,
    pub chain_id: u32,
    pub previous_block_hash: BlockHash,
    pub coinbase_value: u64,
    pub bits: u32,
    pub height: u32,
    pub target: Target,
}

#[derive(Default)]
struct CacheState {
    tip: Option<BlockHash>,
    by_script: HashMap<ScriptBuf, (BlockHash, Instant, u64)>,
    blocks: HashMap<BlockHash, Block>,
}

/// The saved merge-mining blocks.
#[derive(Default)]
pub struct AuxBlockCache {
    state: Mutex<CacheState>,
}

impl AuxBlockCache {
    pub fn new() -> AuxBlockCache {
        AuxBlockCache::default()
    }

    /// The block to merge-mine for `payout` on `chain`'s tip, building it if needed.
    /// `template_generation` changes whenever block contents could (the mempool); a block
    /// older than a minute is then rebuilt.
    pub fn create(
        &self,
        chain: &mut Chain,
        mempool: &mut Mempool,
        payout: &ScriptBuf,
    ) -> Result<AuxBlockInfo, MiningError> {
        mempool.sync_with(chain);
        let template_generation = mempool.generation();
        let mut state = self.state.lock().map_err(|_| MiningError::Poisoned)?;
        let tip = chain.tip().hash;
        if state.tip != Some(tip) || state.by_script.len() >= MAX_SCRIPTS {
            state.blocks.clear();
            state.by_script.clear();
            state.tip = Some(tip);
        }
        let reusable = state
            .by_script
            .get(payout)
            .and_then(|(hash, built, generation)| {
                let fresh = *generation == template_generation || built.elapsed() < REFRESH_AFTER;
                fresh.then_some(*hash)
            });
        let hash = match reusable {
            Some(hash) => hash,
            None => {
                let template = BlockTemplate::from_pool(
                    chain,
                    mempool,
                    payout.clone(),
                    BlockKind::MergeMined,
                )?;
                let block = template.block(1);
                let hash = block.block_hash();
                state.blocks.insert(hash, block);
                state
                    .by_script
                    .insert(payout.clone(), (hash, Instant::now(), template_generation));
                hash
            }
        };
        let block = state.blocks.get(&hash).ok_or_else(|| {
            MiningError::Chain(venture_chain::ChainError::Inconsistent(
                "aux block cache lost a block".into(),
            ))
        })?;
        let header = &block.header.pure;
        let bits = header.bits.to_consensus();
        Ok(AuxBlockInfo {
            hash,
            chain_id: chain.params().spec.consensus.chain_id,
            previous_block_hash: header.prev_blockhash,
            // The miner's part: settlement outputs (if any) come first and are not theirs.
            coinbase_value: block.txdata[0]
                .output
                .iter()
                .rev()
                .find(|o| !o.script_pubkey.is_op_return())
                .map_or(0, |o| o.value.to_sat()),
            bits,
            height: chain.height() + 1,
            target: Target::from_bits(bits, &chain.params().pow_limit).map_err(|e| {
                MiningError::Chain(venture_chain::ChainError::Inconsistent(e.to_string()))
            })?,
        })
    }

    /// A saved block by hash, without its AuxPoW. Blocks built on an earlier tip are
    /// stale: they are forgotten once the tip moves, as Namecoin forgets them.
    pub fn lookup(&self, hash: &BlockHash, tip: &BlockHash) -> Option<Block> {
        let mut state = self.state.lock().ok()?;
        if state.tip.as_ref() != Some(tip) {
            state.blocks.clear();
            state.by_script.clear();
            state.tip = Some(*tip);
            return None;
        }
        state.blocks.get(hash).cloned()
    }
}
