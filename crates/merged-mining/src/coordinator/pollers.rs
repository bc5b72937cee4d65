//! The threads that poll the nodes for work: the parent's `getblocktemplate` (long poll
//! when offered) and each aux node's `createauxblock` (which returns the same block until
//! that chain's tip changes, so polling it is how tip changes are seen).

use crate::coordinator::{AuxBlock, Backoff, Coordinator, MmError, ParentTemplate};
use serde_json::json;
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::{debug, info, warn};
use venture_rpc_client::ClientError;

/// Timeout of an ordinary call.
pub(super) const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Timeout of a long poll; the poll is then simply repeated (Bitcoin Core may hold one
/// indefinitely while nothing changes).
const LONGPOLL_TIMEOUT: Duration = Duration::from_secs(90);
/// Back-off of a node that does not answer.
const RETRY_FIRST: Duration = Duration::from_millis(250);
const RETRY_MAX: Duration = Duration::from_secs(5);
/// A long poll answered sooner than this with the same id means the node is not
/// waiting; the poller then paces itself as if polling.
const NOT_WAITING: Duration = Duration::from_millis(20);

/// Starts the parent poller and one poller per aux node.
pub(super) fn spawn(coordinator: &Arc<Coordinator>) -> Result<(), MmError> {
    let (parent_waker, parent_wake) = mpsc::sync_channel(1);
    let mut aux_wakes = Vec::new();
    {
        let mut wakers = coordinator.wakers();
        wakers.parent = Some(parent_waker);
        for _ in &coordinator.config.aux {
            let (waker, wake) = mpsc::sync_channel(1);
            wakers.aux.push(Some(waker));
            aux_wakes.push(wake);
        }
    }
    let parent = coordinator.clone();
    std::thread::Builder::new()
        .name("mm-parent".into())
        .spawn(move || poll_parent(&parent, &parent_wake))?;
    for (index, wake) in aux_wakes.into_iter().enumerate() {
        let aux = coordinator.clone();
        std::thread::Builder::new()
            .name(format!("mm-aux-{index}"))
            .spawn(move || poll_aux(&aux, index, &wake))?;
    }
    Ok(())
}

/// Sleeps for `pause`, or less if woken.
fn wait(wake: &Receiver<()>, pause: Duration) {
    if wake.recv_timeout(pause).is_ok() {
        while wake.try_recv().is_ok() {}
    }
}

fn is_timeout(error: &MmError) -> bool {
    matches!(
        error,
        MmError::Rpc { source: ClientError::Io(e), .. }
            if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
    )
}

fn poll_parent(coordinator: &Coordinator, wake: &Receiver<()>) {
    let config = &coordinator.config.parent;
    let url = &config.endpoint.url;
    let mut backoff = Backoff::new(RETRY_FIRST, RETRY_MAX);
    let mut longpollid: Option<String> = None;
    let mut down = false;
    while !coordinator.is_stopping() {
        let mut request = json!({ "rules": config.rules });
        let sent_id = longpollid.take().filter(|_| config.longpoll);
        if let Some(id) = &sent_id {
            request["longpollid"] = json!(id);
        }
        let timeout = if sent_id.is_some() {
            LONGPOLL_TIMEOUT
        } else {
            CALL_TIMEOUT
        };
        let asked = Instant::now();
        let reply = config
            .endpoint
            .call("getblocktemplate", json!([request]), timeout)
            .and_then(|reply| ParentTemplate::from_json(url, &reply));
        match reply {
            Ok(template) => {
                if down {
                    info!(%url, "parent node is back");
                    down = false;
                }
                backoff.reset();
                let new_id = template.longpollid.clone();
                coordinator.update_parent(template, Instant::now());
                let waited = asked.elapsed() >= NOT_WAITING;
                match (&sent_id, &new_id) {
                    (_, None) => wait(wake, config.poll_interval),
                    _ if !config.longpoll => wait(wake, config.poll_interval),
                    (Some(sent), Some(new)) if sent == new && !waited => {
                        wait(wake, config.poll_interval)
                    }
                    _ => {}
                }
                longpollid = new_id;
            }
            Err(e) if sent_id.is_some() && is_timeout(&e) => {
                debug!(%url, "long poll timed out; polling again");
            }
            Err(MmError::BadReply { detail, .. }) => {
                // The node answers, with a template no block can be built from: that is
                // its fault to report, not an outage.
                if down {
                    info!(%url, "parent node is back");
                    down = false;
                }
                coordinator
                    .stats
                    .parent
                    .up
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                coordinator.note_template_refused(&detail);
                wait(wake, backoff.failed());
            }
            Err(e) => {
                coordinator
                    .stats
                    .parent
                    .up
                    .store(false, std::sync::atomic::Ordering::Relaxed);
                if !down {
                    warn!(%url, "parent node unavailable, retrying with back-off (aux chains keep being mined on the last template): {e}");
                    down = true;
                } else {
                    debug!(%url, "parent node still unavailable: {e}");
                }
                wait(wake, backoff.failed());
            }
        }
    }
}

fn poll_aux(coordinator: &Coordinator, index: usize, wake: &Receiver<()>) {
    let Some(config) = coordinator.config.aux.get(index) else {
        return;
    };
    let url = &config.endpoint.url;
    let pause = coordinator.config.aux_poll_interval;
    let mut backoff = Backoff::new(RETRY_FIRST, RETRY_MAX);
    let mut up: Option<bool> = None;
    while !coordinator.is_stopping() {
        let reply = config
            .endpoint
            .call("createauxblock", json!([config.address]), CALL_TIMEOUT)
            .and_then(|reply| AuxBlock::from_json(url, &reply));
        match reply {
            Ok(block) => {
                if up != Some(true) {
                    info!(%url, chain_id = block.chain_id, height = block.height, "aux chain joins the commitment");
                    up = Some(true);
                }
                backoff.reset();
                coordinator.update_aux(index, Some(block), Instant::now());
                wait(wake, pause);
            }
            Err(e) => {
                if up != Some(false) {
                    warn!(%url, "aux node unavailable, left out of the commitment and retried with back-off: {e}");
                    up = Some(false);
                } else {
                    debug!(%url, "aux node still unavailable: {e}");
                }
                coordinator.update_aux(index, None, Instant::now());
                wait(wake, backoff.failed());
            }
        }
    }
}
