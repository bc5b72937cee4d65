//! Venture's chain data types and their consensus encoding.
//!
//! A block is Bitcoin's 80-byte header, followed by a Namecoin AuxPoW when the header's
//! version carries the AuxPoW flag, followed by Bitcoin-format transactions. The header
//! type and the AuxPoW come from `venture-auxpow`; this crate adds the block, coinbase
//! conventions (BIP34 heights) and bech32 addresses with a chain's own prefix.

mod address;
mod block;
mod coinbase;
mod error;
mod transaction;

pub use address::{address_to_script, script_to_address, Hrp};
pub use block::Block;
pub use coinbase::{bip34_height_push, coinbase_height, coinbase_script, coinbase_transaction};
pub use error::PrimitivesError;
pub use transaction::{decode_transaction, decode_transactions, deserialize_transaction};
pub use venture_auxpow::{AuxHeader as Header, AuxPow};

pub use bitcoin::{Amount, BlockHash, OutPoint, ScriptBuf, Transaction, TxOut, Txid};
