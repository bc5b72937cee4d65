//! The parent coinbase's payout script, from hex or from a segwit address of any chain.

use crate::config::{ConfigError, Field};
use bitcoin::ScriptBuf;
use venture_primitives::{address_to_script, Hrp};

/// The longest payout script. Every parent coinbase must fit the 10,000 bytes an AuxPoW
/// may carry (`MAX_PARENT_COINBASE_BYTES`); required outputs may take 9,000 of them
/// (`MAX_REQUIRED_OUTPUT_BYTES`), and of the 1,000 left the input (up to 146 bytes),
/// the witness (36), the witness commitment output (47), the framing (11) and the
/// payout's value and length (11) leave about 750 for the script. 500 keeps a margin and
/// is still far above any standard output (a P2TR script is 34 bytes, a bare 3-key
/// multisig 105).
pub const MAX_PAYOUT_SCRIPT_BYTES: usize = 500;

pub(super) fn script_from_hex(text: &str) -> Result<ScriptBuf, ConfigError> {
    let invalid = |problem: String| ConfigError::invalid(Field::PARENT_ADDRESS_SCRIPT, problem);
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid("the parent payout script is empty".into()));
    }
    // Checked before decoding; odd lengths count in full and are refused below anyway.
    let bytes = text.len().div_ceil(2);
    if bytes > MAX_PAYOUT_SCRIPT_BYTES {
        return Err(invalid(format!(
            "the parent payout script is {bytes} bytes, longer than {MAX_PAYOUT_SCRIPT_BYTES}: the parent coinbase could not carry an AuxPoW"
        )));
    }
    let bytes = hex::decode(text)
        .map_err(|e| invalid(format!("the parent payout script is not hex: {e}")))?;
    Ok(ScriptBuf::from_bytes(bytes))
}

/// A segwit address of any chain: its human-readable part is whatever precedes the last
/// `1`, so the parent's own address format needs no table of chains here.
pub(super) fn script_from_address(address: &str) -> Result<ScriptBuf, ConfigError> {
    let invalid = |problem: String| ConfigError::invalid(Field::PARENT_ADDRESS, problem);
    let hrp = address
        .rsplit_once('1')
        .map(|(hrp, _)| hrp)
        .ok_or_else(|| {
            invalid(format!(
                "{address} is not a segwit address; use --parent-address-script"
            ))
        })?;
    let hrp = Hrp::parse(hrp).map_err(|e| invalid(format!("{address}: {e}")))?;
    address_to_script(&hrp, address).map_err(|e| {
        invalid(format!(
            "{address}: {e}; use --parent-address-script for other kinds"
        ))
    })
}
