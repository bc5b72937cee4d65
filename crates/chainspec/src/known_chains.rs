//! Chain ids already used by merge-mined chains. A new chain should pick another, or a
//! pool merge-mining both could not give each its own slot in the commitment tree.

/// (chain id, chain) pairs of merge-mined chains in production.
pub const KNOWN_CHAIN_IDS: &[(u32, &str)] = &[
    (0x0001, "Namecoin"),
    (0x0062, "Dogecoin"),
    (0x1000, "Syscoin"),
    (0x2024, "Fractal Bitcoin"),
];

/// The chain already using `chain_id`, if any.
pub fn known_chain_id(chain_id: u32) -> Option<&'static str> {
    KNOWN_CHAIN_IDS
        .iter()
        .find(|(id, _)| *id == chain_id)
        .map(|(_, name)| *name)
}
