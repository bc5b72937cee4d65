//! venture-mining
