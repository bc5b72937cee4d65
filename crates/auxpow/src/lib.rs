//! venture-auxpow
