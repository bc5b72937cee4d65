//! Delivery of solutions: one thread per node, so that a node that is slow or down never
//! holds up the others.

use crate::coordinator::pollers::CALL_TIMEOUT;
use crate::coordinator::{Coordinator, FoundBlock, MmError};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::Duration;
use tracing::{debug, info, warn};
use venture_rpc_client::ClientError;

/// Namecoin's `submitauxblock` code for a block it no longer knows (its tip moved on).
const RPC_INVALID_PARAMETER: i64 = -8;
/// A solution that waited this long for a node that does not answer is dropped: its
/// tip has most likely moved on, and a backlog must not grow while a node hangs.
const MAX_QUEUED: Duration = Duration::from_secs(30);

/// Logs delivery failures once per outage rather than once per block.
#[derive(Default)]
struct Outage {
    failing: bool,
}

impl Outage {
    fn failed(&mut self, what: &str, error: &MmError) {
        if self.failing {
            debug!("{what}: still failing: {error}");
        } else {
            warn!("{what}: delivery failed (further failures are logged at debug level): {error}");
            self.failing = true;
        }
    }

    fn delivered(&mut self, what: &str) {
        if self.failing {
            info!("{what}: delivering again");
            self.failing = false;
        }
    }
}

/// Starts the router and the per-node submitters.
pub(super) fn spawn(
    coordinator: &Arc<Coordinator>,
    found: Receiver<FoundBlock>,
) -> Result<(), MmError> {
    let (parent_tx, parent_rx) = mpsc::channel();
    let parent = coordinator.clone();
    std::thread::Builder::new()
        .name("mm-submit-parent".into())
        .spawn(move || submit_parent(&parent, parent_rx))?;
    let mut aux_txs: Vec<Sender<FoundBlock>> = Vec::new();
    for index in 0..coordinator.config.aux.len() {
        let (tx, rx) = mpsc::channel();
        let aux = coordinator.clone();
        std::thread::Builder::new()
            .name(format!("mm-submit-aux-{index}"))
            .spawn(move || submit_aux(&aux, index, rx))?;
        aux_txs.push(tx);
    }
    std::thread::Builder::new()
        .name("mm-found".into())
        .spawn(move || {
            for block in found {
                let _ = match &block {
                    FoundBlock::Parent { .. } => parent_tx.send(block),
                    FoundBlock::Aux { index, .. } => match aux_txs.get(*index) {
                        Some(tx) => tx.send(block),
                        None => Ok(()),
                    },
                };
            }
        })?;
    Ok(())
}

fn submit_parent(coordinator: &Coordinator, blocks: Receiver<FoundBlock>) {
    let endpoint = &coordinator.config.parent.endpoint;
    let stats = &coordinator.stats.parent;
    let what = format!("parent {}", endpoint.url);
    let mut outage = Outage::default();
    for block in blocks {
        let FoundBlock::Parent {
            height,
            hash,
            prev_hash,
            block_hex,
            share_received,
        } = block
        else {
            continue;
        };
        if share_received.elapsed() > MAX_QUEUED {
            stats.stale.fetch_add(1, Ordering::Relaxed);
            debug!(height, %hash, "dropping a parent block that waited too long");
            continue;
        }
        stats.submitted.fetch_add(1, Ordering::Relaxed);
        let reply = endpoint.call("submitblock", json!([block_hex]), CALL_TIMEOUT);
        if !matches!(&reply, Err(e) if e.is_unreachable()) {
            outage.delivered(&what);
        }
        match reply {
            // BIP22: null means accepted.
            Ok(Value::Null) => {
                stats.accepted.fetch_add(1, Ordering::Relaxed);
                coordinator
                    .stats
                    .share_to_parent_block
                    .record(share_received.elapsed());
                info!(height, %hash, "parent block accepted");
                coordinator.wake_parent();
            }
            Ok(reason) => {
                let reason = reason.as_str().unwrap_or("unknown").to_string();
                // BIP22: "inconclusive" is a valid block off the best chain (another
                // solution on the same tip got there first), "duplicate" one it has;
                // "prev-blk-not-found" is work on a tip the node no longer has (a
                // restarted node that lost its last blocks, until it catches up).
                if matches!(
                    reason.as_str(),
                    "duplicate" | "inconclusive" | "prev-blk-not-found"
                ) {
                    stats.stale.fetch_add(1, Ordering::Relaxed);
                    debug!(height, %hash, %reason, "parent block not added to the best chain");
                } else {
                    stats.rejected.fetch_add(1, Ordering::Relaxed);
                    warn!(height, %hash, %reason, "parent refused the block");
                }
            }
            Err(e) if e.is_unreachable() => {
                stats.errors.fetch_add(1, Ordering::Relaxed);
                debug!(height, %hash, %prev_hash, "parent block not delivered");
                outage.failed(&what, &e);
            }
            Err(e) => {
                stats.rejected.fetch_add(1, Ordering::Relaxed);
                warn!(height, %hash, %prev_hash, "the parent refused the block: {e}");
            }
        }
    }
}

fn submit_aux(coordinator: &Coordinator, index: usize, blocks: Receiver<FoundBlock>) {
    let Some(config) = coordinator.config.aux.get(index) else {
        return;
    };
    let Some(stats) = coordinator.stats.aux.get(index) else {
        return;
    };
    let what = format!("aux {}", config.endpoint.url);
    let mut outage = Outage::default();
    for block in blocks {
        let FoundBlock::Aux {
            chain_id,
            height,
            hash,
            auxpow_hex,
            share_received,
            ..
        } = block
        else {
            continue;
        };
        if share_received.elapsed() > MAX_QUEUED {
            stats.stale.fetch_add(1, Ordering::Relaxed);
            debug!(chain_id, height, %hash, "dropping an aux block that waited too long");
            continue;
        }
        stats.submitted.fetch_add(1, Ordering::Relaxed);
        let reply = config.endpoint.call(
            "submitauxblock",
            json!([hash.to_string(), auxpow_hex]),
            CALL_TIMEOUT,
        );
        if !matches!(&reply, Err(e) if e.is_unreachable()) {
            outage.delivered(&what);
        }
        match reply {
            Ok(Value::Bool(true)) => {
                stats.accepted.fetch_add(1, Ordering::Relaxed);
                coordinator
                    .stats
                    .share_to_aux_block
                    .record(share_received.elapsed());
                info!(chain_id, height, %hash, "aux block accepted");
                coordinator.wake_aux(index);
            }
            Ok(other) => {
                stats.rejected.fetch_add(1, Ordering::Relaxed);
                warn!(chain_id, height, %hash, reply = %other, "aux node refused the AuxPoW block");
            }
            Err(MmError::Rpc {
                source: ClientError::Rpc(failure),
                ..
            }) if failure.code == RPC_INVALID_PARAMETER => {
                // The aux tip moved on before the proof arrived.
                stats.stale.fetch_add(1, Ordering::Relaxed);
                debug!(chain_id, height, %hash, "aux block went stale: {failure}");
            }
            Err(e) if e.is_unreachable() => {
                stats.errors.fetch_add(1, Ordering::Relaxed);
                debug!(chain_id, height, %hash, "aux block not delivered");
                outage.failed(&what, &e);
                // A later share may deliver it once the node is back.
                coordinator.forget_aux_submission(&hash);
            }
            Err(e) => {
                stats.rejected.fetch_add(1, Ordering::Relaxed);
                warn!(chain_id, height, %hash, "aux node refused the AuxPoW block: {e}");
            }
        }
    }
}
