//! The MWEB checks against a HogEx taken from a litecoind 0.21.2.1 regtest template (one
//! input, the previous HogAddr; two outputs, the new HogAddr and a peg-out).

use super::*;
use bitcoin::absolute::LockTime;
use bitcoin::hashes::Hash;
use bitcoin::transaction::Version;
use bitcoin::{
    Amount, OutPoint, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Txid, Witness, Wtxid,
};
use serde_json::json;

const HOGEX: &str = "02000000000801ffd4e68f1246443a4a4bbfb4b55f0c75390789db122891873f5813d63ea960590000000000ffffffff02a4cd8a4400000000225820688750b4a9981f113275930d8192850526b996400d241bc3530f1abfa4a4981500e1f50500000000160014b736d505a7194b5c900c0837cc6046c3e18fa3580000000000";
/// A P2WPKH spend with a witness, as template transactions before the HogEx look.
fn segwit_tx() -> Vec<u8> {
    let tx = Transaction {
        version: Version::TWO,
        lock_time: LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array([3; 32]), 1),
            script_sig: ScriptBuf::new(),
            sequence: Sequence::MAX,
            witness: Witness::from_slice(&[vec![0x30; 71], vec![0x02; 33]]),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(100_000),
            script_pubkey: ScriptBuf::from_bytes([&[0x00, 0x14][..], &[0x11; 20]].concat()),
        }],
    };
    bitcoin::consensus::encode::serialize(&tx)
}

fn tx(data: Vec<u8>, id: u8) -> TemplateTx {
    TemplateTx {
        data,
        txid: Txid::from_byte_array([id; 32]),
        wtxid: Wtxid::from_byte_array([id; 32]),
    }
}

fn hogex() -> Vec<u8> {
    hex::decode(HOGEX).unwrap()
}

fn reply(mweb: Value) -> Value {
    json!({ "rules": ["csv", "!segwit", "taproot", "mweb"], "mweb": mweb })
}

#[test]
fn a_litecoind_hogex_is_recognised_and_bitcoins_decoder_refuses_it() {
    let hogex = hex::decode(HOGEX).unwrap();
    assert!(has_mweb_flag(&hogex));
    assert!(is_hogex(&hogex));
    // Why the coordinator never decodes template transactions it has ids for.
    assert!(bitcoin::consensus::encode::deserialize::<Transaction>(&hogex).is_err());
    let segwit = segwit_tx();
    assert!(bitcoin::consensus::encode::deserialize::<Transaction>(&segwit).is_ok());
    assert!(!has_mweb_flag(&segwit));
    assert!(!is_hogex(&segwit));
}

#[test]
fn malformed_hogexes_are_not_hogexes() {
    let good = hex::decode(HOGEX).unwrap();
    let mut cases: Vec<Vec<u8>> = Vec::new();
    // Truncated anywhere, or followed by anything.
    cases.extend((0..good.len()).map(|n| good[..n].to_vec()));
    cases.push([good.as_slice(), &[0]].concat());
    // An unknown flag, or no MWEB flag.
    for flags in [0x09 | 0x02, 0x01, 0x00] {
        let mut bad = good.clone();
        bad[5] = flags;
        cases.push(bad);
    }
    // A non-empty MWEB body (an MWEB transaction, not a HogEx): the byte before the
    // lock time.
    let mut body = good.clone();
    let at = body.len() - 5;
    body[at] = 0x01;
    cases.push(body);
    // A first output that is not OP_8 <32 bytes>.
    let mut not_hogaddr = good.clone();
    let at = HOGEX.find("225820").unwrap() / 2 + 1;
    not_hogaddr[at] = 0x51;
    cases.push(not_hogaddr);
    // Counts claiming far more than the data holds.
    let mut huge = good[..6].to_vec();
    huge.extend_from_slice(&[0xff; 9]);
    cases.push(huge);
    for case in cases {
        assert!(!is_hogex(&case), "{}", hex::encode(&case));
    }
}

#[test]
fn a_template_with_a_final_hogex_and_hex_data_is_usable() {
    let txs = [tx(segwit_tx(), 1), tx(hogex(), 2)];
    assert_eq!(
        Mweb::from_template(&reply(json!("0a0b0c")), &txs),
        Mweb::Present(vec![0x0a, 0x0b, 0x0c])
    );
    // Before activation: no rule, no data, no HogEx.
    let before = json!({ "rules": ["csv", "!segwit"] });
    assert_eq!(Mweb::from_template(&before, &txs[..1]), Mweb::Absent);
    assert_eq!(Mweb::from_template(&json!({}), &[]), Mweb::Absent);
}

#[test]
fn unusable_mweb_templates_say_why() {
    let hogex_last = [tx(segwit_tx(), 1), tx(hogex(), 2)];
    let hogex_first = [tx(hogex(), 2), tx(segwit_tx(), 1)];
    let two_hogexes = [tx(hogex(), 2), tx(hogex(), 3)];
    let cases: Vec<(Value, &[TemplateTx], &str)> = vec![
        (reply(json!("zz")), &hogex_last, "not hex"),
        (reply(json!("abc")), &hogex_last, "not hex"),
        (reply(json!("")), &hogex_last, "empty"),
        (reply(json!(12)), &hogex_last, "not a string"),
        (reply(Value::Null), &hogex_last, "no `mweb` data"),
        (reply(json!("00")), &hogex_first, "not a HogEx"),
        (reply(json!("00")), &hogex_last[..1], "not a HogEx"),
        (reply(json!("00")), &[], "no transactions"),
        (reply(json!("00")), &two_hogexes, "before the HogEx"),
        // A HogEx without the rule or the data.
        (json!({}), &hogex_last, "no `mweb` data"),
    ];
    for (reply, txs, expected) in cases {
        let mweb = Mweb::from_template(&reply, txs);
        let problem = mweb
            .problem()
            .unwrap_or_else(|| panic!("{reply}: {mweb:?}"));
        assert!(problem.contains(expected), "{reply}: {problem}");
    }
}
