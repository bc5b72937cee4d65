//! The share floor: the easiest target a share may be checked against, whatever the
//! miner asked for (`mining.suggest_difficulty`, `mining.suggest_target`) or vardiff
//! settled on.
//!
//! Without one, a miner could be given a target every hash meets and submit random
//! nonces without hashing at all: each such share still costs the coordinator a hash
//! (a scrypt hash is a third of a millisecond), a place in the job's duplicate set, and
//! a credit in the per-worker counters that pools pay by. With the floor, a share costs
//! the miner at least `1 / max_shares_per_block` of a parent block's expected work,
//! so accepted shares arrive no faster than real hash power finds them.
//!
//! The floor is the parent's target (from the template's bits, which the parent judges
//! the header by) times `max_shares_per_block`. It is never harder than the easiest
//! aux chain's target: a hash solving an aux block is always a share. With the default
//! 2^32, the floor's difficulty is the parent's network difficulty divided by 2^32 in
//! Bitcoin's units (about 20,000 on Bitcoin at block 840,000; on Litecoin, of the order
//! of 1,000 in the scrypt units pools use); on regtest parents there is no floor at all.

use crate::coordinator::{AuxWork, ParentTemplate};
use venture_pow::{Target, U256};

/// The default bound on shares per parent block: 2^32.
pub const DEFAULT_MAX_SHARES_PER_BLOCK: u64 = 1 << 32;

/// The easiest share target for work on `template` committing to `aux`.
pub fn share_floor(
    template: &ParentTemplate,
    aux: &[AuxWork],
    max_shares_per_block: u64,
) -> Target {
    let parent = Target::from_bits(template.bits, &Target(U256::MAX)).unwrap_or(template.target);
    let scaled = Target(
        parent
            .0
            .saturating_mul(U256::from(max_shares_per_block.max(1))),
    );
    aux.iter().map(|work| work.target).fold(scaled, Target::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coordinator::Mweb;
    use bitcoin::hashes::Hash;
    use bitcoin::BlockHash;

    fn template(bits: u32) -> ParentTemplate {
        ParentTemplate {
            version: 0x2000_0000,
            prev_hash: BlockHash::all_zeros(),
            bits,
            target: Target(U256::ZERO),
            height: 1,
            curtime: 0,
            mintime: 0,
            coinbase_value: 0,
            required_outputs: Vec::new(),
            transactions: Vec::new(),
            coinbase_branch: Vec::new(),
            witness_commitment: None,
            longpollid: None,
            mweb: Mweb::Absent,
        }
    }

    fn aux(target: Target) -> AuxWork {
        AuxWork {
            index: 0,
            chain_id: 1,
            hash: BlockHash::all_zeros(),
            height: 1,
            target,
        }
    }

    #[test]
    fn the_floor_scales_the_parent_target_and_yields_to_easier_aux_chains() {
        // Difficulty 1 (0x1d00ffff) times 2^32 is 0xffff << 240.
        let one = template(0x1d00_ffff);
        let floor = share_floor(&one, &[], DEFAULT_MAX_SHARES_PER_BLOCK);
        assert_eq!(floor, Target(U256::from(0xffffu64) << 240usize));
        assert_eq!(
            share_floor(&one, &[], 1),
            Target(U256::from(0xffffu64) << 208usize)
        );
        // Zero is read as one share per block, not as "no share at all".
        assert_eq!(share_floor(&one, &[], 0), share_floor(&one, &[], 1));
        // An aux target easier than the scaled parent target becomes the floor; a
        // harder one changes nothing.
        let easy = Target(U256::MAX >> 4usize);
        let hard = Target(U256::from(1u64));
        assert_eq!(share_floor(&one, &[hard, easy].map(aux), 1), easy);
        assert_eq!(share_floor(&one, &[aux(hard)], 1 << 32), floor);
        // A regtest parent leaves nothing to bound.
        let regtest = share_floor(&template(0x207f_ffff), &[], DEFAULT_MAX_SHARES_PER_BLOCK);
        assert_eq!(regtest, Target(U256::MAX));
    }
}
