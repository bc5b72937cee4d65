//! Headers' proof of work checked ahead, on all cores, must decide exactly what checking
//! them one by one decides: the same error at the same header, the same headers kept.
//! A block whose header was checked is not hashed again, unless its AuxPoW differs.

mod common;

use bitcoin::hashes::Hash;
use common::*;
use std::sync::Arc;
use venture_chain::{Chain, ChainError, ProcessOutcome, Reject};
use venture_chainspec::ChainParams;
use venture_primitives::{Block, Header};

/// The dev chain with scrypt as both its own and its parents' proof of work.
fn scrypt_params() -> Arc<ChainParams> {
    params_with("dev-scrypt-pow", |text| {
        text.replace("pow = \"sha256d\"", "pow = \"scrypt\"")
            .replace("parent_pow = \"sha256d\"", "parent_pow = \"scrypt\"")
    })
}

/// `count` blocks mined on a fresh chain, every third one merge-mined.
fn mined(params: &Arc<ChainParams>, count: usize) -> Vec<Block> {
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(params, dir.path());
    (0..count)
        .map(|i| {
            if i % 3 == 2 {
                let block = merge_mined_block_on_tip(&chain, &payout(1));
                chain.process_block(block.clone(), false).unwrap();
                block
            } else {
                mine(&mut chain, &payout(1), Vec::new())
            }
        })
        .collect()
}

/// What a fresh chain makes of `headers`: given all at once, and one by one (which
/// leaves nothing to check ahead), up to the first refusal. Asserts both agree.
fn both_ways(params: &Arc<ChainParams>, headers: &[Header]) -> Result<usize, Reject> {
    let (dir_all, dir_one) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut all, mut one) = (open(params, dir_all.path()), open(params, dir_one.path()));
    let at_once = all.process_headers(headers).map_err(block_error);
    let mut by_one = Ok(0);
    for header in headers {
        match one.process_headers(std::slice::from_ref(header)) {
            Ok(added) => by_one = by_one.map(|n| n + added),
            Err(e) => {
                by_one = Err(block_error(e));
                break;
            }
        }
    }
    assert_eq!(at_once, by_one);
    assert_eq!(all.index().len(), one.index().len());
    for header in headers {
        let hash = header.block_hash();
        assert_eq!(all.index().contains(&hash), one.index().contains(&hash));
    }
    at_once.map_err(|(kind, _)| kind)
}

fn block_error(e: ChainError) -> (Reject, String) {
    match e {
        ChainError::Block(e) => (e.kind, e.detail),
        other => panic!("expected a rule failure, got {other:?}"),
    }
}

/// Moves the AuxPoW parent's nonce to one whose proof of work misses the block's target
/// (the block hash stays the same).
fn spoil_auxpow(block: &mut Block, params: &ChainParams) {
    let bits = block.header.pure.bits.to_consensus();
    let target = venture_pow::Target::from_bits(bits, &params.pow_limit).unwrap();
    let parent_pow = params.spec.merged_mining.as_ref().unwrap().parent_pow;
    let parent = &mut block
        .header
        .auxpow
        .as_mut()
        .expect("merge-mined")
        .parent_header;
    loop {
        parent.nonce = parent.nonce.wrapping_add(1);
        if !target.is_met_by(&parent_pow.hash(&venture_auxpow::header_bytes(parent))) {
            return;
        }
    }
}

fn headers(blocks: &[Block]) -> Vec<Header> {
    blocks.iter().map(|b| b.header.clone()).collect()
}

#[test]
fn a_good_response_is_taken_whole() {
    let params = scrypt_params();
    let blocks = mined(&params, 40);
    assert_eq!(both_ways(&params, &headers(&blocks)), Ok(40));
}

/// A bad proof at various places (native or merge-mined), a break in linkage before or
/// after it, and headers the chain already has at the start.
#[test]
fn hostile_responses_are_refused_at_the_same_header_with_the_same_error() {
    let params = scrypt_params();
    let blocks = mined(&params, 40);
    for bad in [0, 1, 5, 17, 38, 39] {
        let mut response = headers(&blocks);
        let mut block = blocks[bad].clone();
        match block.header.auxpow {
            Some(_) => spoil_auxpow(&mut block, &params),
            None => unsolve(&mut block, &params),
        }
        response[bad] = block.header.clone();
        let refused = both_ways(&params, &response);
        assert!(
            matches!(refused, Err(Reject::HighHash | Reject::BadAuxpow)),
            "{bad}: {refused:?}"
        );

        let mut unlinked = response.clone();
        unlinked[bad / 2].pure.prev_blockhash = bitcoin::BlockHash::from_byte_array([7; 32]);
        assert!(both_ways(&params, &unlinked).is_err());
        let tail = &response[bad / 2..];
        let _ = both_ways(&params, tail);
    }
}

/// A merge-mined block whose header the index holds is checked in full when its AuxPoW
/// is not the one checked with the header (a peer can change it, keeping the hash).
#[test]
fn a_block_with_another_auxpow_than_its_checked_header_is_checked_again() {
    let params = scrypt_params();
    let blocks = mined(&params, 3);
    let dir = tempfile::tempdir().unwrap();
    let mut chain: Chain = open(&params, dir.path());
    assert_eq!(chain.process_headers(&headers(&blocks)).unwrap(), 3);
    chain.process_block(blocks[0].clone(), true).unwrap();
    chain.process_block(blocks[1].clone(), true).unwrap();

    let mut mangled = blocks[2].clone();
    spoil_auxpow(&mut mangled, &params);
    assert_eq!(mangled.block_hash(), blocks[2].block_hash());
    assert_eq!(rejection(&mut chain, mangled), Reject::BadAuxpow);
    assert_eq!(
        chain.process_block(blocks[2].clone(), true).unwrap(),
        ProcessOutcome::Connected
    );
}
