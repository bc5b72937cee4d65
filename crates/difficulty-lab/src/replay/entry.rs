//! One object of a vector file with its place in the file (`retarget[3]`,
//! `retarget[3].permitted[1]`), so that a missing, mistyped or unknown field is reported
//! with the entry it is in.
//!
//! Fields whose name starts with `_`, and the annotations `name`, `comment`, `note`,
//! `notes` and `source`, are comments: allowed anywhere and never read as data.

use super::json::{parse_bits, Field};
use serde_json::{Map, Value};
use venture_pow::U256;

const ANNOTATIONS: [&str; 5] = ["name", "comment", "note", "notes", "source"];

#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    fields: &'a Map<String, Value>,
    at: &'a str,
}

impl<'a> Entry<'a> {
    /// `value` as an entry found at `at`; it must be an object.
    pub fn new(value: &'a Value, at: &'a str) -> Field<Self> {
        let fields = value
            .as_object()
            .ok_or_else(|| format!("{at}: expected an object, got {}", kind(value)))?;
        Ok(Entry { fields, at })
    }

    /// Refuses any field that is neither in `known` nor a comment, naming the first.
    pub fn only(&self, known: &[&str]) -> Field<()> {
        let unknown = self.fields.keys().find(|key| {
            !key.starts_with('_')
                && !ANNOTATIONS.contains(&key.as_str())
                && !known.contains(&key.as_str())
        });
        match unknown {
            Some(key) => Err(format!(
                "{}: unknown field `{key}` (known: {})",
                self.at,
                known.join(", ")
            )),
            None => Ok(()),
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.fields.contains_key(key)
    }

    pub fn get(&self, key: &str) -> Field<&'a Value> {
        self.fields
            .get(key)
            .ok_or_else(|| format!("{}: missing `{key}`", self.at))
    }

    fn mistyped(&self, key: &str, wanted: &str, got: &Value) -> String {
        format!("{}: `{key}`: expected {wanted}, got {}", self.at, kind(got))
    }

    pub fn int(&self, key: &str) -> Field<i64> {
        let value = self.get(key)?;
        value
            .as_i64()
            .ok_or_else(|| self.mistyped(key, "an integer", value))
    }

    pub fn boolean(&self, key: &str) -> Field<bool> {
        let value = self.get(key)?;
        value
            .as_bool()
            .ok_or_else(|| self.mistyped(key, "true or false", value))
    }

    /// An optional flag: absent is `false`.
    pub fn flag(&self, key: &str) -> Field<bool> {
        if self.has(key) {
            self.boolean(key)
        } else {
            Ok(false)
        }
    }

    pub fn string(&self, key: &str) -> Field<&'a str> {
        let value = self.get(key)?;
        value
            .as_str()
            .ok_or_else(|| self.mistyped(key, "a string", value))
    }

    /// Compact bits written as a hex string.
    pub fn bits(&self, key: &str) -> Field<u32> {
        parse_bits(self.string(key)?).map_err(|e| format!("{}: `{key}`: {e}", self.at))
    }

    /// A big-endian hex number of up to 256 bits.
    pub fn u256(&self, key: &str) -> Field<U256> {
        let text = self.string(key)?;
        U256::from_str_radix(text.trim_start_matches("0x"), 16)
            .map_err(|_| format!("{}: `{key}`: `{text}` is not a 256-bit hex number", self.at))
    }

    /// The array at `key`.
    pub fn array(&self, key: &str) -> Field<&'a Vec<Value>> {
        let value = self.get(key)?;
        value
            .as_array()
            .ok_or_else(|| self.mistyped(key, "an array", value))
    }

    /// Where this entry is, for naming the entries below it.
    pub fn at(&self) -> &'a str {
        self.at
    }

    /// The entry's name for a case: where it is, and its `name` when it has one.
    pub fn label(&self) -> String {
        match self.fields.get("name").and_then(Value::as_str) {
            Some(name) => format!("{} {name}", self.at),
            None => self.at.to_string(),
        }
    }
}

/// What a JSON value is, for messages: its type and, when short, the value itself.
fn kind(value: &Value) -> String {
    let name = match value {
        Value::Null => return "null".into(),
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => return "an array".into(),
        Value::Object(_) => return "an object".into(),
    };
    let text = value.to_string();
    if text.len() <= 40 {
        format!("{name} ({text})")
    } else {
        name.to_string()
    }
}
