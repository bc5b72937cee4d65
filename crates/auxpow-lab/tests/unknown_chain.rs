//! Vectors of a merge-mined chain that is not in the lab's table, built here: a child
//! header with chain id 42 whose AuxPoW commits to it in a solved SHA-256d parent. The
//! verifier must check them with the vector's own `our_chain_id` and `parent_pow`, pass
//! a must-reject vector when it refuses it, and compare the reason only when it knows it.

use bitcoin::absolute::LockTime;
use bitcoin::block::{Header, Version};
use bitcoin::consensus::encode::serialize;
use bitcoin::hashes::Hash;
use bitcoin::script::{Builder, PushBytesBuf};
use bitcoin::{
    transaction, Amount, BlockHash, CompactTarget, OutPoint, ScriptBuf, Sequence, Transaction,
    TxIn, TxMerkleNode, TxOut, Witness,
};
use serde_json::{json, Value};
use venture_auxpow::{
    header_bytes, merkle_branch, merkle_root, AuxChain, AuxHeader, MergedMiningCommitment,
};
use venture_auxpow_lab::verify;
use venture_pow::{check_proof_of_work, PowAlgorithm, Target, U256};

const CHAIN_ID: i32 = 42;
const EASY_BITS: u32 = 0x207fffff;

fn coinbase(commitment: &MergedMiningCommitment) -> Transaction {
    let mut push = PushBytesBuf::new();
    push.extend_from_slice(&commitment.script_bytes()).unwrap();
    Transaction {
        version: transaction::Version::ONE,
        lock_time: LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::null(),
            script_sig: Builder::new().push_int(500).push_slice(push).into_script(),
            sequence: Sequence::MAX,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(50),
            script_pubkey: ScriptBuf::new(),
        }],
    }
}

/// A merge-mined header of chain `CHAIN_ID` at the easiest bits, with a solved parent.
fn merge_mined_header() -> AuxHeader {
    let child = Header {
        version: Version::from_consensus((CHAIN_ID << 16) | 0x100 | 4),
        prev_blockhash: BlockHash::from_byte_array([0x22; 32]),
        merkle_root: TxMerkleNode::from_byte_array([0x33; 32]),
        time: 1_700_000_000,
        bits: CompactTarget::from_consensus(EASY_BITS),
        nonce: 0,
    };
    let chains = [AuxChain {
        chain_id: CHAIN_ID,
        block_hash: child.block_hash(),
    }];
    let commitment = MergedMiningCommitment::build(&chains, 7).unwrap();
    let coinbase = coinbase(&commitment);
    let leaves = vec![
        TxMerkleNode::from_raw_hash(coinbase.compute_txid().to_raw_hash()),
        TxMerkleNode::from_byte_array([0xaa; 32]),
    ];
    let mut parent = Header {
        version: Version::from_consensus(0x2000_0000),
        prev_blockhash: BlockHash::from_byte_array([0x11; 32]),
        merkle_root: merkle_root(&leaves).unwrap(),
        time: 1_700_000_000,
        bits: CompactTarget::from_consensus(EASY_BITS),
        nonce: 0,
    };
    let limit = Target(U256::MAX);
    while check_proof_of_work(
        &PowAlgorithm::Sha256d.hash(&header_bytes(&parent)),
        EASY_BITS,
        &limit,
    )
    .is_err()
    {
        parent.nonce += 1;
    }
    let auxpow = commitment
        .assemble(
            CHAIN_ID,
            coinbase,
            merkle_branch(&leaves, 0).unwrap(),
            parent,
        )
        .unwrap();
    AuxHeader::with_auxpow(child, auxpow)
}

fn vector(header: &AuxHeader, extra: Value) -> Value {
    let mut vector = json!({
        "chain": "examplecoin",
        "network": "mainnet",
        "our_chain_id": CHAIN_ID,
        "parent_pow": "sha256d",
        "header_with_auxpow_hex": hex::encode(serialize(header)),
    });
    for (key, value) in extra.as_object().unwrap() {
        vector[key] = value.clone();
    }
    vector
}

fn verify_one(vector: &Value) -> venture_auxpow_lab::VerifyReport {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("examplecoin_vector.json");
    std::fs::write(&path, vector.to_string()).unwrap();
    verify(&[path]).unwrap()
}

#[test]
fn a_valid_header_of_an_unlisted_chain_passes_with_its_own_chain_id() {
    let header = merge_mined_header();
    let valid = vector(
        &header,
        json!({"expected_valid": true, "expected_hash": header.block_hash().to_string()}),
    );
    let report = verify_one(&valid);
    assert_eq!((report.passed, report.failed), (1, 0), "{report:?}");

    // The chain id is read from the vector: another one fails the same header.
    let mut other = valid.clone();
    other["our_chain_id"] = json!(CHAIN_ID + 1);
    let report = verify_one(&other);
    assert_eq!(report.failed, 1, "{report:?}");
    assert!(
        report.mismatches[0].contains("block does not have our chain ID"),
        "{report:?}"
    );

    // So is the parent's proof of work: scrypt of this parent misses the target (the
    // parent was solved for SHA-256d only; a 1 in 2 chance of meeting it by luck is
    // ruled out by checking).
    let parent = header.auxpow.as_ref().unwrap().parent_header;
    let scrypt_meets = check_proof_of_work(
        &PowAlgorithm::Scrypt.hash(&header_bytes(&parent)),
        EASY_BITS,
        &Target(U256::MAX),
    )
    .is_ok();
    let mut scrypt = valid.clone();
    scrypt["parent_pow"] = json!("scrypt");
    assert_eq!(verify_one(&scrypt).failed, usize::from(!scrypt_meets));

    let mut missing = valid;
    missing.as_object_mut().unwrap().remove("our_chain_id");
    let report = verify_one(&missing);
    assert!(
        report.mismatches[0].contains(
            "chain `examplecoin` is not in our table, and field `our_chain_id` is missing"
        ),
        "{report:?}"
    );
}

#[test]
fn must_reject_vectors_pass_when_refused_and_reasons_are_compared_only_when_known() {
    let header = merge_mined_header();
    // A known reason with details: compared by its start.
    let wrong_chain = vector(
        &header,
        json!({"our_chain_id": 7, "expected_valid": false,
               "expected_check_error": "block does not have our chain ID (got 42, expected 7)"}),
    );
    let report = verify_one(&wrong_chain);
    assert_eq!((report.passed, report.failed), (1, 0), "{report:?}");
    assert!(report.notes.is_empty());

    // A known reason that is not ours: a mismatch.
    let wrong_reason = vector(
        &header,
        json!({"our_chain_id": 7, "expected_valid": false,
               "expected_check_error": "Aux POW wrong index"}),
    );
    assert_eq!(verify_one(&wrong_reason).failed, 1);

    // A reason we do not know: any refusal passes, with a note.
    let unknown = vector(
        &header,
        json!({"our_chain_id": 7,
               "expected_check_error": "bad-aux-chain (examplecoin's own wording)"}),
    );
    let report = verify_one(&unknown);
    assert_eq!((report.passed, report.failed), (1, 0), "{report:?}");
    assert_eq!(report.notes.len(), 1);
    assert!(
        report.notes[0].contains("`bad-aux-chain (examplecoin's own wording)` is not one we know"),
        "{report:?}"
    );

    // A must-reject vector that we accept fails, whatever its reason.
    let accepted = vector(
        &header,
        json!({"expected_valid": false, "expected_check_error": "bad-aux-chain"}),
    );
    let report = verify_one(&accepted);
    assert_eq!(report.failed, 1, "{report:?}");
    assert!(report.notes.is_empty());
    assert!(
        report.mismatches[0].contains("passes a header that must be refused"),
        "{report:?}"
    );
}
