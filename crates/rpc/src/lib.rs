//! venture-rpc
