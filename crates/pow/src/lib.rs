//! Proof of work for Venture chains: the hash a block header is judged by (sha256d or
//! Litecoin's scrypt), compact `nBits` targets with Bitcoin Core's exact encoding rules,
//! and the work a target stands for.
//!
//! Everything here is pure arithmetic over 80-byte headers and 256-bit integers; what a
//! chain accepts (limits, schedules) is decided by `chainspec` and `chain`.

mod algorithm;
mod bits;
mod compact;
mod error;
mod scrypt;
mod target;
mod work;

pub use algorithm::{PowAlgorithm, PowHash};
pub use bits::Bits;
pub use compact::{decode_compact, encode_compact, DecodedCompact};
pub use error::PowError;
pub use target::{check_proof_of_work, target_from_bits, Target};
pub use work::Work;

/// 256-bit unsigned integer used for targets and work.
pub type U256 = ruint::aliases::U256;
/// 512-bit unsigned integer for intermediate products that must not wrap.
pub type U512 = ruint::aliases::U512;
