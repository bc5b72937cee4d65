//! Headers a peer sends are stored only once they prove enough work: a chain ending
//! below the threshold leaves nothing behind, a long honest chain is pre-synced and
//! then stored, and a peer that swaps its headers between the two passes is caught.
//! Stored headers keep their own record, served without reading blocks.

mod common;

use bitcoin::BlockHash;
use common::*;
use std::sync::Arc;
use venture_chain::header_sync::COMMITMENT_INTERVAL;
use venture_chain::{Chain, ChainError, HeadersNext, PeerHeaderSync};
use venture_chainspec::ChainParams;
use venture_pow::Work;
use venture_primitives::Header;

/// The dev chain (2 units of work per block) requiring `blocks` blocks' work.
fn params_requiring(blocks: u32) -> Arc<ChainParams> {
    let work = Work::from_bits(0x207f_ffff).0 * venture_pow::U256::from(blocks + 1);
    params_with("presync", |text| {
        text.replace(
            "[consensus]\n",
            &format!("[consensus]\nmin_chain_work = \"{:#x}\"\n", work),
        )
    })
}

/// The headers of a chain of `length` blocks mined on `params` (`tag` tells chains
/// apart).
fn headers_of(params: &Arc<ChainParams>, length: usize, tag: u8) -> Vec<Header> {
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(params, dir.path());
    (0..length)
        .map(|_| mine(&mut chain, &payout(tag), Vec::new()).header)
        .collect()
}

fn fresh(params: &Arc<ChainParams>) -> (tempfile::TempDir, Chain) {
    let dir = tempfile::tempdir().unwrap();
    let chain = open(params, dir.path());
    (dir, chain)
}

fn best_header(chain: &Chain) -> BlockHash {
    chain.index().best_header().unwrap().hash
}

#[test]
fn a_chain_ending_below_the_threshold_leaves_nothing_behind() {
    let params = params_requiring(100);
    let headers = headers_of(&params, 30, 1);
    let (_dir, mut chain) = fresh(&params);
    let mut sync = PeerHeaderSync::default();
    let progress = chain
        .process_peer_headers(&mut sync, &headers, false)
        .unwrap();
    assert_eq!(progress.next, HeadersNext::Done);
    assert_eq!(progress.added, 0);
    assert_eq!(chain.index().len(), 1, "only genesis");
    assert!(!sync.in_progress());
}

#[test]
fn a_long_chain_is_presynced_then_stored_as_it_is_sent_again() {
    let params = params_requiring(550);
    let headers = headers_of(&params, 600, 1);
    let (_dir, mut chain) = fresh(&params);
    let mut sync = PeerHeaderSync::default();
    let genesis = chain.tip().hash;

    // First pass: full responses of 200, counted but not stored.
    for (i, batch) in headers.chunks(200).enumerate() {
        let progress = chain.process_peer_headers(&mut sync, batch, true).unwrap();
        assert_eq!((progress.added, progress.checked), (0, 200));
        let expected = match i {
            0 | 1 => HeadersNext::Continue,
            _ => HeadersNext::Restart(vec![genesis]),
        };
        assert_eq!(progress.next, expected, "batch {i}");
        assert_eq!(chain.index().len(), 1, "nothing stored during pre-sync");
    }

    // Second pass: stored one proven segment at a time.
    let mut stored = 0;
    for batch in headers.chunks(200) {
        let progress = chain.process_peer_headers(&mut sync, batch, true).unwrap();
        stored += progress.added;
        assert_eq!(chain.index().len(), 1 + stored);
        assert!(
            stored.is_multiple_of(COMMITMENT_INTERVAL as usize) || stored == headers.len(),
            "only whole proven segments are stored, not {stored}"
        );
    }
    assert_eq!(stored, 600);
    assert_eq!(best_header(&chain), headers[599].block_hash());
    assert!(!sync.in_progress());
}

#[test]
fn headers_swapped_between_the_passes_are_caught_and_not_stored() {
    let params = params_requiring(550);
    let shown = headers_of(&params, 600, 1);
    let swapped = headers_of(&params, 600, 2);
    let (_dir, mut chain) = fresh(&params);
    let mut sync = PeerHeaderSync::default();
    for batch in shown.chunks(300) {
        chain.process_peer_headers(&mut sync, batch, true).unwrap();
    }
    let error = chain
        .process_peer_headers(&mut sync, &swapped[..300], true)
        .unwrap_err();
    assert!(matches!(error, ChainError::HeadersChanged(_)), "{error}");
    assert_eq!(chain.index().len(), 1);
    assert!(!sync.in_progress());
}

#[test]
fn near_our_tip_a_fork_is_stored_and_deep_below_it_is_not() {
    let params = dev_params();
    let (_dir, mut chain) = fresh(&params);
    mine_empty(&mut chain, 300, 1);
    let index_size = chain.index().len();

    // A cheap fork from genesis: far below our tip's work, ending short.
    let fork = headers_of(&params, 50, 2);
    let mut sync = PeerHeaderSync::default();
    let progress = chain.process_peer_headers(&mut sync, &fork, false).unwrap();
    assert_eq!(progress.next, HeadersNext::Done);
    assert_eq!(chain.index().len(), index_size);

    // A rival to our last block: within 144 blocks' work of the tip, so stored.
    let (_other_dir, mut other) = fresh(&params);
    for height in 1..300 {
        let hash = chain.index().active_at(height).unwrap();
        other
            .process_block(chain.block(&hash).unwrap().unwrap(), false)
            .unwrap();
    }
    let rival = mine(&mut other, &payout(3), Vec::new()).header;
    let mut sync = PeerHeaderSync::default();
    let progress = chain
        .process_peer_headers(&mut sync, std::slice::from_ref(&rival), false)
        .unwrap();
    assert_eq!(progress.added, 1);
    assert!(chain.index().contains(&rival.block_hash()));
}

#[test]
fn the_threshold_is_the_spec_minimum_or_near_the_tip() {
    let params = params_requiring(10);
    let (_dir, mut chain) = fresh(&params);
    assert_eq!(
        chain.anti_dos_work_threshold(),
        params.spec.consensus.min_chain_work
    );
    mine_empty(&mut chain, 200, 1);
    let per_block = Work::from_bits(0x207f_ffff);
    assert_eq!(
        chain.anti_dos_work_threshold(),
        Work(per_block.0 * venture_pow::U256::from(201 - 144))
    );
}

/// A header taken in ahead of its block keeps its AuxPoW and is served from its own
/// record; the block's arrival adds its transaction count.
#[test]
fn header_records_carry_the_auxpow_and_need_no_block() {
    let params = dev_params();
    let (_source_dir, mut source) = fresh(&params);
    let block = merge_mined_block_on_tip(&source, &payout(1));
    assert!(block.header.auxpow.is_some());
    source.process_block(block.clone(), false).unwrap();
    let hash = block.block_hash();

    let (_dir, mut chain) = fresh(&params);
    assert_eq!(
        chain
            .process_headers(std::slice::from_ref(&block.header))
            .unwrap(),
        1
    );
    let record = chain.header_record(&hash).unwrap().unwrap();
    assert_eq!(
        record.header, block.header,
        "the AuxPoW is kept with the header"
    );
    assert_eq!(record.tx_count, 0);
    assert!(chain.block(&hash).unwrap().is_none());

    chain.process_block(block.clone(), false).unwrap();
    assert_eq!(chain.header_record(&hash).unwrap().unwrap().tx_count, 1);
    assert_eq!(
        chain
            .headers_after(&[chain.params().genesis_hash], 10)
            .unwrap(),
        vec![block.header]
    );
}
