//! One unit of Stratum work: the parent template plus the aux blocks committed to, split
//! into the coinbase halves around the extranonce, and the way back from a miner's share
//! to a parent block and AuxPoWs.
//!
//! The parent coinbase's first input script is
//! `<BIP34 height> <44-byte merged-mining commitment> <extranonce1 ‖ extranonce2> <tag>`,
//! each a direct push. `coinb1` ends with the extranonce push's length byte and `coinb2`
//! starts with the tag, so a miner's coinbase is `coinb1 ‖ en1 ‖ en2 ‖ coinb2` (the
//! serialization without witness: the txid). Its outputs are the template's required
//! outputs (a Venture parent's settlement), the payout, then the witness commitment if
//! the template asks for one; the block's coinbase then also gets the 32-zero-byte
//! witness BIP141 requires.

use crate::coordinator::mweb::MWEB_MARKER;
use crate::coordinator::{MmError, Mweb, ParentTemplate};
use bitcoin::absolute::LockTime;
use bitcoin::block::{Header, Version};
use bitcoin::consensus::encode::{self, VarInt};
use bitcoin::hashes::{sha256d, Hash};
use bitcoin::{
    Amount, BlockHash, CompactTarget, OutPoint, ScriptBuf, Sequence, Transaction, TxIn,
    TxMerkleNode, TxOut, Witness,
};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use venture_auxpow::{check_merkle_branch, AuxChain, AuxPow, MergedMiningCommitment};
use venture_pow::Target;
use venture_primitives::bip34_height_push;

/// Bytes of extranonce1, chosen per connection.
pub const EXTRANONCE1_SIZE: usize = 4;
/// Bytes of extranonce2, chosen by the miner.
pub const EXTRANONCE2_SIZE: usize = 4;
/// Marks parent coinbases built by the coordinator.
pub const COINBASE_TAG: &[u8] = b"/venture-mm/";
/// How far past the template's time a miner may roll `ntime` (parents accept two hours
/// ahead of their clock; this keeps a margin).
pub const MAX_NTIME_ROLL: u32 = 7_000;

/// An aux block committed to by a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuxWork {
    /// The aux chain's position in the configuration.
    pub index: usize,
    pub chain_id: i32,
    pub hash: BlockHash,
    pub height: u32,
    pub target: Target,
}

/// The fields a share carries besides the job id; `version` is the header's (rolled or
/// not), so the same nonce under two versions is two shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShareKey {
    pub extranonce1: [u8; EXTRANONCE1_SIZE],
    pub extranonce2: [u8; EXTRANONCE2_SIZE],
    pub ntime: u32,
    pub nonce: u32,
    pub version: u32,
}

/// A share's rolled version bits (BIP310): `bits` inside the connection's negotiated
/// `mask` replace the job version's bits there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionRoll {
    pub mask: u32,
    pub bits: u32,
}

impl VersionRoll {
    /// The header version: the job's outside the mask, the miner's inside it.
    pub fn apply(&self, job_version: u32) -> u32 {
        (job_version & !self.mask) | (self.bits & self.mask)
    }
}

/// A job as sent to miners.
#[derive(Debug)]
pub struct Job {
    pub id: String,
    /// Jobs of an older epoch were superseded by a clean job: their shares are stale.
    pub epoch: u64,
    pub template: Arc<ParentTemplate>,
    pub aux: Vec<AuxWork>,
    pub commitment: Option<MergedMiningCommitment>,
    pub coinb1: Vec<u8>,
    pub coinb2: Vec<u8>,
    /// The easiest target a share of this job is checked against, whatever the
    /// connection's difficulty (see [`crate::coordinator::share_floor`]).
    pub share_floor: Target,
    pub created: Instant,
    seen: Mutex<HashSet<ShareKey>>,
}

impl Job {
    /// Builds the work for `template` committing to `aux` (no commitment when empty),
    /// paying the parent's coinbase value to `payout`, with shares no easier than
    /// `share_floor`.
    pub fn build(
        id: String,
        epoch: u64,
        template: Arc<ParentTemplate>,
        aux: Vec<AuxWork>,
        share_floor: Target,
        payout: &ScriptBuf,
        commitment_nonce: u32,
    ) -> Result<Job, MmError> {
        let commitment = if aux.is_empty() {
            None
        } else {
            let chains: Vec<AuxChain> = aux
                .iter()
                .map(|work| AuxChain {
                    chain_id: work.chain_id,
                    block_hash: work.hash,
                })
                .collect();
            Some(
                MergedMiningCommitment::build(&chains, commitment_nonce)
                    .map_err(|e| MmError::Job(e.to_string()))?,
            )
        };

        let mut prefix = bip34_height_push(template.height);
        if let Some(commitment) = &commitment {
            let bytes = commitment.script_bytes();
            prefix.push(bytes.len() as u8);
            prefix.extend_from_slice(&bytes);
        }
        let extranonce_len = EXTRANONCE1_SIZE + EXTRANONCE2_SIZE;
        prefix.push(extranonce_len as u8);
        let mut script_sig = prefix.clone();
        script_sig.extend(std::iter::repeat_n(0u8, extranonce_len));
        script_sig.push(COINBASE_TAG.len() as u8);
        script_sig.extend_from_slice(COINBASE_TAG);

        // Required outputs come first, as the parent checks them; the payout is
        // `coinbasevalue`, which they do not come out of.
        let mut outputs = template.required_outputs.clone();
        outputs.push(TxOut {
            value: Amount::from_sat(template.coinbase_value),
            script_pubkey: payout.clone(),
        });
        if let Some(script) = &template.witness_commitment {
            outputs.push(TxOut {
                value: Amount::ZERO,
                script_pubkey: script.clone(),
            });
        }
        let coinbase = Transaction {
            version: bitcoin::transaction::Version::ONE,
            lock_time: LockTime::ZERO,
            input: vec![TxIn {
                previous_output: OutPoint::null(),
                script_sig: ScriptBuf::from_bytes(script_sig.clone()),
                sequence: Sequence::MAX,
                witness: Witness::new(),
            }],
            output: outputs,
        };
        // Without a witness this is the legacy serialization: version, one input (null
        // outpoint), the script's length, the script...
        let bytes = encode::serialize(&coinbase);
        let split =
            4 + 1 + 36 + encode::serialize(&VarInt(script_sig.len() as u64)).len() + prefix.len();
        let (coinb1, rest) = bytes
            .split_at_checked(split)
            .ok_or_else(|| MmError::Job("coinbase shorter than its prefix".into()))?;
        let coinb2 = rest
            .get(extranonce_len..)
            .ok_or_else(|| MmError::Job("coinbase shorter than its extranonce".into()))?;

        Ok(Job {
            id,
            epoch,
            template,
            aux,
            commitment,
            coinb1: coinb1.to_vec(),
            coinb2: coinb2.to_vec(),
            share_floor,
            created: Instant::now(),
            seen: Mutex::new(HashSet::new()),
        })
    }

    /// The coinbase (without witness) a miner hashed.
    pub fn coinbase(&self, extranonce1: &[u8], extranonce2: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(
            self.coinb1.len() + extranonce1.len() + extranonce2.len() + self.coinb2.len(),
        );
        bytes.extend_from_slice(&self.coinb1);
        bytes.extend_from_slice(extranonce1);
        bytes.extend_from_slice(extranonce2);
        bytes.extend_from_slice(&self.coinb2);
        bytes
    }

    /// The header version of a share rolled with `roll` (the template's without one).
    pub fn version(&self, roll: Option<VersionRoll>) -> u32 {
        let job_version = self.template.version as u32;
        roll.map_or(job_version, |roll| roll.apply(job_version))
    }

    /// The parent header a share stands for; `version` as from [`Job::version`].
    pub fn header(&self, coinbase: &[u8], version: u32, ntime: u32, nonce: u32) -> Header {
        let txid = TxMerkleNode::from_byte_array(sha256d::Hash::hash(coinbase).to_byte_array());
        Header {
            version: Version::from_consensus(version as i32),
            prev_blockhash: self.template.prev_hash,
            merkle_root: check_merkle_branch(txid, &self.template.coinbase_branch, 0),
            time: ntime,
            bits: CompactTarget::from_consensus(self.template.bits),
            nonce,
        }
    }

    /// Whether `ntime` is one the parent will accept for this template.
    pub fn ntime_ok(&self, ntime: u32) -> bool {
        ntime >= self.template.mintime
            && ntime <= self.template.curtime.saturating_add(MAX_NTIME_ROLL)
    }

    /// Records a share; false if it was already seen.
    pub fn first_seen(&self, key: ShareKey) -> bool {
        self.seen
            .lock()
            .map(|mut seen| seen.insert(key))
            .unwrap_or(false)
    }

    /// Whether a share was already recorded.
    pub fn was_seen(&self, key: &ShareKey) -> bool {
        self.seen
            .lock()
            .map(|seen| seen.contains(key))
            .unwrap_or(false)
    }

    /// The full parent block for `submitblock`: the template's transactions as the node
    /// gave them and, with MWEB, the marker and the extension block after them.
    pub fn block_bytes(&self, header: &Header, coinbase: &[u8]) -> Result<Vec<u8>, MmError> {
        if let Some(why) = self.template.mweb.problem() {
            return Err(MmError::Job(format!(
                "the parent template cannot make a valid block: {why}"
            )));
        }
        let mut coinbase_tx = decode_coinbase(coinbase)?;
        if self.template.witness_commitment.is_some() {
            if let Some(input) = coinbase_tx.input.first_mut() {
                input.witness = Witness::from_slice(&[[0u8; 32]]);
            }
        }
        let mut block = encode::serialize(header);
        block.extend(encode::serialize(&VarInt(
            1 + self.template.transactions.len() as u64,
        )));
        block.extend(encode::serialize(&coinbase_tx));
        for tx in &self.template.transactions {
            block.extend_from_slice(&tx.data);
        }
        if let Mweb::Present(extension) = &self.template.mweb {
            block.push(MWEB_MARKER);
            block.extend_from_slice(extension);
        }
        Ok(block)
    }

    /// The AuxPoW proving `header` (with `coinbase`) for the aux block of `aux`.
    pub fn auxpow(
        &self,
        aux: &AuxWork,
        header: Header,
        coinbase: &[u8],
    ) -> Result<AuxPow, MmError> {
        let commitment = self
            .commitment
            .as_ref()
            .ok_or_else(|| MmError::Job("the job commits to no aux chain".into()))?;
        commitment
            .assemble(
                aux.chain_id,
                decode_coinbase(coinbase)?,
                self.template.coinbase_branch.clone(),
                header,
            )
            .map_err(|e| MmError::Job(e.to_string()))
    }
}

fn decode_coinbase(coinbase: &[u8]) -> Result<Transaction, MmError> {
    encode::deserialize(coinbase)
        .map_err(|e| MmError::Job(format!("coinbase does not decode: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coordinator::TemplateTx;
    use bitcoin::consensus::Decodable;
    use bitcoin::{Txid, Wtxid};
    use venture_auxpow::merkle_root;
    use venture_pow::U256;

    fn template(transactions: usize) -> ParentTemplate {
        let transactions: Vec<TemplateTx> = (0..transactions)
            .map(|i| TemplateTx {
                data: vec![i as u8],
                txid: Txid::from_byte_array([i as u8 + 1; 32]),
                wtxid: Wtxid::from_byte_array([i as u8 + 1; 32]),
            })
            .collect();
        ParentTemplate {
            version: 0x2000_0000,
            prev_hash: BlockHash::from_byte_array([7; 32]),
            bits: 0x207f_ffff,
            target: Target(U256::MAX >> 1usize),
            height: 300,
            curtime: 1_700_000_000,
            mintime: 1_699_999_000,
            coinbase_value: 5_000_000_000,
            required_outputs: Vec::new(),
            coinbase_branch: crate::coordinator::coinbase_branch(&transactions),
            transactions,
            witness_commitment: Some(ScriptBuf::from_bytes(vec![0x6a; 38])),
            longpollid: None,
            mweb: Mweb::Absent,
        }
    }

    fn aux(index: usize, chain_id: i32, byte: u8) -> AuxWork {
        AuxWork {
            index,
            chain_id,
            hash: BlockHash::from_byte_array([byte; 32]),
            height: 1,
            target: Target(U256::MAX),
        }
    }

    #[test]
    fn share_reassembles_into_a_block_and_auxpows() {
        let payout = ScriptBuf::from_bytes(vec![0x51]);
        for txs in [0, 1, 2, 5] {
            let job = Job::build(
                "1".into(),
                1,
                Arc::new(template(txs)),
                vec![aux(0, 0x5645, 0xaa), aux(1, 0x5646, 0xbb)],
                Target(U256::MAX),
                &payout,
                0,
            )
            .unwrap();
            let coinbase = job.coinbase(&[1, 2, 3, 4], &[5, 6, 7, 8]);
            let tx: Transaction = encode::deserialize(&coinbase).unwrap();
            let script = tx.input[0].script_sig.as_bytes();
            // Height 300 is pushed as two bytes, then the commitment, then the nonces.
            assert_eq!(&script[..3], &[0x02, 0x2c, 0x01]);
            assert_eq!(&script[3..8], &[0x2c, 0xfa, 0xbe, 0x6d, 0x6d]);
            assert_eq!(&script[48..57], &[0x08, 1, 2, 3, 4, 5, 6, 7, 8]);
            assert_eq!(tx.output[0].value.to_sat(), 5_000_000_000);

            let header = job.header(&coinbase, job.version(None), 1_700_000_001, 42);
            let leaves: Vec<TxMerkleNode> = std::iter::once(TxMerkleNode::from_byte_array(
                tx.compute_txid().to_byte_array(),
            ))
            .chain(job.template.tx_leaves())
            .collect();
            assert_eq!(
                header.merkle_root,
                merkle_root(&leaves).unwrap(),
                "{txs} txs"
            );

            for work in &job.aux {
                let auxpow = job.auxpow(work, header, &coinbase).unwrap();
                auxpow.check(work.hash, work.chain_id, true).unwrap();
            }

            let block = job.block_bytes(&header, &coinbase).unwrap();
            // The template's transactions are one-byte placeholders here: read the
            // header, the count and the coinbase, then the placeholders verbatim.
            let mut cursor = &block[..];
            let decoded_header: Header = Decodable::consensus_decode(&mut cursor).unwrap();
            let count: VarInt = Decodable::consensus_decode(&mut cursor).unwrap();
            let decoded: Transaction = Decodable::consensus_decode(&mut cursor).unwrap();
            assert_eq!(count.0, 1 + txs as u64);
            assert_eq!(
                cursor,
                (0..txs).map(|i| i as u8).collect::<Vec<_>>().as_slice()
            );
            assert_eq!(decoded_header, header);
            assert_eq!(decoded.input[0].witness.len(), 1);
            assert_eq!(decoded.compute_txid(), tx.compute_txid());
        }
    }
    #[test]
    fn without_aux_chains_there_is_no_commitment() {
        let job = Job::build(
            "2".into(),
            1,
            Arc::new(template(0)),
            Vec::new(),
            Target(U256::MAX),
            &ScriptBuf::new(),
            0,
        )
        .unwrap();
        assert!(job.commitment.is_none());
        let coinbase = job.coinbase(&[0; 4], &[0; 4]);
        let tx: Transaction = encode::deserialize(&coinbase).unwrap();
        assert_eq!(
            &tx.input[0].script_sig.as_bytes()[..4],
            &[0x02, 0x2c, 0x01, 0x08]
        );
        assert!(job
            .auxpow(
                &aux(0, 1, 1),
                job.header(&coinbase, job.version(None), 0, 0),
                &coinbase
            )
            .is_err());
        assert!(!job.ntime_ok(1_699_998_999));
        assert!(job.ntime_ok(1_700_000_000 + MAX_NTIME_ROLL));
        let key = ShareKey {
            extranonce1: [0; 4],
            extranonce2: [0; 4],
            ntime: 1,
            nonce: 2,
            version: 0x2000_0000,
        };
        assert!(job.first_seen(key));
        assert!(job.was_seen(&key));
        assert!(!job.first_seen(key));
    }
}
