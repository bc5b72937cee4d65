//! What happened to the active chain since someone last asked: blocks connected and
//! disconnected, in order. The mempool drains these to drop confirmed transactions and
//! take back those of disconnected blocks.

use std::collections::VecDeque;
use std::sync::Arc;
use venture_primitives::Block;

/// At most this many events are queued; beyond it the queue is dropped and marked
/// overflowed (a long sync or reorg), and the reader must resynchronise from scratch.
pub const MAX_QUEUED_EVENTS: usize = 64;

/// A change of the active chain.
#[derive(Debug, Clone)]
pub enum ChainEvent {
    Connected(Arc<Block>),
    Disconnected(Arc<Block>),
}

/// The events since the last drain.
#[derive(Debug, Default)]
pub struct ChainEvents {
    pub events: Vec<ChainEvent>,
    /// Events were dropped: the reader cannot replay them one by one.
    pub overflowed: bool,
}

/// The bounded queue the chain fills.
#[derive(Debug, Default)]
pub(crate) struct EventQueue {
    events: VecDeque<ChainEvent>,
    overflowed: bool,
}

impl EventQueue {
    pub(crate) fn push(&mut self, event: ChainEvent) {
        if self.events.len() >= MAX_QUEUED_EVENTS {
            self.events.clear();
            self.overflowed = true;
        }
        if !self.overflowed {
            self.events.push_back(event);
        }
    }

    pub(crate) fn drain(&mut self) -> ChainEvents {
        let drained = ChainEvents {
            events: self.events.drain(..).collect(),
            overflowed: self.overflowed,
        };
        self.overflowed = false;
        drained
    }
}
