//! An endpoint's open connections, oldest first, and whether each has sent its
//! request head: the table that decides which one gives way to a newcomer.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::task::AbortHandle;

struct Slot {
    started: Arc<AtomicBool>,
    task: AbortHandle,
}

pub(crate) struct Slots {
    max: usize,
    open: VecDeque<Slot>,
}

impl Slots {
    pub(crate) fn new(max: usize) -> Slots {
        Slots {
            max,
            open: VecDeque::with_capacity(max),
        }
    }

    /// Frees a place for one more connection if there is none: the oldest connection
    /// still waiting for its request head is closed. False when every one is serving a
    /// request.
    pub(crate) fn make_room(&mut self) -> bool {
        self.open.retain(|slot| !slot.task.is_finished());
        if self.open.len() < self.max {
            return true;
        }
        let idle = self
            .open
            .iter()
            .position(|slot| !slot.started.load(Ordering::Relaxed));
        match idle.and_then(|index| self.open.remove(index)) {
            Some(slot) => {
                slot.task.abort();
                true
            }
            None => false,
        }
    }

    /// Records a connection just spawned (after [`Slots::make_room`] said yes).
    pub(crate) fn insert(&mut self, started: Arc<AtomicBool>, task: AbortHandle) {
        self.open.push_back(Slot { started, task });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_oldest_idle_connection_gives_way_and_busy_ones_do_not() {
        let mut slots = Slots::new(2);
        let mut open = Vec::new();
        for busy in [false, true] {
            assert!(slots.make_room());
            let task = tokio::spawn(std::future::pending::<()>());
            let started = Arc::new(AtomicBool::new(busy));
            slots.insert(started.clone(), task.abort_handle());
            open.push((started, task));
        }
        // Full: the idle one (the first) is closed for a newcomer.
        assert!(slots.make_room());
        let (_, idle) = open.remove(0);
        assert!(idle.await.unwrap_err().is_cancelled());
        let task = tokio::spawn(std::future::pending::<()>());
        slots.insert(Arc::new(AtomicBool::new(true)), task.abort_handle());
        // Every one busy: no room, and nothing closed.
        assert!(!slots.make_room());
        assert!(!open[0].1.is_finished());
        // A finished connection frees its place.
        open[0].1.abort();
        tokio::task::yield_now().await;
        while !open[0].1.is_finished() {
            tokio::task::yield_now().await;
        }
        assert!(slots.make_room());
    }
}
