//! LWMA-1 chains with expected steps, in the variants the file names: `btg`
//! (Bitcoin Gold) and `lwma1_ftl_clamp` (Susucoin), plus the file's derived
//! canonical ±6T steps.

use super::json::{self, label, Field};
use super::report::Tally;
use serde_json::Value;
use venture_difficulty::{
    BlockKind, BlockMeta, DifficultyAlgorithm, Lwma, LwmaParams, LwmaWeight, NextBlock,
    SliceAncestry,
};
use venture_pow::Target;

pub fn replay(doc: &Value, tally: &mut Tally) -> Field<()> {
    for (index, case) in json::array(doc, "cases")?.iter().enumerate() {
        let name = label(case, index);
        let variant = json::string(case, "variant")?;
        let p = json::get(case, "params")?;
        let chain = chain_of(case)?;
        let t = json::int(p, "T")?;
        let window =
            u32::try_from(json::int(p, "N")?).map_err(|_| "`N` out of range".to_string())?;
        let published = match variant {
            "btg" => LwmaParams {
                window,
                target_spacing: t,
                weight: LwmaWeight::Explicit(
                    u64::try_from(json::int(p, "k")?)
                        .map_err(|_| "`k` out of range".to_string())?,
                ),
                min_t_divisor: json::int(p, "dnorm")?,
                // Bitcoin Gold's testnet turns the 6T limit off; i64::MAX is "no limit".
                max_solvetime: if json::boolean(p, "limit_solvetime_6T")? {
                    6 * t
                } else {
                    i64::MAX
                },
                min_solvetime: None,
                pow_limit_cap: Some(Target(json::u256(p, "pow_limit")?)),
                warmup_bits: 0,
            },
            "lwma1_ftl_clamp" => LwmaParams {
                window,
                target_spacing: t,
                weight: LwmaWeight::Canonical,
                min_t_divisor: 10,
                max_solvetime: 6 * t,
                min_solvetime: Some(-json::int(p, "FTL")?),
                pow_limit_cap: None,
                warmup_bits: 0,
            },
            other => return Err(format!("{name}: unknown LWMA variant `{other}`")),
        };
        let derived = LwmaParams {
            min_solvetime: Some(-6 * t),
            ..published.clone()
        };
        let lwma = Lwma::new(published).map_err(|e| format!("{name}: {e}"))?;
        run_steps(
            &lwma,
            &chain,
            json::array(case, "steps")?,
            "expected_bits",
            &name,
            tally,
        );
        if let Some(derived_steps) = case.get("derived_not_published") {
            let lwma = Lwma::new(derived).map_err(|e| format!("{name}: {e}"))?;
            let label = format!("{name} (derived, ±6T)");
            run_steps(
                &lwma,
                &chain,
                json::array(derived_steps, "steps")?,
                "lwma1_minus6T_bits",
                &label,
                tally,
            );
        }
    }
    Ok(())
}

fn chain_of(case: &Value) -> Field<Vec<BlockMeta>> {
    json::array(case, "chain")?
        .iter()
        .map(|row| {
            let cell = |i: usize| {
                row.get(i)
                    .ok_or_else(|| format!("chain row {row} is short"))
            };
            let number = |i: usize| -> Field<u32> {
                cell(i)?
                    .as_u64()
                    .and_then(|v| u32::try_from(v).ok())
                    .ok_or_else(|| format!("chain row {row}: field {i} is not a 32-bit integer"))
            };
            let bits_text = cell(2)?
                .as_str()
                .ok_or_else(|| format!("chain row {row}: bits"))?;
            Ok(BlockMeta {
                height: number(0)?,
                time: number(1)?,
                bits: json::parse_bits(bits_text)?,
                kind: BlockKind::Native,
            })
        })
        .collect()
}

fn run_steps(
    lwma: &Lwma,
    chain: &[BlockMeta],
    steps: &[Value],
    field: &str,
    name: &str,
    tally: &mut Tally,
) {
    for step in steps {
        let outcome = (|| -> Field<(u32, u32, u32)> {
            let tip = u32::try_from(json::int(step, "tip_height")?)
                .map_err(|_| "`tip_height` out of range".to_string())?;
            let expected = json::bits(step, field)?;
            let end = chain
                .iter()
                .position(|b| b.height == tip)
                .ok_or_else(|| format!("no block at tip height {tip}"))?;
            let upto = chain.get(..=end).unwrap_or_default();
            let view = SliceAncestry::new(upto)
                .ok_or_else(|| "chain heights are not consecutive".to_string())?;
            let next = NextBlock {
                time: upto.last().map_or(0, |b| b.time),
                kind: BlockKind::Native,
            };
            let got = lwma.next_bits(&view, &next).map_err(|e| e.to_string())?;
            Ok((tip, expected, got))
        })();
        match outcome {
            Ok((tip, expected, got)) => tally.bits(&format!("{name} tip {tip}"), expected, got),
            Err(e) => tally.case(name, Err(e)),
        }
    }
}
