//! The situations of Namecoin Core's `check_auxpow` and `auxpow_pow` unit tests, rebuilt
//! here: a maximal (height 30) chain branch, tampering with each committed value, legacy
//! coinbases without the magic, and attempts to smuggle a second root into the coinbase.

use bitcoin::absolute::LockTime;
use bitcoin::block::{Header, Version};
use bitcoin::hashes::Hash;
use bitcoin::script::{Builder, PushBytesBuf};
use bitcoin::transaction::{self, Transaction, TxIn};
use bitcoin::{BlockHash, CompactTarget, OutPoint, ScriptBuf, Sequence, TxMerkleNode, Witness};
use venture_auxpow::{
    check_header_pow, check_merkle_branch, get_expected_index, merkle_branch, merkle_root, version,
    AuxHeader, AuxPow, AuxPowError, AuxPowParams, LegacyRule, MERGED_MINING_MAGIC,
};
use venture_pow::{PowAlgorithm, Target, U256};

const OUR_CHAIN_ID: i32 = 1;
const HEIGHT: u32 = 30;
const NONCE: u32 = 7;

fn aux_hash() -> BlockHash {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&12345u64.to_le_bytes());
    BlockHash::from_byte_array(bytes)
}

fn tampered(hash: BlockHash) -> BlockHash {
    let mut bytes = hash.to_byte_array();
    bytes[0] ^= 1;
    BlockHash::from_byte_array(bytes)
}

fn number_node(value: u32) -> TxMerkleNode {
    let mut bytes = [0u8; 32];
    bytes[..4].copy_from_slice(&value.to_le_bytes());
    TxMerkleNode::from_byte_array(bytes)
}

/// Builds chain branches like Namecoin's test builder: "something" for the branch.
struct Chain {
    branch: Vec<TxMerkleNode>,
    index: i32,
}

impl Chain {
    fn new(hash: BlockHash, height: u32, index: i32) -> (Chain, [u8; 32]) {
        let branch: Vec<TxMerkleNode> = (0..height).map(number_node).collect();
        let leaf = TxMerkleNode::from_byte_array(hash.to_byte_array());
        let mut root = check_merkle_branch(leaf, &branch, index).to_byte_array();
        root.reverse();
        (Chain { branch, index }, root)
    }
}

fn coinbase_data(magic: bool, root: &[u8; 32], height: u32, nonce: u32) -> Vec<u8> {
    let mut data = Vec::new();
    if magic {
        data.extend_from_slice(&MERGED_MINING_MAGIC);
    }
    data.extend_from_slice(root);
    data.extend_from_slice(&(1u32 << height).to_le_bytes());
    data.extend_from_slice(&nonce.to_le_bytes());
    data
}

fn push(builder: Builder, data: &[u8]) -> Builder {
    builder.push_slice(PushBytesBuf::try_from(data.to_vec()).unwrap())
}

fn standard_script(data: &[u8]) -> ScriptBuf {
    let builder = Builder::new()
        .push_int(2809)
        .push_int(2013)
        .push_opcode(bitcoin::opcodes::all::OP_PUSHNUM_2);
    push(builder, data).into_script()
}

fn coinbase(script_sig: ScriptBuf) -> Transaction {
    Transaction {
        version: transaction::Version::ONE,
        lock_time: LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::null(),
            script_sig,
            sequence: Sequence::MAX,
            witness: Witness::new(),
        }],
        output: vec![],
    }
}

/// An AuxPoW whose parent block holds `txs` (coinbase first) and proves `txs[0]`.
fn auxpow(chain: &Chain, txs: &[Transaction], parent_version: i32, proven: usize) -> AuxPow {
    let leaves: Vec<TxMerkleNode> = txs
        .iter()
        .map(|tx| TxMerkleNode::from_byte_array(tx.compute_txid().to_byte_array()))
        .collect();
    let parent = Header {
        version: Version::from_consensus(parent_version),
        prev_blockhash: BlockHash::all_zeros(),
        merkle_root: merkle_root(&leaves).unwrap(),
        time: 0,
        bits: CompactTarget::from_consensus(0x207f_ffff),
        nonce: 0,
    };
    AuxPow::new(
        txs[proven].clone(),
        merkle_branch(&leaves, proven).unwrap(),
        chain.branch.clone(),
        chain.index,
        parent,
    )
}

fn parent_version(chain_id: i32) -> i32 {
    version::compose(5, chain_id, false)
}

fn check(auxpow: &AuxPow, hash: BlockHash, chain_id: i32) -> Result<(), AuxPowError> {
    auxpow.check(hash, chain_id, true)
}

#[test]
fn check_auxpow_scenarios() {
    let index = get_expected_index(NONCE, OUR_CHAIN_ID, HEIGHT) as i32;
    let (chain, root) = Chain::new(aux_hash(), HEIGHT, index);
    let data = coinbase_data(true, &root, HEIGHT, NONCE);
    let script = standard_script(&data);
    let good = auxpow(&chain, &[coinbase(script.clone())], parent_version(42), 0);
    assert_eq!(check(&good, aux_hash(), OUR_CHAIN_ID), Ok(()));

    // A parent coinbase without inputs is refused gracefully.
    let mut no_inputs = coinbase(script.clone());
    no_inputs.input.clear();
    let bad = auxpow(&chain, &[no_inputs], parent_version(42), 0);
    assert_eq!(
        check(&bad, aux_hash(), OUR_CHAIN_ID),
        Err(AuxPowError::CoinbaseHasNoInputs)
    );

    // Another block hash or chain id.
    assert_eq!(
        check(&good, tampered(aux_hash()), OUR_CHAIN_ID),
        Err(AuxPowError::MissingChainMerkleRoot)
    );
    assert_eq!(
        check(&good, aux_hash(), OUR_CHAIN_ID + 1),
        Err(AuxPowError::WrongIndex)
    );

    // Proving a transaction other than the first: it is not in the coinbase position.
    let first = coinbase(Builder::from(script.to_bytes()).push_int(5).into_script());
    let txs = [first, coinbase(script.clone())];
    assert_eq!(
        check(
            &auxpow(&chain, &txs, parent_version(42), 0),
            aux_hash(),
            OUR_CHAIN_ID
        ),
        Ok(())
    );
    assert_eq!(
        check(
            &auxpow(&chain, &txs, parent_version(42), 1),
            aux_hash(),
            OUR_CHAIN_ID
        ),
        Err(AuxPowError::MerkleRootIncorrect)
    );

    // The parent must not carry our chain id.
    let txs = [coinbase(script.clone())];
    assert_eq!(
        check(
            &auxpow(&chain, &txs, parent_version(100), 0),
            aux_hash(),
            OUR_CHAIN_ID
        ),
        Ok(())
    );
    assert_eq!(
        check(
            &auxpow(&chain, &txs, parent_version(OUR_CHAIN_ID), 0),
            aux_hash(),
            OUR_CHAIN_ID
        ),
        Err(AuxPowError::ParentHasOurChainId)
    );
    // ... unless the chain id is not strict.
    let lenient = auxpow(&chain, &txs, parent_version(OUR_CHAIN_ID), 0);
    assert_eq!(lenient.check(aux_hash(), OUR_CHAIN_ID, false), Ok(()));

    // Branches longer than 30 are refused.
    let long_index = get_expected_index(NONCE, OUR_CHAIN_ID, HEIGHT + 1) as i32;
    let (long_chain, long_root) = Chain::new(aux_hash(), HEIGHT + 1, long_index);
    let long_script = standard_script(&coinbase_data(true, &long_root, HEIGHT + 1, NONCE));
    assert_eq!(
        check(
            &auxpow(&long_chain, &[coinbase(long_script)], parent_version(42), 0),
            aux_hash(),
            OUR_CHAIN_ID
        ),
        Err(AuxPowError::ChainBranchTooLong)
    );

    // The parent header's merkle root is what the coinbase branch must reach.
    let mut wrong_root = good.clone();
    wrong_root.parent_header.merkle_root = number_node(1);
    assert_eq!(
        check(&wrong_root, aux_hash(), OUR_CHAIN_ID),
        Err(AuxPowError::MerkleRootIncorrect)
    );

    // Legacy coinbase without the magic, root early enough: accepted.
    let legacy = coinbase_data(false, &root, HEIGHT, NONCE);
    let with = |script: ScriptBuf| auxpow(&chain, &[coinbase(script)], parent_version(42), 0);
    assert_eq!(
        check(&with(standard_script(&legacy)), aux_hash(), OUR_CHAIN_ID),
        Ok(())
    );

    // Smuggling a second root in.
    let (_, wrong) = Chain::new(tampered(aux_hash()), HEIGHT, index);
    let two = |a: &[u8], b: &[u8]| with(push(push(Builder::new(), a), b).into_script());
    let legacy_wrong = coinbase_data(false, &wrong, HEIGHT, NONCE);
    assert_eq!(
        check(&two(&legacy, &legacy_wrong), aux_hash(), OUR_CHAIN_ID),
        Ok(())
    );
    assert_eq!(
        check(&two(&legacy_wrong, &legacy), aux_hash(), OUR_CHAIN_ID),
        Err(AuxPowError::RootTooLateInCoinbase)
    );
    let magic_wrong = coinbase_data(true, &wrong, HEIGHT, NONCE);
    assert_eq!(
        check(&two(&legacy, &magic_wrong), aux_hash(), OUR_CHAIN_ID),
        Err(AuxPowError::HeaderNotJustBeforeRoot)
    );
    assert_eq!(
        check(&two(&magic_wrong, &legacy), aux_hash(), OUR_CHAIN_ID),
        Err(AuxPowError::HeaderNotJustBeforeRoot)
    );
    let magic = coinbase_data(true, &root, HEIGHT, NONCE);
    assert_eq!(
        check(&two(&magic, &magic_wrong), aux_hash(), OUR_CHAIN_ID),
        Err(AuxPowError::MultipleMergedMiningHeaders)
    );
    assert_eq!(
        check(&two(&magic_wrong, &magic), aux_hash(), OUR_CHAIN_ID),
        Err(AuxPowError::MultipleMergedMiningHeaders)
    );
    assert_eq!(
        check(&two(&magic, &legacy_wrong), aux_hash(), OUR_CHAIN_ID),
        Ok(())
    );
    assert_eq!(
        check(&two(&legacy_wrong, &magic), aux_hash(), OUR_CHAIN_ID),
        Ok(())
    );

    // Size and nonce after the root.
    let mut short = magic.clone();
    short.pop();
    assert_eq!(
        check(
            &with(push(Builder::new(), &short).into_script()),
            aux_hash(),
            OUR_CHAIN_ID
        ),
        Err(AuxPowError::MissingTreeSizeAndNonce)
    );
    let wrong_size = coinbase_data(true, &root, HEIGHT - 1, NONCE);
    assert_eq!(
        check(
            &with(push(Builder::new(), &wrong_size).into_script()),
            aux_hash(),
            OUR_CHAIN_ID
        ),
        Err(AuxPowError::BranchSizeMismatch)
    );
    let wrong_nonce = coinbase_data(true, &root, HEIGHT, NONCE + 3);
    assert_eq!(
        check(
            &with(push(Builder::new(), &wrong_nonce).into_script()),
            aux_hash(),
            OUR_CHAIN_ID
        ),
        Err(AuxPowError::WrongIndex)
    );

    // Our hash in the wrong slot.
    let (misplaced, misplaced_root) = Chain::new(aux_hash(), HEIGHT, index + 1);
    let script = push(
        Builder::new(),
        &coinbase_data(true, &misplaced_root, HEIGHT, NONCE),
    )
    .into_script();
    assert_eq!(
        check(
            &auxpow(&misplaced, &[coinbase(script)], parent_version(42), 0),
            aux_hash(),
            OUR_CHAIN_ID
        ),
        Err(AuxPowError::WrongIndex)
    );
}

/// Namecoin's `auxpow_pow` version rules, with regtest's easy limit.
#[test]
fn header_version_rules() {
    let params = AuxPowParams {
        chain_id: OUR_CHAIN_ID,
        strict_chain_id: true,
        legacy: LegacyRule::Namecoin,
        native_pow: PowAlgorithm::Sha256d,
        parent_pow: PowAlgorithm::Sha256d,
        pow_limit: Target(U256::MAX >> 1),
    };
    let mined = |version: i32, ok: bool| {
        let mut header = AuxHeader::new(Header {
            version: Version::from_consensus(version),
            prev_blockhash: BlockHash::all_zeros(),
            merkle_root: TxMerkleNode::all_zeros(),
            time: 0,
            bits: CompactTarget::from_consensus(0x207f_ffff),
            nonce: 0,
        });
        let target = Target::from_bits(0x207f_ffff, &params.pow_limit).unwrap();
        while target.is_met_by(&PowAlgorithm::Sha256d.hash(&header.pure_bytes())) != ok {
            header.pure.nonce += 1;
        }
        header
    };
    assert_eq!(check_header_pow(&mined(1, true), &params), Ok(()));
    assert!(matches!(
        check_header_pow(&mined(2, true), &params),
        Err(AuxPowError::WrongChainId {
            got: 0,
            expected: 1,
            version: 2
        })
    ));
    assert_eq!(
        check_header_pow(&mined(version::compose(2, 1, false), true), &params),
        Ok(())
    );
    assert!(matches!(
        check_header_pow(&mined(version::compose(2, 2, false), true), &params),
        Err(AuxPowError::WrongChainId { .. })
    ));
    assert_eq!(
        check_header_pow(&mined(version::compose(2, 1, true), true), &params),
        Err(AuxPowError::NoAuxPowOnAuxPowVersion)
    );
    assert!(matches!(
        check_header_pow(&mined(version::compose(2, 1, false), false), &params),
        Err(AuxPowError::NonAuxPowFailed(_))
    ));
    // Dogecoin's rule lets version 2 through without a chain id.
    let dogecoin = AuxPowParams {
        legacy: LegacyRule::Dogecoin,
        ..params
    };
    assert_eq!(check_header_pow(&mined(2, true), &dogecoin), Ok(()));
}

/// A merge-mined header whose parent has the AuxPoW flag, or an AuxPoW under a version
/// without the flag, is refused before the AuxPoW is looked at.
#[test]
fn flag_mismatches_are_refused() {
    let params = AuxPowParams {
        chain_id: OUR_CHAIN_ID,
        strict_chain_id: true,
        legacy: LegacyRule::Namecoin,
        native_pow: PowAlgorithm::Sha256d,
        parent_pow: PowAlgorithm::Sha256d,
        pow_limit: Target(U256::MAX >> 1),
    };
    let index = get_expected_index(NONCE, OUR_CHAIN_ID, 0) as i32;
    let (chain, root) = Chain::new(aux_hash(), 0, index);
    let script = standard_script(&coinbase_data(true, &root, 0, NONCE));
    let pure = Header {
        version: Version::from_consensus(version::compose(1, OUR_CHAIN_ID, false)),
        prev_blockhash: BlockHash::all_zeros(),
        merkle_root: TxMerkleNode::all_zeros(),
        time: 0,
        bits: CompactTarget::from_consensus(0x207f_ffff),
        nonce: 0,
    };
    let header = AuxHeader {
        pure,
        auxpow: Some(Box::new(auxpow(
            &chain,
            &[coinbase(script.clone())],
            parent_version(2),
            0,
        ))),
    };
    assert_eq!(
        check_header_pow(&header, &params),
        Err(AuxPowError::AuxPowOnNonAuxPowVersion)
    );
    let flagged_parent = version::compose(1, 2, true);
    let header =
        AuxHeader::with_auxpow(pure, auxpow(&chain, &[coinbase(script)], flagged_parent, 0));
    assert_eq!(
        check_header_pow(&header, &params),
        Err(AuxPowError::ParentHasAuxPowVersion)
    );
}
