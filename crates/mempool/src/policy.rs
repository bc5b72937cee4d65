//! Relay policy: what a node accepts into its pool and relays, beyond consensus.

use crate::{MempoolError, Policy};
use bitcoin::{Amount, Transaction, TxOut};

/// Largest transaction relayed (Bitcoin Core's `MAX_STANDARD_TX_WEIGHT`).
pub const MAX_STANDARD_TX_WEIGHT: u64 = 400_000;
/// Largest sigop cost of a relayed transaction.
pub const MAX_STANDARD_TX_SIGOPS_COST: u64 = 16_000;
/// Largest `OP_RETURN` output script relayed.
pub const MAX_OP_RETURN_RELAY: usize = 83;

/// Pool settings.
#[derive(Debug, Clone)]
pub struct MempoolConfig {
    /// Total virtual size kept; beyond it the lowest fee rates are evicted.
    pub max_vbytes: u64,
    /// Minimum fee rate, satoshis per 1,000 virtual bytes (Core's `-minrelaytxfee`).
    pub min_relay_sat_per_kvb: u64,
}

impl Default for MempoolConfig {
    fn default() -> Self {
        MempoolConfig {
            max_vbytes: 50_000_000,
            min_relay_sat_per_kvb: 1_000,
        }
    }
}

/// Bitcoin Core's dust threshold at its 3 sat/vB dust relay fee: what spending the
/// output would cost (its size plus the input that spends it).
pub fn dust_threshold(output: &TxOut) -> Amount {
    let output_size = bitcoin::consensus::encode::serialize(output).len() as u64;
    let input_size: u64 = if output.script_pubkey.is_witness_program() {
        // 32+4+1+4 bytes of input, plus a 107-byte witness at a quarter weight.
        32 + 4 + 1 + 4 + 107 / 4
    } else {
        32 + 4 + 1 + 107 + 4
    };
    Amount::from_sat((output_size + input_size) * 3)
}

/// Bitcoin Core's `IsStandardTx`, restricted to the output types this chain can spend.
pub fn check_standard(tx: &Transaction) -> Result<(), MempoolError> {
    if !(1..=2).contains(&tx.version.0) {
        return Err(MempoolError::new(
            Policy::Version,
            format!("version {} is not standard", tx.version.0),
        ));
    }
    let weight = tx.weight().to_wu();
    if weight > MAX_STANDARD_TX_WEIGHT {
        return Err(MempoolError::new(
            Policy::TxSize,
            format!("weight {weight}"),
        ));
    }
    let mut data_outputs = 0;
    for output in &tx.output {
        let script = &output.script_pubkey;
        if script.is_op_return() {
            if script.len() > MAX_OP_RETURN_RELAY {
                return Err(MempoolError::new(
                    Policy::ScriptPubkey,
                    "OP_RETURN output too large",
                ));
            }
            data_outputs += 1;
            continue;
        }
        if !(script.is_p2wpkh() || script.is_p2tr()) {
            return Err(MempoolError::new(
                Policy::ScriptPubkey,
                "only P2WPKH, P2TR and OP_RETURN outputs are standard (others cannot be spent on this chain)",
            ));
        }
        if output.value < dust_threshold(output) {
            return Err(MempoolError::new(
                Policy::Dust,
                format!("output of {} is dust", output.value),
            ));
        }
    }
    if data_outputs > 1 {
        return Err(MempoolError::new(Policy::MultiOpReturn, ""));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::ScriptBuf;

    /// Bitcoin Core's well-known thresholds: 294 sat for P2WPKH, 330 for P2TR.
    #[test]
    fn dust_thresholds_match_bitcoin_core() {
        let p2wpkh = TxOut {
            value: Amount::ZERO,
            script_pubkey: ScriptBuf::from_bytes([&[0x00, 0x14][..], &[1; 20]].concat()),
        };
        let p2tr = TxOut {
            value: Amount::ZERO,
            script_pubkey: ScriptBuf::from_bytes([&[0x51, 0x20][..], &[1; 32]].concat()),
        };
        assert_eq!(dust_threshold(&p2wpkh), Amount::from_sat(294));
        assert_eq!(dust_threshold(&p2tr), Amount::from_sat(330));
    }
}
