//! End to end: the explorer a node serves (`--http`), loaded page by page in a real
//! headless browser on a chain with merge-mined blocks, a settled venture epoch and a
//! block whose coinbase and `OP_RETURN` carry markup. Each number a page shows is
//! checked against the node's RPC answer; screenshots are saved with the test's output.

mod common;

use bitcoin::block::Header as PureHeader;
use bitcoin::consensus::encode;
use bitcoin::script::{Builder, PushBytesBuf};
use bitcoin::{Amount, TxOut};
use common::auxpow::merge_mine;
use common::blocks::{coinbase_with_script, solve, to_hex, Template};
use common::browser::{number_in, text_of, Browser};
use common::{
    assert_closed_unanswered, dev_spec_with_venture, idle_connections, status_of, Node,
    SMALL_VENTURE,
};
use serde_json::{json, Value};
use std::path::PathBuf;
use venture_primitives::coinbase_script;

const MINER_A: &str = "vdev1qyysjzgfpyysjzgfpyysjzgfpyysjzgfpqe3csc";
const MINER_B: &str = "vdev1qj2ff9y5jj2ff9y5jj2ff9y5jj2ff9y5jnjgl6w";
/// What an attacker puts where the explorer shows text.
const COINBASE_MARKUP: &str = "<script>alert('coinbase')</script>";
const OP_RETURN_MARKUP: &str = "<img src=x onerror=alert(1)>";

fn explorer_url(node: &Node) -> String {
    let addr = std::fs::read_to_string(node.datadir.join("http.addr")).expect("http.addr");
    format!("http://{}", addr.trim())
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("explorer-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Mines a native block whose coinbase script and `OP_RETURN` output carry markup.
fn mine_block_with_markup(node: &Node) -> String {
    let template = Template::from_json(&node.rpc("getblocktemplate", json!([{}])));
    let script = coinbase_script(template.height, &[COINBASE_MARKUP.as_bytes()]);
    let mut coinbase = coinbase_with_script(script, template.coinbase_value);
    let payload = PushBytesBuf::try_from(OP_RETURN_MARKUP.as_bytes().to_vec()).unwrap();
    coinbase.output.push(TxOut {
        value: Amount::ZERO,
        script_pubkey: Builder::new()
            .push_opcode(bitcoin::opcodes::all::OP_RETURN)
            .push_slice(payload)
            .into_script(),
    });
    let mut block = template.block_with(coinbase);
    solve(&mut block, &template.target);
    assert_eq!(
        node.rpc("submitblock", json!([to_hex(&block)])),
        Value::Null
    );
    block.block_hash().to_string()
}

/// Loads `path`, saves its screenshot as `name`.png and returns its DOM, checked to
/// hold no script and no element an attacker's text could have made.
fn load(browser: &Browser, base: &str, path: &str, name: &str) -> String {
    let url = format!("{base}{path}");
    browser.screenshot(&url, &screenshots().join(format!("{name}.png")));
    let dom = browser.dom(&url);
    assert!(dom.contains("</main>"), "{path} did not render:\n{dom}");
    for element in ["<script", "<img", "<iframe"] {
        assert!(
            !dom.contains(element),
            "{path} holds an {element} element:\n{dom}"
        );
    }
    dom
}

#[test]
fn every_page_in_a_real_browser_shows_what_rpc_says() {
    let Some(browser) = Browser::find() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let spec = dev_spec_with_venture(dir.path(), SMALL_VENTURE);
    let mut node = Node::start(&["--chain", &spec, "--http", "127.0.0.1:0"]);
    // Heights 1-5 merge-mined by A and B, 6 settles epoch 0, 7 carries markup, 8 is
    // merge-mined in epoch 1.
    let first_merge_mined = merge_mine(&node, MINER_A);
    for miner in [MINER_B, MINER_A, MINER_B, MINER_B] {
        merge_mine(&node, miner);
    }
    node.generate(1);
    let marked = mine_block_with_markup(&node);
    merge_mine(&node, MINER_A);
    let base = explorer_url(&node);
    let rpc = |method: &str, params: Value| node.rpc(method, params);

    // Home: the tip, the merge-mined share, the mempool.
    let dom = load(&browser, &base, "/", "home");
    assert_eq!(
        text_of(&dom, "tip-height"),
        rpc("getblockcount", json!([])).to_string()
    );
    assert_eq!(
        text_of(&dom, "mempool-size"),
        rpc("getmempoolinfo", json!([]))["size"].to_string()
    );
    let merged = (1..=8)
        .filter(|h| {
            let hash = rpc("getblockhash", json!([h]));
            rpc("getblockheader", json!([hash]))["merge_mined"] == json!(true)
        })
        .count();
    assert_eq!(merged, 6);
    assert!(
        text_of(&dom, "merge-mined-share").contains(&format!("({merged} of 8)")),
        "{}",
        text_of(&dom, "merge-mined-share")
    );
    assert_eq!(
        text_of(&dom, "recent-blocks")
            .matches("merge-mined")
            .count(),
        merged
    );

    // A merge-mined block: its parent block is the AuxPoW's parent header.
    let dom = load(
        &browser,
        &base,
        &format!("/block/{first_merge_mined}"),
        "block-merge-mined",
    );
    let block = rpc("getblock", json!([first_merge_mined, 1]));
    let parent: PureHeader = encode::deserialize(
        &hex::decode(block["auxpow"]["parentblock"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        text_of(&dom, "parent-block"),
        parent.block_hash().to_string()
    );
    assert_eq!(text_of(&dom, "block-height"), "1");
    assert_eq!(text_of(&dom, "block-kind"), "merge-mined");
    assert_eq!(text_of(&dom, "block-ntx"), block["nTx"].to_string());
    assert_eq!(text_of(&dom, "block-size"), block["size"].to_string());
    assert_eq!(
        number_in(&text_of(&dom, "block-difficulty")),
        block["difficulty"].as_f64().unwrap()
    );

    // The block with markup: shown as text, run as nothing.
    let dom = load(
        &browser,
        &base,
        &format!("/block/{marked}"),
        "block-with-markup",
    );
    let table = text_of(&dom, "block-transactions");
    assert!(
        table.contains(COINBASE_MARKUP) && table.contains(OP_RETURN_MARKUP),
        "{table}"
    );
    let coinbase = rpc("getblock", json!([marked, 1]))["tx"][0]
        .as_str()
        .unwrap()
        .to_string();
    let dom = load(
        &browser,
        &base,
        &format!("/tx/{coinbase}?block={marked}"),
        "tx-coinbase",
    );
    assert!(text_of(&dom, "tx-outputs").contains(OP_RETURN_MARKUP));
    assert_eq!(text_of(&dom, "tx-confirmations"), "2");

    // The venture page: terms, the settled epoch, the current epoch's contributors.
    let info = rpc("getventureinfo", json!([]));
    let dom = load(&browser, &base, "/venture", "venture");
    for (id, key) in [
        ("venture-paid", "paid"),
        ("venture-remaining", "remaining"),
        ("venture-total", "total"),
        ("venture-carried", "carried"),
    ] {
        assert_eq!(
            number_in(&text_of(&dom, id)),
            info[key].as_f64().unwrap(),
            "{id}"
        );
    }
    assert_eq!(
        text_of(&dom, "venture-settled"),
        info["epochs_settled"].to_string()
    );
    let epochs = text_of(&dom, "venture-epoch-table");
    assert!(
        epochs.contains("settled") && epochs.contains("being earned"),
        "{epochs}"
    );
    let contributors = text_of(&dom, "venture-contributors");
    assert!(contributors.contains(MINER_A), "{contributors}");
    assert!(dom.contains("id=\"chart-vesting\""));
    let spec_hash = rpc("getblockchaininfo", json!([]))["spec_hash"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        dom.contains(&spec_hash),
        "the manifest's spec hash is shown"
    );

    // An address: its balance as the UTXO set says, its tranches as the allocation says.
    let dom = load(&browser, &base, &format!("/address/{MINER_B}"), "address");
    let scan = rpc(
        "scantxoutset",
        json!(["start", [format!("addr({MINER_B})")]]),
    );
    assert_eq!(
        number_in(&text_of(&dom, "address-balance")),
        scan["total_amount"].as_f64().unwrap()
    );
    assert_eq!(
        text_of(&dom, "address-coins"),
        scan["unspents"].as_array().unwrap().len().to_string()
    );
    let allocation = rpc("getventureallocation", json!([MINER_B]));
    assert_eq!(
        number_in(&text_of(&dom, "venture-earned")),
        allocation["earned"].as_f64().unwrap()
    );
    assert_eq!(
        number_in(&text_of(&dom, "venture-locked")),
        allocation["locked"].as_f64().unwrap()
    );

    // Charts, network, search.
    let dom = load(&browser, &base, "/charts?blocks=100", "charts");
    for chart in [
        "chart-difficulty",
        "chart-intervals",
        "chart-merge-mined-share",
    ] {
        assert!(dom.contains(&format!("id=\"{chart}\"")), "{chart}");
    }
    assert!(
        dom.matches("<polyline").count() >= 4,
        "difficulty of both kinds, intervals, share"
    );
    let dom = load(&browser, &base, "/network", "network");
    assert_eq!(
        text_of(&dom, "sync-blocks"),
        rpc("getblockcount", json!([])).to_string()
    );
    let dom = load(&browser, &base, "/search?q=6", "search-height");
    assert_eq!(text_of(&dom, "block-height"), "6");
    let dom = load(
        &browser,
        &base,
        &format!("/search?q={MINER_A}"),
        "search-address",
    );
    assert_eq!(text_of(&dom, "address"), MINER_A);
    let dom = load(
        &browser,
        &base,
        "/search?q=%3Cscript%3Ealert(2)%3C/script%3E",
        "search-markup",
    );
    assert!(text_of(&dom, "error").contains("<script>alert(2)</script>"));
    node.stop();
}

/// What a visitor without a browser can send: every refusal is a clear page with the
/// right status, and pages forbid scripts and framing.
#[test]
fn bad_requests_get_clear_refusals_and_pages_forbid_scripts() {
    let mut node = Node::start(&["--http", "127.0.0.1:0"]);
    node.generate(3);
    let base = explorer_url(&node);
    let get = |path: &str| -> (u16, String, Option<String>) {
        match ureq::get(&format!("{base}{path}")).call() {
            Ok(mut reply) => {
                let csp = reply
                    .headers()
                    .get("content-security-policy")
                    .map(|v| v.to_str().unwrap().to_string());
                (
                    reply.status().as_u16(),
                    reply.body_mut().read_to_string().unwrap(),
                    csp,
                )
            }
            Err(ureq::Error::StatusCode(code)) => (code, String::new(), None),
            Err(e) => panic!("{path}: {e}"),
        }
    };
    let (status, _, csp) = get("/");
    assert_eq!(status, 200);
    assert!(csp.unwrap().contains("default-src 'none'"));
    for (path, status) in [
        ("/block/99999", 404),
        ("/block/12345678901234567890", 400),
        (&format!("/block/{}", "ab".repeat(33)), 400),
        (&format!("/block/{}", "00".repeat(32)), 404),
        ("/tx/nothex", 400),
        (&format!("/tx/{}", "11".repeat(32)), 404),
        ("/address/bc1qnotours", 400),
        ("/charts?blocks=0", 400),
        ("/charts?blocks=1000000", 400),
        (&format!("/search?q={}", "x".repeat(200)), 400),
        ("/search?q=nothing-like-this", 404),
        ("/no/such/page", 404),
    ] {
        assert_eq!(get(path).0, status, "{path}");
    }
    // What a request quotes comes back cut short, however long the request.
    let reply = raw_get(&base, &format!("/block/{}", "z".repeat(20_000)));
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");
    assert!(reply.len() < 5_000, "{} bytes", reply.len());
    assert!(reply.contains("zzz…"), "{reply}");
    node.stop();
}

/// The whole answer, head and body, to `GET path` sent by hand.
fn raw_get(base: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply
}

/// `--dev` serves the explorer on loopback unless told not to.
#[test]
fn dev_nodes_serve_the_explorer_unless_told_not_to() {
    let mut node = Node::start(&["--dev"]);
    let base = explorer_url(&node);
    assert!(base.starts_with("http://127.0.0.1:"));
    assert_eq!(status_of(&format!("{base}/")), 200);
    node.stop();
    let mut quiet = Node::start(&["--dev", "--no-http"]);
    assert!(!quiet.datadir.join("http.addr").exists());
    quiet.stop();
}

/// Far more idle connections than the explorer serves at once, some sending half a
/// request head: a visitor's page is still served, and the idle ones are closed.
#[test]
fn idle_connections_do_not_keep_visitors_out() {
    let mut node = Node::start(&["--http", "127.0.0.1:0"]);
    let base = explorer_url(&node);
    let addr = base.trim_start_matches("http://");
    let mut idle = idle_connections(addr, 3 * venture_explorer::MAX_CONNECTIONS, "/");
    assert_eq!(status_of(&format!("{base}/")), 200);
    assert_closed_unanswered(&mut idle);
    assert_eq!(status_of(&format!("{base}/")), 200);
    node.stop();
}
