//! `getExpectedIndex` against `expected_index_vectors.json`: tuples read from real
//! Namecoin AuxPoWs and libdohj's test.

mod common;

use common::*;
use serde_json::Value;
use venture_auxpow::get_expected_index;

#[test]
fn expected_index_vectors_pass() {
    let Some(path) = vector_path("auxpow/expected_index_vectors.json") else {
        return;
    };
    let json = load_json(&path);
    let mut checked = 0;
    for (group, rows) in json.as_object().unwrap() {
        let Some(rows) = rows.as_array() else {
            continue;
        };
        for row in rows {
            let field = |key: &str| {
                row[key]
                    .as_i64()
                    .unwrap_or_else(|| panic!("{group}: {key}"))
            };
            let nonce = u32::try_from(field("nonce")).unwrap();
            let chain_id = i32::try_from(field("chain_id")).unwrap();
            let height = u32::try_from(field("merkle_height")).unwrap();
            let expected = field("expected_index");
            assert_eq!(
                i64::from(get_expected_index(nonce, chain_id, height)),
                expected,
                "{group}: {row}"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} tuples found");
    eprintln!("expected index: {checked} tuples");
    // Non-trivial tree heights must be among them, or the modulus is untested.
    let tall = json
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_array)
        .flatten()
        .filter(|row| row["merkle_height"].as_i64().unwrap_or(0) > 0)
        .count();
    assert!(tall > 0);
}
