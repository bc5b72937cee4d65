//! Version rolling (BIP310's `version-rolling` extension over BIP320's bits): which
//! header version bits a miner may change, negotiated once per connection with
//! `mining.configure`, and the rules a share's `version_bits` must follow.
//!
//! The server offers [`DEFAULT_SERVER_MASK`] (`1fffe000`, bits 13 to 28, the sixteen
//! bits BIP320 sets aside for general use) unless configured otherwise. The negotiated
//! mask is the miner's mask AND the server's. A share's version is
//! `(job_version & !mask) | (version_bits & mask)`, and `version_bits` may have no bit
//! outside the mask (BIP310's `version_bits & ~last_mask == 0`).

pub use crate::coordinator::VersionRoll;

use crate::stratum::encoding::u32_from_hex;
use crate::stratum::protocol::echo;
use serde_json::{Map, Value};

/// BIP320's general-purpose bits: what the server lets miners roll by default.
pub const DEFAULT_SERVER_MASK: u32 = 0x1fff_e000;

/// The mask a miner that sends none is taken to offer (BIP310's default).
const DEFAULT_MINER_MASK: u32 = 0xffff_ffff;

/// The outcome of a `version-rolling` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Negotiation {
    /// Rolling is on with this mask (never zero). `short_of` is set when the mask has
    /// fewer bits than the miner's `min-bit-count`: BIP310 lets such a miner run in a
    /// degraded mode rather than be turned away.
    Granted { mask: u32, short_of: Option<u32> },
    /// Rolling stays off; the reason goes back as the extension's result string.
    Refused(String),
}

/// Negotiates from `mining.configure`'s extension parameters against `server_mask`.
pub fn negotiate(server_mask: u32, parameters: &Map<String, Value>) -> Negotiation {
    let miner_mask = match parameters.get("version-rolling.mask") {
        None => DEFAULT_MINER_MASK,
        Some(value) => match value.as_str().and_then(u32_from_hex) {
            Some(mask) => mask,
            None => {
                return Negotiation::Refused(format!(
                    "version-rolling.mask must be 8 hex digits, not {}",
                    echo(&value.to_string())
                ))
            }
        },
    };
    let min_bit_count = match parameters.get("version-rolling.min-bit-count") {
        None => 0,
        Some(value) => match bit_count(value) {
            Some(count) => count,
            None => {
                return Negotiation::Refused(format!(
                    "version-rolling.min-bit-count must be a count of bits (0 to 32), not {}",
                    echo(&value.to_string())
                ))
            }
        },
    };
    let mask = miner_mask & server_mask;
    if mask == 0 {
        return Negotiation::Refused(format!(
            "no bit of mask {miner_mask:08x} may be rolled here (server mask {server_mask:08x})"
        ));
    }
    let short_of = (mask.count_ones() < min_bit_count).then_some(min_bit_count);
    Negotiation::Granted { mask, short_of }
}

/// Why a share's `version_bits` is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionBitsError {
    /// The connection never negotiated version rolling.
    NotNegotiated,
    /// Not 8 hex digits.
    Malformed,
    /// Bits outside the negotiated mask.
    OutsideMask { bits: u32, mask: u32 },
}

impl VersionBitsError {
    /// The reason sent to the miner. "Invalid version mask" starts it for bits outside
    /// the mask, as ckpool and public-pool word it, so tools that match on it still do.
    pub fn message(&self) -> String {
        match self {
            VersionBitsError::NotNegotiated => {
                "version_bits given but version rolling was not negotiated (mining.configure)"
                    .into()
            }
            VersionBitsError::Malformed => "version_bits must be 8 hex digits".into(),
            VersionBitsError::OutsideMask { bits, mask } => format!(
                "Invalid version mask: version_bits {bits:08x} has bits {:08x} outside the negotiated mask {mask:08x}",
                bits & !mask
            ),
        }
    }
}

/// Checks a submit's optional `version_bits` against the connection's negotiated mask
/// (`None`: never negotiated); gives the roll to apply, `None` when the field is absent.
pub fn check_version_bits(
    mask: Option<u32>,
    field: Option<&Value>,
) -> Result<Option<VersionRoll>, VersionBitsError> {
    let Some(field) = field.filter(|f| !f.is_null()) else {
        // A miner that rolls nothing may leave the field out: the job's version stands.
        return Ok(None);
    };
    let mask = mask.ok_or(VersionBitsError::NotNegotiated)?;
    let bits = field
        .as_str()
        .and_then(u32_from_hex)
        .ok_or(VersionBitsError::Malformed)?;
    if bits & !mask != 0 {
        return Err(VersionBitsError::OutsideMask { bits, mask });
    }
    Ok(Some(VersionRoll { mask, bits }))
}

/// A `min-bit-count`: a number, or (as some firmware sends it) a decimal string.
fn bit_count(value: &Value) -> Option<u32> {
    let count = match value {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.parse().ok()?,
        _ => return None,
    };
    u32::try_from(count).ok().filter(|c| *c <= 32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn the_mask_is_the_miners_and_the_servers() {
        let asked =
            params(json!({"version-rolling.mask": "1fffe000", "version-rolling.min-bit-count": 2}));
        assert_eq!(
            negotiate(DEFAULT_SERVER_MASK, &asked),
            Negotiation::Granted {
                mask: 0x1fff_e000,
                short_of: None
            }
        );
        // BIP310's own example: a miner offering the whole version, a narrower server.
        let asked =
            params(json!({"version-rolling.mask": "FFFFFFFF", "version-rolling.min-bit-count": 2}));
        assert_eq!(
            negotiate(0x1800_0000, &asked),
            Negotiation::Granted {
                mask: 0x1800_0000,
                short_of: None
            }
        );
        // No mask given: the miner offers every bit.
        assert_eq!(
            negotiate(DEFAULT_SERVER_MASK, &Map::new()),
            Negotiation::Granted {
                mask: DEFAULT_SERVER_MASK,
                short_of: None
            }
        );
        let partial = params(json!({"version-rolling.mask": "00fff000"}));
        assert_eq!(
            negotiate(DEFAULT_SERVER_MASK, &partial),
            Negotiation::Granted {
                mask: 0x00ff_e000,
                short_of: None
            }
        );
    }

    #[test]
    fn a_min_bit_count_beyond_the_mask_is_granted_degraded() {
        // Braiins firmware asks for 16 bits; a server offering 2 still grants them.
        let asked = params(
            json!({"version-rolling.mask": "1fffe000", "version-rolling.min-bit-count": 16}),
        );
        assert_eq!(
            negotiate(0x0000_6000, &asked),
            Negotiation::Granted {
                mask: 0x6000,
                short_of: Some(16)
            }
        );
        let as_text = params(json!({"version-rolling.min-bit-count": "16"}));
        assert_eq!(
            negotiate(DEFAULT_SERVER_MASK, &as_text),
            Negotiation::Granted {
                mask: DEFAULT_SERVER_MASK,
                short_of: None
            }
        );
    }

    #[test]
    fn malformed_or_disjoint_requests_are_refused_with_a_reason() {
        for mask in [
            json!("1fffe00"),
            json!("1fffe0000"),
            json!("1fffe00g"),
            json!("+fffe000"),
            json!(0x1fffe000),
        ] {
            let asked = params(json!({"version-rolling.mask": mask}));
            match negotiate(DEFAULT_SERVER_MASK, &asked) {
                Negotiation::Refused(reason) => {
                    assert!(reason.contains("8 hex digits"), "{reason}")
                }
                other => panic!("{mask}: {other:?}"),
            }
        }
        for count in [json!(-1), json!(33), json!(1.5), json!("two"), json!(null)] {
            let asked = params(json!({"version-rolling.min-bit-count": count}));
            assert!(
                matches!(
                    negotiate(DEFAULT_SERVER_MASK, &asked),
                    Negotiation::Refused(_)
                ),
                "{count}"
            );
        }
        let disjoint = params(json!({"version-rolling.mask": "e0001fff"}));
        assert!(matches!(
            negotiate(DEFAULT_SERVER_MASK, &disjoint),
            Negotiation::Refused(_)
        ));
        // A server configured to roll nothing refuses everyone.
        assert!(matches!(negotiate(0, &Map::new()), Negotiation::Refused(_)));
    }

    #[test]
    fn version_bits_stay_within_the_negotiated_mask() {
        let mask = Some(0x1fff_e000);
        assert_eq!(
            check_version_bits(mask, Some(&json!("00002000"))),
            Ok(Some(VersionRoll {
                mask: 0x1fff_e000,
                bits: 0x2000
            }))
        );
        assert_eq!(
            check_version_bits(mask, Some(&json!("1FFFE000"))),
            Ok(Some(VersionRoll {
                mask: 0x1fff_e000,
                bits: 0x1fff_e000
            }))
        );
        // Absent (or null): nothing rolled.
        assert_eq!(check_version_bits(mask, None), Ok(None));
        assert_eq!(check_version_bits(mask, Some(&Value::Null)), Ok(None));
        assert_eq!(
            check_version_bits(mask, Some(&json!("20002000"))),
            Err(VersionBitsError::OutsideMask {
                bits: 0x2000_2000,
                mask: 0x1fff_e000
            })
        );
        let message = VersionBitsError::OutsideMask {
            bits: 0x2000_2000,
            mask: 0x1fff_e000,
        }
        .message();
        assert!(message.starts_with("Invalid version mask"), "{message}");
        assert!(message.contains("20000000"), "{message}");
        assert_eq!(
            check_version_bits(mask, Some(&json!("00001000"))),
            Err(VersionBitsError::OutsideMask {
                bits: 0x1000,
                mask: 0x1fff_e000
            })
        );
        for bad in [
            json!("2000"),
            json!("0x002000"),
            json!("zzzzzzzz"),
            json!(8192),
        ] {
            assert_eq!(
                check_version_bits(mask, Some(&bad)),
                Err(VersionBitsError::Malformed),
                "{bad}"
            );
        }
        assert_eq!(
            check_version_bits(None, Some(&json!("00002000"))),
            Err(VersionBitsError::NotNegotiated)
        );
        // Without negotiation and without the field, shares are what they always were.
        assert_eq!(check_version_bits(None, None), Ok(None));
    }

    #[test]
    fn the_rolled_version_keeps_the_jobs_bits_outside_the_mask() {
        // Litecoin regtest's template version, with bit 28 (inside the mask) set.
        let roll = |mask, bits| VersionRoll { mask, bits };
        assert_eq!(roll(0x1fff_e000, 0x6000).apply(0x3000_0010), 0x2000_6010);
        assert_eq!(
            roll(0x1fff_e000, 0x1fff_e000).apply(0x2000_0000),
            0x3fff_e000
        );
        assert_eq!(roll(0, 0).apply(0x2000_0000), 0x2000_0000);
        assert_eq!(u32_from_hex("1fffe000"), Some(DEFAULT_SERVER_MASK));
        assert_eq!(u32_from_hex("1fffe00"), None);
    }
}
