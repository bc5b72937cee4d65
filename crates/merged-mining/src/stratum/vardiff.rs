//! Variable share difficulty per connection ("vardiff").
//!
//! Each connection aims at one share every `share_interval`. Shares are counted over a
//! window; the window closes after [`RETARGET_SHARES`] shares, or after six intervals
//! with at least one share, and the difficulty is then scaled by the observed share rate
//! over the intended one. With no share at all for three intervals the difficulty drops
//! to a quarter. A step never changes the difficulty by more than [`MAX_STEP`] either way
//! and changes under 20% are skipped, so that a steady miner is not resent the same
//! difficulty. The result is kept within `[min, max]`, and never below the share floor
//! of the current job (see [`crate::coordinator::share_floor`]), which wins over `max`.
//!
//! After a change, shares meeting the previous difficulty still count for [`GRACE`]:
//! miners apply a new difficulty to the next work they build, not to work in flight.

use std::time::{Duration, Instant};

/// Shares that close a window early.
pub const RETARGET_SHARES: u32 = 6;
/// The largest factor one retarget applies.
pub const MAX_STEP: f64 = 16.0;
/// How long the previous difficulty is still accepted after a change.
pub const GRACE: Duration = Duration::from_secs(10);

/// Vardiff bounds and aim, shared by every connection of a server.
#[derive(Debug, Clone, PartialEq)]
pub struct VardiffConfig {
    /// The difficulty a new connection starts at.
    pub start: f64,
    pub min: f64,
    pub max: f64,
    /// The intended time between two shares of one connection.
    pub share_interval: Duration,
}

impl Default for VardiffConfig {
    fn default() -> Self {
        VardiffConfig {
            start: 1.0,
            min: 1e-9,
            max: 1e15,
            share_interval: Duration::from_secs(5),
        }
    }
}

impl VardiffConfig {
    /// Within `[min, max]`, and at least `floor`.
    fn clamp(&self, difficulty: f64, floor: f64) -> f64 {
        let low = self.min.max(floor);
        difficulty.clamp(low, self.max.max(low))
    }
}

/// One connection's difficulty controller.
#[derive(Debug, Clone)]
pub struct Vardiff {
    config: VardiffConfig,
    difficulty: f64,
    /// The share floor's difficulty (0 until a job sets one).
    floor: f64,
    previous: Option<(f64, Instant)>,
    window_start: Instant,
    shares: u32,
}

impl Vardiff {
    pub fn new(config: VardiffConfig, now: Instant) -> Vardiff {
        let difficulty = config.clamp(config.start, 0.0);
        Vardiff {
            config,
            difficulty,
            floor: 0.0,
            previous: None,
            window_start: now,
            shares: 0,
        }
    }

    /// The current difficulty.
    pub fn difficulty(&self) -> f64 {
        self.difficulty
    }

    /// The easiest difficulty a share may meet now: the current one, or the previous one
    /// within [`GRACE`] of a change.
    pub fn accepted_difficulty(&self, now: Instant) -> f64 {
        match self.previous {
            Some((previous, at)) if now.duration_since(at) < GRACE => previous.min(self.difficulty),
            _ => self.difficulty,
        }
    }

    /// A miner's `mining.suggest_difficulty`: taken within the bounds. Returns the new
    /// difficulty if it changed.
    pub fn suggest(&mut self, difficulty: f64, now: Instant) -> Option<f64> {
        if !(difficulty.is_finite() && difficulty > 0.0) {
            return None;
        }
        self.set(self.config.clamp(difficulty, self.floor), now)
    }

    /// A new share floor (a new job). Returns the new difficulty if the current one was
    /// below the floor and had to rise; a lower floor leaves the difficulty to vardiff.
    pub fn set_floor(&mut self, floor: f64, now: Instant) -> Option<f64> {
        if !(floor.is_finite() && floor >= 0.0) {
            return None;
        }
        self.floor = floor;
        if self.difficulty >= floor {
            return None;
        }
        self.set(self.config.clamp(self.difficulty, floor), now)
    }

    /// Counts an accepted share; returns a new difficulty when the window closes with a
    /// change.
    pub fn on_share(&mut self, now: Instant) -> Option<f64> {
        self.shares = self.shares.saturating_add(1);
        self.retarget(now)
    }

    /// Periodic check (about once a second) so that a miner finding no shares is eased.
    pub fn on_tick(&mut self, now: Instant) -> Option<f64> {
        self.retarget(now)
    }

    fn retarget(&mut self, now: Instant) -> Option<f64> {
        let interval = self.config.share_interval.as_secs_f64().max(1e-3);
        let elapsed = now.duration_since(self.window_start).as_secs_f64();
        let ideal =
            if self.shares >= RETARGET_SHARES || (self.shares > 0 && elapsed >= 6.0 * interval) {
                // Observed shares per interval over intended (one): scale by that.
                self.difficulty * (f64::from(self.shares) * interval / elapsed.max(1e-6))
            } else if self.shares == 0 && elapsed >= 3.0 * interval {
                self.difficulty / 4.0
            } else {
                return None;
            };
        let stepped = ideal.clamp(self.difficulty / MAX_STEP, self.difficulty * MAX_STEP);
        let next = self.config.clamp(stepped, self.floor);
        self.window_start = now;
        self.shares = 0;
        let ratio = next / self.difficulty;
        if (0.8..=1.25).contains(&ratio) {
            return None;
        }
        self.set(next, now)
    }

    fn set(&mut self, difficulty: f64, now: Instant) -> Option<f64> {
        self.window_start = now;
        self.shares = 0;
        if difficulty == self.difficulty {
            return None;
        }
        self.previous = Some((self.difficulty, now));
        self.difficulty = difficulty;
        Some(difficulty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> VardiffConfig {
        VardiffConfig {
            start: 1.0,
            min: 0.001,
            max: 1000.0,
            share_interval: Duration::from_secs(5),
        }
    }

    #[test]
    fn fast_miner_is_raised_slow_miner_is_eased() {
        let start = Instant::now();
        let mut fast = Vardiff::new(config(), start);
        let mut changed = None;
        for i in 1..=RETARGET_SHARES {
            changed = fast.on_share(start + Duration::from_millis(100 * u64::from(i)));
        }
        // Six shares in 0.6 s aimed at one per 5 s: raised by the largest step.
        assert_eq!(changed, Some(16.0));
        // The old difficulty is still accepted for a while.
        let at = start + Duration::from_secs(1);
        assert_eq!(fast.accepted_difficulty(at), 1.0);
        assert_eq!(fast.accepted_difficulty(at + GRACE), 16.0);

        let mut slow = Vardiff::new(config(), start);
        assert_eq!(slow.on_tick(start + Duration::from_secs(14)), None);
        assert_eq!(slow.on_tick(start + Duration::from_secs(15)), Some(0.25));
    }

    #[test]
    fn steady_miner_keeps_its_difficulty_and_bounds_hold() {
        let start = Instant::now();
        let mut steady = Vardiff::new(config(), start);
        for i in 1..=RETARGET_SHARES {
            assert_eq!(
                steady.on_share(start + Duration::from_secs(5 * u64::from(i))),
                None
            );
        }
        let mut low = Vardiff::new(config(), start);
        let mut now = start;
        for _ in 0..20 {
            now += Duration::from_secs(15);
            low.on_tick(now);
        }
        assert_eq!(low.difficulty(), 0.001);
        assert_eq!(low.suggest(1e9, now), Some(1000.0));
        assert_eq!(low.suggest(f64::NAN, now), None);
    }

    #[test]
    fn nothing_goes_below_the_floor() {
        let start = Instant::now();
        let mut vardiff = Vardiff::new(config(), start);
        // The floor lifts the difficulty at once, above `max` if need be.
        assert_eq!(vardiff.set_floor(5.0, start), Some(5.0));
        assert_eq!(vardiff.suggest(1e-6, start), None);
        assert_eq!(vardiff.difficulty(), 5.0);
        let mut now = start;
        for _ in 0..20 {
            now += Duration::from_secs(15);
            vardiff.on_tick(now);
        }
        assert_eq!(vardiff.difficulty(), 5.0);
        assert_eq!(vardiff.set_floor(2000.0, now), Some(2000.0));
        assert_eq!(vardiff.suggest(1e9, now), None);
        // A lower floor does not lower the difficulty by itself.
        assert_eq!(vardiff.set_floor(1.0, now), None);
        assert_eq!(vardiff.difficulty(), 2000.0);
        assert_eq!(vardiff.set_floor(f64::NAN, now), None);
    }
}
