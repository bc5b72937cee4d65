//! The merged-mining coordinator behind `ventured mm`: it turns a parent node's block
//! template and the aux nodes' `createauxblock` blocks into Stratum jobs, checks miners'
//! shares, and hands every solution to the chain it solves (a full block to the parent
//! with `submitblock`, an AuxPoW to each aux chain with `submitauxblock`).
//!
//! Threads, not tasks, talk to the nodes (the RPC client is blocking): one poller for the
//! parent (long poll when offered), one per aux node, and one submitter per node so that
//! a slow or dead node never delays the others. A node that stops answering is retried
//! with back-off; meanwhile the others keep being mined (an aux chain that is down is left
//! out of the commitment, a parent that is down leaves its last template in use so the
//! aux chains still get proofs of work).

mod aux;
mod config;
mod error;
mod floor;
mod job;
mod mweb;
mod node;
mod pollers;
mod required;
mod shares;
mod stats;
mod submit;
mod template;
mod template_limits;

pub use aux::AuxBlock;
pub use config::{AuxConfig, CoordinatorConfig, ParentConfig};
pub use error::MmError;
pub use floor::{share_floor, DEFAULT_MAX_SHARES_PER_BLOCK};
pub use job::{
    AuxWork, Job, ShareKey, VersionRoll, COINBASE_TAG, EXTRANONCE1_SIZE, EXTRANONCE2_SIZE,
};
pub use mweb::{Mweb, MWEB_MARKER};
pub use node::{Backoff, NodeAuth, NodeEndpoint};
pub use required::{required_outputs, MAX_REQUIRED_OUTPUT_BYTES, REQUIRED_OUTPUTS_FIELD};
pub use shares::{ShareAccepted, ShareRejection, ShareSubmission};
pub use stats::{ChainStats, Latencies, Stats, WorkerShares};
pub use template::{coinbase_branch, ParentTemplate, TemplateTx};
pub use template_limits::{
    DEFAULT_PARENT_BLOCK_WEIGHT, MAX_MWEB_BYTES, MAX_PARENT_BLOCK_WEIGHT, MAX_SCRIPT_BYTES,
};

use bitcoin::BlockHash;
use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::Instant;
use tokio::sync::watch;
use tracing::{debug, error, info, warn};

/// Jobs kept for share checking; older ones are answered "job not found".
const KEPT_JOBS: usize = 32;
/// Bound on the memory of blocks already handed to a node.
const MAX_REMEMBERED_SUBMISSIONS: usize = 1_024;

/// A solution for one chain, on its way to that chain's node.
#[derive(Debug, Clone)]
pub enum FoundBlock {
    Parent {
        height: u32,
        hash: BlockHash,
        prev_hash: BlockHash,
        /// The serialized block for `submitblock`.
        block_hex: String,
        share_received: Instant,
    },
    Aux {
        index: usize,
        chain_id: i32,
        height: u32,
        hash: BlockHash,
        /// The serialized AuxPoW for `submitauxblock`.
        auxpow_hex: String,
        share_received: Instant,
    },
}

#[derive(Default)]
struct State {
    template: Option<Arc<ParentTemplate>>,
    aux: Vec<Option<AuxBlock>>,
    epoch: u64,
    next_job: u64,
    jobs: VecDeque<Arc<Job>>,
    /// Aux blocks a solution was already sent for: one proof per aux block is enough.
    submitted_aux: HashSet<BlockHash>,
}

/// Wake-ups for the pollers: one pending wake-up is enough, so the channels hold one.
#[derive(Default)]
struct Wakers {
    parent: Option<mpsc::SyncSender<()>>,
    aux: Vec<Option<mpsc::SyncSender<()>>>,
}

/// The coordinator: shared by the Stratum server, the pollers and the submitters.
pub struct Coordinator {
    config: CoordinatorConfig,
    state: Mutex<State>,
    jobs: watch::Sender<Option<Arc<Job>>>,
    found: Mutex<Option<mpsc::Sender<FoundBlock>>>,
    wakers: Mutex<Wakers>,
    stats: Arc<Stats>,
    stopping: AtomicBool,
}

impl Coordinator {
    /// A coordinator that talks to no node: work is fed with [`Coordinator::update_parent`]
    /// and [`Coordinator::update_aux`], and solutions come out of the returned channel.
    /// [`Coordinator::start`] wires the same object to real nodes.
    pub fn detached(config: CoordinatorConfig) -> (Arc<Coordinator>, mpsc::Receiver<FoundBlock>) {
        let (found_tx, found_rx) = mpsc::channel();
        let aux_count = config.aux.len();
        let coordinator = Coordinator {
            state: Mutex::new(State {
                aux: vec![None; aux_count],
                ..State::default()
            }),
            jobs: watch::Sender::new(None),
            found: Mutex::new(Some(found_tx)),
            wakers: Mutex::new(Wakers::default()),
            stats: Arc::new(Stats::new(aux_count)),
            stopping: AtomicBool::new(false),
            config,
        };
        (Arc::new(coordinator), found_rx)
    }

    /// Starts polling the nodes and submitting solutions to them.
    pub fn start(config: CoordinatorConfig) -> Result<Arc<Coordinator>, MmError> {
        if config.parent.payout_script.is_empty() {
            return Err(MmError::Config("the parent payout script is empty".into()));
        }
        if config.aux.is_empty() {
            warn!("no aux chain configured: only the parent is mined");
        }
        let (coordinator, found) = Coordinator::detached(config);
        submit::spawn(&coordinator, found)?;
        pollers::spawn(&coordinator)?;
        info!(
            parent = %coordinator.config.parent.endpoint.url,
            aux_chains = coordinator.config.aux.len(),
            pow = coordinator.config.parent.pow.name(),
            "merged-mining coordinator started"
        );
        Ok(coordinator)
    }

    pub fn config(&self) -> &CoordinatorConfig {
        &self.config
    }

    pub fn stats(&self) -> &Arc<Stats> {
        &self.stats
    }

    /// The stats as JSON, chains labelled by their node addresses.
    pub fn stats_json(&self) -> serde_json::Value {
        let aux_urls: Vec<String> = self
            .config
            .aux
            .iter()
            .map(|a| a.endpoint.url.clone())
            .collect();
        self.stats
            .to_json(&self.config.parent.endpoint.url, &aux_urls)
    }

    /// Follows the published jobs (the latest one; `None` until the parent answered once).
    pub fn jobs(&self) -> watch::Receiver<Option<Arc<Job>>> {
        self.jobs.subscribe()
    }

    pub fn current_job(&self) -> Option<Arc<Job>> {
        self.jobs.borrow().clone()
    }

    /// Stops the pollers and submitters (they exit at their next wake-up).
    pub fn shutdown(&self) {
        self.stopping.store(true, Ordering::Relaxed);
        let wakers = self.wakers();
        let _ = wakers.parent.as_ref().map(|w| w.try_send(()));
        for waker in wakers.aux.iter().flatten() {
            let _ = waker.try_send(());
        }
        drop(wakers);
        if let Ok(mut found) = self.found.lock() {
            found.take();
        }
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }

    /// A new parent template. Work changes only if it differs from the current one (new
    /// tip: a clean job; new transactions: a job miners may switch to at leisure).
    pub fn update_parent(&self, template: ParentTemplate, observed: Instant) {
        self.stats.parent.up.store(true, Ordering::Relaxed);
        self.stats
            .parent
            .height
            .store(u64::from(template.height), Ordering::Relaxed);
        self.note_template_problem(template.mweb.problem());
        let mut state = self.state();
        let clean = match &state.template {
            Some(current) if current.same_work(&template) => return,
            Some(current) => current.prev_hash != template.prev_hash,
            None => true,
        };
        if clean {
            self.stats.parent.updates.fetch_add(1, Ordering::Relaxed);
        }
        state.template = Some(Arc::new(template));
        self.publish(&mut state, clean, observed);
    }

    /// Records (and logs when it changes) why the parent's templates cannot make parent
    /// blocks, or that they can again.
    fn note_template_problem(&self, problem: Option<&str>) {
        let previous = self.stats.set_parent_template_error(problem);
        match (problem, previous) {
            (Some(now), before) if before.as_deref() != Some(now) => error!(
                "parent template unusable for parent blocks (aux chains are still mined, parent solutions are not submitted): {now}"
            ),
            (None, Some(_)) => info!("parent templates make parent blocks again"),
            _ => {}
        }
    }

    /// Records (and logs when it changes) why the parent's latest template was refused:
    /// the last one read stays in use, so the aux chains keep being mined.
    fn note_template_refused(&self, why: &str) {
        let problem = format!("getblocktemplate reply refused: {why}");
        let previous = self.stats.set_parent_template_error(Some(&problem));
        if previous.as_deref() != Some(problem.as_str()) {
            error!(
                parent = %self.config.parent.endpoint.url,
                "parent template refused (the last usable one stays in use, aux chains are still mined): {why}"
            );
        }
    }

    /// An aux chain's current block, or `None` when its node is down (the chain leaves
    /// the commitment until it is back). A new aux tip gives a clean job.
    pub fn update_aux(&self, index: usize, block: Option<AuxBlock>, observed: Instant) {
        let Some(chain_stats) = self.stats.aux.get(index) else {
            return;
        };
        chain_stats.up.store(block.is_some(), Ordering::Relaxed);
        if let Some(block) = &block {
            chain_stats
                .chain_id
                .store(i64::from(block.chain_id), Ordering::Relaxed);
            chain_stats
                .height
                .store(u64::from(block.height), Ordering::Relaxed);
        }
        let mut state = self.state();
        let Some(slot) = state.aux.get_mut(index) else {
            return;
        };
        let clean = match (slot.as_ref(), block.as_ref()) {
            (Some(old), Some(new)) if old.hash == new.hash => return,
            (None, None) => return,
            // The same tip with another block (new transactions): the old one stays
            // submittable, so miners need not drop their work.
            (Some(old), Some(new)) => old.previous_block_hash != new.previous_block_hash,
            (None, Some(_)) => true,
            (Some(_), None) => false,
        };
        if block.is_some() {
            chain_stats.updates.fetch_add(1, Ordering::Relaxed);
        }
        *slot = block;
        if state.submitted_aux.len() > MAX_REMEMBERED_SUBMISSIONS {
            state.submitted_aux.clear();
        }
        self.publish(&mut state, clean, observed);
    }

    /// Builds and publishes a job from the current template and aux blocks.
    fn publish(&self, state: &mut State, clean: bool, observed: Instant) {
        let Some(template) = state.template.clone() else {
            return;
        };
        // Two aux nodes of the same chain cannot share a commitment: keep the first.
        let mut ids = HashSet::new();
        let aux: Vec<AuxWork> = state
            .aux
            .iter()
            .enumerate()
            .filter_map(|(index, block)| block.as_ref().map(|b| (index, b)))
            .filter(|(index, block)| {
                let fresh = ids.insert(block.chain_id);
                if !fresh {
                    debug!(
                        index,
                        chain_id = block.chain_id,
                        "aux chain id already mined through another node"
                    );
                }
                fresh
            })
            .map(|(index, block)| AuxWork {
                index,
                chain_id: block.chain_id,
                hash: block.hash,
                height: block.height,
                target: block.target,
            })
            .collect();
        if clean || state.epoch == 0 {
            state.epoch += 1;
        }
        state.next_job += 1;
        let id = format!("{:x}", state.next_job);
        let floor = share_floor(&template, &aux, self.config.max_shares_per_block);
        let job = match Job::build(
            id,
            state.epoch,
            template,
            aux,
            floor,
            &self.config.parent.payout_script,
            self.config.commitment_nonce,
        ) {
            Ok(job) => Arc::new(job),
            Err(e) => {
                warn!("cannot build a job: {e}");
                return;
            }
        };
        debug!(
            job = %job.id,
            clean,
            parent_height = job.template.height,
            aux = job.aux.len(),
            "new job"
        );
        if state.jobs.len() == KEPT_JOBS {
            state.jobs.pop_front();
        }
        state.jobs.push_back(job.clone());
        self.stats.jobs.fetch_add(1, Ordering::Relaxed);
        if clean {
            self.stats.clean_jobs.fetch_add(1, Ordering::Relaxed);
        }
        self.stats.job_latency.record(observed.elapsed());
        self.jobs.send_replace(Some(job));
    }

    fn send_found(&self, found: FoundBlock) {
        if let Ok(sender) = self.found.lock() {
            if let Some(sender) = sender.as_ref() {
                let _ = sender.send(found);
            }
        }
    }

    /// Forgets that a solution was sent for an aux block, so a later share may retry it
    /// (its node was unreachable).
    fn forget_aux_submission(&self, hash: &BlockHash) {
        self.state().submitted_aux.remove(hash);
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere must not stop mining: the state stays consistent between
        // statements, so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn wakers(&self) -> MutexGuard<'_, Wakers> {
        self.wakers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Asks the parent poller to poll now (after a block was accepted).
    fn wake_parent(&self) {
        if let Some(waker) = &self.wakers().parent {
            let _ = waker.try_send(());
        }
    }

    fn wake_aux(&self, index: usize) {
        if let Some(Some(waker)) = self.wakers().aux.get(index) {
            let _ = waker.try_send(());
        }
    }
}
