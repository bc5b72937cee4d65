//! venture-chainspec
