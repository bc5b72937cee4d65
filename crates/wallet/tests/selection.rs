//! Coin selection edge cases, with fees worked out by hand: at 1 sat/vB a transaction
//! spending one P2WPKH coin to one P2WPKH output weighs 438 WU (110 vB), and 562 WU
//! (141 vB) with a P2WPKH change output.

use bitcoin::hashes::Hash;
use bitcoin::{Amount, OutPoint, ScriptBuf, TxOut, Txid, WPubkeyHash, WScriptHash};
use venture_primitives::{script_to_address, Hrp};
use venture_wallet::{
    fee_rate_from_sat_per_vb, recipient, select_coins, Balance, Maturity, Recipient, WalletError,
    WalletUtxo,
};

fn p2wpkh(tag: u8) -> ScriptBuf {
    ScriptBuf::new_p2wpkh(&WPubkeyHash::from_byte_array([tag; 20]))
}

fn coin(n: u8, sat: u64) -> WalletUtxo {
    WalletUtxo {
        outpoint: OutPoint::new(Txid::from_byte_array([n; 32]), 0),
        txout: TxOut {
            value: Amount::from_sat(sat),
            script_pubkey: p2wpkh(1),
        },
        height: 10,
        is_coinbase: false,
    }
}

fn pay(sat: u64) -> Vec<Recipient> {
    vec![Recipient {
        script_pubkey: p2wpkh(2),
        amount: Amount::from_sat(sat),
    }]
}

const TIP: Maturity = Maturity {
    tip_height: 200,
    coinbase_maturity: 100,
};
const AMOUNT: u64 = 100_000;

fn select(coins: &[WalletUtxo], sat: u64) -> Result<venture_wallet::Selection, WalletError> {
    select_coins(
        coins,
        &pay(sat),
        &p2wpkh(3),
        fee_rate_from_sat_per_vb(1.0).unwrap(),
        &TIP,
    )
}

#[test]
fn exact_amount_needs_no_change() {
    let selection = select(&[coin(1, AMOUNT + 110)], AMOUNT).unwrap();
    assert_eq!(selection.change, None);
    assert_eq!(selection.fee, Amount::from_sat(110));
    assert_eq!(selection.weight.to_wu(), 438);
    // One satoshi short is not enough.
    assert!(matches!(
        select(&[coin(1, AMOUNT + 109)], AMOUNT),
        Err(WalletError::InsufficientFunds { .. })
    ));
}

#[test]
fn change_is_added_unless_it_would_be_dust() {
    // 294 sat is the smallest non-dust P2WPKH output.
    let selection = select(&[coin(1, AMOUNT + 141 + 294)], AMOUNT).unwrap();
    assert_eq!(selection.change, Some(Amount::from_sat(294)));
    assert_eq!(selection.fee, Amount::from_sat(141));
    assert_eq!(selection.weight.to_wu(), 562);

    let selection = select(&[coin(1, AMOUNT + 141 + 293)], AMOUNT).unwrap();
    assert_eq!(selection.change, None);
    assert_eq!(selection.fee, Amount::from_sat(141 + 293));
}

#[test]
fn largest_first_and_uneconomical_coins_skipped() {
    let coins = [
        coin(1, 30_000),
        coin(2, 90_000),
        coin(3, 60_000),
        coin(4, 50),
    ];
    let selection = select(&coins, 120_000).unwrap();
    let values: Vec<u64> = selection
        .inputs
        .iter()
        .map(|u| u.txout.value.to_sat())
        .collect();
    assert_eq!(values, [90_000, 60_000]);
    // 50 sat does not pay for its own input (68 vB) at 1 sat/vB: never taken, so the
    // last 50 sat of the balance cannot be spent.
    let err = select(&coins, 180_000 - 200).unwrap_err();
    assert!(
        matches!(err, WalletError::InsufficientFunds { .. }),
        "{err}"
    );
}

#[test]
fn immature_coinbase_is_not_spent() {
    let mut young = coin(1, 5_000_000);
    young.is_coinbase = true;
    young.height = 150;
    let mut old = coin(2, 1_000_000);
    old.is_coinbase = true;
    old.height = 101; // depth 100 in block 201: just mature
    let coins = [young.clone(), old.clone(), coin(3, 200_000)];
    assert!(!TIP.is_spendable(&young));
    assert!(TIP.is_spendable(&old));
    let balance = Balance::of(&coins, &TIP);
    assert_eq!(balance.spendable, Amount::from_sat(1_200_000));
    assert_eq!(balance.immature, Amount::from_sat(5_000_000));
    assert_eq!(balance.total(), Amount::from_sat(6_200_000));

    let selection = select(&coins, 1_100_000).unwrap();
    assert!(selection
        .inputs
        .iter()
        .all(|u| u.outpoint != young.outpoint));

    let err = select(&coins, 2_000_000).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("only 0.01200000 is spendable"), "{text}");
    assert!(text.contains("0.05000000 more is immature"), "{text}");
}

#[test]
fn insufficient_funds_says_how_much() {
    let err = select(&[coin(1, 50_000)], 60_000).unwrap_err();
    match &err {
        WalletError::InsufficientFunds {
            needed,
            fee,
            spendable,
            immature,
        } => {
            assert_eq!(*needed, Amount::from_sat(60_000));
            assert_eq!(*fee, Amount::from_sat(110));
            assert_eq!(*spendable, Amount::from_sat(50_000));
            assert_eq!(*immature, Amount::ZERO);
        }
        other => panic!("unexpected {other}"),
    }
    assert!(
        err.to_string()
            .contains("0.00060000 plus a fee of about 0.00000110"),
        "{err}"
    );
    assert!(matches!(
        select(&[], 60_000),
        Err(WalletError::InsufficientFunds { .. })
    ));
}

#[test]
fn refusals() {
    // Dust amount.
    assert!(matches!(
        select(&[coin(1, 1_000_000)], 293),
        Err(WalletError::Dust { .. })
    ));
    // No recipients.
    assert!(matches!(
        select_coins(
            &[coin(1, 1_000)],
            &[],
            &p2wpkh(3),
            fee_rate_from_sat_per_vb(1.0).unwrap(),
            &TIP
        ),
        Err(WalletError::NoRecipients)
    ));

    let hrp = Hrp::parse("vdev").unwrap();
    let address = script_to_address(&hrp, &p2wpkh(2)).unwrap();
    let ok = recipient(&hrp, &address, Amount::from_sat(1_000)).unwrap();
    assert_eq!(ok.script_pubkey, p2wpkh(2));
    // Another chain's prefix.
    let bitcoin_address = script_to_address(&Hrp::parse("bc").unwrap(), &p2wpkh(2)).unwrap();
    let err = recipient(&hrp, &bitcoin_address, Amount::from_sat(1_000)).unwrap_err();
    assert!(err.to_string().contains("expected `vdev`"), "{err}");
    // Garbage.
    assert!(recipient(&hrp, "vdev1notanaddress", Amount::from_sat(1_000)).is_err());
    // An output type the chain cannot spend.
    let p2wsh = script_to_address(
        &hrp,
        &ScriptBuf::new_p2wsh(&WScriptHash::from_byte_array([7; 32])),
    )
    .unwrap();
    let err = recipient(&hrp, &p2wsh, Amount::from_sat(1_000)).unwrap_err();
    assert!(
        matches!(err, WalletError::UnspendableAddress { .. }),
        "{err}"
    );
    // Dust.
    let err = recipient(&hrp, &address, Amount::from_sat(293)).unwrap_err();
    assert!(
        err.to_string().contains("dust threshold of 0.00000294"),
        "{err}"
    );
}
