//! The `[difficulty]` spec section: parsing, names, and every refusal naming its field.

use venture_difficulty::{ConsensusContext, DifficultyConfig, DifficultyError};
use venture_pow::{decode_compact, Target};

fn ctx() -> ConsensusContext {
    ConsensusContext {
        pow_limit: Target(decode_compact(0x1d00ffff).value),
        target_spacing: 600,
        genesis_bits: 0x1d00ffff,
    }
}

fn parse(text: &str) -> DifficultyConfig {
    toml::from_str(text).unwrap_or_else(|e| panic!("{text}\n{e}"))
}

/// One example of every algorithm, as a founder would write it.
const EXAMPLES: &[&str] = &[
    "algorithm = \"fixed\"",
    "algorithm = \"fixed\"\nbits = \"0x1c00ffff\"",
    "algorithm = \"bitcoin\"\ninterval = 2016",
    "algorithm = \"asert\"\nhalf_life = 172800",
    "algorithm = \"asert\"\nhalf_life = 3600\nanchor_height = 10",
    "algorithm = \"asert\"\nhalf_life = 172800\nanchor = { height = 661647, bits = \"0x1804dafe\", parent_time = 1605447844 }",
    "algorithm = \"lwma\"\nwindow = 45\nk = 13772",
    "algorithm = \"lwma\"\nwindow = 60\nmin_solvetime = -360\ncap_at_pow_limit = false",
    "algorithm = \"lwma\"\nwindow = 90\nmin_t_divisor = 3\nmax_solvetime = 1800",
    "algorithm = \"digishield\"",
    "algorithm = \"dogecoin_retarget\"\ninterval = 240",
    "algorithm = \"zcash\"",
    "algorithm = \"zcash\"\nwindow = 17\nmax_adjust_up_pct = 16\nmax_adjust_down_pct = 32",
    "algorithm = \"per_kind\"\nnative_target_spacing = 1800\n[native]\nalgorithm = \"lwma\"\nwindow = 45\n[merge_mined]\nalgorithm = \"asert\"\nhalf_life = 86400",
];

#[test]
fn every_example_parses_builds_and_keeps_its_name() {
    for text in EXAMPLES {
        let config = parse(text);
        let built = config
            .build(&ctx())
            .unwrap_or_else(|e| panic!("{text}\n{e}"));
        assert_eq!(built.name(), config.name(), "{text}");
        let expected = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("algorithm = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap();
        assert_eq!(config.name(), expected);
        // What we write back reads back the same.
        let written = toml::to_string(&config).unwrap();
        assert_eq!(parse(&written), config, "{written}");
    }
}

fn refused(text: &str) -> (String, String) {
    match parse(text).build(&ctx()) {
        Err(DifficultyError::InvalidParameter { field, reason }) => (field.to_string(), reason),
        Err(other) => panic!("{text}: wrong error {other}"),
        Ok(_) => panic!("{text}: accepted"),
    }
}

#[test]
fn bad_parameters_are_refused_with_their_field() {
    let cases: &[(&str, &str)] = &[
        ("algorithm = \"fixed\"\nbits = \"0x1e00ffff\"", "bits"),
        ("algorithm = \"fixed\"\nbits = \"0x1d80ffff\"", "bits"),
        ("algorithm = \"bitcoin\"\ninterval = 0", "interval"),
        ("algorithm = \"bitcoin\"\ninterval = 4000000000", "interval"),
        ("algorithm = \"asert\"\nhalf_life = 0", "half_life"),
        (
            "algorithm = \"asert\"\nhalf_life = 3600\nanchor_height = 1\nanchor = { height = 1, bits = \"0x1d00ffff\", parent_time = 0 }",
            "anchor",
        ),
        (
            "algorithm = \"asert\"\nhalf_life = 3600\nanchor = { height = 1, bits = \"0x1e00ffff\", parent_time = 0 }",
            "anchor.bits",
        ),
        (
            "algorithm = \"asert\"\nhalf_life = 3600\nanchor = { height = 1, bits = \"0x00000000\", parent_time = 0 }",
            "anchor.bits",
        ),
        (
            "algorithm = \"asert\"\nhalf_life = 3600\nanchor = { height = 1, bits = \"0x1d00ffff\", parent_time = -9223372036854775808 }",
            "anchor.parent_time",
        ),
        (
            "algorithm = \"asert\"\nhalf_life = 3600\nanchor = { height = 1, bits = \"0x1d00ffff\", parent_time = 4294967296 }",
            "anchor.parent_time",
        ),
        ("algorithm = \"lwma\"\nwindow = 1", "window"),
        ("algorithm = \"lwma\"\nwindow = 0", "window"),
        ("algorithm = \"lwma\"\nwindow = 1000000", "window"),
        ("algorithm = \"lwma\"\nwindow = 45\nk = 0", "k"),
        ("algorithm = \"lwma\"\nwindow = 45\nk = 18446744073709551615", "k"),
        ("algorithm = \"lwma\"\nwindow = 45\nmin_t_divisor = 0", "min_t_divisor"),
        ("algorithm = \"lwma\"\nwindow = 45\nmax_solvetime = 0", "max_solvetime"),
        ("algorithm = \"lwma\"\nwindow = 45\nmin_solvetime = 1", "min_solvetime"),
        ("algorithm = \"dogecoin_retarget\"\ninterval = 0", "interval"),
        ("algorithm = \"zcash\"\nwindow = 0", "window"),
        ("algorithm = \"zcash\"\nmax_adjust_up_pct = 100", "max_adjust_up_pct"),
        ("algorithm = \"zcash\"\nmax_adjust_down_pct = -1", "max_adjust_down_pct"),
        (
            "algorithm = \"per_kind\"\n[native]\nalgorithm = \"fixed\"\n[merge_mined]\nalgorithm = \"per_kind\"\n[merge_mined.native]\nalgorithm = \"fixed\"\n[merge_mined.merge_mined]\nalgorithm = \"fixed\"",
            "merge_mined",
        ),
        (
            "algorithm = \"per_kind\"\nmerge_mined_target_spacing = 0\n[native]\nalgorithm = \"fixed\"\n[merge_mined]\nalgorithm = \"fixed\"",
            "merge_mined_target_spacing",
        ),
        (
            "algorithm = \"per_kind\"\n[native]\nalgorithm = \"lwma\"\nwindow = 1\n[merge_mined]\nalgorithm = \"fixed\"",
            "native",
        ),
    ];
    for (text, field) in cases {
        let (got, reason) = refused(text);
        assert_eq!(&got, field, "{text}: {reason}");
        assert!(!reason.is_empty());
    }
    // The per-kind refusal says which inner field was wrong.
    let (_, reason) = refused(cases[cases.len() - 1].0);
    assert!(reason.starts_with("window:"), "{reason}");
}

/// Algorithms that read the chain's spacing refuse a zero one.
#[test]
fn zero_target_spacing_is_refused() {
    let ctx = ConsensusContext {
        target_spacing: 0,
        ..ctx()
    };
    for text in [
        "algorithm = \"asert\"\nhalf_life = 3600",
        "algorithm = \"lwma\"\nwindow = 45",
        "algorithm = \"digishield\"",
        "algorithm = \"dogecoin_retarget\"\ninterval = 240",
        "algorithm = \"zcash\"",
        "algorithm = \"bitcoin\"\ninterval = 2016",
    ] {
        match parse(text).build(&ctx) {
            Err(DifficultyError::InvalidParameter { field, .. }) => {
                assert!(
                    field == "target_spacing" || field == "target_timespan",
                    "{text}: {field}"
                )
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn unknown_fields_are_refused() {
    for text in [
        "algorithm = \"asert\"\nhalf_life = 3600\nhalflife = 3600",
        "algorithm = \"lwma\"\nwindow = 45\nN = 45",
        "algorithm = \"digishield\"\nwindow = 1",
        "algorithm = \"asert\"\nhalf_life = 3600\nanchor = { height = 1, bits = \"0x1d00ffff\", parent_time = 0, time = 5 }",
        "algorithm = \"per_kind\"\n[native]\nalgorithm = \"fixed\"\ncolour = 1\n[merge_mined]\nalgorithm = \"fixed\"",
        "algorithm = \"aserti3-2d\"\nhalf_life = 3600",
        "algorithm = \"per_kind\"\n[native]\nalgorithm = \"fixed\"",
    ] {
        assert!(toml::from_str::<DifficultyConfig>(text).is_err(), "{text} was accepted");
    }
}
