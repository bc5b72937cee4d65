//! Bringing the pool up to date after a 10-block reorganisation with 5,000
//! transactions in it and 200 in the disconnected blocks: only `Mempool::sync_with`
//! is timed; each run starts from a fresh copy of the chain, a refilled pool and the
//! reorganisation already done by the chain. Run with `cargo bench -p venture-mempool
//! --bench reorg`.

#[path = "../tests/common/mod.rs"]
mod common;

use bitcoin::{OutPoint, Transaction};
use common::*;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use std::time::Duration;
use venture_mempool::{Mempool, MempoolConfig};
use venture_primitives::Block;

const POOLED: u32 = 5_000;
const DISCONNECTED_BLOCKS: u32 = 10;
const PER_BLOCK: u32 = 20;
const FAN_OUT: u32 = 2_000;

fn reorg(c: &mut Criterion) {
    let key = TestKey::new(1);
    let to = TestKey::new(2);
    let dir = tempfile::tempdir().unwrap();
    let mut chain = funded_chain(dir.path(), &key, 23);
    // Three coinbases fanned out to 6,000 coins, confirmed below the fork point.
    let fan_outs: Vec<Transaction> = (1..=3)
        .map(|height| {
            let (outpoint, prevout) = coinbase_output(&chain, height);
            let each = (prevout.value.to_sat() - 100_000) / u64::from(FAN_OUT);
            key.spend(
                &[(outpoint, prevout)],
                (0..FAN_OUT).map(|_| key.pay(each)).collect(),
            )
        })
        .collect();
    mine(&mut chain, fan_outs.clone(), &key.script, 1);
    let fork_height = chain.height();
    let coin = |n: u32| {
        let tx = &fan_outs[(n / FAN_OUT) as usize];
        let vout = n % FAN_OUT;
        let input = (
            OutPoint {
                txid: tx.compute_txid(),
                vout,
            },
            tx.output[vout as usize].clone(),
        );
        key.spend_one(&input, &to, 1_000)
    };
    // Ten blocks of 20 spends each, which the reorganisation disconnects.
    for block in 0..DISCONNECTED_BLOCKS {
        let spends = (0..PER_BLOCK)
            .map(|i| coin(POOLED + block * PER_BLOCK + i))
            .collect();
        mine(&mut chain, spends, &key.script, 1);
    }
    let pooled: Vec<Transaction> = (0..POOLED).map(coin).collect();
    // The heavier branch: eleven empty blocks from the fork point.
    let side_dir = tempfile::tempdir().unwrap();
    let mut side = copy_to_height(&chain, fork_height, side_dir.path());
    let branch: Vec<Block> = (0..=DISCONNECTED_BLOCKS)
        .map(|_| mine(&mut side, Vec::new(), &to.script, 7))
        .collect();
    let tip = chain.height();

    let mut group = c.benchmark_group("mempool reorg");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    group.bench_function("10-block reorg, 5000 pooled, 200 returning", |b| {
        b.iter_batched(
            || {
                let copy_dir = tempfile::tempdir().unwrap();
                let mut copy = copy_to_height(&chain, tip, copy_dir.path());
                let mut pool = Mempool::new(MempoolConfig::default());
                for tx in &pooled {
                    pool.accept(tx.clone(), &copy, now()).unwrap();
                }
                pool.sync_with(&mut copy);
                for block in &branch {
                    copy.process_block(block.clone(), false).unwrap();
                }
                (copy_dir, copy, pool)
            },
            |(copy_dir, mut copy, mut pool)| {
                pool.sync_with(&mut copy);
                assert_eq!(
                    pool.len(),
                    (POOLED + DISCONNECTED_BLOCKS * PER_BLOCK) as usize
                );
                (copy_dir, copy, pool)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, reorg);
criterion_main!(benches);
