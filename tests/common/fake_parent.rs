//! A parent node that answers `getblocktemplate` with whatever reply the test sets, over
//! real HTTP JSON-RPC on loopback: how a broken or hostile parent is played against a
//! real `ventured mm`.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

pub struct FakeParent {
    pub addr: SocketAddr,
    template: Arc<Mutex<Value>>,
}

impl FakeParent {
    /// Starts answering with `template`; every other method gets "Method not found".
    pub fn start(template: Value) -> FakeParent {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let addr = listener.local_addr().expect("its address");
        let template = Arc::new(Mutex::new(template));
        let shared = template.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let template = shared.clone();
                std::thread::spawn(move || serve(stream, &template));
            }
        });
        FakeParent { addr, template }
    }

    /// Answers every later `getblocktemplate` with `template`.
    pub fn set(&self, template: Value) {
        *self.template.lock().unwrap() = template;
    }
}

/// A regtest-like SHA-256d template on tip `[tip; 32]`, with no transactions.
pub fn template(tip: u8) -> Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    json!({
        "version": 0x2000_0000,
        "previousblockhash": hex::encode([tip; 32]),
        "bits": "207fffff",
        "height": 5,
        "curtime": now,
        "mintime": now - 1_000,
        "coinbasevalue": 5_000_000_000u64,
        "transactions": [],
        "weightlimit": 4_000_000,
    })
}

/// Answers requests on one kept-alive connection until the client closes it.
fn serve(stream: TcpStream, template: &Mutex<Value>) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let request: Value = serde_json::from_slice(&body).unwrap_or_default();
        let reply = match request["method"].as_str() {
            Some("getblocktemplate") => {
                json!({"result": *template.lock().unwrap(), "error": null, "id": request["id"]})
            }
            _ => json!({"result": null, "id": request["id"],
                "error": {"code": -32601, "message": "Method not found"}}),
        };
        let body = reply.to_string();
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(body.as_bytes()).is_err()
        {
            return;
        }
    }
}
