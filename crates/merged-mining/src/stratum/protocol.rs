//! Stratum v1 messages: one JSON object per line, JSON-RPC 1.0 style (`id`, `method`,
//! `params` for requests and notifications; `id`, `result`, `error` for responses), and
//! the error codes pools return for `mining.submit`.

use serde_json::{json, Value};

/// A message as read from the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// A request (`id` set) or a notification (`id` null).
    Call {
        id: Value,
        method: String,
        params: Vec<Value>,
    },
    /// A reply to one of our requests.
    Reply {
        id: Value,
        result: Value,
        error: Value,
    },
}

/// Parses one line; `None` for anything that is not a Stratum message.
pub fn parse(line: &str) -> Option<Message> {
    let value: Value = serde_json::from_str(line).ok()?;
    let object = value.as_object()?;
    let id = object.get("id").cloned().unwrap_or(Value::Null);
    if let Some(method) = object.get("method").and_then(Value::as_str) {
        let params = match object.get("params") {
            Some(Value::Array(items)) => items.clone(),
            Some(Value::Null) | None => Vec::new(),
            Some(other) => vec![other.clone()],
        };
        return Some(Message::Call {
            id,
            method: method.to_string(),
            params,
        });
    }
    if object.contains_key("result") || object.contains_key("error") {
        return Some(Message::Reply {
            id,
            result: object.get("result").cloned().unwrap_or(Value::Null),
            error: object.get("error").cloned().unwrap_or(Value::Null),
        });
    }
    None
}

/// The error codes of Stratum pools (slush's list, used by cgminer-era pools).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StratumError {
    /// 20: anything else (bad parameters, unknown method, ntime out of range…).
    Other(String),
    /// 21: the job is unknown or superseded by a clean job (a stale share).
    JobNotFound,
    /// 22: the same share was already submitted.
    Duplicate,
    /// 23: the share does not meet the connection's difficulty.
    LowDifficulty,
    /// 24: submit before authorize.
    Unauthorized,
    /// 25: submit or authorize before subscribe.
    NotSubscribed,
}

impl StratumError {
    pub fn code(&self) -> i64 {
        match self {
            StratumError::Other(_) => 20,
            StratumError::JobNotFound => 21,
            StratumError::Duplicate => 22,
            StratumError::LowDifficulty => 23,
            StratumError::Unauthorized => 24,
            StratumError::NotSubscribed => 25,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            StratumError::Other(message) => message,
            StratumError::JobNotFound => "Job not found",
            StratumError::Duplicate => "Duplicate share",
            StratumError::LowDifficulty => "Low difficulty share",
            StratumError::Unauthorized => "Unauthorized worker",
            StratumError::NotSubscribed => "Not subscribed",
        }
    }

    /// The `error` member of a reply: `[code, message, null]`.
    pub fn to_json(&self) -> Value {
        json!([self.code(), self.message(), Value::Null])
    }
}

/// A successful reply line.
pub fn reply(id: &Value, result: Value) -> String {
    json!({ "id": id, "result": result, "error": Value::Null }).to_string()
}

/// A failed reply line.
pub fn reply_error(id: &Value, error: &StratumError) -> String {
    json!({ "id": id, "result": Value::Null, "error": error.to_json() }).to_string()
}

/// Most characters of a miner's own text quoted back in an error: enough to recognise
/// it, and a reply stays short whatever the request held.
pub const MAX_ECHO_CHARS: usize = 64;

/// `text` as quoted in an error: its first [`MAX_ECHO_CHARS`] characters, and `…` when
/// there were more.
pub fn echo(text: &str) -> String {
    match text.char_indices().nth(MAX_ECHO_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// A request (or, with a null id, a notification) line.
pub fn call(id: Value, method: &str, params: Value) -> String {
    json!({ "id": id, "method": method, "params": params }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_calls_and_replies() {
        let call_line = r#"{"id": 4, "method": "mining.submit", "params": ["w", "1", "00000000", "504e86ed", "b2957c02"]}"#;
        match parse(call_line) {
            Some(Message::Call { id, method, params }) => {
                assert_eq!(id, json!(4));
                assert_eq!(method, "mining.submit");
                assert_eq!(params.len(), 5);
            }
            other => panic!("{other:?}"),
        }
        let reply_line = r#"{"id":4,"result":null,"error":[23,"Low difficulty share",null]}"#;
        assert!(matches!(parse(reply_line), Some(Message::Reply { .. })));
        assert_eq!(parse("[1,2]"), None);
        assert_eq!(parse("not json"), None);
        let line = reply_error(&json!(4), &StratumError::Duplicate);
        assert_eq!(
            serde_json::from_str::<Value>(&line).unwrap(),
            json!({"id": 4, "result": null, "error": [22, "Duplicate share", null]})
        );
    }

    #[test]
    fn echoed_text_is_cut_on_a_character_boundary() {
        assert_eq!(echo("mining.foo"), "mining.foo");
        let exact = "x".repeat(MAX_ECHO_CHARS);
        assert_eq!(echo(&exact), exact);
        let long = "é".repeat(MAX_ECHO_CHARS + 1);
        assert_eq!(echo(&long), format!("{}…", "é".repeat(MAX_ECHO_CHARS)));
    }
}
