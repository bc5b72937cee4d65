//! The outputs a parent's coinbase must start with: a Venture node acting as parent
//! lists them in its template's `coinbase_required_outputs` (a venture settlement, paid
//! on top of `coinbasevalue`); other parents send none.
//!
//! They are bounded so that the coinbase still fits the parent coinbase an AuxPoW may
//! carry (and the `mining.notify` line miners read): a template asking for more is
//! refused rather than mined into blocks no aux chain accepts.

use crate::coordinator::template_limits::{hex_bytes, MAX_SCRIPT_BYTES};
use bitcoin::{Amount, ScriptBuf, TxOut};
use serde_json::Value;
use venture_auxpow::MAX_PARENT_COINBASE_BYTES;

/// The template field listing them.
pub const REQUIRED_OUTPUTS_FIELD: &str = "coinbase_required_outputs";

/// The most bytes the required outputs may take in the coinbase, leaving room in
/// [`MAX_PARENT_COINBASE_BYTES`] for the input (its script is at most 100 bytes), the
/// payout and the witness commitment.
pub const MAX_REQUIRED_OUTPUT_BYTES: usize = MAX_PARENT_COINBASE_BYTES - 1_000;

/// Reads `coinbase_required_outputs` (`[{"script": hex, "amount": n}, ...]`) from a
/// template; none when the field is absent or null.
pub fn required_outputs(reply: &Value) -> Result<Vec<TxOut>, String> {
    let list = match reply.get(REQUIRED_OUTPUTS_FIELD) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(format!("`{REQUIRED_OUTPUTS_FIELD}` is not an array")),
    };
    let mut outputs = Vec::with_capacity(list.len().min(256));
    let mut bytes = 0usize;
    for (i, entry) in list.iter().enumerate() {
        let script = entry
            .get("script")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{REQUIRED_OUTPUTS_FIELD}[{i}]: no hex `script`"))?;
        // Checked before decoding: the bound on the whole list comes after.
        if hex_bytes(script) > MAX_SCRIPT_BYTES {
            return Err(format!(
                "{REQUIRED_OUTPUTS_FIELD}[{i}]: a script of {} bytes, longer than Bitcoin's {MAX_SCRIPT_BYTES}-byte script limit",
                hex_bytes(script)
            ));
        }
        let script = hex::decode(script)
            .map_err(|_| format!("{REQUIRED_OUTPUTS_FIELD}[{i}]: no hex `script`"))?;
        let amount = entry
            .get("amount")
            .and_then(Value::as_u64)
            .filter(|a| *a <= Amount::MAX_MONEY.to_sat())
            .ok_or_else(|| format!("{REQUIRED_OUTPUTS_FIELD}[{i}]: no valid `amount`"))?;
        let output = TxOut {
            value: Amount::from_sat(amount),
            script_pubkey: ScriptBuf::from_bytes(script),
        };
        bytes += output.size();
        if bytes > MAX_REQUIRED_OUTPUT_BYTES {
            return Err(format!(
                "`{REQUIRED_OUTPUTS_FIELD}` takes more than {MAX_REQUIRED_OUTPUT_BYTES} bytes: the parent coinbase could not carry an AuxPoW"
            ));
        }
        outputs.push(output);
    }
    Ok(outputs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::consensus::encode;
    use serde_json::json;

    #[test]
    fn reads_the_outputs_in_order_and_none_when_absent() {
        assert!(required_outputs(&json!({})).unwrap().is_empty());
        assert!(required_outputs(&json!({ REQUIRED_OUTPUTS_FIELD: null }))
            .unwrap()
            .is_empty());
        let reply = json!({ REQUIRED_OUTPUTS_FIELD: [
            {"script": "0014".to_string() + &"22".repeat(20), "amount": 450_000_000u64},
            {"script": "51", "amount": 7},
        ]});
        let outputs = required_outputs(&reply).unwrap();
        assert_eq!(outputs.len(), 2);
        assert_eq!(outputs[0].value.to_sat(), 450_000_000);
        assert_eq!(outputs[0].script_pubkey.len(), 22);
        assert_eq!(outputs[1].script_pubkey.as_bytes(), &[0x51]);
    }

    #[test]
    fn refuses_malformed_or_oversized_lists() {
        for bad in [
            json!({ REQUIRED_OUTPUTS_FIELD: {} }),
            json!({ REQUIRED_OUTPUTS_FIELD: [{"script": "zz", "amount": 1}] }),
            json!({ REQUIRED_OUTPUTS_FIELD: [{"script": "51"}] }),
            json!({ REQUIRED_OUTPUTS_FIELD: [{"script": "51", "amount": -1}] }),
            json!({ REQUIRED_OUTPUTS_FIELD: [{"script": "51", "amount": u64::MAX}] }),
            json!({ REQUIRED_OUTPUTS_FIELD: [{"script": "51".repeat(MAX_REQUIRED_OUTPUT_BYTES), "amount": 1}] }),
        ] {
            assert!(required_outputs(&bad).is_err(), "{bad}");
        }
        // Many small outputs add up too.
        let many: Vec<Value> = (0..1_000)
            .map(|_| json!({"script": "0014".to_string() + &"22".repeat(20), "amount": 1}))
            .collect();
        assert!(required_outputs(&json!({ REQUIRED_OUTPUTS_FIELD: many })).is_err());
    }

    /// The longest payout script the configuration takes, after the most required
    /// outputs a template may list, still makes a coinbase an AuxPoW may carry.
    #[test]
    fn the_largest_outputs_and_payout_fit_an_auxpow_coinbase() {
        use crate::config::MAX_PAYOUT_SCRIPT_BYTES;
        use crate::coordinator::{AuxWork, Job, ParentTemplate};
        use bitcoin::hashes::Hash;
        use bitcoin::BlockHash;
        use std::sync::Arc;
        use venture_pow::{Target, U256};
        // One output of 9,000 bytes in all: 8 (value), 3 (length), 8,989 of script.
        let required =
            json!([{"script": "51".repeat(MAX_REQUIRED_OUTPUT_BYTES - 11), "amount": 1}]);
        let reply = json!({
            "version": 0x2000_0000, "previousblockhash": "00".repeat(32), "bits": "207fffff",
            "height": 16_777_216, "curtime": 1_700_000_000u32, "coinbasevalue": 1u64,
            "default_witness_commitment": format!("6a24aa21a9ed{}", "00".repeat(32)),
            REQUIRED_OUTPUTS_FIELD: required,
        });
        let template = ParentTemplate::from_json("parent", &reply).unwrap();
        let aux = AuxWork {
            index: 0,
            chain_id: 1,
            hash: BlockHash::all_zeros(),
            height: 1,
            target: Target(U256::MAX),
        };
        let payout = ScriptBuf::from_bytes(vec![0x51; MAX_PAYOUT_SCRIPT_BYTES]);
        let job = Job::build(
            "1".into(),
            1,
            Arc::new(template),
            vec![aux],
            Target(U256::MAX),
            &payout,
            0,
        )
        .unwrap();
        // With the block's 32-byte witness (and its marker, flag and lengths).
        let size = job.coinbase(&[0; 4], &[0; 4]).len() + 36;
        assert!(size <= MAX_PARENT_COINBASE_BYTES, "{size}");
    }

    /// A Venture parent's template at a settlement height becomes a coinbase that starts
    /// with its required outputs, then pays `coinbasevalue` to the pool.
    #[test]
    fn jobs_put_them_first_in_the_coinbase() {
        use crate::coordinator::{Job, ParentTemplate};
        use bitcoin::Transaction;
        use std::sync::Arc;
        use venture_pow::{Target, U256};
        let reply = json!({
            "version": 0x2000_0000, "previousblockhash": "00".repeat(32), "bits": "207fffff",
            "height": 4, "curtime": 1_700_000_000u32, "coinbasevalue": 5_000_000_000u64,
            REQUIRED_OUTPUTS_FIELD: [
                {"script": "0014".to_string() + &"22".repeat(20), "amount": 150_000_000u64},
                {"script": "0014".to_string() + &"33".repeat(20), "amount": 150_000_000u64},
            ],
        });
        let template = ParentTemplate::from_json("venture", &reply).unwrap();
        let payout = ScriptBuf::from_bytes(vec![0x51]);
        let job = Job::build(
            "1".into(),
            1,
            Arc::new(template.clone()),
            Vec::new(),
            Target(U256::MAX),
            &payout,
            0,
        )
        .unwrap();
        let coinbase: Transaction = encode::deserialize(&job.coinbase(&[0; 4], &[0; 4])).unwrap();
        assert_eq!(&coinbase.output[..2], template.required_outputs.as_slice());
        assert_eq!(coinbase.output[2].script_pubkey, payout);
        assert_eq!(coinbase.output[2].value.to_sat(), 5_000_000_000);
        // Another settlement is other work, even on the same tip.
        let mut other = reply.clone();
        other[REQUIRED_OUTPUTS_FIELD][1]["amount"] = json!(1);
        assert!(!template.same_work(&ParentTemplate::from_json("venture", &other).unwrap()));
    }
}
