//! The venture allocation's consensus rules: epochs over the launch window, credits of
//! work per payout script, pro-rata settlements with vesting, and the checks a
//! settlement block must pass. See `docs/venture.md`.

mod ledger;
mod schedule;
mod settlement;

pub use ledger::is_creditable_payout;
pub(crate) use ledger::{check_settlement, earning_of, Earning, VentureLedger};
pub use schedule::EpochSchedule;
pub use settlement::{settle, Credit, EpochCredits, Settlement, SettlementOutput};
