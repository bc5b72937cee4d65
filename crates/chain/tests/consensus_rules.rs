//! Every consensus rule, broken on purpose (in the spirit of Bitcoin Core's
//! `feature_block.py`): for each [`Reject`] kind a block or transaction built to break
//! exactly that rule is refused with exactly that kind, and the chain is unchanged.

mod common;

use bitcoin::hashes::Hash;
use bitcoin::opcodes::all::{OP_CHECKSIG, OP_RETURN};
use bitcoin::{Amount, BlockHash, OutPoint, ScriptBuf, Sequence, Transaction, TxOut, Witness};
use common::*;
use std::collections::BTreeSet;
use venture_chain::{check_transaction, Chain, ProcessOutcome, Reject};
use venture_primitives::{coinbase_script, coinbase_transaction, Block};

/// A chain whose first blocks paid `key`, so mature coins exist.
struct Fixture {
    _dir: tempfile::TempDir,
    chain: Chain,
    key: TestKey,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let mut chain = open(&dev_params(), dir.path());
        let key = TestKey::new(1);
        for _ in 0..25 {
            mine(&mut chain, &key.p2wpkh(), Vec::new());
        }
        Fixture {
            _dir: dir,
            chain,
            key,
        }
    }

    /// A signed spend of the coinbase at `height` to `outputs`.
    fn spend(&self, height: u32, outputs: Vec<TxOut>) -> Transaction {
        let (outpoint, prevout) = coinbase_coin(&self.chain, height);
        let mut tx = unsigned(&[outpoint], outputs);
        self.key.sign_p2wpkh(&mut tx, 0, &prevout);
        tx
    }

    fn value(&self, height: u32) -> u64 {
        coinbase_coin(&self.chain, height).1.value.to_sat()
    }

    /// The next block carrying `txs`, sealed.
    fn block(&self, txs: Vec<Transaction>) -> Block {
        let mut block = block_on_tip(&self.chain, &payout(9), txs);
        seal(&mut block, self.chain.params());
        block
    }

    /// The next block after `edit` changed it, resealed.
    fn edited(&self, txs: Vec<Transaction>, edit: impl FnOnce(&mut Block)) -> Block {
        let mut block = block_on_tip(&self.chain, &payout(9), txs);
        edit(&mut block);
        seal(&mut block, self.chain.params());
        block
    }
}

fn op_return(bytes: usize) -> TxOut {
    let mut script = vec![OP_RETURN.to_u8()];
    script.extend(std::iter::repeat_n(0u8, bytes));
    TxOut {
        value: Amount::ZERO,
        script_pubkey: ScriptBuf::from_bytes(script),
    }
}

type Case = (Reject, Box<dyn Fn(&Fixture) -> Block>);

fn cases() -> Vec<Case> {
    let max_money = 2_210_000_000_000_000u64;
    vec![
        (
            Reject::HighHash,
            Box::new(|f| {
                let mut block = f.block(Vec::new());
                unsolve(&mut block, f.chain.params());
                block
            }),
        ),
        (
            Reject::BadDiffbits,
            Box::new(|f| {
                f.edited(Vec::new(), |b| {
                    b.header.pure.bits = bitcoin::CompactTarget::from_consensus(0x207f_fffe);
                })
            }),
        ),
        (
            Reject::TimeTooOld,
            Box::new(|f| {
                f.edited(Vec::new(), |b| {
                    b.header.pure.time = f
                        .chain
                        .index()
                        .median_time_past(&f.chain.tip().hash)
                        .unwrap();
                })
            }),
        ),
        (
            Reject::TimeTooNew,
            Box::new(|f| {
                f.edited(Vec::new(), |b| {
                    b.header.pure.time = (NOW + 7200 + 60) as u32;
                })
            }),
        ),
        (
            Reject::PrevBlkNotFound,
            Box::new(|f| {
                f.edited(Vec::new(), |b| {
                    b.header.pure.prev_blockhash = BlockHash::from_byte_array([7; 32]);
                })
            }),
        ),
        (
            Reject::BadBlkLength,
            Box::new(|f| f.edited(Vec::new(), |b| b.txdata.clear())),
        ),
        (
            Reject::BadBlkWeight,
            Box::new(|f| {
                f.edited(Vec::new(), |b| {
                    b.txdata[0].output.push(op_return(1_000_001));
                })
            }),
        ),
        (
            Reject::BadTxnMrklRoot,
            Box::new(|f| {
                let mut block = f.block(Vec::new());
                block.header.pure.merkle_root = bitcoin::TxMerkleNode::from_byte_array([3; 32]);
                solve(&mut block, f.chain.params());
                block
            }),
        ),
        (
            Reject::BadTxnsDuplicate,
            Box::new(|f| {
                let tx = f.spend(1, vec![pay(&payout(2), 1_000)]);
                f.block(vec![tx.clone(), tx])
            }),
        ),
        (
            Reject::BadWitnessNonceSize,
            Box::new(|f| {
                let tx = f.spend(1, vec![pay(&payout(2), 1_000)]);
                f.edited(vec![tx], |b| {
                    b.txdata[0].input[0].witness = Witness::from_slice(&[[0u8; 31]])
                })
            }),
        ),
        (
            Reject::BadWitnessMerkleMatch,
            Box::new(|f| {
                let tx = f.spend(1, vec![pay(&payout(2), 1_000)]);
                f.edited(vec![tx], |b| {
                    let commitment = b.txdata[0].output.last_mut().unwrap();
                    let mut bytes = commitment.script_pubkey.to_bytes();
                    *bytes.last_mut().unwrap() ^= 1;
                    commitment.script_pubkey = ScriptBuf::from_bytes(bytes);
                })
            }),
        ),
        (
            Reject::UnexpectedWitness,
            Box::new(|f| {
                let tx = f.spend(1, vec![pay(&payout(2), 1_000)]);
                f.edited(vec![tx], |b| {
                    b.txdata[0].output.pop();
                    b.txdata[0].input[0].witness = Witness::new();
                })
            }),
        ),
        (
            Reject::BadCbMissing,
            Box::new(|f| {
                // Unsigned, so without a witness: the missing coinbase is the rule it breaks.
                let tx = unsigned(
                    &[coinbase_coin(&f.chain, 1).0],
                    vec![pay(&payout(2), 1_000)],
                );
                f.edited(vec![tx], |b| {
                    b.txdata.remove(0);
                })
            }),
        ),
        (
            Reject::BadCbMultiple,
            Box::new(|f| {
                f.edited(Vec::new(), |b| {
                    let height = f.chain.height() + 1;
                    let second = coinbase_transaction(
                        2,
                        coinbase_script(height, &[b"again"]),
                        vec![pay(&payout(3), 1)],
                    );
                    b.txdata.push(second);
                })
            }),
        ),
        (
            Reject::BadCbLength,
            Box::new(|f| {
                f.edited(Vec::new(), |b| {
                    let height = f.chain.height() + 1;
                    b.txdata[0].input[0].script_sig = coinbase_script(height, &[&[0u8; 98]]);
                })
            }),
        ),
        (
            Reject::BadCbHeight,
            Box::new(|f| {
                f.edited(Vec::new(), |b| {
                    let height = f.chain.height() + 2;
                    b.txdata[0].input[0].script_sig = coinbase_script(height, &[b"x"]);
                })
            }),
        ),
        (
            Reject::BadBlkSigops,
            Box::new(|f| {
                f.edited(Vec::new(), |b| {
                    let script = vec![OP_CHECKSIG.to_u8(); 20_001];
                    b.txdata[0].output.push(TxOut {
                        value: Amount::ZERO,
                        script_pubkey: ScriptBuf::from_bytes(script),
                    });
                })
            }),
        ),
        (
            Reject::BadCbAmount,
            Box::new(|f| {
                f.edited(Vec::new(), |b| {
                    let out = b.txdata[0].output.last_mut().unwrap();
                    out.value += Amount::from_sat(1);
                })
            }),
        ),
        (
            Reject::BadTxnsVinEmpty,
            Box::new(|f| f.block(vec![unsigned(&[], vec![pay(&payout(2), 1)])])),
        ),
        (
            Reject::BadTxnsVoutEmpty,
            Box::new(|f| f.block(vec![f.spend(1, Vec::new())])),
        ),
        (
            Reject::BadTxnsVoutTooLarge,
            Box::new(move |f| f.block(vec![f.spend(1, vec![pay(&payout(2), max_money + 1)])])),
        ),
        (
            Reject::BadTxnsTxoutTotalTooLarge,
            Box::new(move |f| {
                f.block(vec![f.spend(
                    1,
                    vec![pay(&payout(2), max_money), pay(&payout(2), max_money)],
                )])
            }),
        ),
        (
            Reject::BadTxnsInputsDuplicate,
            Box::new(|f| {
                let (outpoint, _) = coinbase_coin(&f.chain, 1);
                f.block(vec![unsigned(
                    &[outpoint, outpoint],
                    vec![pay(&payout(2), 1)],
                )])
            }),
        ),
        (
            Reject::BadTxnsPrevoutNull,
            Box::new(|f| {
                let (outpoint, _) = coinbase_coin(&f.chain, 1);
                f.block(vec![unsigned(
                    &[outpoint, OutPoint::null()],
                    vec![pay(&payout(2), 1)],
                )])
            }),
        ),
        (
            Reject::BadTxnsNonfinal,
            Box::new(|f| {
                let (outpoint, prevout) = coinbase_coin(&f.chain, 1);
                let mut tx = unsigned(&[outpoint], vec![pay(&payout(2), 1_000)]);
                tx.lock_time = bitcoin::absolute::LockTime::from_consensus(f.chain.height() + 5);
                tx.input[0].sequence = Sequence::ZERO;
                f.key.sign_p2wpkh(&mut tx, 0, &prevout);
                f.block(vec![tx])
            }),
        ),
        (
            Reject::BadTxnsInputsMissingOrSpent,
            Box::new(|f| {
                let (_, prevout) = coinbase_coin(&f.chain, 1);
                let missing = OutPoint {
                    txid: bitcoin::Txid::from_byte_array([5; 32]),
                    vout: 0,
                };
                let mut tx = unsigned(&[missing], vec![pay(&payout(2), 1_000)]);
                f.key.sign_p2wpkh(&mut tx, 0, &prevout);
                f.block(vec![tx])
            }),
        ),
        (
            Reject::BadTxnsPrematureSpendOfCoinbase,
            Box::new(|f| {
                let height = f.chain.height();
                f.block(vec![f.spend(height, vec![pay(&payout(2), 1_000)])])
            }),
        ),
        (
            Reject::BadTxnsInBelowOut,
            Box::new(|f| f.block(vec![f.spend(1, vec![pay(&payout(2), f.value(1) + 1)])])),
        ),
        (
            Reject::ScriptVerifyFailed,
            Box::new(|f| {
                let mut tx = f.spend(1, vec![pay(&payout(2), 1_000)]);
                tx.output[0].value = Amount::from_sat(2_000);
                f.block(vec![tx])
            }),
        ),
        (
            Reject::BadAuxpow,
            Box::new(|f| {
                f.edited(Vec::new(), |b| {
                    let version = venture_chainspec::block_version(
                        f.chain.params().spec.consensus.chain_id,
                        true,
                    );
                    b.header.pure.version = bitcoin::block::Version::from_consensus(version);
                })
            }),
        ),
        (
            Reject::BadChainId,
            Box::new(|f| {
                f.edited(Vec::new(), |b| {
                    let version = venture_chainspec::block_version(0x0001, true);
                    b.header.pure.version = bitcoin::block::Version::from_consensus(version);
                })
            }),
        ),
    ]
}

/// Kinds no block can reach on a chain whose rules hold, kept as defence in depth.
const UNREACHABLE: &[(Reject, &str)] = &[
    (
        Reject::DifficultyUnavailable,
        "every accepted header has its full ancestry",
    ),
    (
        Reject::BadTxnsInputValuesOutOfRange,
        "needs coins worth more than the supply limit",
    ),
    (
        Reject::BadTxnsAccumulatedFeeOutOfRange,
        "needs fees above the supply limit",
    ),
];

#[test]
fn each_broken_rule_is_refused_with_its_own_kind_and_changes_nothing() {
    let mut fixture = Fixture::new();
    let mut covered = BTreeSet::new();
    for (kind, build) in cases() {
        let block = build(&fixture);
        eprintln!("case {kind:?}");
        let got = rejection(&mut fixture.chain, block);
        assert_eq!(got, kind, "case {kind:?} was refused as {got:?}");
        covered.insert(kind);
    }
    // The chain still accepts an honest block after all of that.
    let tx = fixture.spend(1, vec![pay(&payout(2), 1_000)]);
    let block = fixture.block(vec![tx]);
    assert_eq!(
        fixture.chain.process_block(block, false).unwrap(),
        ProcessOutcome::Connected
    );
    covered.extend(other_tests_cover());
    covered.extend(UNREACHABLE.iter().map(|(k, _)| *k));
    let missing: Vec<&Reject> = Reject::ALL
        .iter()
        .filter(|k| !covered.contains(k))
        .collect();
    assert!(missing.is_empty(), "kinds without a test: {missing:?}");
}

/// The kinds tested by the other tests of this crate (this file and `venture_rules.rs`).
fn other_tests_cover() -> Vec<Reject> {
    vec![
        Reject::BadPrevblk,
        Reject::DuplicateInvalid,
        Reject::NativeBlockRefused,
        Reject::AuxpowInactive,
        Reject::BadTxnsOversize,
        Reject::VentureOutputLocked,
        Reject::VentureSettlementMissing,
        Reject::VentureSettlementReordered,
        Reject::VentureSettlementOverpaid,
        Reject::VentureSettlementWrong,
    ]
}

#[test]
fn an_invalid_block_condemns_its_descendants_and_itself_when_offered_again() {
    let mut f = Fixture::new();
    let bad = f.edited(Vec::new(), |b| {
        b.txdata[0].output.last_mut().unwrap().value += Amount::from_sat(1);
    });
    assert_eq!(rejection(&mut f.chain, bad.clone()), Reject::BadCbAmount);
    assert_eq!(
        rejection(&mut f.chain, bad.clone()),
        Reject::DuplicateInvalid
    );
    // A child of the invalid block.
    let height = f.chain.height() + 2;
    let mut child = bad.clone();
    child.header.pure.prev_blockhash = bad.block_hash();
    child.txdata = vec![coinbase_transaction(
        2,
        coinbase_script(height, &[b"child"]),
        vec![pay(&payout(4), 1)],
    )];
    seal(&mut child, f.chain.params());
    assert_eq!(rejection(&mut f.chain, child), Reject::BadPrevblk);
}

#[test]
fn witness_padding_by_a_peer_does_not_condemn_an_honest_block() {
    let mut f = Fixture::new();
    let tx = f.spend(1, vec![pay(&payout(2), 1_000)]);
    let honest = f.block(vec![tx]);
    // A relaying peer pads the witness: the hash is unchanged, the commitment is not met.
    let mut padded = honest.clone();
    padded.txdata[1].input[0].witness.push(vec![0u8; 1_100_000]);
    assert_eq!(padded.block_hash(), honest.block_hash());
    let kind = rejection(&mut f.chain, padded);
    assert_eq!(kind, Reject::BadWitnessMerkleMatch);
    assert!(!kind.is_permanent());
    assert_eq!(
        f.chain.process_block(honest, false).unwrap(),
        ProcessOutcome::Connected
    );
}

#[test]
fn transactions_larger_than_a_block_are_refused_before_any_block_holds_one() {
    let f = Fixture::new();
    let tx = f.spend(1, vec![op_return(1_000_001)]);
    let error = check_transaction(&tx, Amount::from_sat(u64::MAX / 2), 4_000_000).unwrap_err();
    assert_eq!(error.kind, Reject::BadTxnsOversize);
}

#[test]
fn native_blocks_are_refused_where_only_merge_mined_ones_are_valid() {
    let params = params_with("no-native", |t| {
        t.replace("native_blocks = true", "native_blocks = false")
    });
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(&params, dir.path());
    let mut block = block_on_tip(&chain, &payout(1), Vec::new());
    seal(&mut block, &params);
    assert_eq!(rejection(&mut chain, block), Reject::NativeBlockRefused);
}

#[test]
fn merge_mined_blocks_are_refused_before_the_activation_height() {
    let params = params_with("late-aux", |t| {
        t.replace("activation_height = 0", "activation_height = 100")
    });
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(&params, dir.path());
    let block = merge_mined_block_on_tip(&chain, &payout(1));
    assert_eq!(rejection(&mut chain, block), Reject::AuxpowInactive);
}

/// BIP68 applies to every version at or above 2 read unsigned, as Core reads it: a
/// negative version's relative lock is enforced.
#[test]
fn relative_locks_bind_negative_transaction_versions() {
    let mut f = Fixture::new();
    let (outpoint, prevout) = coinbase_coin(&f.chain, 5);
    let mut tx = unsigned(&[outpoint], vec![pay(&payout(2), 1_000)]);
    tx.version = bitcoin::transaction::Version(-1);
    // Locked for 1,000 blocks after the coin's block.
    tx.input[0].sequence = Sequence::from_height(1_000);
    f.key.sign_p2wpkh(&mut tx, 0, &prevout);
    let block = f.block(vec![tx]);
    assert_eq!(rejection(&mut f.chain, block), Reject::BadTxnsNonfinal);
}

/// BIP341: SIGHASH_DEFAULT is only implied by a 64-byte signature; the same signature
/// with an explicit 0x00 byte is invalid (else anyone could change the wtxid).
#[test]
fn taproot_signatures_with_an_explicit_default_hash_type_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(&dev_params(), dir.path());
    let key = TestKey::new(2);
    for _ in 0..22 {
        mine(&mut chain, &key.p2tr(), Vec::new());
    }
    let (outpoint, prevout) = coinbase_coin(&chain, 1);
    let mut tx = unsigned(&[outpoint], vec![pay(&payout(2), 1_000)]);
    let signature = key.sign_p2tr(&tx, 0, std::slice::from_ref(&prevout));
    let mut explicit = signature.clone();
    explicit.push(0x00);
    tx.input[0].witness = Witness::from_slice(&[explicit]);
    let mut block = block_on_tip(&chain, &payout(9), vec![tx.clone()]);
    seal(&mut block, chain.params());
    assert_eq!(rejection(&mut chain, block), Reject::ScriptVerifyFailed);
    // The 64-byte form of the same signature is valid.
    tx.input[0].witness = Witness::from_slice(&[signature]);
    mine(&mut chain, &payout(9), vec![tx]);
}
