//! What the merged-mining coordinator reads from the nodes it mines for: a parent's
//! `getblocktemplate` result and aux nodes' `createauxblock` results, one JSON value per
//! line (template first). From them it builds a job; the job must then survive a round
//! through this project's own pieces:
//!
//! - the CPU miner, fed the server's `mining.notify`, must rebuild exactly the header
//!   the coordinator will check a share against;
//! - a share at that header, checked by the coordinator, must yield AuxPoWs that pass
//!   Namecoin's check for their chains, and a parent block that decodes to that header
//!   (when the template's transactions do); with MWEB data, a block ending with every
//!   template transaction as given, the marker and that data, and none from a template
//!   whose MWEB data is unusable.

use super::stratum::{coordinator_with, POW};
use super::{fingerprint, Bounds, InputKind, Mismatch, Target};
use bitcoin::consensus::encode;
use bitcoin::hashes::Hash;
use serde_json::{json, Value};
use std::time::Instant;
use venture_auxpow::version::chain_id;
use venture_auxpow::AuxPow;
use venture_merged_mining::coordinator::{
    AuxBlock, FoundBlock, Mweb, ParentTemplate, ShareSubmission, MWEB_MARKER,
};
use venture_merged_mining::stratum::{notify, protocol};
use venture_merged_mining::stratum_client::replay_pool_bytes;
use venture_pow::{Target as PowTarget, U256};

pub const MM: Target = Target {
    name: "mm-node-replies",
    about: "getblocktemplate and createauxblock results as the merged-mining coordinator reads them, then its job through our own miner and share check",
    kind: InputKind::Text,
    max_len: 64 * 1024,
    // Replies are parsed whole (the RPC client reads them so); the job, the notify line,
    // the assembled blocks and AuxPoWs each hold the template's transactions a few times.
    bounds: Bounds {
        single_base: 1024 * 1024,
        single_per_byte: 0,
        live_base: 2 * 1024 * 1024,
        live_per_byte: 64,
    },
    run: mm,
};

/// The miner's connection: extranonce1 `00000001`, 4 bytes of extranonce2.
const EXTRANONCE1: [u8; 4] = [0, 0, 0, 1];

fn mm(data: &[u8]) -> Result<u64, Mismatch> {
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(fingerprint("not utf-8"));
    };
    let mut replies = text.lines().filter(|l| !l.trim().is_empty());
    let Some(Ok(template)) = replies.next().map(serde_json::from_str::<Value>) else {
        return Ok(fingerprint("no template json"));
    };
    let template = match ParentTemplate::from_json("parent", &template) {
        Ok(template) => template,
        Err(e) => return Ok(super::error_class("template", &e)),
    };
    let mut aux = Vec::new();
    for reply in replies.take(2) {
        let Ok(value) = serde_json::from_str::<Value>(reply) else {
            return Ok(fingerprint("aux not json"));
        };
        match AuxBlock::from_json("aux", &value) {
            Ok(block) => aux.push(block),
            Err(e) => return Ok(super::error_class("aux", &e)),
        }
    }

    let now = Instant::now();
    let (coordinator, solutions) = coordinator_with(template.clone(), &aux, now);
    let Some(job) = coordinator.current_job() else {
        return Ok(fingerprint("no job"));
    };

    // Our miner, told the job by our server, must hash exactly what the coordinator checks.
    let mut session = protocol::reply(
        &json!(1),
        json!([[["mining.notify", "1"]], hex::encode(EXTRANONCE1), 4]),
    );
    session.push('\n');
    session.push_str(&notify(&job, true));
    session.push('\n');
    let mined = replay_pool_bytes(POW, session.as_bytes())
        .map_err(|e| Mismatch(format!("our miner refuses our server's notify: {e}")))?
        .ok_or_else(|| Mismatch("our miner makes no work of our server's notify".into()))?;
    let coinbase = job.coinbase(&EXTRANONCE1, &[0; 4]);
    let expected = job.header(&coinbase, job.version(None), template.curtime, 0);
    if mined.to_vec() != encode::serialize(&expected) {
        return Err(Mismatch(
            "the miner's header differs from the one the coordinator checks".into(),
        ));
    }

    // One share at that header, with a share target anything meets.
    let share = ShareSubmission {
        job_id: &job.id,
        extranonce1: EXTRANONCE1,
        extranonce2: &[0; 4],
        ntime: template.curtime,
        nonce: 0,
        version_roll: None,
    };
    let verdict = coordinator.check_share(&share, &PowTarget(U256::MAX), now);
    let mut solved = 0usize;
    for found in solutions.try_iter() {
        solved += 1;
        match found {
            FoundBlock::Aux {
                chain_id: aux_chain,
                hash,
                auxpow_hex,
                ..
            } => check_auxpow(&auxpow_hex, hash, aux_chain)?,
            FoundBlock::Parent {
                hash, block_hex, ..
            } => check_parent(&template, &block_hex, hash)?,
        }
    }
    Ok(fingerprint((
        "job",
        job.aux.len(),
        template.transactions.len().min(3),
        template.witness_commitment.is_some(),
        verdict.is_ok(),
        solved,
    )))
}

/// An AuxPoW the coordinator sends an aux node must pass that node's check, unless the
/// parent's version carries the aux chain's id (Namecoin refuses those; no pool can
/// help it, the parent node chose the version).
fn check_auxpow(
    auxpow_hex: &str,
    hash: bitcoin::BlockHash,
    aux_chain: i32,
) -> Result<(), Mismatch> {
    let bytes = hex::decode(auxpow_hex).map_err(|e| Mismatch(format!("AuxPoW hex: {e}")))?;
    let auxpow: AuxPow = encode::deserialize(&bytes)
        .map_err(|e| Mismatch(format!("the coordinator's AuxPoW does not decode: {e}")))?;
    if chain_id(auxpow.parent_header.version.to_consensus()) == aux_chain {
        return Ok(());
    }
    auxpow.check(hash, aux_chain, true).map_err(|e| {
        Mismatch(format!(
            "the coordinator's AuxPoW for chain {aux_chain:#x} fails: {e}"
        ))
    })
}

/// A parent block must decode to the header the share was for, with the template's
/// transactions under its merkle root, when the node described those transactions
/// truthfully (a node sending garbage gets garbage blocks back).
fn check_parent(
    template: &ParentTemplate,
    block_hex: &str,
    hash: bitcoin::BlockHash,
) -> Result<(), Mismatch> {
    let bytes = hex::decode(block_hex).map_err(|e| Mismatch(format!("block hex: {e}")))?;
    match &template.mweb {
        Mweb::Unusable(why) => {
            return Err(Mismatch(format!(
                "a parent block from a template whose MWEB data is unusable ({why})"
            )))
        }
        Mweb::Present(extension) => return check_mweb_tail(template, &bytes, extension),
        Mweb::Absent => {}
    }
    // The coordinator takes the node's word for each transaction's ids.
    let honest = template.transactions.iter().all(|tx| {
        encode::deserialize::<bitcoin::Transaction>(&tx.data)
            .is_ok_and(|t| t.compute_txid() == tx.txid && t.compute_wtxid() == tx.wtxid)
    });
    if !honest {
        return Ok(());
    }
    let block: bitcoin::Block = encode::deserialize(&bytes).map_err(|e| {
        Mismatch(format!(
            "the coordinator's parent block does not decode: {e}"
        ))
    })?;
    if block.block_hash() != hash || block.txdata.len() != template.transactions.len() + 1 {
        return Err(Mismatch(
            "the coordinator's parent block is not the block of its share".into(),
        ));
    }
    if block.header.merkle_root.to_byte_array()
        != block
            .compute_merkle_root()
            .map(|r| r.to_byte_array())
            .unwrap_or_default()
    {
        return Err(Mismatch(
            "the parent block's merkle root does not match its transactions".into(),
        ));
    }
    Ok(())
}

/// An MWEB block (which Bitcoin's decoder cannot read: the HogEx) must end with the
/// template's transactions byte for byte, the marker and the extension block.
fn check_mweb_tail(
    template: &ParentTemplate,
    block: &[u8],
    extension: &[u8],
) -> Result<(), Mismatch> {
    let mut tail: Vec<u8> = template
        .transactions
        .iter()
        .flat_map(|tx| tx.data.iter().copied())
        .collect();
    tail.push(MWEB_MARKER);
    tail.extend_from_slice(extension);
    if block.ends_with(&tail) {
        Ok(())
    } else {
        Err(Mismatch(
            "the MWEB parent block does not end with the template's transactions, 0x01 and its MWEB data".into(),
        ))
    }
}
