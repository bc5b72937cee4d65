//! `Bits`: a compact target as it appears in specs and RPC, written `"0x1d00ffff"`.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A compact ("nBits") target value. Serialized as a `0x`-prefixed 8-digit hex string;
/// deserialized from that or from a plain integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bits(pub u32);

impl fmt::Display for Bits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#010x}", self.0)
    }
}

impl FromStr for Bits {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s
            .strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .unwrap_or(s);
        u32::from_str_radix(digits, 16)
            .map(Bits)
            .map_err(|_| format!("`{s}` is not a compact target (expected hex like 0x1d00ffff)"))
    }
}

impl Serialize for Bits {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Bits {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Bits;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a compact target such as \"0x1d00ffff\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Bits, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Bits, E> {
                u32::try_from(v)
                    .map(Bits)
                    .map_err(|_| E::custom(format!("{v} does not fit in 32 bits")))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Bits, E> {
                u32::try_from(v)
                    .map(Bits)
                    .map_err(|_| E::custom(format!("{v} does not fit in 32 bits")))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
