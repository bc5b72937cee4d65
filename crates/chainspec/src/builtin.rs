//! Specs compiled into the binary.

/// Names of the built-in specs.
pub const BUILTIN_SPECS: &[&str] = &["dev"];

/// The TOML text of a built-in spec.
pub fn builtin_spec(name: &str) -> Option<&'static str> {
    match name {
        "dev" => Some(include_str!("../../../chainspec/dev.toml")),
        _ => None,
    }
}
