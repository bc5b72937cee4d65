//! Synchronous mining of a number of blocks (`generatetoaddress`).

use crate::{solve_header, BlockTemplate, MiningError, SolveOutcome};
use bitcoin::{BlockHash, ScriptBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;
use venture_chain::{Chain, ProcessOutcome};
use venture_difficulty::BlockKind;
use venture_mempool::Mempool;

/// Mines `count` blocks on the tip paying `payout`, trying at most `max_tries` nonces
/// per block, like Bitcoin Core's `generatetoaddress`. The chain lock is released while
/// hashing, so other requests go on.
pub fn generate_blocks(
    chain: &Mutex<Chain>,
    mempool: &Mutex<Mempool>,
    payout: &ScriptBuf,
    count: u32,
    max_tries: u64,
    stop: &AtomicBool,
) -> Result<Vec<BlockHash>, MiningError> {
    let mut hashes = Vec::with_capacity(count as usize);
    let mut extra_nonce = 0u64;
    while hashes.len() < count as usize {
        let (template, pow) = {
            let mut chain = chain.lock().map_err(|_| MiningError::Poisoned)?;
            let mut mempool = mempool.lock().map_err(|_| MiningError::Poisoned)?;
            let template = BlockTemplate::from_pool(
                &mut chain,
                &mut mempool,
                payout.clone(),
                BlockKind::Native,
            )?;
            (template, chain.params().spec.consensus.pow)
        };
        extra_nonce += 1;
        let mut block = template.block(extra_nonce);
        let (outcome, _) = solve_header(
            &mut block.header.pure,
            pow,
            &template.context.target,
            max_tries,
            stop,
        );
        match outcome {
            SolveOutcome::Found => {}
            SolveOutcome::Exhausted => return Err(MiningError::Exhausted(max_tries)),
            SolveOutcome::Stopped => break,
        }
        let hash = block.block_hash();
        let mut chain = chain.lock().map_err(|_| MiningError::Poisoned)?;
        // Another block may have won the race for this height; mine on the new tip.
        if chain.process_block(block, false)? == ProcessOutcome::Connected {
            hashes.push(hash);
        }
    }
    Ok(hashes)
}
