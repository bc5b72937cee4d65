//! The node's notion of "now", replaceable in tests.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, as the node should judge block times.
///
/// A mock time (Bitcoin Core's `setmocktime`, development chains only) overrides the
/// source while it is set; clones share it.
#[derive(Clone)]
pub struct Clock {
    source: Arc<dyn Fn() -> i64 + Send + Sync>,
    /// 0: no mock time.
    mock: Arc<AtomicI64>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock::from_fn(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        })
    }

    /// A clock that reads from `f` (tests pin time with it).
    pub fn from_fn(f: impl Fn() -> i64 + Send + Sync + 'static) -> Clock {
        Clock {
            source: Arc::new(f),
            mock: Arc::new(AtomicI64::new(0)),
        }
    }

    pub fn now(&self) -> i64 {
        match self.mock.load(Ordering::Relaxed) {
            0 => (self.source)(),
            mock => mock,
        }
    }

    /// Pins "now" at `time` (seconds since the epoch); 0 goes back to the source.
    pub fn set_mock_time(&self, time: i64) {
        self.mock.store(time, Ordering::Relaxed);
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mock_time_overrides_the_source_until_cleared_and_clones_share_it() {
        let clock = Clock::from_fn(|| 1_000);
        let clone = clock.clone();
        clock.set_mock_time(5_000);
        assert_eq!(clone.now(), 5_000);
        clone.set_mock_time(0);
        assert_eq!(clock.now(), 1_000);
    }
}
