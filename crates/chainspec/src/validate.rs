//! Sanity rules a spec must meet before a node will run it. Each failure names the
//! field, so a founder knows what to fix.

use crate::{ChainSpec, SpecError};
use venture_difficulty::ConsensusContext;
use venture_pow::{decode_compact, Target};
use venture_primitives::{address_to_script, Hrp};

/// The largest chain id that keeps the block version a positive 32-bit number.
pub const MAX_CHAIN_ID: u32 = 0x7fff;
/// Longest genesis message: the coinbase scriptSig is limited to 100 bytes.
pub const MAX_GENESIS_MESSAGE: usize = 90;
/// Smallest block weight that still fits a coinbase.
pub const MIN_BLOCK_WEIGHT: u64 = 4_000;
/// Largest block weight we accept (8× Bitcoin's).
pub const MAX_BLOCK_WEIGHT: u64 = 32_000_000;

pub(crate) fn validate(spec: &ChainSpec) -> Result<(), SpecError> {
    validate_identity(spec)?;
    let pow_limit = validate_pow(spec)?;
    validate_consensus(spec)?;
    validate_subsidy(spec)?;
    validate_network(spec)?;
    let ctx = ConsensusContext {
        pow_limit,
        target_spacing: spec.consensus.target_spacing,
        genesis_bits: spec.genesis.bits.0,
    };
    spec.difficulty.build(&ctx).map_err(|e| match e {
        venture_difficulty::DifficultyError::InvalidParameter { field, reason } => {
            SpecError::invalid(format!("difficulty.{field}"), reason)
        }
        other => SpecError::invalid("difficulty", other.to_string()),
    })?;
    validate_venture(spec)?;
    for (i, allocation) in spec.genesis.allocations.iter().enumerate() {
        if let Some(vesting) = &allocation.vesting {
            validate_vesting(vesting, &format!("genesis.allocations[{i}].vesting"))?;
        }
    }
    if spec.mining.allow_generate && spec.chain_type == crate::ChainType::Live {
        return Err(SpecError::invalid(
            "mining.allow_generate",
            "generatetoaddress lets anyone with RPC access mine at will; live chains must not enable it",
        ));
    }
    Ok(())
}

fn validate_identity(spec: &ChainSpec) -> Result<(), SpecError> {
    if spec.name.trim().is_empty() {
        return Err(SpecError::invalid("name", "must not be empty"));
    }
    let id_ok = !spec.id.is_empty()
        && spec.id.len() <= 32
        && spec
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !id_ok {
        return Err(SpecError::invalid(
            "id",
            "use 1 to 32 lower-case letters, digits, `-` or `_`",
        ));
    }
    let ticker_ok = (2..=8).contains(&spec.ticker.len())
        && spec
            .ticker
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !ticker_ok {
        return Err(SpecError::invalid(
            "ticker",
            "use 2 to 8 upper-case letters or digits",
        ));
    }
    Ok(())
}

fn validate_pow(spec: &ChainSpec) -> Result<Target, SpecError> {
    let bits = spec.consensus.pow_limit.0;
    let decoded = decode_compact(bits);
    if decoded.negative || decoded.overflow || decoded.value.is_zero() {
        return Err(SpecError::invalid(
            "consensus.pow_limit",
            format!("{bits:#010x} is not a positive 256-bit target"),
        ));
    }
    let pow_limit = Target(decoded.value);
    Target::from_bits(spec.genesis.bits.0, &pow_limit)
        .map_err(|e| SpecError::invalid("genesis.bits", e.to_string()))?;
    Ok(pow_limit)
}

fn validate_consensus(spec: &ChainSpec) -> Result<(), SpecError> {
    let c = &spec.consensus;
    if c.target_spacing == 0 {
        return Err(SpecError::invalid(
            "consensus.target_spacing",
            "must be at least 1 second",
        ));
    }
    if c.target_spacing > 86_400 {
        return Err(SpecError::invalid(
            "consensus.target_spacing",
            "must be at most one day (86400 seconds)",
        ));
    }
    if c.max_future_block_time == 0 || c.max_future_block_time > 86_400 {
        return Err(SpecError::invalid(
            "consensus.max_future_block_time",
            "must be between 1 and 86400 seconds",
        ));
    }
    if c.coinbase_maturity == 0 {
        return Err(SpecError::invalid(
            "consensus.coinbase_maturity",
            "must be at least 1 block",
        ));
    }
    if !(MIN_BLOCK_WEIGHT..=MAX_BLOCK_WEIGHT).contains(&c.max_block_weight) {
        return Err(SpecError::invalid(
            "consensus.max_block_weight",
            format!("must be between {MIN_BLOCK_WEIGHT} and {MAX_BLOCK_WEIGHT}"),
        ));
    }
    if c.max_block_sigops_cost == 0 {
        return Err(SpecError::invalid(
            "consensus.max_block_sigops_cost",
            "must be at least 1",
        ));
    }
    if c.chain_id == 0 || c.chain_id > MAX_CHAIN_ID {
        return Err(SpecError::invalid(
            "consensus.chain_id",
            format!("must be between 1 and {MAX_CHAIN_ID:#x} (it is stored in bits 16..31 of the block version)"),
        ));
    }
    if spec.genesis.message.len() > MAX_GENESIS_MESSAGE {
        return Err(SpecError::invalid(
            "genesis.message",
            format!("must be at most {MAX_GENESIS_MESSAGE} bytes"),
        ));
    }
    Ok(())
}

fn validate_subsidy(spec: &ChainSpec) -> Result<(), SpecError> {
    let s = &spec.consensus.subsidy;
    if s.max_supply == 0 || s.max_supply > i64::MAX as u64 {
        return Err(SpecError::invalid(
            "consensus.subsidy.max_supply",
            format!("must be between 1 and {}", i64::MAX),
        ));
    }
    if s.halving_interval == 0 {
        return Err(SpecError::invalid(
            "consensus.subsidy.halving_interval",
            "must be at least 1 block",
        ));
    }
    if s.initial > s.max_supply {
        return Err(SpecError::invalid(
            "consensus.subsidy.initial",
            format!("{} is above max_supply {}", s.initial, s.max_supply),
        ));
    }
    let issued = scheduled_issuance(s.initial, s.halving_interval);
    if issued > u128::from(s.max_supply) {
        return Err(SpecError::invalid(
            "consensus.subsidy.initial",
            format!(
                "the halving schedule issues {issued} units in total, above max_supply {}",
                s.max_supply
            ),
        ));
    }
    let allocated: u128 = spec
        .genesis
        .allocations
        .iter()
        .map(|a| u128::from(a.amount))
        .sum();
    if issued + allocated > u128::from(s.max_supply) && allocated > 0 {
        return Err(SpecError::invalid(
            "genesis.allocations",
            format!(
                "the allocations ({allocated} units) plus the halving schedule ({issued} units) exceed max_supply {}",
                s.max_supply
            ),
        ));
    }
    if let Some(venture) = &spec.venture {
        let venture_total = u128::from(venture.total);
        if issued + allocated + venture_total > u128::from(s.max_supply) {
            return Err(SpecError::invalid(
                "venture.total",
                format!(
                    "the venture allocation ({venture_total}) plus genesis allocations ({allocated}) plus the halving schedule ({issued}) can exceed max_supply {}",
                    s.max_supply
                ),
            ));
        }
    }
    Ok(())
}

/// Everything the subsidy schedule ever issues.
pub(crate) fn scheduled_issuance(initial: u64, halving_interval: u32) -> u128 {
    (0..64)
        .map(|era| u128::from(initial >> era) * u128::from(halving_interval))
        .sum()
}

fn validate_network(spec: &ChainSpec) -> Result<(), SpecError> {
    let n = &spec.network;
    let hrp = Hrp::parse(&n.address_hrp)
        .map_err(|e| SpecError::invalid("network.address_hrp", e.to_string()))?;
    for (i, allocation) in spec.genesis.allocations.iter().enumerate() {
        let field = format!("genesis.allocations[{i}]");
        address_to_script(&hrp, &allocation.address)
            .map_err(|e| SpecError::invalid(format!("{field}.address"), e.to_string()))?;
        if allocation.amount == 0 {
            return Err(SpecError::invalid(
                format!("{field}.amount"),
                "must be above 0",
            ));
        }
    }
    if n.p2p_port == 0 {
        return Err(SpecError::invalid("network.p2p_port", "must not be 0"));
    }
    if n.rpc_port == 0 {
        return Err(SpecError::invalid("network.rpc_port", "must not be 0"));
    }
    if n.p2p_port == n.rpc_port {
        return Err(SpecError::invalid(
            "network.rpc_port",
            "must differ from network.p2p_port",
        ));
    }
    Ok(())
}

fn validate_venture(spec: &ChainSpec) -> Result<(), SpecError> {
    let Some(venture) = &spec.venture else {
        return Ok(());
    };
    if venture.start_height == 0 {
        return Err(SpecError::invalid(
            "venture.start_height",
            "must be at least 1 (the genesis block is not mined)",
        ));
    }
    if venture.end_height < venture.start_height {
        return Err(SpecError::invalid(
            "venture.end_height",
            "must not be below venture.start_height",
        ));
    }
    if venture.end_height == u32::MAX {
        return Err(SpecError::invalid(
            "venture.end_height",
            "must leave a height for the last settlement",
        ));
    }
    if venture.epoch_length == 0 {
        return Err(SpecError::invalid(
            "venture.epoch_length",
            "must be at least 1 block",
        ));
    }
    if venture.total == 0 {
        return Err(SpecError::invalid("venture.total", "must be above 0"));
    }
    if venture.eligible == crate::Eligibility::MergeMined && spec.merged_mining.is_none() {
        return Err(SpecError::invalid(
            "venture.eligible",
            "merge_mined needs a [merged_mining] section (or use eligible = \"all\")",
        ));
    }
    validate_vesting(&venture.vesting, "venture.vesting")?;
    validate_settlement_bound(spec, venture)
}

/// The largest settlement miners can cause must leave three quarters of a block free.
fn validate_settlement_bound(
    spec: &ChainSpec,
    venture: &crate::VentureSpec,
) -> Result<(), SpecError> {
    if venture.max_recipients == 0 {
        return Err(SpecError::invalid(
            "venture.max_recipients",
            "must be at least 1",
        ));
    }
    let c = &spec.consensus;
    let share = crate::SETTLEMENT_BLOCK_SHARE;
    let weight = crate::max_settlement_weight(venture);
    let sigops = crate::max_settlement_sigops(venture);
    if weight > c.max_block_weight / share || sigops > c.max_block_sigops_cost / share {
        let outputs = crate::max_settlement_outputs(venture);
        return Err(SpecError::invalid(
            "venture.max_recipients",
            format!(
                "{} recipients × {} tranches = {outputs} outputs, up to {weight} weight and {sigops} sigops, more than 1/{share} of consensus.max_block_weight ({}) or consensus.max_block_sigops_cost ({}); lower max_recipients or vesting.tranches",
                venture.max_recipients, venture.vesting.tranches, c.max_block_weight, c.max_block_sigops_cost
            ),
        ));
    }
    Ok(())
}

fn validate_vesting(vesting: &crate::VestingSpec, field: &str) -> Result<(), SpecError> {
    if vesting.tranches == 0 || vesting.tranches > crate::MAX_TRANCHES {
        return Err(SpecError::invalid(
            format!("{field}.tranches"),
            format!("must be between 1 and {}", crate::MAX_TRANCHES),
        ));
    }
    if vesting.tranches > 1 && vesting.tranche_interval == 0 {
        return Err(SpecError::invalid(
            format!("{field}.tranche_interval"),
            "must be at least 1 block when there are several tranches",
        ));
    }
    Ok(())
}
