//! What a venture settlement costs at the example spec's scale: an epoch of 4,380
//! blocks whose payouts go to 1,000 distinct scripts. Measures the settlement a block
//! template asks for (`next_settlement`, also what `getblocktemplate` and
//! `createauxblock` pay) and connecting the settlement block itself.

#[path = "../tests/common/mod.rs"]
mod common;

use bitcoin::ScriptBuf;
use common::*;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::path::Path;
use venture_chain::ProcessOutcome;

const EPOCH: u32 = 4_380;
const SCRIPTS: u32 = 1_000;

fn script(n: u32) -> ScriptBuf {
    let mut program = [0u8; 20];
    program[..4].copy_from_slice(&n.to_le_bytes());
    ScriptBuf::from_bytes([&[0x00, 0x14][..], &program[..]].concat())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

fn settlement(c: &mut Criterion) {
    let params = params_with("bench-settlement", |text| {
        format!(
            "{text}\n[venture]\nstart_height = 1\nend_height = {}\ntotal = 10_000_000_000_000\nepoch_length = {EPOCH}\neligible = \"all\"\n\n[venture.vesting]\ncliff_blocks = 26280\ntranches = 6\ntranche_interval = 4380\n",
            EPOCH * 12
        )
    });
    let prepared = tempfile::tempdir().unwrap();
    let settlement_block = {
        let mut chain = open(&params, prepared.path());
        for height in 1..=EPOCH {
            mine(&mut chain, &script(height % SCRIPTS), Vec::new());
        }
        let mut block = block_on_tip(&chain, &payout(1), Vec::new());
        seal(&mut block, &params);
        block
    };

    let mut group = c.benchmark_group("settlement");
    group.sample_size(20);
    let chain = open(&params, prepared.path());
    group.bench_function("template_4380_blocks_1000_scripts", |b| {
        b.iter(|| chain.next_settlement().unwrap().unwrap())
    });
    drop(chain);
    let scratch = tempfile::tempdir().unwrap();
    let mut round = 0;
    group.bench_function("connect_4380_blocks_1000_scripts", |b| {
        b.iter_batched(
            || {
                round += 1;
                let dir = scratch.path().join(round.to_string());
                copy_dir(prepared.path(), &dir);
                (open(&params, &dir), settlement_block.clone())
            },
            |(mut chain, block)| {
                assert_eq!(
                    chain.process_block(block, false).unwrap(),
                    ProcessOutcome::Connected
                );
                chain
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, settlement);
criterion_main!(benches);
