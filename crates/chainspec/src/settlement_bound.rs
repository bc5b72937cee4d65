//! The bound that keeps every venture settlement small enough for a block, whatever
//! miners do: only fixed-size standard payout scripts are credited, at most
//! `max_recipients` of them are paid per epoch, and the spec is refused unless the
//! largest possible settlement fits in a quarter of a block's weight and sigop budget.

use crate::VentureSpec;

/// The longest creditable payout script: P2WSH and P2TR (34 bytes). P2WPKH is 22,
/// P2SH 23, P2PKH 25.
pub const MAX_CREDITABLE_SCRIPT_LEN: u64 = 34;

/// Weight of the largest settlement output: value (8), script length (1), script (34),
/// all non-witness bytes (×4).
pub const MAX_SETTLEMENT_OUTPUT_WEIGHT: u64 = 4 * (8 + 1 + MAX_CREDITABLE_SCRIPT_LEN);

/// Sigop cost of the costliest creditable output: P2PKH's one `OP_CHECKSIG`, counted ×4
/// like every legacy sigop in an output.
pub const MAX_SETTLEMENT_OUTPUT_SIGOPS: u64 = 4;

/// A settlement may take at most 1/`SETTLEMENT_BLOCK_SHARE` of a block's weight and
/// sigops, so the coinbase, an AuxPoW and transactions always have room beside it.
pub const SETTLEMENT_BLOCK_SHARE: u64 = 4;

/// Recipients paid per epoch unless the spec says otherwise.
pub const DEFAULT_MAX_RECIPIENTS: u32 = 500;

/// The most outputs one settlement can have: every recipient's share split into every
/// tranche.
pub fn max_settlement_outputs(venture: &VentureSpec) -> u64 {
    u64::from(venture.max_recipients) * u64::from(venture.vesting.tranches.max(1))
}

/// The weight of the largest possible settlement's outputs.
pub fn max_settlement_weight(venture: &VentureSpec) -> u64 {
    max_settlement_outputs(venture) * MAX_SETTLEMENT_OUTPUT_WEIGHT
}

/// The sigop cost of the largest possible settlement's outputs.
pub fn max_settlement_sigops(venture: &VentureSpec) -> u64 {
    max_settlement_outputs(venture) * MAX_SETTLEMENT_OUTPUT_SIGOPS
}
