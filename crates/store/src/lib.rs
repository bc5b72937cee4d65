//! venture-store
