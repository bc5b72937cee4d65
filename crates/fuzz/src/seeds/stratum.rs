//! Seeds for the Stratum targets: what cgminer-era miners and ASIC firmware send, and
//! what this project's own server answers.

use crate::targets::stratum::{session, CURRENT_JOB, TEMPLATE_TIME};
use std::time::Instant;
use venture_merged_mining::stratum::protocol;

/// Seed sessions of a miner: what cgminer-era miners and ASIC firmware send.
pub(super) fn server_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let ntime = format!("{TEMPLATE_TIME:08x}");
    let lines = |lines: &[String]| {
        let mut bytes = lines.join("\n").into_bytes();
        bytes.push(b'\n');
        bytes
    };
    vec![
        (
            "subscribe-authorize-submit",
            lines(&[
                r#"{"id": 1, "method": "mining.subscribe", "params": ["cgminer/4.10.0"]}"#.into(),
                r#"{"id": 2, "method": "mining.authorize", "params": ["worker1", "x"]}"#.into(),
                format!(r#"{{"id": 4, "method": "mining.submit", "params": ["worker1", "{CURRENT_JOB}", "00000001", "{ntime}", "504e86ed"]}}"#),
                format!(r#"{{"id": 5, "method": "mining.submit", "params": ["worker1", "{CURRENT_JOB}", "00000001", "{ntime}", "504e86ed"]}}"#),
            ]),
        ),
        (
            "configure-suggest-extranonce",
            lines(&[
                r#"{"id":1,"method":"mining.configure","params":[["version-rolling","minimum-difficulty"],{"version-rolling.mask":"1fffe000","minimum-difficulty.value":2048}]}"#.into(),
                r#"{"id":2,"method":"mining.subscribe","params":[]}"#.into(),
                r#"{"id":3,"method":"mining.extranonce.subscribe","params":[]}"#.into(),
                r#"{"id":4,"method":"mining.suggest_difficulty","params":[0.001]}"#.into(),
                r#"{"id":5,"method":"mining.authorize","params":["w.1",""]}"#.into(),
            ]),
        ),
        (
            "out-of-order-and-stale",
            lines(&[
                format!(r#"{{"id":1,"method":"mining.submit","params":["w","{CURRENT_JOB}","00000000","{ntime}","00000000"]}}"#),
                r#"{"id":2,"method":"mining.subscribe","params":null}"#.into(),
                r#"{"id":3,"method":"mining.submit","params":["w","1","zz","0","1"]}"#.into(),
                r#"{"id":"a","method":"mining.authorize","params":"w"}"#.into(),
                r#"{"id":4,"method":"mining.submit","params":["w","1","0000000000","ffffffff","1"]}"#.into(),
            ]),
        ),
        (
            "replies-and-unknown",
            lines(&[
                r#"{"id":null,"result":true,"error":null}"#.into(),
                r#"{"id":7,"result":null,"error":[20,"x",null]}"#.into(),
                r#"{"id":8,"method":"mining.get_transactions","params":["1"]}"#.into(),
                "not json".into(),
                r#"[1,2,3]"#.into(),
            ]),
        ),
    ]
}

/// Seed sessions of a pool, written by this project's own server: what a fresh
/// connection answers to subscribe and authorize (subscription, difficulty, notify),
/// then difficulty and extranonce changes and share replies.
pub(super) fn client_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let now = Instant::now();
    let mut session = session(now);
    let mut opening = Vec::new();
    for line in [
        r#"{"id":1,"method":"mining.subscribe","params":["venture-miner"]}"#,
        r#"{"id":2,"method":"mining.authorize","params":["replay",""]}"#,
    ] {
        opening.extend(session.handle_line(line, now));
    }
    let join = |lines: &[String]| {
        let mut bytes = lines.join("\n").into_bytes();
        bytes.push(b'\n');
        bytes
    };
    let mut later = opening.clone();
    later.push(protocol::call(
        serde_json::Value::Null,
        "mining.set_difficulty",
        serde_json::json!([0.5]),
    ));
    later.push(protocol::call(
        serde_json::Value::Null,
        "mining.set_extranonce",
        serde_json::json!(["08000002", 8]),
    ));
    later.push(protocol::reply(
        &serde_json::json!(10),
        serde_json::json!(true),
    ));
    later.push(protocol::reply_error(
        &serde_json::json!(11),
        &protocol::StratumError::LowDifficulty,
    ));
    vec![
        ("subscribe-authorize-notify", join(&opening)),
        ("difficulty-extranonce-replies", join(&later)),
    ]
}
