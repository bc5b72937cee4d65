//! Every `[difficulty]` example in `docs/difficulty.md` parses and builds, so the
//! founders' guide cannot drift from the code.

use venture_difficulty::{ConsensusContext, DifficultyConfig};
use venture_pow::{decode_compact, Target};

#[test]
fn every_documented_example_builds() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/difficulty.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let ctx = ConsensusContext {
        pow_limit: Target(decode_compact(0x1d00ffff).value),
        target_spacing: 600,
        genesis_bits: 0x1d00ffff,
    };
    let mut checked = Vec::new();
    for block in text.split("```toml").skip(1) {
        let Some((body, _)) = block.split_once("```") else {
            panic!("unclosed toml block");
        };
        if !body.contains("[difficulty]") {
            continue;
        }
        let table: toml::Table = toml::from_str(body).unwrap_or_else(|e| panic!("{body}\n{e}"));
        let section = table["difficulty"].clone();
        let config: DifficultyConfig = section.try_into().unwrap_or_else(|e| panic!("{body}\n{e}"));
        let built = config.build(&ctx).unwrap_or_else(|e| panic!("{body}\n{e}"));
        assert_eq!(built.name(), config.name());
        checked.push(config.name());
    }
    for name in [
        "fixed",
        "asert",
        "lwma",
        "digishield",
        "dogecoin_retarget",
        "zcash",
        "bitcoin",
        "per_kind",
    ] {
        assert!(checked.contains(&name), "no documented example of `{name}`");
    }
}
