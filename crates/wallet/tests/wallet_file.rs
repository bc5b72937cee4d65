//! The wallet file: creation, encryption, reopening, refusals, and that a refused
//! operation leaves the file as it was.

use bitcoin::ScriptBuf;
use std::path::Path;
use venture_primitives::{address_to_script, Hrp};
use venture_wallet::{AddressKind, Wallet, WalletError, GAP_LIMIT, WALLET_FILE};

fn vdev() -> Hrp {
    Hrp::parse("vdev").unwrap()
}

fn file_text(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(WALLET_FILE)).unwrap()
}

#[test]
fn encrypted_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let (mut wallet, mnemonic) =
        Wallet::create(dir.path(), &vdev(), Some("hunter2 but longer"), 24).unwrap();
    assert_eq!(mnemonic.word_count(), 24);
    assert!(wallet.is_encrypted() && !wallet.is_locked());
    let first = wallet.new_address(AddressKind::P2wpkh).unwrap();

    // Nothing of the mnemonic is in the file.
    let text = file_text(dir.path());
    for word in mnemonic.words() {
        assert!(
            !text.contains(&format!("\"{word} ")),
            "word `{word}` leaked"
        );
    }
    assert!(!text.contains(&mnemonic.to_string()));
    assert!(text.contains("scrypt-chacha20poly1305"));

    // Locked: addresses yes, signing no.
    let mut locked = Wallet::open(dir.path(), &vdev(), None).unwrap();
    assert!(locked.is_locked());
    let second = locked.new_address(AddressKind::P2wpkh).unwrap();
    assert_ne!(first, second);

    // The right passphrase unlocks; the indices were saved.
    let mut unlocked = Wallet::open(dir.path(), &vdev(), Some("hunter2 but longer")).unwrap();
    assert!(!unlocked.is_locked());
    let third = unlocked.new_address(AddressKind::P2wpkh).unwrap();
    assert!(third != first && third != second);

    // Restoring the words elsewhere gives the same addresses.
    let elsewhere = tempfile::tempdir().unwrap();
    let mut restored =
        Wallet::restore(elsewhere.path(), &vdev(), &mnemonic.to_string(), None).unwrap();
    assert_eq!(restored.new_address(AddressKind::P2wpkh).unwrap(), first);
    assert_eq!(restored.descriptors(), wallet.descriptors());
}

#[test]
fn wrong_passphrase_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    Wallet::create(dir.path(), &vdev(), Some("right"), 12).unwrap();
    let before = file_text(dir.path());
    let err = Wallet::open(dir.path(), &vdev(), Some("wrong")).unwrap_err();
    assert!(matches!(err, WalletError::WrongPassphrase), "{err}");
    assert!(err.to_string().contains("wrong passphrase"));
    let mut locked = Wallet::open(dir.path(), &vdev(), None).unwrap();
    assert!(matches!(
        locked.unlock("wrong"),
        Err(WalletError::WrongPassphrase)
    ));
    assert!(locked.is_locked());
    assert_eq!(file_text(dir.path()), before);
}

#[test]
fn plain_wallet_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let (wallet, mnemonic) = Wallet::create(dir.path(), &vdev(), None, 12).unwrap();
    assert_eq!(mnemonic.word_count(), 12);
    assert!(!wallet.is_encrypted() && !wallet.is_locked());
    assert!(file_text(dir.path()).contains(&mnemonic.to_string()));
    assert!(Wallet::open(dir.path(), &vdev(), None).is_ok());
    assert!(matches!(
        Wallet::open(dir.path(), &vdev(), Some("x")),
        Err(WalletError::NotEncrypted)
    ));
    // Another chain's prefix.
    let other = Hrp::parse("vnt").unwrap();
    let err = Wallet::open(dir.path(), &other, None).unwrap_err();
    assert!(matches!(err, WalletError::WrongChain { .. }), "{err}");
    // Never overwritten.
    let before = file_text(dir.path());
    assert!(matches!(
        Wallet::create(dir.path(), &vdev(), None, 12),
        Err(WalletError::AlreadyExists(_))
    ));
    assert_eq!(file_text(dir.path()), before);
    // Bad parameters.
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        Wallet::open(empty.path(), &vdev(), None),
        Err(WalletError::NotFound(_))
    ));
    assert!(matches!(
        Wallet::create(empty.path(), &vdev(), None, 15),
        Err(WalletError::WordCount(15))
    ));
    assert!(matches!(
        Wallet::create(empty.path(), &vdev(), Some(""), 12),
        Err(WalletError::EmptyPassphrase)
    ));
    assert!(!Wallet::exists(empty.path()));
}

#[cfg(unix)]
#[test]
fn file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (mut wallet, _) = Wallet::create(dir.path(), &vdev(), None, 12).unwrap();
    wallet.new_address(AddressKind::P2tr).unwrap();
    let mode = std::fs::metadata(dir.path().join(WALLET_FILE))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    // No temporary files are left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn damaged_files_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    Wallet::create(dir.path(), &vdev(), Some("pw"), 12).unwrap();
    let good = file_text(dir.path());
    let path = dir.path().join(WALLET_FILE);
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "damaged"),
        (good[..good.len() / 2].to_string(), "damaged"),
        (
            good.replace("\"version\": 1", "\"version\": 7"),
            "format version 7",
        ),
        (
            good.replace("\"format\": \"venture-wallet\"", "\"format\": \"other\""),
            "damaged",
        ),
        (
            good.replace("\"log_n\": 15", "\"log_n\": 60"),
            "outside the accepted range",
        ),
        (
            good.replace("\"next_receive\": 0", "\"next_receive\": 4000000000"),
            "index",
        ),
        (
            good.replace("\"kind\": \"p2tr\"", "\"kind\": \"p2wpkh\""),
            "p2tr",
        ),
        (
            good.replace("\"hrp\": \"vdev\"", "\"hrp\": \"Not An HRP\""),
            "hrp",
        ),
        (good.replace("\"nonce\": \"", "\"nonce\": \"00"), "nonce"),
        (
            good.replace("\"accounts\"", "\"extra\": 1, \"accounts\""),
            "unknown field",
        ),
    ];
    for (text, expected) in cases {
        std::fs::write(&path, &text).unwrap();
        let err = Wallet::open(dir.path(), &vdev(), None).unwrap_err();
        assert!(
            err.to_string().contains(expected),
            "expected `{expected}` in: {err}"
        );
    }

    // A tampered public key opens (it cannot be checked without the passphrase) but
    // is caught when unlocking, before anything is signed.
    let (_, other_mnemonic) =
        Wallet::create(tempfile::tempdir().unwrap().path(), &vdev(), None, 12).unwrap();
    let other_dir = tempfile::tempdir().unwrap();
    Wallet::restore(other_dir.path(), &vdev(), &other_mnemonic.to_string(), None).unwrap();
    let other: serde_json::Value = serde_json::from_str(&file_text(other_dir.path())).unwrap();
    let mut tampered: serde_json::Value = serde_json::from_str(&good).unwrap();
    tampered["accounts"][0]["xpub"] = other["accounts"][0]["xpub"].clone();
    std::fs::write(&path, tampered.to_string()).unwrap();
    let mut wallet = Wallet::open(dir.path(), &vdev(), None).unwrap();
    let err = wallet.unlock("pw").unwrap_err();
    assert!(err.to_string().contains("does not match"), "{err}");
    assert!(wallet.is_locked());
}

#[test]
fn scans_move_indices_past_found_coins() {
    let dir = tempfile::tempdir().unwrap();
    let (mut wallet, mnemonic) = Wallet::create(dir.path(), &vdev(), None, 12).unwrap();
    let mut addresses = Vec::new();
    for _ in 0..30 {
        addresses.push(wallet.new_address(AddressKind::P2wpkh).unwrap());
    }
    let script = |address: &str| -> ScriptBuf { address_to_script(&vdev(), address).unwrap() };

    let elsewhere = tempfile::tempdir().unwrap();
    let mut restored =
        Wallet::restore(elsewhere.path(), &vdev(), &mnemonic.to_string(), None).unwrap();
    let watched = restored.watched_scripts(GAP_LIMIT).unwrap();
    // Two kinds × two chains × (0 used + 20 ahead).
    assert_eq!(watched.len(), 80);
    assert!(watched.contains(&script(&addresses[19])));
    assert!(!watched.contains(&script(&addresses[25])));

    // A coin at index 12 is found; the next scan reaches index 25.
    assert!(restored
        .mark_used(&[script(&addresses[12])], GAP_LIMIT)
        .unwrap());
    assert!(restored
        .watched_scripts(GAP_LIMIT)
        .unwrap()
        .contains(&script(&addresses[25])));
    assert!(restored
        .mark_used(&[script(&addresses[25])], GAP_LIMIT)
        .unwrap());
    assert!(!restored
        .mark_used(&[script(&addresses[3])], GAP_LIMIT)
        .unwrap());
    // Saved: the next address after reopening is index 26.
    let mut reopened = Wallet::open(elsewhere.path(), &vdev(), None).unwrap();
    assert_eq!(
        reopened.new_address(AddressKind::P2wpkh).unwrap(),
        addresses[26]
    );

    // Change scripts are peeked, not consumed, until marked used.
    let change = reopened.change_script(AddressKind::P2tr).unwrap();
    assert_eq!(reopened.change_script(AddressKind::P2tr).unwrap(), change);
    assert!(reopened
        .mark_used(std::slice::from_ref(&change), GAP_LIMIT)
        .unwrap());
    assert_ne!(reopened.change_script(AddressKind::P2tr).unwrap(), change);
}
