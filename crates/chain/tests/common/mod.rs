//! Building blocks and transactions by hand against a real chain database, so each
//! test controls every byte a hostile miner could.
#![allow(dead_code)]

use bitcoin::hashes::Hash;
use bitcoin::{
    Amount, BlockHash, CompactTarget, OutPoint, ScriptBuf, Sequence, Transaction, TxIn,
    TxMerkleNode, TxOut, Witness,
};
use std::path::Path;
use std::sync::Arc;
use venture_chain::UtxoStats;
use venture_chain::{Chain, ChainError, Clock, ProcessOutcome, Reject};
use venture_chainspec::{block_version, ChainParams};
use venture_difficulty::BlockKind;
use venture_primitives::{coinbase_script, coinbase_transaction, Block, Header};

/// The clock every test chain runs on: far enough ahead that quickly built timestamps
/// are never "too new".
pub const NOW: i64 = 1_900_000_000;

pub fn clock() -> Clock {
    Clock::from_fn(|| NOW)
}

/// The dev spec with `edit` applied to its text and its id renamed (so its spec hash
/// is its own).
pub fn params_with(id: &str, edit: impl Fn(String) -> String) -> Arc<ChainParams> {
    let text = venture_chainspec::builtin_spec("dev").unwrap().to_string();
    let text = text.replace("id = \"dev\"", &format!("id = \"{id}\""));
    Arc::new(ChainParams::from_toml(&edit(text)).unwrap())
}

pub fn dev_params() -> Arc<ChainParams> {
    Arc::new(ChainParams::load("dev").unwrap())
}

pub fn open(params: &Arc<ChainParams>, dir: &Path) -> Chain {
    Chain::open(params.clone(), dir, clock()).unwrap()
}

/// A P2WPKH-shaped payout script that nobody can spend (tests of credits only).
pub fn payout(tag: u8) -> ScriptBuf {
    ScriptBuf::from_bytes([&[0x00, 0x14][..], &[tag; 20][..]].concat())
}

/// What a test can observe of the chain state: the tip and a digest of every coin.
pub fn snapshot(chain: &Chain) -> (BlockHash, u32, UtxoStats) {
    let tip = chain.tip();
    (tip.hash, tip.height, chain.utxo_stats().unwrap())
}

/// A block on `chain`'s tip: the coinbase pays the settlement due (if any) and then the
/// subsidy to `payout`, followed by `txs`. Not yet solved: call [`seal`].
pub fn block_on_tip(chain: &Chain, payout: &ScriptBuf, txs: Vec<Transaction>) -> Block {
    let context = chain.next_block_context(BlockKind::Native).unwrap();
    let mut outputs: Vec<TxOut> = chain
        .next_settlement()
        .unwrap()
        .map(|s| {
            s.outputs
                .into_iter()
                .map(|o| TxOut {
                    value: Amount::from_sat(o.amount),
                    script_pubkey: o.script,
                })
                .collect()
        })
        .unwrap_or_default();
    outputs.push(TxOut {
        value: context.subsidy,
        script_pubkey: payout.clone(),
    });
    let coinbase = coinbase_transaction(2, coinbase_script(context.height, &[b"/rules/"]), outputs);
    let mut txdata = vec![coinbase];
    txdata.extend(txs);
    let mut block = Block {
        header: Header {
            pure: bitcoin::block::Header {
                version: bitcoin::block::Version::from_consensus(block_version(
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
        txdata,
    };
    add_witness_commitment(&mut block);
    block
}

/// Adds a BIP141 commitment when any transaction has a witness.
pub fn add_witness_commitment(block: &mut Block) {
    let has_witness = block
        .txdata
        .iter()
        .skip(1)
        .any(|tx| tx.input.iter().any(|i| !i.witness.is_empty()));
    if !has_witness {
        return;
    }
    venture_chain::add_witness_commitment(block);
}

/// Sets the merkle root and finds a nonce meeting the header's own target.
pub fn seal(block: &mut Block, params: &ChainParams) {
    if let Some(root) = block.compute_merkle_root() {
        block.header.pure.merkle_root = root;
    }
    solve(block, params);
}

/// The 80 bytes a proof of work hashes.
pub fn header_bytes(header: &bitcoin::block::Header) -> [u8; 80] {
    let mut bytes = [0u8; 80];
    bytes.copy_from_slice(&bitcoin::consensus::encode::serialize(header));
    bytes
}

pub fn solve(block: &mut Block, params: &ChainParams) {
    let target =
        venture_pow::Target::from_bits(block.header.pure.bits.to_consensus(), &params.pow_limit)
            .unwrap();
    let pow = params.spec.consensus.pow;
    for nonce in 0.. {
        block.header.pure.nonce = nonce;
        let bytes = header_bytes(&block.header.pure);
        if target.is_met_by(&pow.hash(&bytes)) {
            return;
        }
    }
}

/// A nonce whose hash misses the target (the dev target is met by about half).
pub fn unsolve(block: &mut Block, params: &ChainParams) {
    let target =
        venture_pow::Target::from_bits(block.header.pure.bits.to_consensus(), &params.pow_limit)
            .unwrap();
    let pow = params.spec.consensus.pow;
    for nonce in 0.. {
        block.header.pure.nonce = nonce;
        let bytes = header_bytes(&block.header.pure);
        if !target.is_met_by(&pow.hash(&bytes)) {
            return;
        }
    }
}

/// Builds, seals and connects the next block.
pub fn mine(chain: &mut Chain, payout: &ScriptBuf, txs: Vec<Transaction>) -> Block {
    let mut block = block_on_tip(chain, payout, txs);
    seal(&mut block, chain.params());
    assert_eq!(
        chain.process_block(block.clone(), false).unwrap(),
        ProcessOutcome::Connected
    );
    block
}

pub fn mine_empty(chain: &mut Chain, n: usize, tag: u8) {
    for _ in 0..n {
        mine(chain, &payout(tag), Vec::new());
    }
}

/// The rule `block` breaks, asserting that refusing it changed nothing observable.
pub fn rejection(chain: &mut Chain, block: Block) -> Reject {
    let before = snapshot(chain);
    let kind = match chain.process_block(block, false) {
        Err(ChainError::Block(e)) => e.kind,
        other => panic!("expected a rule failure, got {other:?}"),
    };
    assert_eq!(snapshot(chain), before, "a refused block changed the chain");
    kind
}

#[allow(unused_imports)]
pub use venture_testchain::TestKey;

/// An unsigned transaction spending `inputs` to `outputs`.
pub fn unsigned(inputs: &[OutPoint], outputs: Vec<TxOut>) -> Transaction {
    Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: inputs
            .iter()
            .map(|outpoint| TxIn {
                previous_output: *outpoint,
                script_sig: ScriptBuf::new(),
                sequence: Sequence::MAX,
                witness: Witness::new(),
            })
            .collect(),
        output: outputs,
    }
}

/// The first coinbase output of the active block at `height`.
pub fn coinbase_coin(chain: &Chain, height: u32) -> (OutPoint, TxOut) {
    let hash = chain.index().active_at(height).unwrap();
    let block = chain.block(&hash).unwrap().unwrap();
    let coinbase = &block.txdata[0];
    let vout = coinbase
        .output
        .iter()
        .position(|o| o.value > Amount::ZERO)
        .unwrap();
    (
        OutPoint {
            txid: coinbase.compute_txid(),
            vout: vout as u32,
        },
        coinbase.output[vout].clone(),
    )
}

pub fn pay(script: &ScriptBuf, sats: u64) -> TxOut {
    TxOut {
        value: Amount::from_sat(sats),
        script_pubkey: script.clone(),
    }
}

#[allow(unused_imports)]
pub use venture_testchain::attach_auxpow;
