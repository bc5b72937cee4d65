//! Helpers shared by the vector tests: reading vectors and a sparse chain.
#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeMap;
use venture_difficulty::{Ancestry, BlockKind, BlockMeta};
use venture_pow::U256;

/// The parsed JSON vector file, or `None` when the vectors are absent outside CI.
pub fn json(relative: &str) -> Option<Value> {
    let path = venture_testkit::vector_path(relative)?;
    let text = std::fs::read_to_string(&path).unwrap();
    Some(serde_json::from_str(&text).unwrap())
}

/// `"0x1d00ffff"` as a number.
pub fn bits(value: &Value) -> u32 {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is not a string"));
    u32::from_str_radix(text.trim_start_matches("0x"), 16).unwrap()
}

/// A big-endian hex number.
pub fn u256(value: &Value) -> U256 {
    U256::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

pub fn int(value: &Value) -> i64 {
    value
        .as_i64()
        .unwrap_or_else(|| panic!("{value} is not an integer"))
}

/// A non-empty array of cases.
pub fn list<'a>(doc: &'a Value, key: &str) -> &'a Vec<Value> {
    let list = doc[key]
        .as_array()
        .unwrap_or_else(|| panic!("no `{key}` array"));
    assert!(!list.is_empty(), "`{key}` is empty");
    list
}

pub fn block(height: u32, time: u32, bits: u32) -> BlockMeta {
    BlockMeta {
        height,
        time,
        bits,
        kind: BlockKind::Native,
    }
}

/// A chain known only at some heights (the ones an algorithm reads); the highest is
/// the tip. Reading any other height is a missing ancestor, which makes a test fail
/// if an algorithm reads a block it should not.
#[derive(Debug, Default)]
pub struct SparseChain {
    pub blocks: BTreeMap<u32, BlockMeta>,
}

impl SparseChain {
    pub fn new(blocks: impl IntoIterator<Item = BlockMeta>) -> Self {
        SparseChain {
            blocks: blocks.into_iter().map(|b| (b.height, b)).collect(),
        }
    }
}

impl Ancestry for SparseChain {
    fn tip(&self) -> BlockMeta {
        *self.blocks.values().next_back().unwrap()
    }

    fn ancestor(&self, height: u32) -> Option<BlockMeta> {
        self.blocks.get(&height).copied()
    }
}
