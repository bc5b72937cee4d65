//! Bounds on what a parent's `getblocktemplate` reply may make the coordinator hold.
//! Each is the most a real parent can put in a block, so an honest template always
//! fits; a reply beyond one is refused (or, for MWEB data, makes the template unusable
//! for parent blocks) before its hex is decoded. Up to 32 jobs keep their templates, so
//! without these a broken or hostile parent could make each one as large as an RPC
//! reply may be (256 MiB).

use serde_json::Value;

/// Assumed when a template states no `weightlimit`: Bitcoin's and Litecoin's
/// `MAX_BLOCK_WEIGHT`. A block's serialized size never exceeds its weight.
pub const DEFAULT_PARENT_BLOCK_WEIGHT: u64 = 4_000_000;
/// The most a template's `weightlimit` is believed: the heaviest block a Venture chain
/// spec allows (a Venture chain can be the parent), 8× Bitcoin's.
pub const MAX_PARENT_BLOCK_WEIGHT: u64 = 32_000_000;
/// Bitcoin Core's `MIN_TRANSACTION_WEIGHT`: no transaction is smaller than 60 bytes.
const MIN_TRANSACTION_WEIGHT: u64 = 4 * 60;
/// Litecoin Core's `mw::MAX_BLOCK_BYTES`, the largest extension block its nodes take:
/// a header and three vector sizes (195 bytes), 50,000 inputs of 196 bytes, and at most
/// 60 bytes per unit of its 200,000 MWEB weight.
pub const MAX_MWEB_BYTES: usize = 195 + 50_000 * 196 + 200_000 * 60;
/// Bitcoin's `MAX_SCRIPT_SIZE`: no output script a parent can spend is longer.
pub const MAX_SCRIPT_BYTES: usize = 10_000;

/// Bytes a hex string decodes to (rounded up, so an odd length still counts in full).
pub fn hex_bytes(text: &str) -> usize {
    text.len().div_ceil(2)
}

/// What a template's transactions may take: as many, and as many bytes, as a block of
/// the parent's weight limit can carry.
#[derive(Debug)]
pub struct TxBudget {
    weight: u64,
    bytes_left: u64,
}

impl TxBudget {
    /// The budget of `reply`: its `weightlimit` (Bitcoin Core and Venture nodes send
    /// it), within [`MAX_PARENT_BLOCK_WEIGHT`], or [`DEFAULT_PARENT_BLOCK_WEIGHT`].
    pub fn of(reply: &Value) -> TxBudget {
        let weight = reply
            .get("weightlimit")
            .and_then(Value::as_u64)
            .unwrap_or(DEFAULT_PARENT_BLOCK_WEIGHT)
            .min(MAX_PARENT_BLOCK_WEIGHT);
        TxBudget {
            weight,
            bytes_left: weight,
        }
    }

    /// Refuses more transactions than the weight limit holds.
    pub fn check_count(&self, count: usize) -> Result<(), String> {
        let most = self.weight / MIN_TRANSACTION_WEIGHT;
        if count as u64 > most {
            return Err(format!(
                "`transactions` lists {count} transactions, more than the {most} a block of weight {} can hold",
                self.weight
            ));
        }
        Ok(())
    }

    /// Takes one transaction's hex `data` out of the budget, before it is decoded.
    pub fn take(&mut self, data: &str) -> Result<(), String> {
        let bytes = hex_bytes(data) as u64;
        self.bytes_left = self.bytes_left.checked_sub(bytes).ok_or_else(|| {
            format!(
                "`transactions` hold more than {} bytes of data, more than a block of weight {} can carry",
                self.weight, self.weight
            )
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_budget_is_the_stated_weight_within_the_bounds() {
        let budget = |reply: Value| TxBudget::of(&reply).weight;
        assert_eq!(budget(json!({})), DEFAULT_PARENT_BLOCK_WEIGHT);
        assert_eq!(budget(json!({"weightlimit": 8_000_000})), 8_000_000);
        assert_eq!(
            budget(json!({"weightlimit": u64::MAX})),
            MAX_PARENT_BLOCK_WEIGHT
        );
        let mut bitcoin = TxBudget::of(&json!({"weightlimit": 4_000_000}));
        assert!(bitcoin.check_count(16_666).is_ok());
        assert!(bitcoin.check_count(16_667).is_err());
        assert!(bitcoin.take(&"00".repeat(3_999_999)).is_ok());
        assert!(bitcoin.take("00").is_ok());
        let error = bitcoin.take("0").unwrap_err();
        assert!(error.contains("more than 4000000 bytes"), "{error}");
        assert_eq!(MAX_MWEB_BYTES, 21_800_195);
    }
}
