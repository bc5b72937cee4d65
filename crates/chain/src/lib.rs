//! venture-chain
