//! Zcash's averaging DigiShield vectors.

use super::json::{self, label, Field};
use super::report::Tally;
use serde_json::Value;
use venture_difficulty::{zcash_next_bits, ZcashParams};
use venture_pow::{decode_compact, Target};

pub fn replay(doc: &Value, tally: &mut Tally) -> Field<()> {
    let p = json::get(doc, "params")?;
    let window = u32::try_from(json::int(p, "pow_averaging_window")?)
        .map_err(|_| "`pow_averaging_window` out of range".to_string())?;
    let up = json::int(p, "pow_max_adjust_up_pct")?;
    let down = json::int(p, "pow_max_adjust_down_pct")?;
    let pow_limit = Target(json::u256(p, "pow_limit")?);
    for (index, case) in json::array(doc, "vectors")?.iter().enumerate() {
        let outcome = (|| -> Field<(u32, u32)> {
            let params = ZcashParams {
                window,
                target_spacing: json::int(case, "spacing")?,
                max_adjust_up_pct: up,
                max_adjust_down_pct: down,
                pow_limit,
                warmup_bits: 0,
            };
            let avg = decode_compact(json::bits(case, "bn_avg_bits")?).value;
            let got = zcash_next_bits(
                avg,
                json::int(case, "this_time")?,
                json::int(case, "last_retarget_time")?,
                &params,
            );
            Ok((json::bits(case, "expected_bits")?, got))
        })();
        let name = label(case, index);
        match outcome {
            Ok((expected, got)) => tally.bits(&name, expected, got),
            Err(e) => tally.case(&name, Err(e)),
        }
    }
    Ok(())
}
