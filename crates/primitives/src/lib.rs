//! venture-primitives
