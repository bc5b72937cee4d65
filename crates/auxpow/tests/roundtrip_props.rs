//! Property tests of the codec: generated AuxPoWs and headers round-trip, and arbitrary
//! bytes (random, truncated, or real headers with a byte changed) never panic the decoder;
//! whatever it accepts re-encodes to exactly the bytes it read.

mod common;

use bitcoin::absolute::LockTime;
use bitcoin::block::{Header, Version};
use bitcoin::consensus::encode::{deserialize, deserialize_partial, serialize};
use bitcoin::hashes::Hash;
use bitcoin::transaction::{self, Transaction, TxIn, TxOut};
use bitcoin::{
    Amount, BlockHash, CompactTarget, OutPoint, ScriptBuf, Sequence, TxMerkleNode, Txid, Witness,
};
use proptest::collection::vec;
use proptest::prelude::*;
use std::sync::OnceLock;
use venture_auxpow::{version, AuxHeader, AuxPow};

fn hash32() -> impl Strategy<Value = [u8; 32]> {
    any::<[u8; 32]>()
}

fn txin() -> impl Strategy<Value = TxIn> {
    (
        hash32(),
        any::<u32>(),
        vec(any::<u8>(), 0..120),
        any::<u32>(),
        vec(vec(any::<u8>(), 0..40), 0..3),
    )
        .prop_map(|(txid, vout, script, sequence, witness)| TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array(txid), vout),
            script_sig: ScriptBuf::from_bytes(script),
            sequence: Sequence(sequence),
            witness: Witness::from_slice(&witness),
        })
}

fn txout() -> impl Strategy<Value = TxOut> {
    (any::<u64>(), vec(any::<u8>(), 0..60)).prop_map(|(value, script)| TxOut {
        value: Amount::from_sat(value),
        script_pubkey: ScriptBuf::from_bytes(script),
    })
}

/// Transactions Core can round-trip: at least one input (a transaction without inputs but
/// with outputs is ambiguous in Core's format too), or none at all.
fn coinbase_tx() -> impl Strategy<Value = Transaction> {
    let with_inputs = (
        any::<i32>(),
        vec(txin(), 1..4),
        vec(txout(), 0..4),
        any::<u32>(),
    );
    let empty =
        (any::<i32>(), any::<u32>()).prop_map(|(version, lock)| (version, vec![], vec![], lock));
    prop_oneof![with_inputs, empty].prop_map(|(version, input, output, lock)| Transaction {
        version: transaction::Version(version),
        lock_time: LockTime::from_consensus(lock),
        input,
        output,
    })
}

fn header_with_version(version: i32) -> impl Strategy<Value = Header> {
    (hash32(), hash32(), any::<u32>(), any::<u32>(), any::<u32>()).prop_map(
        move |(prev, root, time, bits, nonce)| Header {
            version: Version::from_consensus(version),
            prev_blockhash: BlockHash::from_byte_array(prev),
            merkle_root: TxMerkleNode::from_byte_array(root),
            time,
            bits: CompactTarget::from_consensus(bits),
            nonce,
        },
    )
}

fn nodes(max: usize) -> impl Strategy<Value = Vec<TxMerkleNode>> {
    vec(hash32().prop_map(TxMerkleNode::from_byte_array), 0..max)
}

fn auxpow() -> impl Strategy<Value = AuxPow> {
    (
        coinbase_tx(),
        hash32(),
        nodes(12),
        any::<i32>(),
        nodes(12),
        any::<i32>(),
        any::<i32>().prop_flat_map(header_with_version),
    )
        .prop_map(
            |(
                coinbase_tx,
                hash_block,
                coinbase_branch,
                coinbase_index,
                chain_branch,
                chain_index,
                parent_header,
            )| AuxPow {
                coinbase_tx,
                hash_block: BlockHash::from_byte_array(hash_block),
                coinbase_branch,
                coinbase_index,
                chain_branch,
                chain_index,
                parent_header,
            },
        )
}

fn real_headers() -> &'static [Vec<u8>] {
    static HEADERS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    HEADERS.get_or_init(|| {
        let Some(dir) = common::vector_path("auxpow/valid") else {
            return Vec::new();
        };
        common::json_files(&dir)
            .iter()
            .filter_map(|path| {
                common::str_field(&common::load_json(path), "header_with_auxpow_hex")
                    .map(common::bytes)
            })
            .collect()
    })
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 300,
        // Failures print their minimal input; nothing is written next to the sources.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn auxpow_round_trips(auxpow in auxpow()) {
        let bytes = serialize(&auxpow);
        let decoded: AuxPow = deserialize(&bytes).unwrap();
        prop_assert_eq!(&decoded, &auxpow);
        prop_assert_eq!(serialize(&decoded), bytes);
    }

    #[test]
    fn header_round_trips(
        base in 0i32..256,
        chain_id in -40_000i32..40_000,
        auxpow in proptest::option::of(auxpow()),
        pure in header_with_version(0),
    ) {
        let flagged = auxpow.is_some();
        let mut pure = pure;
        pure.version = Version::from_consensus(version::compose(base, chain_id, flagged));
        let header = AuxHeader { pure, auxpow: auxpow.map(Box::new) };
        let bytes = serialize(&header);
        let decoded: AuxHeader = deserialize(&bytes).unwrap();
        prop_assert_eq!(decoded.block_hash(), header.block_hash());
        prop_assert_eq!(&decoded, &header);
    }

    #[test]
    fn random_bytes_never_panic(bytes in vec(any::<u8>(), 0..600)) {
        if let Ok((header, used)) = deserialize_partial::<AuxHeader>(&bytes) {
            prop_assert_eq!(serialize(&header), bytes[..used].to_vec());
        }
        if let Ok((auxpow, used)) = deserialize_partial::<AuxPow>(&bytes) {
            prop_assert_eq!(serialize(&auxpow), bytes[..used].to_vec());
        }
    }

    #[test]
    fn mutated_real_headers_never_panic(pick in any::<usize>(), at in any::<usize>(), value in any::<u8>()) {
        let headers = real_headers();
        if !headers.is_empty() {
            let mut bytes = headers[pick % headers.len()].clone();
            let at = at % bytes.len();
            bytes[at] = value;
            if let Ok(header) = deserialize::<AuxHeader>(&bytes) {
                prop_assert_eq!(serialize(&header), bytes);
            }
        }
    }
}

#[test]
fn every_truncation_of_real_headers_is_refused() {
    for bytes in real_headers() {
        for len in 0..bytes.len() {
            assert!(
                deserialize::<AuxHeader>(&bytes[..len]).is_err(),
                "prefix of {len} bytes decoded"
            );
        }
    }
}
