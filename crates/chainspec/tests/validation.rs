//! Every validation rule refuses a bad spec with the field named; good specs resolve to
//! a deterministic genesis.

use venture_chainspec::{builtin_spec, ChainParams, SpecError};

fn dev() -> String {
    builtin_spec("dev").unwrap().to_string()
}

/// Applies `from → to` to the dev spec and expects a refusal naming `field`.
fn refused(from: &str, to: &str, field: &str) {
    let text = dev();
    assert!(text.contains(from), "dev spec has no `{from}`");
    let err =
        ChainParams::from_toml(&text.replacen(from, to, 1)).expect_err(&format!("`{to}` accepted"));
    let message = err.to_string();
    assert!(message.contains(field), "`{field}` not named in: {message}");
}

#[test]
fn the_dev_spec_resolves_deterministically() {
    let a = ChainParams::load("dev").unwrap();
    let b = ChainParams::from_toml(&dev()).unwrap();
    assert_eq!(a.genesis_hash, b.genesis_hash);
    assert_eq!(a.spec_hash(), b.spec_hash());
    // The resolved spec round-trips through TOML to the same chain.
    let c = ChainParams::from_toml(&a.to_toml()).unwrap();
    assert_eq!(c.genesis_hash, a.genesis_hash);
    assert_eq!(c.spec_hash(), a.spec_hash());
    assert_eq!(a.subsidy(0).to_sat(), 0);
    assert_eq!(a.subsidy(1).to_sat(), 5_000_000_000);
    assert_eq!(a.subsidy(210_000).to_sat(), 5_000_000_000);
    assert_eq!(a.subsidy(210_001).to_sat(), 2_500_000_000);
}

#[test]
fn bootnodes_do_not_change_the_spec_hash_but_rules_do() {
    let base = ChainParams::from_toml(&dev()).unwrap();
    let with_boot = dev().replace("bootnodes = []", "bootnodes = [\"/ip4/127.0.0.1/tcp/1\"]");
    assert_eq!(
        ChainParams::from_toml(&with_boot).unwrap().spec_hash(),
        base.spec_hash()
    );
    let other_rule = dev().replace("coinbase_maturity = 20", "coinbase_maturity = 21");
    let other = ChainParams::from_toml(&other_rule).unwrap();
    assert_ne!(other.spec_hash(), base.spec_hash());
    assert_eq!(
        other.genesis_hash, base.genesis_hash,
        "maturity is not in the genesis block"
    );
}

#[test]
fn a_release_raising_min_chain_work_keeps_the_chain_and_its_data() {
    let base = ChainParams::from_toml(&dev()).unwrap();
    let raised = dev().replace("[consensus]\n", "[consensus]\nmin_chain_work = \"0x1f4\"\n");
    let raised = ChainParams::from_toml(&raised).unwrap();
    assert_eq!(
        raised
            .spec
            .consensus
            .min_chain_work
            .to_string()
            .trim_start_matches('0'),
        "1f4"
    );
    assert_eq!(raised.spec_hash(), base.spec_hash());
    refused(
        "[consensus]\n",
        "[consensus]\nmin_chain_work = \"0xnot-hex\"\n",
        "min_chain_work",
    );
}

#[test]
fn unknown_fields_and_wrong_types_are_refused() {
    refused("[network]", "[network]\nsurprise = 1", "surprise");
    refused("[consensus]", "[consensus]\nhalvings = 3", "halvings");
    refused(
        "target_spacing = 10",
        "target_spacing = \"ten\"",
        "target_spacing",
    );
    refused("pow = \"sha256d\"", "pow = \"x11\"", "x11");
    refused("algorithm = \"fixed\"", "algorithm = \"magic\"", "magic");
    refused("pow_limit = \"0x207fffff\"", "pow_limit = \"zz\"", "zz");
}

#[test]
fn insane_values_are_refused_naming_the_field() {
    refused("name = \"Venture Devnet\"", "name = \" \"", "name");
    refused("id = \"dev\"", "id = \"Dev Net\"", "id");
    refused("ticker = \"VDEV\"", "ticker = \"v\"", "ticker");
    refused(
        "target_spacing = 10",
        "target_spacing = 0",
        "consensus.target_spacing",
    );
    refused(
        "target_spacing = 10",
        "target_spacing = 100000",
        "consensus.target_spacing",
    );
    refused(
        "max_future_block_time = 7200",
        "max_future_block_time = 0",
        "consensus.max_future_block_time",
    );
    refused(
        "coinbase_maturity = 20",
        "coinbase_maturity = 0",
        "consensus.coinbase_maturity",
    );
    refused(
        "max_block_weight = 4000000",
        "max_block_weight = 10",
        "consensus.max_block_weight",
    );
    refused("chain_id = 0x5645", "chain_id = 0", "consensus.chain_id");
    refused(
        "chain_id = 0x5645",
        "chain_id = 0x8000",
        "consensus.chain_id",
    );
    refused(
        "pow_limit = \"0x207fffff\"",
        "pow_limit = \"0x20800000\"",
        "consensus.pow_limit",
    );
    refused(
        "pow_limit = \"0x207fffff\"",
        "pow_limit = \"0x1d00ffff\"",
        "genesis.bits",
    );
    refused(
        "initial = 5_000_000_000",
        "initial = 3_000_000_000_000_000",
        "consensus.subsidy.initial",
    );
    refused(
        "initial = 5_000_000_000",
        "initial = 20_000_000_000",
        "consensus.subsidy.initial",
    );
    refused(
        "halving_interval = 210_000",
        "halving_interval = 0",
        "consensus.subsidy.halving_interval",
    );
    refused(
        "max_supply = 2_210_000_000_000_000",
        "max_supply = 0",
        "consensus.subsidy.max_supply",
    );
    refused(
        "address_hrp = \"vdev\"",
        "address_hrp = \"Bad HRP\"",
        "network.address_hrp",
    );
    refused("p2p_port = 19444", "p2p_port = 0", "network.p2p_port");
    refused("rpc_port = 19443", "rpc_port = 19444", "network.rpc_port");
    refused(
        "message = \"Venture devnet: merge-mined from day one\"",
        &format!("message = \"{}\"", "x".repeat(91)),
        "genesis.message",
    );
    refused(
        "chain_type = \"development\"",
        "chain_type = \"live\"",
        "mining.allow_generate",
    );
    refused(
        "algorithm = \"fixed\"",
        "algorithm = \"bitcoin\"\ninterval = 0",
        "difficulty.interval",
    );
}

#[test]
fn a_wrong_genesis_hash_or_nonce_is_refused() {
    let resolved = ChainParams::load("dev").unwrap();
    let mut spec = resolved.spec.clone();
    spec.genesis.hash = Some(
        "00000000000000000000000000000000000000000000000000000000000000aa"
            .parse()
            .unwrap(),
    );
    let err = ChainParams::from_spec(spec).unwrap_err();
    assert_eq!(err.field(), Some("genesis.hash"));

    let mut spec = resolved.spec.clone();
    spec.genesis.hash = None;
    // Find a nonce that does not solve the header at the dev target.
    let good = spec.genesis.nonce.unwrap();
    let mut rejected = false;
    for nonce in good + 1..good + 64 {
        spec.genesis.nonce = Some(nonce);
        if let Err(SpecError::Invalid { field, .. }) = ChainParams::from_spec(spec.clone()) {
            assert_eq!(field, "genesis.nonce");
            rejected = true;
            break;
        }
    }
    assert!(
        rejected,
        "no failing nonce found among 63 at the easiest target"
    );
}

/// Every spec shipped in `chainspec/` validates and resolves.
#[test]
fn every_shipped_spec_validates() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chainspec");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            ChainParams::from_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            count += 1;
        }
    }
    assert!(
        count >= 3,
        "expected the dev, testnet and venture example specs"
    );
}
