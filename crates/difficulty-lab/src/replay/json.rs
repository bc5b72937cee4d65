//! Reading fields of a vector file without panicking: every miss is a message that
//! says which field.

use serde_json::Value;
use venture_pow::U256;

pub type Field<T> = Result<T, String>;

pub fn get<'a>(value: &'a Value, key: &str) -> Field<&'a Value> {
    value.get(key).ok_or_else(|| format!("missing `{key}`"))
}

pub fn array<'a>(value: &'a Value, key: &str) -> Field<&'a Vec<Value>> {
    get(value, key)?
        .as_array()
        .ok_or_else(|| format!("`{key}` is not an array"))
}

pub fn int(value: &Value, key: &str) -> Field<i64> {
    get(value, key)?
        .as_i64()
        .ok_or_else(|| format!("`{key}` is not an integer"))
}

pub fn boolean(value: &Value, key: &str) -> Field<bool> {
    get(value, key)?
        .as_bool()
        .ok_or_else(|| format!("`{key}` is not true or false"))
}

pub fn string<'a>(value: &'a Value, key: &str) -> Field<&'a str> {
    get(value, key)?
        .as_str()
        .ok_or_else(|| format!("`{key}` is not a string"))
}

/// `"0x1d00ffff"` (or without the prefix) as a compact value.
pub fn parse_bits(text: &str) -> Field<u32> {
    let digits = text
        .trim()
        .trim_start_matches("0x")
        .trim_start_matches("0X");
    u32::from_str_radix(digits, 16).map_err(|_| format!("`{text}` is not 32-bit hex"))
}

pub fn bits(value: &Value, key: &str) -> Field<u32> {
    parse_bits(string(value, key)?).map_err(|e| format!("`{key}`: {e}"))
}

/// A big-endian hex number of up to 256 bits.
pub fn u256(value: &Value, key: &str) -> Field<U256> {
    let text = string(value, key)?;
    U256::from_str_radix(text.trim_start_matches("0x"), 16)
        .map_err(|_| format!("`{key}` is not a 256-bit hex number"))
}

/// A case's name for messages: its `name` field, or its index.
pub fn label(case: &Value, index: usize) -> String {
    case.get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("case {index}"))
}
