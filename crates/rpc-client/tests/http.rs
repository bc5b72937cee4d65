//! The client against a plain HTTP/1.1 server on loopback: replies chunked across
//! multi-byte characters come back whole, and calls share one kept-alive connection.

use serde_json::json;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use venture_rpc_client::RpcClient;

/// Serves every request on a connection with `reply`, sent in chunks of `chunk`
/// bytes; counts connections.
fn serve(reply: &'static str, chunk: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut stream = stream;
                loop {
                    let mut length = 0;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if let Some(value) =
                            line.to_ascii_lowercase().strip_prefix("content-length:")
                        {
                            length = value.trim().parse().unwrap();
                        }
                        if line == "\r\n" {
                            break;
                        }
                    }
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).unwrap();
                    let mut out = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
                    for piece in reply.as_bytes().chunks(chunk) {
                        out.extend(format!("{:x}\r\n", piece.len()).as_bytes());
                        out.extend(piece);
                        out.extend(b"\r\n");
                    }
                    out.extend(b"0\r\n\r\n");
                    if stream.write_all(&out).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (addr, connections)
}

#[test]
fn chunks_split_inside_characters_come_back_whole() {
    let (addr, _) = serve(r#"{"result":"žluťoučký kůň — 馬","error":null,"id":1}"#, 3);
    let client = RpcClient::new(addr, "user", "pw");
    assert_eq!(
        client.call("echo", json!([])).unwrap(),
        json!("žluťoučký kůň — 馬")
    );
}

#[test]
fn calls_share_one_kept_alive_connection() {
    let (addr, connections) = serve(r#"{"result":7,"error":null,"id":1}"#, 64);
    let client = RpcClient::new(addr.clone(), "user", "pw");
    for _ in 0..5 {
        assert_eq!(client.call("getblockcount", json!([])).unwrap(), json!(7));
    }
    // A new client per call, as the merged-mining coordinator makes them, too.
    for _ in 0..5 {
        let client = RpcClient::new(addr.clone(), "user", "pw");
        assert_eq!(client.call("getblockcount", json!([])).unwrap(), json!(7));
    }
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}
