//! Checks AuxPoW data the way a node would, for people rather than for consensus: the
//! library behind `ventured auxpow verify` and `ventured auxpow decode`.
//!
//! [`verify`] replays published merged-mining vectors (the JSON files and bulk header
//! chunks of the reference-vector set) through `venture-auxpow` and reports every place
//! where our verdict differs from the real chain's. [`decode_header_hex`] turns one
//! serialized header into readable JSON, check result included.

mod bulk;
mod chains;
mod decode;
mod error;
mod negative;
mod reasons;
mod report;
mod valid;
mod verify;

pub use chains::ReferenceChain;
pub use decode::{decode_header_hex, describe_header};
pub use error::LabError;
pub use report::VerifyReport;
pub use verify::verify;
