//! [`DifficultyConfig::build`]: parameters checked, algorithm constructed.

use crate::asert::{Asert, AsertAnchorSource, AsertParams};
use crate::error::invalid;
use crate::{
    BitcoinRetarget, BitcoinRetargetParams, ConsensusContext, DifficultyAlgorithm,
    DifficultyConfig, DifficultyError, DigiShield, DogecoinRetarget, FixedDifficulty, Lwma,
    LwmaParams, LwmaWeight, PerKind, ZcashDigiShield, ZcashParams,
};
use venture_pow::Target;

impl DifficultyConfig {
    /// Builds the algorithm, refusing parameters out of their domain with the field named.
    pub fn build(
        &self,
        ctx: &ConsensusContext,
    ) -> Result<Box<dyn DifficultyAlgorithm>, DifficultyError> {
        let spacing = ctx.target_spacing as i64;
        match self {
            DifficultyConfig::Fixed { bits } => {
                let bits = bits.map(|b| b.0).unwrap_or(ctx.genesis_bits);
                Target::from_bits(bits, &ctx.pow_limit)
                    .map_err(|e| invalid("bits", e.to_string()))?;
                Ok(Box::new(FixedDifficulty { bits }))
            }
            DifficultyConfig::Bitcoin {
                interval,
                allow_min_difficulty_blocks,
                no_retargeting,
            } => {
                let target_timespan =
                    interval.checked_mul(ctx.target_spacing).ok_or_else(|| {
                        invalid("interval", "interval * target_spacing overflows 32 bits")
                    })?;
                Ok(Box::new(BitcoinRetarget::new(BitcoinRetargetParams {
                    interval: *interval,
                    target_timespan,
                    target_spacing: ctx.target_spacing,
                    pow_limit: ctx.pow_limit,
                    allow_min_difficulty_blocks: *allow_min_difficulty_blocks,
                    no_retargeting: *no_retargeting,
                })?))
            }
            DifficultyConfig::Asert {
                half_life,
                anchor_height,
                anchor,
            } => {
                let source = match (anchor_height, anchor) {
                    (Some(_), Some(_)) => {
                        return Err(invalid(
                            "anchor",
                            "give either `anchor_height` or an `anchor` table, not both",
                        ))
                    }
                    (_, Some(anchor)) => AsertAnchorSource::Fixed(*anchor),
                    (height, None) => AsertAnchorSource::Chain {
                        height: height.unwrap_or(0),
                    },
                };
                let params = AsertParams {
                    target_spacing: spacing,
                    half_life: *half_life as i64,
                    pow_limit: ctx.pow_limit.0,
                };
                Ok(Box::new(Asert::new(params, source)?))
            }
            DifficultyConfig::Lwma {
                window,
                k,
                min_t_divisor,
                max_solvetime,
                min_solvetime,
                cap_at_pow_limit,
            } => Ok(Box::new(Lwma::new(LwmaParams {
                window: *window,
                target_spacing: spacing,
                weight: k.map_or(LwmaWeight::Canonical, LwmaWeight::Explicit),
                min_t_divisor: min_t_divisor.unwrap_or(10),
                max_solvetime: max_solvetime.unwrap_or(6 * spacing),
                min_solvetime: *min_solvetime,
                pow_limit_cap: cap_at_pow_limit.then_some(ctx.pow_limit),
                warmup_bits: ctx.genesis_bits,
            })?)),
            DifficultyConfig::Digishield {} => {
                Ok(Box::new(DigiShield::new(spacing, ctx.pow_limit)?))
            }
            DifficultyConfig::DogecoinRetarget { interval } => Ok(Box::new(DogecoinRetarget::new(
                *interval,
                spacing,
                ctx.pow_limit,
            )?)),
            DifficultyConfig::Zcash {
                window,
                max_adjust_up_pct,
                max_adjust_down_pct,
            } => Ok(Box::new(ZcashDigiShield::new(ZcashParams {
                window: *window,
                target_spacing: spacing,
                max_adjust_up_pct: *max_adjust_up_pct,
                max_adjust_down_pct: *max_adjust_down_pct,
                pow_limit: ctx.pow_limit,
                warmup_bits: ctx.genesis_bits,
            })?)),
            DifficultyConfig::PerKind {
                native,
                merge_mined,
                native_target_spacing,
                merge_mined_target_spacing,
            } => {
                let native = build_kind(
                    native,
                    *native_target_spacing,
                    ctx,
                    "native",
                    "native_target_spacing",
                )?;
                let merge_mined = build_kind(
                    merge_mined,
                    *merge_mined_target_spacing,
                    ctx,
                    "merge_mined",
                    "merge_mined_target_spacing",
                )?;
                Ok(Box::new(PerKind {
                    native,
                    merge_mined,
                    genesis_bits: ctx.genesis_bits,
                }))
            }
        }
    }
}

/// Builds one kind's controller with its own spacing. A nested `per_kind` is refused:
/// inside a kind's view there is only one kind left to split by.
fn build_kind(
    config: &DifficultyConfig,
    spacing: Option<u32>,
    ctx: &ConsensusContext,
    field: &'static str,
    spacing_field: &'static str,
) -> Result<Box<dyn DifficultyAlgorithm>, DifficultyError> {
    if matches!(config, DifficultyConfig::PerKind { .. }) {
        return Err(invalid(
            field,
            "a per-kind controller cannot itself be `per_kind`",
        ));
    }
    if spacing == Some(0) {
        return Err(invalid(spacing_field, "must be at least 1 second"));
    }
    let ctx = ConsensusContext {
        target_spacing: spacing.unwrap_or(ctx.target_spacing),
        ..ctx.clone()
    };
    // Errors inside the sub-table name its own field; say which kind it was in.
    config.build(&ctx).map_err(|e| match e {
        DifficultyError::InvalidParameter {
            field: inner,
            reason,
        } => invalid(field, format!("{inner}: {reason}")),
        other => other,
    })
}
