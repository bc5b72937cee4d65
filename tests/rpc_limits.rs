//! End to end: the bounds of a real `ventured`'s JSON-RPC server. A batch over the
//! limit runs none of its calls, a body over the limit is refused from its length, and
//! a caller without credentials is turned away before the node reads its body. Its
//! metrics endpoint bounds connections: idle ones neither pile up nor keep a scrape out.

mod common;

use common::{assert_closed_unanswered, idle_connections, Node, TEST_ADDRESS};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use venture_rpc::{MAX_BATCH_CALLS, MAX_BODY_BYTES};

fn dev_node() -> Node {
    Node::start(&[
        "--chain",
        "dev",
        "--rpc-user",
        "alice",
        "--rpc-password",
        "pw",
    ])
}

/// Sends only the head of a POST with `length_header` (`Content-Length: N` or
/// `Transfer-Encoding: chunked`) and logging in with `login` (base64 of user:password).
fn post_head(node: &Node, login: &str, length_header: &str) -> TcpStream {
    let mut stream = TcpStream::connect(node.rpc).unwrap();
    // A guard against a hang, not a timing check.
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nAuthorization: Basic {login}\r\n\
         Content-Type: application/json\r\n{length_header}\r\n\r\n",
        node.rpc
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream
}

/// Sends only the head of a POST announcing `length` body bytes, and returns the
/// status line of the reply, which must come without any body byte sent.
fn head_only(node: &Node, login: &str, length: usize) -> String {
    let mut stream = post_head(node, login, &format!("Content-Length: {length}"));
    status_line(&mut stream)
}

fn status_line(stream: &mut TcpStream) -> String {
    let mut reply = Vec::new();
    let mut byte = [0u8; 1];
    while !reply.ends_with(b"\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => reply.push(byte[0]),
            other => panic!("no reply to the head ({other:?}); so far {reply:?}"),
        }
    }
    String::from_utf8_lossy(&reply).trim().to_string()
}

#[test]
fn a_batch_over_the_limit_runs_none_of_its_calls() {
    let node = dev_node();
    let post = |body: &str| node.raw_post("alice", "pw", body);
    // One call that would mine a block, then enough reads to pass the limit.
    let mine = json!({"method": "generatetoaddress", "params": [1, TEST_ADDRESS], "id": 0});
    let count = json!({"method": "getblockcount", "params": [], "id": 1});
    let mut calls = vec![mine];
    calls.extend(std::iter::repeat_n(count.clone(), MAX_BATCH_CALLS));
    let (status, reply) = post(&Value::Array(calls).to_string());
    assert_eq!(status, 400);
    let reply: Value = serde_json::from_str(&reply).unwrap();
    assert_eq!(reply["error"]["code"], -32600);
    assert_eq!(
        reply["error"]["message"],
        format!(
            "batch of {} calls exceeds the maximum of {MAX_BATCH_CALLS}",
            MAX_BATCH_CALLS + 1
        )
    );
    assert_eq!(node.height(), 0, "a call of the refused batch ran");

    // A batch at the limit is served whole.
    let calls = vec![count; MAX_BATCH_CALLS];
    let (status, reply) = post(&Value::Array(calls).to_string());
    assert_eq!(status, 200);
    let replies: Vec<Value> = serde_json::from_str(&reply).unwrap();
    assert_eq!(replies.len(), MAX_BATCH_CALLS);
    assert!(replies.iter().all(|r| r["result"] == 0));
}

#[test]
fn bodies_are_bounded_and_strangers_are_refused_before_their_body_is_read() {
    let node = dev_node();
    // base64("alice:pw") and base64("alice:no").
    let (good, bad) = ("YWxpY2U6cHc=", "YWxpY2U6bm8=");
    // A caller without the right login gets 401 without sending the megabyte it
    // announced: the node never waits for (nor holds) a stranger's body.
    assert_eq!(head_only(&node, bad, 1 << 20), "HTTP/1.1 401 Unauthorized");
    // With the login, a body announced over the limit is refused from its length.
    assert_eq!(
        head_only(&node, good, MAX_BODY_BYTES + 1),
        "HTTP/1.1 413 Payload Too Large"
    );
    // A body that does not say its length is cut off once it passes the limit.
    let mut stream = post_head(&node, good, "Transfer-Encoding: chunked");
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..MAX_BODY_BYTES / chunk.len() {
        stream
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .unwrap();
        stream.write_all(&chunk).unwrap();
        stream.write_all(b"\r\n").unwrap();
    }
    stream.write_all(b"1\r\n \r\n").unwrap();
    assert_eq!(status_line(&mut stream), "HTTP/1.1 413 Payload Too Large");
    // Nothing changed, and the node still answers.
    assert_eq!(node.height(), 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(node.cookie_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

/// Far more idle connections than the metrics endpoint serves at once (some sending
/// nothing, some half a request head), then a real scrape: it is answered, and every
/// idle connection is closed, the oldest as newer ones arrive, the rest at the request
/// timeout, instead of being held open.
#[test]
fn idle_connections_neither_pile_up_nor_keep_a_scrape_out() {
    let node = Node::start(&["--chain", "dev", "--metrics", "127.0.0.1:0"]);
    // Written once the endpoint listens, which may be after the RPC answers.
    let file = node.datadir.join("metrics.addr");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let addr = loop {
        match std::fs::read_to_string(&file) {
            Ok(addr) if !addr.trim().is_empty() => break addr.trim().to_string(),
            _ => assert!(std::time::Instant::now() < deadline, "no metrics.addr"),
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut idle = idle_connections(&addr, 3 * venture_metrics::MAX_CONNECTIONS, "/metrics");
    let scrape = node.metrics();
    assert!(scrape.contains("venture_chain_height"), "{scrape}");
    assert_closed_unanswered(&mut idle);
    // And the endpoint still serves.
    assert!(node.metrics().contains("venture_chain_height"));
}
