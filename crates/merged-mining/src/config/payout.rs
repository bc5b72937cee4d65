//! The parent coinbase's payout script, from hex or from a segwit address of any chain.

use crate::config::{ConfigError, Field};
use bitcoin::ScriptBuf;
use venture_primitives::{address_to_script, Hrp};

pub(super) fn script_from_hex(text: &str) -> Result<ScriptBuf, ConfigError> {
    let invalid = |problem: String| ConfigError::invalid(Field::PARENT_ADDRESS_SCRIPT, problem);
    let bytes = hex::decode(text.trim())
        .map_err(|e| invalid(format!("the parent payout script is not hex: {e}")))?;
    if bytes.is_empty() {
        return Err(invalid("the parent payout script is empty".into()));
    }
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
