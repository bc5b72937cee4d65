//! Bounds on what miners can make the Stratum server hold: connections, the time a
//! connection may take to start mining, and the worker names one connection records.
//!
//! Anyone who can reach the port can open connections and send requests, so each of
//! these is capped; what goes beyond a cap is refused at once, before any work is done
//! for it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Longest worker name `mining.authorize` accepts, in bytes: room for a bech32 address
/// (90 characters at most) and a rig name after it.
pub const MAX_WORKER_NAME: usize = 256;

/// The server's bounds, shared by every connection.
#[derive(Debug, Clone, PartialEq)]
pub struct StratumLimits {
    /// Connections served at once; more are closed as soon as they are accepted.
    pub max_connections: usize,
    /// A connection that has not subscribed and authorized by then is closed.
    pub handshake_timeout: Duration,
    /// Distinct worker names one connection may authorize.
    pub max_workers: usize,
}

impl Default for StratumLimits {
    /// 512 connections (under the common 1,024-descriptor limit, so the coordinator keeps
    /// descriptors for its own node connections), 30 s to subscribe and authorize (a
    /// miner does both in its first round trip), 256 worker names per connection (a
    /// proxy forwarding a rack of miners over one connection).
    fn default() -> Self {
        StratumLimits {
            max_connections: 512,
            handshake_timeout: Duration::from_secs(30),
            max_workers: 256,
        }
    }
}

/// Counts the connections being served.
#[derive(Debug)]
pub struct ConnectionSlots {
    max: usize,
    taken: AtomicUsize,
}

/// One connection's slot, given back when dropped.
#[derive(Debug)]
pub struct Slot {
    slots: Arc<ConnectionSlots>,
}

impl ConnectionSlots {
    pub fn new(max: usize) -> Arc<ConnectionSlots> {
        Arc::new(ConnectionSlots {
            max,
            taken: AtomicUsize::new(0),
        })
    }

    /// A slot, or `None` when all are taken.
    pub fn take(self: &Arc<Self>) -> Option<Slot> {
        self.taken
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |taken| {
                (taken < self.max).then_some(taken + 1)
            })
            .ok()
            .map(|_| Slot {
                slots: self.clone(),
            })
    }

    pub fn max(&self) -> usize {
        self.max
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.slots.taken.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_run_out_and_come_back() {
        let slots = ConnectionSlots::new(2);
        let first = slots.take().unwrap();
        let _second = slots.take().unwrap();
        assert!(slots.take().is_none());
        drop(first);
        assert!(slots.take().is_some());
        assert!(ConnectionSlots::new(0).take().is_none());
    }
}
