//! The merged-mining commitment builder end to end: for 1 to 8 aux chains, a parent
//! coinbase carrying the commitment, a parent block with other transactions, solved at an
//! easy target; every chain's assembled AuxPoW must then pass the full header check.

use bitcoin::absolute::LockTime;
use bitcoin::block::{Header, Version};
use bitcoin::hashes::{sha256d, Hash};
use bitcoin::script::{Builder, PushBytesBuf};
use bitcoin::transaction::{self, Transaction, TxIn, TxOut};
use bitcoin::{
    Amount, BlockHash, CompactTarget, OutPoint, ScriptBuf, Sequence, TxMerkleNode, Witness,
};
use venture_auxpow::{
    check_header_pow, merkle_branch, merkle_root, version, AuxChain, AuxHeader, AuxPowError,
    AuxPowParams, LegacyRule, MergedMiningCommitment,
};
use venture_pow::{PowAlgorithm, Target, U256};

const EASY_BITS: u32 = 0x207f_ffff;
const CHAIN_IDS: [i32; 8] = [1, 0x62, 9, 2, 17, 0x1234, 3, 42];

fn params(chain_id: i32, parent_pow: PowAlgorithm) -> AuxPowParams {
    AuxPowParams {
        chain_id,
        strict_chain_id: true,
        legacy: LegacyRule::Namecoin,
        native_pow: PowAlgorithm::Sha256d,
        parent_pow,
        pow_limit: Target(U256::MAX >> 1),
    }
}

fn fake_hash(seed: u64) -> [u8; 32] {
    sha256d::Hash::hash(&seed.to_le_bytes()).to_byte_array()
}

/// A child block header of `chain_id`, flagged as merge-mined before its hash is taken.
fn child_header(chain_id: i32) -> Header {
    Header {
        version: Version::from_consensus(version::compose(4, chain_id, true)),
        prev_blockhash: BlockHash::from_byte_array(fake_hash(chain_id as u64)),
        merkle_root: TxMerkleNode::from_byte_array(fake_hash(1000 + chain_id as u64)),
        time: 1_700_000_000,
        bits: CompactTarget::from_consensus(EASY_BITS),
        nonce: 0,
    }
}

fn parent_coinbase(commitment: &[u8; 44]) -> Transaction {
    let script_sig = Builder::new()
        .push_int(840_000)
        .push_slice(PushBytesBuf::try_from(commitment.to_vec()).unwrap())
        .push_slice(b"/venture test pool/")
        .into_script();
    Transaction {
        version: transaction::Version::TWO,
        lock_time: LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::null(),
            script_sig,
            sequence: Sequence::MAX,
            witness: Witness::from_slice(&[[0u8; 32]]),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(312_500_000),
            script_pubkey: ScriptBuf::new_op_return([0xaa; 4]),
        }],
    }
}

/// Mines a parent header over the coinbase and `others` extra transaction ids.
fn solve_parent(
    coinbase: &Transaction,
    others: u64,
    pow: PowAlgorithm,
) -> (Header, Vec<TxMerkleNode>) {
    let mut leaves = vec![TxMerkleNode::from_byte_array(
        coinbase.compute_txid().to_byte_array(),
    )];
    leaves.extend((0..others).map(|i| TxMerkleNode::from_byte_array(fake_hash(5000 + i))));
    let branch = merkle_branch(&leaves, 0).unwrap();
    let mut header = Header {
        version: Version::from_consensus(0x2000_0000),
        prev_blockhash: BlockHash::from_byte_array(fake_hash(77)),
        merkle_root: merkle_root(&leaves).unwrap(),
        time: 1_700_000_100,
        bits: CompactTarget::from_consensus(EASY_BITS),
        nonce: 0,
    };
    let target = Target::from_bits(EASY_BITS, &Target(U256::MAX)).unwrap();
    while !target.is_met_by(&pow.hash(&venture_auxpow::header_bytes(&header))) {
        header.nonce += 1;
    }
    (header, branch)
}

fn merge_mine(count: usize, nonce: u32, pow: PowAlgorithm) -> MergedMiningCommitment {
    let ids = &CHAIN_IDS[..count];
    let chains: Vec<AuxChain> = ids
        .iter()
        .map(|&chain_id| AuxChain {
            chain_id,
            block_hash: child_header(chain_id).block_hash(),
        })
        .collect();
    let commitment = MergedMiningCommitment::build(&chains, nonce).unwrap();

    // The smallest height at which the ids fall into distinct slots.
    let minimal = (0..=30u32)
        .find(|&h| {
            let mut slots: Vec<u32> = ids
                .iter()
                .map(|&id| venture_auxpow::get_expected_index(nonce, id, h))
                .collect();
            slots.sort_unstable();
            slots.dedup();
            slots.len() == ids.len()
        })
        .unwrap();
    assert_eq!(commitment.tree_height, minimal, "{count} chains");

    let coinbase = parent_coinbase(&commitment.script_bytes());
    let (parent, coinbase_branch) = solve_parent(&coinbase, 4 + count as u64, pow);
    assert!(!coinbase_branch.is_empty());

    let mut auxpows = Vec::new();
    for &chain_id in ids {
        let auxpow = commitment
            .assemble(chain_id, coinbase.clone(), coinbase_branch.clone(), parent)
            .unwrap();
        let header = AuxHeader::with_auxpow(child_header(chain_id), auxpow.clone());
        assert_eq!(
            check_header_pow(&header, &params(chain_id, pow)),
            Ok(()),
            "{count} chains, chain id {chain_id}"
        );
        auxpows.push((chain_id, auxpow));
    }

    // An AuxPoW is only good for the chain it was assembled for.
    if let [(first_id, first), (second_id, _), ..] = auxpows.as_slice() {
        let header = AuxHeader::with_auxpow(child_header(*second_id), first.clone());
        let err = check_header_pow(&header, &params(*second_id, pow)).unwrap_err();
        assert!(err.is_auxpow_fault(), "{first_id} -> {second_id}: {err}");
    }
    commitment
}

#[test]
fn one_to_eight_chains_all_pass_the_full_check() {
    for count in 1..=8 {
        merge_mine(count, 0, PowAlgorithm::Sha256d);
    }
}

#[test]
fn nonce_changes_slots_not_validity() {
    let a = merge_mine(5, 0, PowAlgorithm::Sha256d);
    let b = merge_mine(5, 0xdead_beef, PowAlgorithm::Sha256d);
    assert_eq!(a.tree_height, b.tree_height);
    assert_ne!(
        a.slots.iter().map(|s| s.chain_index).collect::<Vec<_>>(),
        b.slots.iter().map(|s| s.chain_index).collect::<Vec<_>>()
    );
}

#[test]
fn litecoin_style_scrypt_parent() {
    merge_mine(3, 7, PowAlgorithm::Scrypt);
}

#[test]
fn ids_equal_modulo_small_powers_need_a_taller_tree() {
    // 1 and 17 share a slot in any tree of up to 16 slots.
    let chains = [1, 17].map(|chain_id| AuxChain {
        chain_id,
        block_hash: child_header(chain_id).block_hash(),
    });
    let commitment = MergedMiningCommitment::build(&chains, 0).unwrap();
    assert_eq!(commitment.tree_height, 5);
    assert_eq!(commitment.tree_size(), 32);
    // Far-apart ids build a tall but sparse tree without allocating its slots.
    let chains = [0, 1 << 29].map(|chain_id| AuxChain {
        chain_id,
        block_hash: BlockHash::all_zeros(),
    });
    assert_eq!(
        MergedMiningCommitment::build(&chains, 0)
            .unwrap()
            .tree_height,
        30
    );
    let chains = [0, 1 << 30].map(|chain_id| AuxChain {
        chain_id,
        block_hash: BlockHash::all_zeros(),
    });
    assert_eq!(
        MergedMiningCommitment::build(&chains, 0),
        Err(AuxPowError::NoCollisionFreeTree)
    );
}

#[test]
fn refuses_empty_and_duplicate_chain_lists() {
    assert_eq!(
        MergedMiningCommitment::build(&[], 0),
        Err(AuxPowError::NoAuxChains)
    );
    let chain = AuxChain {
        chain_id: 5,
        block_hash: BlockHash::all_zeros(),
    };
    assert_eq!(
        MergedMiningCommitment::build(&[chain, chain], 0),
        Err(AuxPowError::DuplicateChainId(5))
    );
    let commitment = MergedMiningCommitment::build(&[chain], 0).unwrap();
    let coinbase = parent_coinbase(&commitment.script_bytes());
    let parent = child_header(1);
    assert_eq!(
        commitment.assemble(6, coinbase, vec![], parent),
        Err(AuxPowError::ChainNotCommitted(6))
    );
}

#[test]
fn script_bytes_layout() {
    let chain = AuxChain {
        chain_id: 1,
        block_hash: child_header(1).block_hash(),
    };
    let commitment = MergedMiningCommitment::build(&[chain], 0x0102_0304).unwrap();
    let bytes = commitment.script_bytes();
    assert_eq!(bytes[..4], [0xfa, 0xbe, 0x6d, 0x6d]);
    // One chain: the root is its block hash, in display order.
    let mut display = chain.block_hash.to_byte_array();
    display.reverse();
    assert_eq!(bytes[4..36], display);
    assert_eq!(bytes[36..40], [1, 0, 0, 0]);
    assert_eq!(bytes[40..44], [4, 3, 2, 1]);
}
