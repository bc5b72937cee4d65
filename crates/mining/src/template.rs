//! A block template: everything a miner needs to assemble a valid block on the tip.

use crate::MiningError;
use bitcoin::block::{Header as PureHeader, Version};
use bitcoin::hashes::Hash;
use bitcoin::{Amount, CompactTarget, ScriptBuf, Transaction, TxMerkleNode, TxOut};
use venture_chain::{add_witness_commitment, BlockContext, Chain};
use venture_chainspec::block_version;
use venture_difficulty::BlockKind;
use venture_mempool::Mempool;
use venture_primitives::{coinbase_script, coinbase_transaction, Block, Header};

/// Marks blocks built by this software in their coinbase.
pub const COINBASE_TAG: &[u8] = b"/venture/";

/// The parts of a block fixed by the tip and the payout; miners vary the extra nonce,
/// time and nonce.
#[derive(Debug, Clone)]
pub struct BlockTemplate {
    pub context: BlockContext,
    pub version: i32,
    pub payout: ScriptBuf,
    /// Transactions after the coinbase.
    pub transactions: Vec<Transaction>,
    pub fees: Amount,
    /// Venture settlement outputs the coinbase must start with (empty unless the block
    /// closes an epoch).
    pub settlement: Vec<TxOut>,
    /// Native or merge-mined: a merge-mined block also carries a pool's AuxPoW.
    pub kind: BlockKind,
}

impl BlockTemplate {
    /// A template on `chain`'s tip paying the subsidy (and fees) to `payout`.
    pub fn new(
        chain: &Chain,
        payout: ScriptBuf,
        kind: BlockKind,
    ) -> Result<BlockTemplate, MiningError> {
        let context = chain.next_block_context(kind)?;
        let version = block_version(
            chain.params().spec.consensus.chain_id,
            kind == BlockKind::MergeMined,
        );
        let settlement = chain
            .next_settlement()?
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
        Ok(BlockTemplate {
            context,
            version,
            payout,
            transactions: Vec::new(),
            fees: Amount::ZERO,
            settlement,
            kind,
        })
    }

    /// A template carrying the pool's best transactions: the pool is first brought up
    /// to date with the chain, then filled in fee-rate order, leaving room for the
    /// header, the coinbase and (merge-mined) the AuxPoW (see
    /// [`BlockTemplate::reservation`]).
    pub fn from_pool(
        chain: &mut Chain,
        mempool: &mut Mempool,
        payout: ScriptBuf,
        kind: BlockKind,
    ) -> Result<BlockTemplate, MiningError> {
        mempool.sync_with(chain);
        let mut template = BlockTemplate::new(chain, payout, kind)?;
        let consensus = &chain.params().spec.consensus;
        let reserved = template.reservation();
        let selection = mempool.select(
            consensus.max_block_weight.saturating_sub(reserved.weight),
            consensus
                .max_block_sigops_cost
                .saturating_sub(reserved.sigops),
        );
        template.transactions = selection.transactions;
        template.fees = selection.fees;
        Ok(template)
    }

    /// Whether the block needs a BIP141 witness commitment.
    pub fn has_witness(&self) -> bool {
        self.transactions
            .iter()
            .any(|tx| tx.input.iter().any(|i| !i.witness.is_empty()))
    }

    /// What the coinbase may pay the miner (settlement outputs come on top).
    pub fn coinbase_value(&self) -> Amount {
        self.context.subsidy + self.fees
    }

    /// The coinbase transaction with `extra_nonce` in its scriptSig: settlement
    /// outputs (if any) first, then the payout.
    pub fn coinbase(&self, extra_nonce: u64) -> Transaction {
        // Eight extra-nonce bytes even when mostly zero: miners vary them, and the
        // scriptSig is then always at least the 2 bytes consensus requires.
        let script_sig = coinbase_script(
            self.context.height,
            &[&extra_nonce.to_le_bytes(), COINBASE_TAG],
        );
        let payout = TxOut {
            value: self.coinbase_value(),
            script_pubkey: self.payout.clone(),
        };
        let outputs = self
            .settlement
            .iter()
            .cloned()
            .chain(std::iter::once(payout))
            .collect();
        coinbase_transaction(2, script_sig, outputs)
    }

    /// A complete block (nonce 0) with the given coinbase extra nonce.
    pub fn block(&self, extra_nonce: u64) -> Block {
        let mut txdata = Vec::with_capacity(self.transactions.len() + 1);
        txdata.push(self.coinbase(extra_nonce));
        txdata.extend(self.transactions.iter().cloned());
        let mut block = Block {
            header: Header {
                pure: PureHeader {
                    version: Version::from_consensus(self.version),
                    prev_blockhash: self.context.prev_hash,
                    merkle_root: TxMerkleNode::all_zeros(),
                    time: self.context.time,
                    bits: CompactTarget::from_consensus(self.context.bits),
                    nonce: 0,
                },
                auxpow: None,
            },
            txdata,
        };
        if self.has_witness() {
            add_witness_commitment(&mut block);
        }
        if let Some(root) = block.compute_merkle_root() {
            block.header.pure.merkle_root = root;
        }
        block
    }
}
