//! Epochs of the launch window and what each may pay.

use venture_chainspec::VentureSpec;

/// The epoch arithmetic of a `[venture]` section.
#[derive(Debug, Clone, Copy)]
pub struct EpochSchedule<'a> {
    spec: &'a VentureSpec,
}

impl<'a> EpochSchedule<'a> {
    pub fn new(spec: &'a VentureSpec) -> Self {
        EpochSchedule { spec }
    }

    pub fn spec(&self) -> &VentureSpec {
        self.spec
    }

    /// Epochs in the window (the last may be shorter).
    pub fn epoch_count(&self) -> u32 {
        let span = u64::from(self.spec.end_height - self.spec.start_height) + 1;
        span.div_ceil(u64::from(self.spec.epoch_length)) as u32
    }

    /// The epoch a height of the window belongs to.
    pub fn epoch_of(&self, height: u32) -> Option<u32> {
        if height < self.spec.start_height || height > self.spec.end_height {
            return None;
        }
        Some((height - self.spec.start_height) / self.spec.epoch_length)
    }

    /// First and last heights of epoch `epoch`.
    pub fn epoch_range(&self, epoch: u32) -> (u32, u32) {
        let first = u64::from(self.spec.start_height)
            + u64::from(epoch) * u64::from(self.spec.epoch_length);
        let last =
            (first + u64::from(self.spec.epoch_length) - 1).min(u64::from(self.spec.end_height));
        (first as u32, last as u32)
    }

    /// The height of the block that settles `epoch`: the first after it.
    pub fn settlement_height(&self, epoch: u32) -> u32 {
        self.epoch_range(epoch).1 + 1
    }

    /// The epoch a block at `height` must settle, if it is a settlement block.
    pub fn epoch_settled_at(&self, height: u32) -> Option<u32> {
        if height <= self.spec.start_height {
            return None;
        }
        let epoch = (height - self.spec.start_height - 1) / self.spec.epoch_length;
        (epoch < self.epoch_count() && self.settlement_height(epoch) == height).then_some(epoch)
    }

    /// Epoch `epoch`'s share of the total: `⌊total·(e+1)/n⌋ − ⌊total·e/n⌋`, so the
    /// epochs add up to exactly the total.
    pub fn allocation(&self, epoch: u32) -> u64 {
        let n = u128::from(self.epoch_count());
        let total = u128::from(self.spec.total);
        let upto = |e: u32| total * u128::from(e) / n;
        (upto(epoch + 1) - upto(epoch)) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use venture_chainspec::{Eligibility, VestingSpec};

    fn spec(start: u32, end: u32, length: u32, total: u64) -> VentureSpec {
        VentureSpec {
            start_height: start,
            end_height: end,
            total,
            epoch_length: length,
            eligible: Eligibility::All,
            vesting: VestingSpec::default(),
            max_recipients: venture_chainspec::DEFAULT_MAX_RECIPIENTS,
        }
    }

    #[test]
    fn epochs_cover_the_window_and_allocations_sum_to_the_total() {
        let s = spec(10, 104, 10, 1_000_003);
        let schedule = EpochSchedule::new(&s);
        assert_eq!(schedule.epoch_count(), 10);
        assert_eq!(schedule.epoch_range(0), (10, 19));
        assert_eq!(schedule.epoch_range(9), (100, 104));
        assert_eq!(schedule.settlement_height(9), 105);
        assert_eq!(schedule.epoch_settled_at(20), Some(0));
        assert_eq!(schedule.epoch_settled_at(105), Some(9));
        assert_eq!(schedule.epoch_settled_at(21), None);
        assert_eq!(schedule.epoch_settled_at(10), None);
        assert_eq!(schedule.epoch_of(104), Some(9));
        assert_eq!(schedule.epoch_of(105), None);
        let sum: u64 = (0..10).map(|e| schedule.allocation(e)).sum();
        assert_eq!(sum, 1_000_003);
    }
}
