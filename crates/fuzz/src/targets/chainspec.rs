//! A chain spec as a founder writes it and every node loads it: TOML parsed strictly,
//! validated, resolved into parameters (genesis built, difficulty algorithm built). The
//! resolved spec that `ventured build-spec` prints must load again to the same chain,
//! and the values consensus derives from a spec (subsidies, settlement bounds, genesis
//! outputs, the next block's bits) must not panic for any spec that loads.

use super::{error_class, fingerprint, Bounds, InputKind, Mismatch, Target};
use venture_chainspec::{
    genesis_outputs, max_settlement_outputs, max_settlement_sigops, max_settlement_weight,
    ChainParams, ChainSpec,
};
use venture_difficulty::{BlockKind, BlockMeta, NextBlock, SliceAncestry};
use venture_pow::{decode_compact, PowAlgorithm, U256};

pub const CHAINSPEC: Target = Target {
    name: "chainspec",
    about: "a chain spec file: TOML, validation, genesis, derived parameters, and the build-spec round trip",
    kind: InputKind::Text,
    max_len: 16 * 1024,
    // A spec is read whole (a few KiB). The TOML parser keeps about 96 bytes per token
    // in one vector (a 16 KiB file of stray braces makes it request 1.5 MB), so both
    // bounds grow with the file. Nothing in it may make loading reserve memory by value:
    // no window, table or tranche list is sized from a number in the file beyond its own
    // small limits.
    bounds: Bounds {
        single_base: 1024 * 1024,
        single_per_byte: 128,
        live_base: 4 * 1024 * 1024,
        live_per_byte: 256,
    },
    run: chainspec,
};

/// Mining a genesis without a nonce is work the founder asks for, not decoding: above
/// this many expected hashes (a power of two, per algorithm) the target supplies nonce 0
/// instead, which validation then checks like any given nonce.
fn genesis_work_cap(pow: PowAlgorithm) -> u32 {
    match pow {
        PowAlgorithm::Sha256d => 10,
        PowAlgorithm::Scrypt => 2,
    }
}

fn chainspec(data: &[u8]) -> Result<u64, Mismatch> {
    // Spec files are read as UTF-8 text.
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(fingerprint("not utf-8"));
    };
    // The parse half of `ChainParams::from_toml`, so that the genesis work can be capped.
    let mut spec: ChainSpec = match toml::from_str(text) {
        Ok(spec) => spec,
        Err(e) => return Ok(error_class("toml", &e.message())),
    };
    if spec.genesis.nonce.is_none() {
        let target = decode_compact(spec.genesis.bits.0).value;
        if target < (U256::MAX >> genesis_work_cap(spec.consensus.pow) as usize) {
            spec.genesis.nonce = Some(0);
        }
    }
    let params = match ChainParams::from_spec(spec) {
        Ok(params) => params,
        Err(e) => return Ok(error_class("spec", &e)),
    };
    derive(&params);

    let printed = params.to_toml();
    let again = ChainParams::from_toml(&printed)
        .map_err(|e| Mismatch(format!("the resolved spec does not load again: {e}")))?;
    if again.spec != params.spec
        || again.genesis_hash != params.genesis_hash
        || again.spec_hash() != params.spec_hash()
    {
        return Err(Mismatch(
            "the resolved spec loads to a different chain".into(),
        ));
    }
    Ok(fingerprint((
        "loaded",
        params.difficulty.name(),
        params.spec.merged_mining.is_some(),
        params.spec.venture.is_some(),
        params.spec.genesis.allocations.len().min(3),
    )))
}

/// What a node computes from a loaded spec before and while it runs.
fn derive(params: &ChainParams) {
    let _ = params.warnings();
    let _ = params.auxpow_params();
    let _ = (params.max_supply(), params.magic(), params.is_development());
    let halving = params.spec.consensus.subsidy.halving_interval;
    for height in [0, 1, 2, halving, halving.saturating_add(1), u32::MAX] {
        let _ = params.subsidy(height);
        let _ = params.merge_mining_active(height);
        let _ = params.native_mining_allowed(height);
    }
    if let Some(venture) = &params.spec.venture {
        let _ = max_settlement_outputs(venture);
        let _ = max_settlement_weight(venture);
        let _ = max_settlement_sigops(venture);
    }
    let _ = genesis_outputs(&params.spec, &params.hrp);

    // The bits of the first few blocks after genesis, each kind, at the intended pace.
    let spacing = params.spec.consensus.target_spacing;
    let mut chain = vec![BlockMeta {
        height: 0,
        time: params.spec.genesis.time,
        bits: params.spec.genesis.bits.0,
        kind: BlockKind::Native,
    }];
    for height in 1..=4u32 {
        let previous = chain[chain.len() - 1];
        let kind = if height % 2 == 0 {
            BlockKind::MergeMined
        } else {
            BlockKind::Native
        };
        let next = NextBlock {
            time: previous.time.saturating_add(spacing),
            kind,
        };
        let bits = match SliceAncestry::new(&chain) {
            Some(ancestry) => params
                .difficulty
                .next_bits(&ancestry, &next)
                .unwrap_or(previous.bits),
            None => previous.bits,
        };
        chain.push(BlockMeta {
            height,
            time: next.time,
            bits,
            kind,
        });
    }
}
