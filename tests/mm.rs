//! End to end: `ventured mm` between a real parent node (litecoind regtest, or a Venture
//! chain acting as a SHA-256d parent) and Venture aux chains, mined over Stratum by
//! `ventured miner`. Every check reads the nodes: aux blocks are merge-mined with parent
//! headers the parent node itself holds, and the parent chain grows with the
//! coordinator's blocks.

mod common;
#[path = "common/litecoind.rs"]
mod litecoind;
#[path = "common/mm_harness.rs"]
mod mm_harness;

use bitcoin::consensus::encode;
use common::{Node, TEST_ADDRESS};
use mm_harness::*;
use serde_json::{json, Value};

#[test]
fn litecoind_parent_and_two_scrypt_aux_chains() {
    if !litecoind::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (ltc, _peer) = litecoind::pair();
    let a = start_aux(&aux_spec(dir.path(), "mm-a", 0x5645, "scrypt"));
    let b = start_aux(&aux_spec(dir.path(), "mm-b", 0x5646, "scrypt"));
    let ltc_start = ltc.height();

    let (mm, miner) = mine_on_litecoind(dir.path(), &ltc, &[&a, &b]);
    let diagnostics = || format!("{}\nlitecoind log:\n{}", mm.diagnostics(&miner), ltc.log());
    wait_until("both aux chains and litecoind to grow", diagnostics, || {
        a.height() >= 4 && b.height() >= 4 && ltc.height() >= ltc_start + 4
    });

    // Every aux block is merge-mined, and its parent is a block litecoind holds.
    for aux in [&a, &b] {
        for parent in parent_hashes(aux, aux.height()) {
            let out = ltc.cli(&["getblock", &parent]);
            assert!(
                out.status.success(),
                "litecoind does not know parent {parent}: {}\n{}",
                String::from_utf8_lossy(&out.stderr),
                diagnostics()
            );
        }
    }
    // litecoind's chain grew with the coordinator's blocks: its tag in the coinbase,
    // our commitment before it, the payout to the configured script.
    for height in ltc_start + 1..=ltc.height() {
        let hash = ltc.rpc("getblockhash", json!([height]));
        let block = ltc.rpc("getblock", json!([hash, 2]));
        let coinbase = &block["tx"][0];
        let script_sig = coinbase["vin"][0]["coinbase"].as_str().unwrap_or_default();
        assert!(
            script_sig.contains(MM_TAG_HEX),
            "block {height}: {coinbase}"
        );
        assert!(
            script_sig.contains("fabe6d6d"),
            "block {height}: {coinbase}"
        );
        assert_eq!(coinbase["vout"][0]["scriptPubKey"]["hex"], "51");
    }
    // The counters (the status file is rewritten every second) agree.
    wait_until("the status file to count the blocks", diagnostics, || {
        let stats = &mm.status()["stats"];
        let counted = |v: &Value| v["accepted"].as_u64().unwrap_or(0) >= 4;
        counted(&stats["parent"])
            && counted(&stats["aux"][0])
            && counted(&stats["aux"][1])
            && stats["shares"]["accepted"].as_u64().unwrap_or(0) >= 4
    });
    let stats = &mm.status()["stats"];
    assert_eq!(stats["aux"][0]["chain_id"], 0x5645);
    assert_eq!(stats["aux"][1]["chain_id"], 0x5646);
}

/// BIP320's general-purpose bits: what `ventured mm` lets miners roll by default.
const ROLLING_MASK: u32 = 0x1fff_e000;

/// The version of a litecoind block (at `height` on its best chain) or AuxPoW parent.
fn header_version(hex_header: &str) -> u32 {
    let bytes = hex::decode(hex_header).expect("header hex");
    let header: bitcoin::block::Header = encode::deserialize(&bytes).expect("header");
    header.version.to_consensus() as u32
}

#[test]
fn litecoind_accepts_blocks_and_auxpows_with_rolled_versions() {
    if !litecoind::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (ltc, _peer) = litecoind::pair();
    let aux = start_aux(&aux_spec(dir.path(), "mm-roll", 0x5645, "scrypt"));
    let ltc_start = ltc.height();
    let template = ltc.rpc("getblocktemplate", json!([{"rules": ["mweb", "segwit"]}]));
    let job_version = template["version"].as_u64().expect("template version") as u32;

    let args = mm_args(litecoin_parent(&ltc), &[aux_by_url(&aux)], "0.002");
    let mm = Coordinator::start(dir.path(), &args);
    // A new version after every nonce, so most shares (and blocks) are rolled.
    let miner = mm.miner_with(
        dir.path(),
        "scrypt",
        &["--version-rolling", "1fffe000", "--nonces-per-version", "1"],
    );
    let diagnostics = || format!("{}\nlitecoind log:\n{}", mm.diagnostics(&miner), ltc.log());
    let rolled = |version: u32| version != job_version;
    let parent_versions = |from: u64| -> Vec<u32> {
        (from..=ltc.height())
            .map(|height| {
                let hash = ltc.rpc("getblockhash", json!([height]));
                header_version(
                    ltc.rpc("getblockheader", json!([hash, false]))
                        .as_str()
                        .unwrap_or_default(),
                )
            })
            .collect()
    };
    let aux_parent_versions = || -> Vec<u32> {
        (1..=aux.height())
            .map(|h| {
                let hash = aux.rpc("getblockhash", json!([h]));
                let block = aux.rpc("getblock", json!([hash, 1]));
                header_version(block["auxpow"]["parentblock"].as_str().unwrap_or_default())
            })
            .collect()
    };
    // Each new job starts at its own version, so an aux block's first proof is rolled
    // about half the time: wait for one that is.
    wait_until(
        "rolled blocks on litecoind and the aux chain",
        diagnostics,
        || {
            ltc.height() >= ltc_start + 4
                && aux.height() >= 4
                && parent_versions(ltc_start + 1).into_iter().any(rolled)
                && aux_parent_versions().into_iter().any(rolled)
        },
    );

    // Whatever was rolled stayed inside the mask: litecoind's best chain holds the
    // coordinator's blocks with the template's bits outside it.
    for version in parent_versions(ltc_start + 1) {
        assert_eq!(
            version & !ROLLING_MASK,
            job_version & !ROLLING_MASK,
            "{version:08x}"
        );
    }
    // Every aux block is merge-mined with a parent header litecoind holds, rolled or not:
    // the AuxPoW's parent is the header that was hashed and submitted.
    for parent in parent_hashes(&aux, aux.height()) {
        let out = ltc.cli(&["getblockheader", &parent]);
        assert!(
            out.status.success(),
            "litecoind does not know parent {parent}: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            diagnostics()
        );
    }
    for version in aux_parent_versions() {
        assert_eq!(
            version & !ROLLING_MASK,
            job_version & !ROLLING_MASK,
            "{version:08x}"
        );
    }
    let stats = &mm.status()["stats"];
    assert_eq!(stats["shares"]["invalid"], 0, "{stats}");
}

#[test]
fn venture_chain_as_sha256d_parent() {
    let dir = tempfile::tempdir().unwrap();
    // The parent is the dev chain (chain id 0x5645); the aux chain must differ.
    let parent = Node::start(&["--chain", "dev"]);
    let aux_spec = aux_spec(dir.path(), "mm-c", 0x5646, "sha256d");
    let aux = Node::start(&[
        "--chain",
        aux_spec.to_str().unwrap(),
        "--metrics",
        "127.0.0.1:0",
    ]);
    let metrics_port = litecoind::free_port();
    let share_log = dir.path().join("shares.jsonl");
    let mut args = mm_args(venture_parent(&parent), &[aux_by_url(&aux)], "0.0001");
    args.extend([
        "--metrics".into(),
        format!("127.0.0.1:{metrics_port}"),
        "--share-log".into(),
        share_log.display().to_string(),
    ]);
    let mm = Coordinator::start(dir.path(), &args);
    let miner = mm.miner(dir.path(), "sha256d");
    let diagnostics = || mm.diagnostics(&miner);
    wait_until("the parent and the aux chain to grow", diagnostics, || {
        parent.height() >= 4 && aux.height() >= 4
    });

    for parent_hash in parent_hashes(&aux, aux.height()) {
        assert!(
            parent.call("getblockheader", json!([parent_hash])).is_ok(),
            "the parent does not know {parent_hash}\n{}",
            diagnostics()
        );
    }
    for height in 1..=parent.height() {
        let hash = parent.rpc("getblockhash", json!([height]));
        let block = parent.rpc("getblock", json!([hash, 2]));
        let coinbase = &block["tx"][0];
        let script_sig = coinbase["vin"][0]["coinbase"].as_str().unwrap_or_default();
        assert!(
            script_sig.contains(MM_TAG_HEX),
            "block {height}: {coinbase}"
        );
        assert_eq!(coinbase["vout"][0]["scriptPubKey"]["address"], TEST_ADDRESS);
        assert_eq!(block["merge_mined"], false);
    }
    wait_until("the status file to count the blocks", diagnostics, || {
        mm.status()["stats"]["parent"]["accepted"]
            .as_u64()
            .unwrap_or(0)
            >= 4
    });
    assert_eq!(mm.status()["stats"]["aux"][0]["chain_id"], 0x5646);

    // What Prometheus sees: the coordinator's shares, blocks and nodes, and on the aux
    // node a chain made only of merge-mined blocks.
    let scrape = ureq::get(&format!("http://127.0.0.1:{metrics_port}/metrics"))
        .call()
        .expect("the coordinator serves metrics")
        .body_mut()
        .read_to_string()
        .unwrap();
    let sample = |name: &str| -> f64 {
        scrape
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no `{name}` in:\n{scrape}"))
            .parse()
            .unwrap()
    };
    assert!(sample("venture_mm_shares_total{result=\"accepted\"}") >= 4.0);
    assert!(sample("venture_mm_blocks_total{chain=\"parent\",result=\"accepted\"}") >= 4.0);
    assert!(sample("venture_mm_blocks_total{chain=\"aux0\",result=\"accepted\"}") >= 4.0);
    assert_eq!(sample("venture_mm_node_up{chain=\"parent\"}"), 1.0);
    assert_eq!(sample("venture_mm_shares_total{result=\"invalid\"}"), 0.0);
    assert_eq!(aux.metric("venture_merge_mined_ratio"), 1.0);

    // The share log a pool pays from: one line per accepted share, naming the worker,
    // the difficulty credited and every chain the share was a block for.
    let shares: Vec<Value> = std::fs::read_to_string(&share_log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(shares.len() as f64 >= sample("venture_mm_shares_total{result=\"accepted\"}"));
    assert!(shares.iter().all(|s| s["worker"] == "e2e-worker"
        && s["difficulty"].as_f64().is_some_and(|d| d > 0.0)
        && s["pow_hash"].as_str().is_some_and(|h| h.len() == 64)));
    let parent_blocks = shares.iter().filter(|s| s["parent_block"] == true).count();
    let aux_blocks = shares
        .iter()
        .filter(|s| s["aux_chain_ids"] == json!([0x5646]))
        .count();
    assert!(parent_blocks >= 4 && aux_blocks >= 4, "{shares:?}");
}

/// A Venture parent in its launch window: every block must pay the settlement its
/// template lists at heights 4 and 7, or the parent refuses it and stops growing.
#[test]
fn a_venture_parent_is_mined_across_its_settlement_heights() {
    let dir = tempfile::tempdir().unwrap();
    let spec = aux_spec(dir.path(), "mm-parent", 0x5645, "sha256d");
    let venture = "\n[venture]\nstart_height = 1\nend_height = 6\ntotal = 600_000_000\nepoch_length = 3\neligible = \"all\"\n";
    let text = std::fs::read_to_string(&spec).unwrap() + venture;
    std::fs::write(&spec, text).unwrap();
    let parent = start_aux(&spec);
    let aux = start_aux(&aux_spec(dir.path(), "mm-d", 0x5646, "sha256d"));
    let args = mm_args(venture_parent(&parent), &[aux_by_url(&aux)], "0.0001");
    let mm = Coordinator::start(dir.path(), &args);
    let miner = mm.miner(dir.path(), "sha256d");
    let diagnostics = || format!("{}\nparent log:\n{}", mm.diagnostics(&miner), parent.log());
    wait_until("the parent to pass two settlements", diagnostics, || {
        parent.height() >= 8 && aux.height() >= 2
    });
    let info = parent.rpc("getventureinfo", json!([]));
    assert_eq!(info["epochs_settled"], 2, "{info}");
    assert_eq!(info["paid"], json!(6.0), "{info}");
    for height in [4, 7] {
        let hash = parent.rpc("getblockhash", json!([height]));
        let block = parent.rpc("getblock", json!([hash, 2]));
        let coinbase = &block["tx"][0];
        let script_sig = coinbase["vin"][0]["coinbase"].as_str().unwrap_or_default();
        assert!(
            script_sig.contains(MM_TAG_HEX),
            "block {height}: {coinbase}"
        );
        // The settlement (all of it to the coordinator's payout, the only miner), then
        // the payout itself.
        assert_eq!(coinbase["vout"][0]["value"], json!(3.0), "{coinbase}");
        assert_eq!(coinbase["vout"][1]["value"], json!(50.0), "{coinbase}");
    }
    // The aux chain's proofs of work are parent blocks the parent holds.
    for parent_hash in parent_hashes(&aux, aux.height()) {
        assert!(
            parent.call("getblockheader", json!([parent_hash])).is_ok(),
            "the parent does not know {parent_hash}\n{}",
            diagnostics()
        );
    }
}

#[test]
fn venture_parent_with_rolling_kept_below_its_chain_id() {
    let dir = tempfile::tempdir().unwrap();
    let parent = Node::start(&["--chain", "dev"]);
    let aux = start_aux(&aux_spec(dir.path(), "mm-g", 0x5646, "sha256d"));
    let mut args = mm_args(venture_parent(&parent), &[aux_by_url(&aux)], "0.0001");
    // A Venture parent's version carries its chain id from bit 16 up.
    args.extend(["--version-rolling-mask".into(), "0000e000".into()]);
    let mm = Coordinator::start(dir.path(), &args);
    // The miner offers every bit; the server grants only bits 13 to 15.
    let miner = mm.miner_with(
        dir.path(),
        "sha256d",
        &["--version-rolling", "ffffffff", "--nonces-per-version", "1"],
    );
    let diagnostics = || mm.diagnostics(&miner);
    let version_at = |node: &Node, height: u64| -> u32 {
        let hash = node.rpc("getblockhash", json!([height]));
        let header = node.rpc("getblockheader", json!([hash, false]));
        header_version(header.as_str().unwrap_or_default())
    };
    let chain_version = version_at(&parent, 0);
    let rolled_on_parent =
        || (1..=parent.height()).any(|h| version_at(&parent, h) != chain_version);
    wait_until(
        "rolled parent blocks and a growing aux chain",
        diagnostics,
        || parent.height() >= 4 && aux.height() >= 4 && rolled_on_parent(),
    );
    for height in 1..=parent.height() {
        let version = version_at(&parent, height);
        assert_eq!(version & !0xe000, chain_version & !0xe000, "{version:08x}");
    }
    for parent_hash in parent_hashes(&aux, aux.height()) {
        assert!(
            parent.call("getblockheader", json!([parent_hash])).is_ok(),
            "the parent does not know {parent_hash}\n{}",
            diagnostics()
        );
    }
    assert_eq!(mm.status()["stats"]["shares"]["invalid"], 0);
}

#[test]
fn an_aux_node_that_restarts_is_resumed_while_the_rest_keep_mining() {
    let dir = tempfile::tempdir().unwrap();
    let parent = Node::start(&["--chain", "dev"]);
    let mut first = start_aux(&aux_spec(dir.path(), "mm-d", 0x5646, "sha256d"));
    let second = start_aux(&aux_spec(dir.path(), "mm-e", 0x5647, "sha256d"));
    // By data directory: a restarted node may listen on another port.
    let by_datadir =
        |node: &Node| format!("datadir={},address={TEST_ADDRESS}", node.datadir.display());
    let args = mm_args(
        venture_parent(&parent),
        &[by_datadir(&first), by_datadir(&second)],
        "0.0001",
    );
    let mm = Coordinator::start(dir.path(), &args);
    let miner = mm.miner(dir.path(), "sha256d");
    let diagnostics = || mm.diagnostics(&miner);
    wait_until("both aux chains to start", diagnostics, || {
        first.height() >= 2 && second.height() >= 2
    });

    first.stop();
    wait_until(
        "the coordinator to notice the aux node is down",
        diagnostics,
        || mm.status()["stats"]["aux"][0]["up"] == false,
    );
    let (second_then, parent_then) = (second.height(), parent.height());
    wait_until("the others to keep being mined", diagnostics, || {
        second.height() >= second_then + 3 && parent.height() >= parent_then + 3
    });

    first.restart();
    let resumed_from = first.height();
    wait_until(
        "the restarted aux chain to advance again",
        diagnostics,
        || first.height() >= resumed_from + 3,
    );
    wait_until("the status to show it back", diagnostics, || {
        mm.status()["stats"]["aux"][0]["up"] == true
    });
    // Its new blocks are merge-mined like the old ones.
    parent_hashes(&first, first.height());
}

#[test]
fn the_aux_chains_keep_being_mined_while_the_parent_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let mut parent = Node::start(&["--chain", "dev"]);
    let aux = start_aux(&aux_spec(dir.path(), "mm-f", 0x5646, "sha256d"));
    // By data directory: the restarted parent listens on another port.
    let by_datadir = vec![
        "--parent-datadir".into(),
        parent.datadir.display().to_string(),
        "--parent-address-script".into(),
        PARENT_PAYOUT_SCRIPT.into(),
    ];
    let args = mm_args(by_datadir, &[aux_by_url(&aux)], "0.0001");
    let mm = Coordinator::start(dir.path(), &args);
    let miner = mm.miner(dir.path(), "sha256d");
    let diagnostics = || mm.diagnostics(&miner);
    wait_until("both chains to start", diagnostics, || {
        parent.height() >= 2 && aux.height() >= 2
    });

    parent.stop();
    wait_until(
        "the coordinator to notice the parent is down",
        diagnostics,
        || mm.status()["stats"]["parent"]["up"] == false,
    );
    // The last parent template still carries proofs of work for the aux chain.
    let aux_then = aux.height();
    wait_until("the aux chain to keep being mined", diagnostics, || {
        aux.height() >= aux_then + 3
    });

    parent.restart();
    let parent_then = parent.height();
    wait_until("the parent to be mined again", diagnostics, || {
        parent.height() >= parent_then + 3
    });
    parent_hashes(&aux, aux.height());
}

/// Puts a peg-in (ordinary coins into MWEB) and a peg-out (MWEB coins to an ordinary
/// address) into the mempool of an [`litecoind::mweb_pair`] node; returns the peg-in's
/// wallet txid (the block carries it without its MWEB part, so under another id) and the
/// peg-out's destination.
fn mweb_traffic(ltc: &litecoind::Litecoind) -> (String, String) {
    let text = |value: Value| value.as_str().expect("a string").to_string();
    let mweb_address = text(litecoind::wallet(
        ltc,
        "mweb",
        &["getnewaddress", "", "mweb"],
    ));
    let peg_in = text(litecoind::wallet(
        ltc,
        "miner",
        &["sendtoaddress", &mweb_address, "3"],
    ));
    let ordinary = text(litecoind::wallet(ltc, "miner", &["getnewaddress"]));
    litecoind::wallet(ltc, "mweb", &["sendtoaddress", &ordinary, "2"]);
    (peg_in, ordinary)
}

/// The coordinator's litecoind blocks in `heights`, each checked: our coinbase, and a
/// HogEx last whose HogAddr commits to the block's MWEB data. Returns every address the
/// HogExes pay (peg-outs).
fn mweb_blocks(ltc: &litecoind::Litecoind, heights: std::ops::RangeInclusive<u64>) -> Vec<String> {
    let mut paid = Vec::new();
    for height in heights {
        let hash = ltc.rpc("getblockhash", json!([height]));
        let block = ltc.rpc("getblock", json!([hash, 2]));
        let txs = block["tx"].as_array().expect("transactions");
        let script_sig = txs[0]["vin"][0]["coinbase"].as_str().unwrap_or_default();
        assert!(script_sig.contains(MM_TAG_HEX), "block {height}: {block}");
        let mweb_hash = block["mweb"]["hash"].as_str().expect("MWEB data");
        let hogex = txs.last().expect("a HogEx");
        assert_eq!(
            hogex["vout"][0]["scriptPubKey"]["hex"],
            format!("5820{mweb_hash}"),
            "block {height}: {block}"
        );
        for output in hogex["vout"].as_array().expect("outputs").iter().skip(1) {
            // Litecoin Core 0.21 lists `addresses`.
            let addresses = output["scriptPubKey"]["addresses"].as_array();
            paid.extend(
                addresses
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.as_str())
                    .map(String::from),
            );
        }
    }
    paid
}

/// Whether the coordinator's blocks above `from` (each checked by [`mweb_blocks`])
/// confirmed the peg-in and paid the peg-out of `traffic`.
fn mined(ltc: &litecoind::Litecoind, from: u64, traffic: &(String, String)) -> bool {
    let paid = mweb_blocks(ltc, from + 1..=ltc.height());
    let peg_in = litecoind::wallet(ltc, "miner", &["gettransaction", &traffic.0]);
    paid.contains(&traffic.1) && peg_in["blockheight"].as_u64().is_some_and(|h| h > from)
}

#[test]
fn litecoind_parent_with_mweb_active_restarting_midway() {
    if !litecoind::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mut ltc, peer) = litecoind::mweb_pair();
    assert!(litecoind::mweb_active(&ltc), "MWEB is not active");
    let a = start_aux(&aux_spec(dir.path(), "mm-g", 0x5645, "scrypt"));
    let b = start_aux(&aux_spec(dir.path(), "mm-h", 0x5646, "scrypt"));
    // Peg-ins and peg-outs wait in the mempool when mining starts.
    let first = mweb_traffic(&ltc);
    let ltc_start = ltc.height();
    let (mm, miner) = mine_on_litecoind(dir.path(), &ltc, &[&a, &b]);
    let diagnostics = || format!("{}\nlitecoind log:\n{}", mm.diagnostics(&miner), ltc.log());
    wait_until("litecoind and both aux chains to grow", diagnostics, || {
        a.height() >= 3 && b.height() >= 3 && ltc.height() >= ltc_start + 3
    });
    wait_until(
        "the peg-in and the peg-out to be mined",
        diagnostics,
        || mined(&ltc, ltc_start, &first),
    );

    // The parent dies and comes back: the coordinator mines on it again.
    // Aux blocks so far have parent headers litecoind holds; wait until its peer has
    // those of the best chain too (a parent block may still be on its way when an aux
    // block is accepted, and a killed node may lose its last blocks). A parent block
    // that lost a race for its height stays a side block of litecoind's, which Core
    // does not relay: litecoind itself holding it is enough.
    let before_restart = [a.height(), b.height()];
    wait_until("the peer to hold every parent so far", diagnostics, || {
        [(&a, before_restart[0]), (&b, before_restart[1])]
            .into_iter()
            .all(|(aux, height)| {
                parent_hashes(aux, height).iter().all(|parent| {
                    match peer.call("getblockheader", json!([parent])) {
                        Ok(_) => true,
                        Err(_) => ltc
                            .call("getblockheader", json!([parent]))
                            .is_ok_and(|header| header["confirmations"] == json!(-1)),
                    }
                })
            })
    });
    ltc.restart();
    ltc.connect(&peer);
    // A killed node may have lost its last blocks; its peer gives them back.
    wait_until(
        "the restarted parent to catch up",
        || ltc.log(),
        || ltc.height() >= peer.height(),
    );
    ltc.rpc("loadwallet", json!(["miner"]));
    ltc.rpc("loadwallet", json!(["mweb"]));
    // Nor written its wallets' latest MWEB coins.
    litecoind::wallet(&ltc, "mweb", &["rescanblockchain"]);
    let restarted_at = ltc.height();
    let second = mweb_traffic(&ltc);
    let diagnostics = || format!("{}\nlitecoind log:\n{}", mm.diagnostics(&miner), ltc.log());
    wait_until("a block on the restarted parent", diagnostics, || {
        ltc.height() > restarted_at
    });
    let back = [a.height(), b.height()];
    wait_until(
        "litecoind and both aux chains to grow again",
        diagnostics,
        || {
            a.height() >= back[0] + 2
                && b.height() >= back[1] + 2
                && ltc.height() >= restarted_at + 3
        },
    );
    wait_until(
        "the new peg-in and peg-out to be mined",
        diagnostics,
        || mined(&ltc, restarted_at, &second),
    );

    // Aux blocks mined once the parent was back have parent headers litecoind holds.
    // Those mined around the restart were proven with the last template while the
    // parent was down, as the coordinator is meant to.
    for (index, aux) in [&a, &b].into_iter().enumerate() {
        let parents = parent_hashes(aux, aux.height());
        for parent in &parents[back[index] as usize..] {
            let held =
                |node: &litecoind::Litecoind| node.call("getblockheader", json!([parent])).is_ok();
            assert!(
                held(&ltc) || held(&peer),
                "litecoind does not know parent {parent}\n{}",
                diagnostics()
            );
        }
    }
    // No parent block was refused (before MWEB support, every one was: "Block decode
    // failed"), and the status shows no template problem.
    wait_until("the status file to count the blocks", diagnostics, || {
        mm.status()["stats"]["parent"]["accepted"]
            .as_u64()
            .unwrap_or(0)
            >= 6
    });
    let parent = &mm.status()["stats"]["parent"];
    assert_eq!(parent["rejected"], 0, "{parent}\n{}", diagnostics());
    assert_eq!(parent["unbuildable"], 0, "{parent}");
    assert_eq!(parent["template_error"], Value::Null, "{parent}");
    assert_eq!(parent["up"], true, "{parent}");
}
