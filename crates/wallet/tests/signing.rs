//! Signed spends checked independently of the signer: each input's sighash is computed
//! here with `SighashCache` and its signature verified with secp256k1 against the key the
//! spent output commits to.

use bitcoin::ecdsa;
use bitcoin::hashes::Hash;
use bitcoin::secp256k1::{Message, Secp256k1, SecretKey, XOnlyPublicKey};
use bitcoin::sighash::{EcdsaSighashType, Prevouts, SighashCache, TapSighashType};
use bitcoin::{Amount, CompressedPublicKey, OutPoint, ScriptBuf, Transaction, TxOut, Txid};
use venture_primitives::{address_to_script, Hrp};
use venture_wallet::{
    fee_rate_from_sat_per_vb, recipient, sign_p2wpkh_spend, AddressKind, Maturity, Wallet,
    WalletError, WalletUtxo,
};

const TIP: Maturity = Maturity {
    tip_height: 500,
    coinbase_maturity: 100,
};

fn vdev() -> Hrp {
    Hrp::parse("vdev").unwrap()
}

fn utxo(n: u8, value: Amount, script_pubkey: ScriptBuf) -> WalletUtxo {
    WalletUtxo {
        outpoint: OutPoint::new(Txid::from_byte_array([n; 32]), u32::from(n)),
        txout: TxOut {
            value,
            script_pubkey,
        },
        height: 10,
        is_coinbase: false,
    }
}

/// Verifies every input of `tx`, which spends `utxos` (in any order).
fn verify(tx: &Transaction, utxos: &[WalletUtxo]) {
    let secp = Secp256k1::verification_only();
    let prevouts: Vec<TxOut> = tx
        .input
        .iter()
        .map(|input| {
            utxos
                .iter()
                .find(|u| u.outpoint == input.previous_output)
                .expect("input spends a known coin")
                .txout
                .clone()
        })
        .collect();
    let mut cache = SighashCache::new(tx);
    for (index, (input, spent)) in tx.input.iter().zip(&prevouts).enumerate() {
        let script = &spent.script_pubkey;
        assert!(input.script_sig.is_empty());
        if script.is_p2wpkh() {
            assert_eq!(input.witness.len(), 2);
            let signature = ecdsa::Signature::from_slice(input.witness.nth(0).unwrap()).unwrap();
            assert_eq!(signature.sighash_type, EcdsaSighashType::All);
            let key = CompressedPublicKey::from_slice(input.witness.nth(1).unwrap()).unwrap();
            assert_eq!(
                &ScriptBuf::new_p2wpkh(&key.wpubkey_hash()),
                script,
                "input {index} key"
            );
            let sighash = cache
                .p2wpkh_signature_hash(index, script, spent.value, EcdsaSighashType::All)
                .unwrap();
            secp.verify_ecdsa(&Message::from(sighash), &signature.signature, &key.0)
                .unwrap_or_else(|e| panic!("input {index}: {e}"));
        } else if script.is_p2tr() {
            assert_eq!(input.witness.len(), 1);
            let signature =
                bitcoin::taproot::Signature::from_slice(input.witness.nth(0).unwrap()).unwrap();
            assert_eq!(signature.sighash_type, TapSighashType::Default);
            let output_key = XOnlyPublicKey::from_slice(&script.as_bytes()[2..34]).unwrap();
            let sighash = cache
                .taproot_key_spend_signature_hash(
                    index,
                    &Prevouts::All(&prevouts),
                    TapSighashType::Default,
                )
                .unwrap();
            secp.verify_schnorr(&signature.signature, &Message::from(sighash), &output_key)
                .unwrap_or_else(|e| panic!("input {index}: {e}"));
        } else {
            panic!("input {index} spends an unexpected script");
        }
    }
}

fn value_of(tx: &Transaction) -> Amount {
    tx.output.iter().map(|o| o.value).sum()
}

#[test]
fn wallet_signs_p2wpkh_and_p2tr_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let (mut wallet, _) = Wallet::create(dir.path(), &vdev(), Some("pw"), 12).unwrap();
    let wpkh =
        address_to_script(&vdev(), &wallet.new_address(AddressKind::P2wpkh).unwrap()).unwrap();
    let tr = address_to_script(&vdev(), &wallet.new_address(AddressKind::P2tr).unwrap()).unwrap();
    assert!(wpkh.is_p2wpkh() && tr.is_p2tr());
    let coins = [
        utxo(1, Amount::from_sat(100_000_000), wpkh),
        utxo(2, Amount::from_sat(90_000_000), tr),
    ];
    let payee_wallet = tempfile::tempdir().unwrap();
    let (mut payee, _) = Wallet::create(payee_wallet.path(), &vdev(), None, 12).unwrap();
    let to = recipient(
        &vdev(),
        &payee.new_address(AddressKind::P2wpkh).unwrap(),
        Amount::from_sat(150_000_000),
    )
    .unwrap();
    let rate = fee_rate_from_sat_per_vb(2.0).unwrap();

    let spend = wallet
        .create_transaction(
            &coins,
            std::slice::from_ref(&to),
            rate,
            &TIP,
            AddressKind::P2tr,
        )
        .unwrap();
    let tx = &spend.tx;
    assert_eq!(tx.input.len(), 2);
    assert_eq!(tx.output.len(), 2);
    verify(tx, &coins);

    // Fee and change add up; the change pays the wallet's next P2TR change script.
    let change = spend.change.clone().unwrap();
    assert_eq!(
        change.script_pubkey,
        wallet.change_script(AddressKind::P2tr).unwrap()
    );
    assert!(tx.output.contains(&change));
    assert!(tx.output.contains(&TxOut {
        value: to.amount,
        script_pubkey: to.script_pubkey.clone()
    }));
    assert_eq!(Amount::from_sat(190_000_000) - value_of(tx), spend.fee);
    // The prediction is an upper bound, so the rate paid is at least the one asked.
    let vsize = tx.weight().to_vbytes_ceil();
    assert!(
        spend.fee.to_sat() >= 2 * vsize,
        "fee {} for {vsize} vB",
        spend.fee
    );
    assert!(
        spend.fee.to_sat() <= 2 * vsize + 2,
        "fee {} for {vsize} vB",
        spend.fee
    );

    // A locked wallet cannot sign.
    let locked = Wallet::open(dir.path(), &vdev(), None).unwrap();
    assert!(matches!(
        locked.create_transaction(
            &coins,
            std::slice::from_ref(&to),
            rate,
            &TIP,
            AddressKind::P2wpkh
        ),
        Err(WalletError::Locked)
    ));
    // Coins of another wallet are refused.
    let foreign_script =
        address_to_script(&vdev(), &payee.new_address(AddressKind::P2tr).unwrap()).unwrap();
    let foreign = [utxo(3, Amount::from_sat(200_000_000), foreign_script)];
    assert!(matches!(
        wallet.create_transaction(&foreign, &[to], rate, &TIP, AddressKind::P2wpkh),
        Err(WalletError::ForeignCoin(_))
    ));
}

#[test]
fn raw_key_spend_for_the_faucet() {
    let secp = Secp256k1::new();
    let secret = SecretKey::from_slice(&[0x11; 32]).unwrap();
    let own = ScriptBuf::new_p2wpkh(&CompressedPublicKey(secret.public_key(&secp)).wpubkey_hash());
    let mut young = utxo(9, Amount::from_sat(5_000_000_000), own.clone());
    young.is_coinbase = true;
    young.height = 450;
    let coins = [
        utxo(1, Amount::from_sat(40_000), own.clone()),
        utxo(2, Amount::from_sat(70_000), own.clone()),
        young,
    ];
    let dir = tempfile::tempdir().unwrap();
    let (mut wallet, _) = Wallet::create(dir.path(), &vdev(), None, 12).unwrap();
    let to = recipient(
        &vdev(),
        &wallet.new_address(AddressKind::P2tr).unwrap(),
        Amount::from_sat(100_000),
    )
    .unwrap();
    let rate = fee_rate_from_sat_per_vb(1.0).unwrap();
    let spend =
        sign_p2wpkh_spend(&secret, &coins, std::slice::from_ref(&to), &own, rate, &TIP).unwrap();
    assert_eq!(spend.tx.input.len(), 2);
    verify(&spend.tx, &coins);
    assert_eq!(Amount::from_sat(110_000) - value_of(&spend.tx), spend.fee);
    if let Some(change) = &spend.change {
        assert_eq!(change.script_pubkey, own);
    }

    // Only the key's own coins.
    let stranger = [utxo(
        4,
        Amount::from_sat(1_000_000),
        to.script_pubkey.clone(),
    )];
    assert!(matches!(
        sign_p2wpkh_spend(
            &secret,
            &stranger,
            std::slice::from_ref(&to),
            &own,
            rate,
            &TIP
        ),
        Err(WalletError::ForeignCoin(_))
    ));
    // The immature coinbase is reported, not spent.
    let err = sign_p2wpkh_spend(
        &secret,
        &coins,
        &[recipient(
            &vdev(),
            &wallet.new_address(AddressKind::P2wpkh).unwrap(),
            Amount::from_sat(1_000_000),
        )
        .unwrap()],
        &own,
        rate,
        &TIP,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("50.00000000 more is immature"),
        "{err}"
    );
}
