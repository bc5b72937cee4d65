//! Moving the active chain to the best candidate: disconnecting back to the fork point,
//! connecting the new branch block by block, and marking what fails invalid.

use crate::chain::tip_info;
use crate::index::BlockIndex;
use crate::utxo::{connect_block, disconnect_block};
use crate::{BlockError, Chain, ChainError, ChainEvent};
use bitcoin::BlockHash;
use std::sync::Arc;
use std::time::Instant;
use tracing::{debug, info, warn};
use venture_pow::Work;
use venture_store::BlockStatus;

impl Chain {
    /// Moves the active chain to the candidate with the most work, block by block;
    /// blocks that fail to connect are marked invalid and the next best is tried.
    /// Returns the blocks that failed.
    pub(crate) fn activate_best_chain(
        &mut self,
    ) -> Result<Vec<(BlockHash, BlockError)>, ChainError> {
        let start = self.tip();
        let mut failures = Vec::new();
        while let Some(best) = self.best_candidate() {
            let tip_hash = self.tip().hash;
            let fork = self
                .index
                .fork_point(&tip_hash, &best)
                .map(|e| e.hash)
                .ok_or_else(|| ChainError::Inconsistent(format!("no fork point with {best}")))?;
            let mut depth = 0;
            while self.tip().hash != fork {
                self.disconnect_tip()?;
                depth += 1;
            }
            if let (Some(observer), true) = (&self.observer, depth > 0) {
                observer.reorganized(depth);
            }
            for hash in self.path_from(&fork, &best)? {
                match self.connect_tip(&hash) {
                    Ok(()) => {}
                    Err(ChainError::Block(error)) => {
                        warn!(%hash, "block failed to connect: {error}");
                        if error.is_permanent() {
                            self.mark_invalid(&hash)?;
                        } else {
                            // Not the block's fault for good: stop trying it until it is
                            // offered again.
                            self.index.candidates.remove(&hash);
                        }
                        failures.push((hash, error));
                        break;
                    }
                    Err(other) => return Err(other),
                }
            }
        }
        let end = self.tip();
        if end.hash != start.hash {
            debug!(height = end.height, hash = %end.hash, "new tip");
        }
        Ok(failures)
    }

    /// The candidate with the most work, if it beats the tip (ties: first seen).
    fn best_candidate(&mut self) -> Option<BlockHash> {
        let tip_work = self.tip().chain_work;
        self.index_candidates_retain(tip_work);
        index_best(&self.index, tip_work)
    }

    fn index_candidates_retain(&mut self, tip_work: Work) {
        let entries: Vec<BlockHash> = self.index.candidates.iter().copied().collect();
        for hash in entries {
            let keep = self
                .index
                .get(&hash)
                .is_some_and(|e| !e.status.is_failed() && e.chain_work > tip_work);
            if !keep {
                self.index.candidates.remove(&hash);
            }
        }
    }

    /// Hashes from just after `fork` up to `best`, in connection order.
    fn path_from(&self, fork: &BlockHash, best: &BlockHash) -> Result<Vec<BlockHash>, ChainError> {
        let mut path = Vec::new();
        let mut current = *best;
        while current != *fork {
            let entry = self.index.get(&current).ok_or_else(|| {
                ChainError::Inconsistent(format!("missing index entry {current}"))
            })?;
            path.push(current);
            current = entry.prev();
        }
        path.reverse();
        Ok(path)
    }

    fn connect_tip(&mut self, hash: &BlockHash) -> Result<(), ChainError> {
        let started = Instant::now();
        let entry = self
            .index
            .get(hash)
            .cloned()
            .ok_or_else(|| ChainError::Inconsistent(format!("missing index entry {hash}")))?;
        let block = self
            .store
            .block(hash)?
            .ok_or_else(|| ChainError::Inconsistent(format!("block data of {hash} is missing")))?;
        let mut batch = self.store.batch();
        let connected = connect_block(
            &block,
            &entry,
            &self.index,
            &self.params,
            &self.store,
            &self.ledger,
            &mut batch,
        )?;
        batch.set_height(entry.height, hash);
        batch.set_tip(hash);
        if self.tx_index {
            for tx in &block.txdata {
                batch.put_tx_location(&tx.compute_txid(), hash);
            }
        }
        self.store.write(batch)?;
        self.index.push_active(*hash);
        self.ledger.connected(
            &self.index,
            &self.store,
            &self.params,
            &entry,
            connected.earning.as_ref(),
        )?;
        self.events.push(ChainEvent::Connected(Arc::new(block)));
        self.tip_tx.send_replace(tip_info(&entry));
        if let Some(observer) = &self.observer {
            observer.block_connected(started.elapsed());
        }
        Ok(())
    }

    fn disconnect_tip(&mut self) -> Result<(), ChainError> {
        let entry = self
            .index
            .tip()
            .cloned()
            .ok_or_else(|| ChainError::Inconsistent("no tip".into()))?;
        if entry.height == 0 {
            return Err(ChainError::Inconsistent(
                "cannot disconnect the genesis block".into(),
            ));
        }
        let block = self.store.block(&entry.hash)?.ok_or_else(|| {
            ChainError::Inconsistent(format!("block data of {} is missing", entry.hash))
        })?;
        let undo = self.store.undo(&entry.hash)?.ok_or_else(|| {
            ChainError::Inconsistent(format!("undo data of {} is missing", entry.hash))
        })?;
        let mut batch = self.store.batch();
        disconnect_block(&block, &undo, &mut batch)?;
        if self.tx_index {
            for tx in &block.txdata {
                batch.delete_tx_location(&tx.compute_txid());
            }
        }
        batch.clear_height(entry.height);
        batch.set_tip(&entry.prev());
        self.store.write(batch)?;
        self.index.pop_active();
        self.index.candidates.insert(entry.hash);
        self.events.push(ChainEvent::Disconnected(Arc::new(block)));
        let parent = self
            .index
            .get(&entry.prev())
            .ok_or_else(|| ChainError::Inconsistent("parent of tip missing".into()))?;
        self.ledger
            .disconnected(&self.index, &self.store, &self.params, &entry, parent)?;
        self.tip_tx.send_replace(tip_info(parent));
        info!(height = entry.height, hash = %entry.hash, "disconnected block");
        Ok(())
    }

    /// Marks `hash` invalid and every descendant as having an invalid parent.
    pub(crate) fn mark_invalid(&mut self, hash: &BlockHash) -> Result<(), ChainError> {
        let mut batch = self.store.batch();
        let mut queue = vec![(*hash, BlockStatus::FAILED)];
        while let Some((current, flag)) = queue.pop() {
            let children = self.index.children(&current).to_vec();
            if let Some(entry) = self.index.get_mut(&current) {
                entry.status.set(flag);
                batch.put_index(&current, &entry.to_record());
            }
            self.index.candidates.remove(&current);
            queue.extend(
                children
                    .into_iter()
                    .map(|c| (c, BlockStatus::FAILED_PARENT)),
            );
        }
        self.store.write(batch)?;
        self.index.recompute_best_header();
        Ok(())
    }
}

fn index_best(index: &BlockIndex, tip_work: Work) -> Option<BlockHash> {
    index
        .candidates
        .iter()
        .filter_map(|h| index.get(h))
        .filter(|e| e.chain_work > tip_work)
        .max_by(|a, b| {
            a.chain_work
                .cmp(&b.chain_work)
                .then(b.sequence.cmp(&a.sequence))
        })
        .map(|e| e.hash)
}
