//! Dogecoin's DigiShield v3 and pre-DigiShield retarget vectors.

use super::json::{self, label, Field};
use super::report::Tally;
use serde_json::Value;
use venture_difficulty::{dogecoin_next_bits, DogecoinRule};
use venture_pow::Target;

pub fn replay(doc: &Value, tally: &mut Tally) -> Field<()> {
    let params = json::get(doc, "params")?;
    let pow_limit = Target(json::u256(params, "pow_limit")?);
    let legacy_timespan = json::int(json::get(params, "pre_digishield")?, "pow_target_timespan")?;
    let digishield_timespan = json::int(json::get(params, "digishield")?, "pow_target_timespan")?;
    for (index, case) in json::array(doc, "vectors")?.iter().enumerate() {
        let outcome = (|| -> Field<(u32, u32)> {
            let (rule, timespan) = if json::boolean(case, "digishield")? {
                (DogecoinRule::DigiShield, digishield_timespan)
            } else {
                (DogecoinRule::Legacy, legacy_timespan)
            };
            let next_height = u64::try_from(json::int(case, "last_height")? + 1)
                .map_err(|_| "`last_height` out of range".to_string())?;
            let got = dogecoin_next_bits(
                rule,
                json::bits(case, "last_bits")?,
                json::int(case, "last_time")?,
                json::int(case, "first_time")?,
                next_height,
                timespan,
                &pow_limit,
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
