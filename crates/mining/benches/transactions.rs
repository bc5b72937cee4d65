//! Transaction validation throughput: signature checks (P2WPKH, P2TR key path) against
//! raw libsecp256k1 verification in the same run, mempool acceptance, and connecting a
//! block of 2,000 transactions. Run with `cargo bench -p venture-mining --bench
//! transactions`.

#[path = "../tests/common/mod.rs"]
mod common;

use bitcoin::hashes::Hash;
use bitcoin::key::{Keypair, TapTweak};
use bitcoin::secp256k1::{Message, Secp256k1};
use bitcoin::sighash::{Prevouts, SighashCache, TapSighashType};
use bitcoin::{Amount, OutPoint, ScriptBuf, Transaction, TxOut, Witness};
use common::*;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use venture_chain::{verify_transaction, ProcessOutcome};
use venture_difficulty::BlockKind;
use venture_mempool::{Mempool, MempoolConfig};
use venture_mining::BlockTemplate;

/// A one-input P2WPKH spend and the output it spends.
fn p2wpkh_spend() -> (Transaction, Vec<TxOut>) {
    let key = TestKey::new(1);
    let prevout = key.pay(100_000);
    let outpoint = OutPoint {
        txid: bitcoin::Txid::from_byte_array([7; 32]),
        vout: 0,
    };
    let tx = key.spend(&[(outpoint, prevout.clone())], vec![key.pay(90_000)]);
    (tx, vec![prevout])
}

/// A one-input P2TR key-path spend and the output it spends.
fn p2tr_spend() -> (Transaction, Vec<TxOut>) {
    let secp = Secp256k1::new();
    let keypair = Keypair::from_seckey_slice(&secp, &[3; 32]).unwrap();
    let (internal, _) = keypair.x_only_public_key();
    let prevout = TxOut {
        value: Amount::from_sat(100_000),
        script_pubkey: ScriptBuf::new_p2tr(&secp, internal, None),
    };
    let mut tx = TestKey::new(1).spend(&[], vec![TestKey::new(1).pay(90_000)]);
    tx.input.push(bitcoin::TxIn {
        previous_output: OutPoint {
            txid: bitcoin::Txid::from_byte_array([8; 32]),
            vout: 0,
        },
        ..Default::default()
    });
    let sighash = SighashCache::new(&tx)
        .taproot_key_spend_signature_hash(
            0,
            &Prevouts::All(std::slice::from_ref(&prevout)),
            TapSighashType::Default,
        )
        .unwrap();
    let tweaked = keypair.tap_tweak(&secp, None);
    let signature = secp.sign_schnorr_no_aux_rand(
        &Message::from_digest(sighash.to_byte_array()),
        &tweaked.to_keypair(),
    );
    tx.input[0].witness = Witness::from_slice(&[signature.as_ref()]);
    (tx, vec![prevout])
}

fn signatures(c: &mut Criterion) {
    let mut group = c.benchmark_group("signature checks");
    group.throughput(Throughput::Elements(1));
    let (tx, spent) = p2wpkh_spend();
    verify_transaction(&tx, &spent).unwrap();
    group.bench_function("p2wpkh transaction (sighash + ECDSA)", |b| {
        b.iter(|| verify_transaction(&tx, &spent).unwrap())
    });
    let (tx, spent) = p2tr_spend();
    verify_transaction(&tx, &spent).unwrap();
    group.bench_function("p2tr key-path transaction (sighash + Schnorr)", |b| {
        b.iter(|| verify_transaction(&tx, &spent).unwrap())
    });

    let secp = Secp256k1::new();
    let key = TestKey::new(2);
    let message = Message::from_digest([5; 32]);
    let ecdsa = secp.sign_ecdsa(&message, &key.secret);
    let public = key.secret.public_key(&secp);
    group.bench_function("raw secp256k1 ECDSA verify", |b| {
        b.iter(|| secp.verify_ecdsa(&message, &ecdsa, &public).unwrap())
    });
    let keypair = Keypair::from_secret_key(&secp, &key.secret);
    let schnorr = secp.sign_schnorr_no_aux_rand(&message, &keypair);
    let (xonly, _) = keypair.x_only_public_key();
    group.bench_function("raw secp256k1 Schnorr verify", |b| {
        b.iter(|| secp.verify_schnorr(&schnorr, &message, &xonly).unwrap())
    });
    group.finish();
}

fn blocks_and_pool(c: &mut Criterion) {
    let key = TestKey::new(1);
    let params = dev_params();
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(&params, dir.path());
    for _ in 0..25 {
        mine_kind(&mut chain, &key.script, BlockKind::Native);
    }
    let mut pool = Mempool::new(MempoolConfig::default());
    let (outpoint, prevout) = coinbase_output(&chain, 1);
    let each = (prevout.value.to_sat() - 100_000) / 2_000;
    let fan_out = key.spend(
        &[(outpoint, prevout)],
        (0..2_000).map(|_| key.pay(each)).collect(),
    );
    pool.accept(fan_out.clone(), &chain, now()).unwrap();
    mine_from_pool(&mut chain, &mut pool, &payout(9));
    let txid = fan_out.compute_txid();
    let spends: Vec<Transaction> = (0..2_000u32)
        .map(|vout| {
            key.spend(
                &[(OutPoint { txid, vout }, key.pay(each))],
                vec![TestKey::new(2).pay(each - 500)],
            )
        })
        .collect();

    let mut group = c.benchmark_group("mempool");
    group.sample_size(10);
    group.throughput(Throughput::Elements(spends.len() as u64));
    group.bench_function("accept 2000 P2WPKH transactions", |b| {
        b.iter(|| {
            let mut pool = Mempool::new(MempoolConfig::default());
            for tx in &spends {
                pool.accept(tx.clone(), &chain, now()).unwrap();
            }
        })
    });
    group.finish();

    for tx in &spends {
        pool.accept(tx.clone(), &chain, now()).unwrap();
    }
    let template =
        BlockTemplate::from_pool(&mut chain, &mut pool, payout(9), BlockKind::Native).unwrap();
    let mut block = template.block(1);
    solve(&mut block, chain.params());
    let mut group = c.benchmark_group("blocks");
    group.sample_size(10);
    group.bench_function("connect a 2000-transaction block", |b| {
        b.iter_batched(
            || {
                let copy = tempfile::tempdir().unwrap();
                let mut fresh = open(&params, copy.path());
                for height in 1..=chain.height() {
                    let hash = chain.index().active_at(height).unwrap();
                    fresh
                        .process_block(chain.block(&hash).unwrap().unwrap(), false)
                        .unwrap();
                }
                (copy, fresh, block.clone())
            },
            |(_copy, mut fresh, block)| {
                assert_eq!(
                    fresh.process_block(block, false).unwrap(),
                    ProcessOutcome::Connected
                );
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, signatures, blocks_and_pool);
criterion_main!(benches);
