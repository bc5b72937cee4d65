//! Throughput on real Namecoin mainnet headers (both bulk chunks of the reference vectors):
//! full proof-of-work checks per second with and without decoding, and parse + serialize
//! round trips per second, and the cost of one header hash. Single-threaded.

use std::hint::black_box;
use std::io::{BufRead, BufReader};

use bitcoin::consensus::encode::{deserialize, serialize};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use flate2::read::GzDecoder;
use venture_auxpow::{check_header_pow, AuxHeader, AuxPowParams, LegacyRule};
use venture_pow::{PowAlgorithm, Target, U256};

const CHUNKS: [&str; 2] = [
    "auxpow/bulk/nmc_mainnet_chunk9_h18144-20159.tsv.gz",
    "auxpow/bulk/nmc_mainnet_chunk15_h30240-32255.tsv.gz",
];

fn namecoin_mainnet() -> AuxPowParams {
    AuxPowParams {
        chain_id: 1,
        strict_chain_id: true,
        legacy: LegacyRule::Namecoin,
        native_pow: PowAlgorithm::Sha256d,
        parent_pow: PowAlgorithm::Sha256d,
        pow_limit: Target(U256::MAX >> 32),
    }
}

/// The serialized headers of both chunks; empty when the vectors are absent.
fn load_headers() -> Vec<Vec<u8>> {
    let mut headers = Vec::new();
    for chunk in CHUNKS {
        let Some(path) = venture_testkit::vector_path(chunk) else {
            return Vec::new();
        };
        let file = std::fs::File::open(&path).expect("bulk chunk opens");
        for line in BufReader::new(GzDecoder::new(file)).lines() {
            let line = line.expect("bulk chunk reads");
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let hex_text = line.split('\t').nth(3).expect("four columns");
            headers.push(hex::decode(hex_text).expect("hex"));
        }
    }
    headers
}

fn benches(c: &mut Criterion) {
    let raw = load_headers();
    if raw.is_empty() {
        eprintln!("no bulk vectors: nothing to measure");
        return;
    }
    let params = namecoin_mainnet();
    let decoded: Vec<AuxHeader> = raw
        .iter()
        .map(|bytes| deserialize(bytes).expect("real header decodes"))
        .collect();
    let merge_mined: Vec<AuxHeader> = decoded
        .iter()
        .filter(|header| header.auxpow.is_some())
        .cloned()
        .collect();
    let merge_mined_raw: Vec<&Vec<u8>> = raw
        .iter()
        .zip(&decoded)
        .filter(|(_, header)| header.auxpow.is_some())
        .map(|(bytes, _)| bytes)
        .collect();

    let mut group = c.benchmark_group("full_check");
    group.throughput(Throughput::Elements(merge_mined.len() as u64));
    group.bench_function("merge_mined_decoded", |b| {
        b.iter(|| {
            for header in &merge_mined {
                black_box(check_header_pow(black_box(header), &params)).expect("valid");
            }
        })
    });
    group.bench_function("merge_mined_with_decode", |b| {
        b.iter(|| {
            for bytes in &merge_mined_raw {
                let header: AuxHeader = deserialize(black_box(bytes)).expect("decodes");
                black_box(check_header_pow(&header, &params)).expect("valid");
            }
        })
    });
    group.throughput(Throughput::Elements(decoded.len() as u64));
    group.bench_function("all_headers_decoded", |b| {
        b.iter(|| {
            for header in &decoded {
                black_box(check_header_pow(black_box(header), &params)).expect("valid");
            }
        })
    });
    group.finish();

    // What one double SHA-256 of a header costs: the unit all of the above is built from
    // (bitcoin_hashes picks the CPU's SHA extensions at run time when it has them).
    let header_bytes = decoded[0].pure_bytes();
    let mut group = c.benchmark_group("hash");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sha256d_80_bytes", |b| {
        b.iter(|| black_box(PowAlgorithm::Sha256d.hash(black_box(&header_bytes))))
    });
    group.finish();

    let mut group = c.benchmark_group("round_trip");
    group.throughput(Throughput::Elements(merge_mined_raw.len() as u64));
    group.bench_function("merge_mined_parse_serialize", |b| {
        b.iter(|| {
            for bytes in &merge_mined_raw {
                let header: AuxHeader = deserialize(black_box(bytes)).expect("decodes");
                black_box(serialize(&header));
            }
        })
    });
    group.finish();
}

criterion_group!(auxpow_benches, benches);
criterion_main!(auxpow_benches);
