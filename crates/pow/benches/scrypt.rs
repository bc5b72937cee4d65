//! Raw scrypt(1024, 1, 1) rates over 80-byte headers: the general scrypt library (what
//! proof of work used before), ours one at a time, ours two at a time, and ours two at a
//! time on two threads. Throughput is in headers.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use venture_pow::PowAlgorithm;

/// Headers hashed per iteration: even, so pairs and the two-thread split divide it.
const BATCH: usize = 64;

fn headers() -> Vec<[u8; 80]> {
    (0..BATCH)
        .map(|i| std::array::from_fn(|b| (i * 31 + b * 7) as u8))
        .collect()
}

fn library(header: &[u8; 80]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let params = scrypt::Params::new(10, 1, 1).expect("valid parameters");
    scrypt::scrypt(header, header, &params, &mut out).expect("valid length");
    out
}

fn bench(c: &mut Criterion) {
    let headers = headers();
    let mut group = c.benchmark_group("scrypt_1024_1_1");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(20);
    group.bench_function("scrypt library, one thread", |b| {
        b.iter(|| {
            headers
                .iter()
                .map(|h| library(black_box(h)))
                .collect::<Vec<_>>()
        })
    });
    group.bench_function("one at a time, one thread", |b| {
        b.iter(|| {
            let hashes = headers
                .iter()
                .map(|h| PowAlgorithm::Scrypt.hash(black_box(h)));
            hashes.count()
        })
    });
    group.bench_function("two at a time, one thread", |b| {
        b.iter(|| PowAlgorithm::Scrypt.hash_many(black_box(&headers)))
    });
    group.bench_function("two at a time, two threads", |b| {
        b.iter(|| {
            std::thread::scope(|s| {
                let (first, second) = headers.split_at(BATCH / 2);
                let other = s.spawn(|| PowAlgorithm::Scrypt.hash_many(black_box(second)));
                let mine = PowAlgorithm::Scrypt.hash_many(black_box(first));
                (mine, other.join().expect("hashing thread"))
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
