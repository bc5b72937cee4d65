//! Helpers for tests and benchmarks that drive a real chain database on the built-in
//! dev spec: blocks built and solved here (the block-template code lives in a crate
//! that depends on this one), and signed P2WPKH spends.
#![allow(dead_code)]

use bitcoin::block::{Header as PureHeader, Version};
use bitcoin::hashes::Hash;
use bitcoin::secp256k1::{Message, Secp256k1, SecretKey};
use bitcoin::sighash::{EcdsaSighashType, SighashCache};
use bitcoin::{
    absolute, Amount, CompactTarget, CompressedPublicKey, OutPoint, ScriptBuf, Sequence,
    Transaction, TxIn, TxMerkleNode, TxOut, Witness,
};
use std::path::Path;
use std::sync::Arc;
use venture_chain::{witness_commitment, Chain, Clock, ProcessOutcome, WITNESS_COMMITMENT_MAGIC};
use venture_chainspec::{block_version, ChainParams};
use venture_difficulty::BlockKind;
use venture_primitives::{coinbase_script, coinbase_transaction, Block, Header};

/// The dev chain: sha256d at the easiest target, coinbase maturity 20.
pub fn dev_params() -> Arc<ChainParams> {
    Arc::new(ChainParams::load("dev").unwrap())
}

/// Seconds since the Unix epoch that the chain's clock and the pool agree on, far
/// enough ahead that fast-built timestamps are never too new.
pub fn now() -> u64 {
    1_900_000_000
}

pub fn open(params: &Arc<ChainParams>, dir: &Path) -> Chain {
    Chain::open(params.clone(), dir, Clock::from_fn(|| now() as i64)).unwrap()
}

/// A key whose P2WPKH output scripts tests pay and spend.
pub struct TestKey {
    pub secret: SecretKey,
    pub script: ScriptBuf,
}

impl TestKey {
    pub fn new(tag: u8) -> TestKey {
        let secret = SecretKey::from_slice(&[tag; 32]).unwrap();
        let public = CompressedPublicKey(secret.public_key(&Secp256k1::signing_only()));
        TestKey {
            secret,
            script: ScriptBuf::new_p2wpkh(&public.wpubkey_hash()),
        }
    }

    pub fn pay(&self, sats: u64) -> TxOut {
        TxOut {
            value: Amount::from_sat(sats),
            script_pubkey: self.script.clone(),
        }
    }

    /// A signed transaction spending `inputs` (outpoint and the output it spends) to
    /// `outputs`, final at any height.
    pub fn spend(&self, inputs: &[(OutPoint, TxOut)], outputs: Vec<TxOut>) -> Transaction {
        self.spend_locked(inputs, outputs, absolute::LockTime::ZERO)
    }

    /// As [`TestKey::spend`], with `lock_time` enforced (sequences below final).
    pub fn spend_locked(
        &self,
        inputs: &[(OutPoint, TxOut)],
        outputs: Vec<TxOut>,
        lock_time: absolute::LockTime,
    ) -> Transaction {
        let sequence = if lock_time == absolute::LockTime::ZERO {
            Sequence::MAX
        } else {
            Sequence::ENABLE_LOCKTIME_NO_RBF
        };
        let mut tx = Transaction {
            version: bitcoin::transaction::Version::TWO,
            lock_time,
            input: inputs
                .iter()
                .map(|(outpoint, _)| TxIn {
                    previous_output: *outpoint,
                    script_sig: ScriptBuf::new(),
                    sequence,
                    witness: Witness::new(),
                })
                .collect(),
            output: outputs,
        };
        let secp = Secp256k1::signing_only();
        let public = CompressedPublicKey(self.secret.public_key(&secp));
        for (index, (_, prevout)) in inputs.iter().enumerate() {
            let sighash = SighashCache::new(&tx)
                .p2wpkh_signature_hash(
                    index,
                    &prevout.script_pubkey,
                    prevout.value,
                    EcdsaSighashType::All,
                )
                .unwrap();
            let signature =
                secp.sign_ecdsa(&Message::from_digest(sighash.to_byte_array()), &self.secret);
            let signature = bitcoin::ecdsa::Signature::sighash_all(signature);
            tx.input[index].witness = Witness::p2wpkh(&signature, &public.0);
        }
        tx
    }

    /// Spends one output whole to `to`, less `fee`.
    pub fn spend_one(&self, input: &(OutPoint, TxOut), to: &TestKey, fee: u64) -> Transaction {
        self.spend(
            std::slice::from_ref(input),
            vec![to.pay(input.1.value.to_sat() - fee)],
        )
    }
}

/// A solved native block on `chain`'s tip carrying `transactions`, its coinbase paying
/// the subsidy to `payout` (fees are left unclaimed, which consensus allows) and `tag`
/// telling apart blocks built by different test nodes at the same height.
pub fn block_on_tip(
    chain: &Chain,
    transactions: Vec<Transaction>,
    payout: &ScriptBuf,
    tag: u8,
) -> Block {
    let context = chain.next_block_context(BlockKind::Native).unwrap();
    let coinbase = coinbase_transaction(
        2,
        coinbase_script(context.height, &[&[tag; 8]]),
        vec![TxOut {
            value: context.subsidy,
            script_pubkey: payout.clone(),
        }],
    );
    let has_witness = transactions
        .iter()
        .any(|tx| tx.input.iter().any(|i| !i.witness.is_empty()));
    let mut block = Block {
        header: Header {
            pure: PureHeader {
                version: Version::from_consensus(block_version(
                    chain.params().spec.consensus.chain_id,
                    false,
                )),
                prev_blockhash: context.prev_hash,
                merkle_root: TxMerkleNode::all_zeros(),
                time: context.time,
                bits: CompactTarget::from_consensus(context.bits),
                nonce: 0,
            },
            auxpow: None,
        },
        txdata: std::iter::once(coinbase).chain(transactions).collect(),
    };
    if has_witness {
        let reserved = [0u8; 32];
        let commitment = witness_commitment(&block, &reserved).unwrap();
        let coinbase = &mut block.txdata[0];
        coinbase.input[0].witness = Witness::from_slice(&[reserved]);
        coinbase.output.push(TxOut {
            value: Amount::ZERO,
            script_pubkey: ScriptBuf::from_bytes(
                [&WITNESS_COMMITMENT_MAGIC[..], &commitment].concat(),
            ),
        });
    }
    block.header.pure.merkle_root = block.compute_merkle_root().unwrap();
    // The dev spec's native proof of work is sha256d, the hash rust-bitcoin checks (on
    // another spec the chain would refuse the block with `high-hash`).
    let target = bitcoin::Target::from_compact(block.header.pure.bits);
    while block.header.pure.validate_pow(target).is_err() {
        block.header.pure.nonce += 1;
    }
    block
}

/// Builds, connects and returns a block on the tip carrying `transactions`.
pub fn mine(
    chain: &mut Chain,
    transactions: Vec<Transaction>,
    payout: &ScriptBuf,
    tag: u8,
) -> Block {
    let block = block_on_tip(chain, transactions, payout, tag);
    assert_eq!(
        chain.process_block(block.clone(), false).unwrap(),
        ProcessOutcome::Connected
    );
    block
}

/// A dev chain in `dir` with `blocks` empty blocks whose coinbases pay `key`.
pub fn funded_chain(dir: &Path, key: &TestKey, blocks: usize) -> Chain {
    let mut chain = open(&dev_params(), dir);
    for _ in 0..blocks {
        mine(&mut chain, Vec::new(), &key.script, 1);
    }
    chain
}

/// Another node's database in `dir`, holding `chain`'s active blocks up to `height`:
/// where a rival branch is built.
pub fn copy_to_height(chain: &Chain, height: u32, dir: &Path) -> Chain {
    let mut copy = open(chain.params(), dir);
    for h in 1..=height {
        let hash = chain.index().active_at(h).unwrap();
        copy.process_block(chain.block(&hash).unwrap().unwrap(), false)
            .unwrap();
    }
    copy
}

/// The first output of the coinbase at `height` of the active chain.
pub fn coinbase_output(chain: &Chain, height: u32) -> (OutPoint, TxOut) {
    let hash = chain.index().active_at(height).unwrap();
    let block = chain.block(&hash).unwrap().unwrap();
    let coinbase = &block.txdata[0];
    (
        OutPoint {
            txid: coinbase.compute_txid(),
            vout: 0,
        },
        coinbase.output[0].clone(),
    )
}

/// Output `vout` of `tx`, as an input for a spend.
pub fn output(tx: &Transaction, vout: u32) -> (OutPoint, TxOut) {
    (
        OutPoint {
            txid: tx.compute_txid(),
            vout,
        },
        tx.output[vout as usize].clone(),
    )
}
