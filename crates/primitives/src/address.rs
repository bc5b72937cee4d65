//! Bech32 (segwit v0) and bech32m (v1+) addresses with a chain's own human-readable
//! part, e.g. `vdev1q…`. Only native segwit outputs have addresses on Venture chains.

use crate::PrimitivesError;
use bitcoin::script::Builder;
use bitcoin::{ScriptBuf, WitnessVersion};

/// A validated human-readable part (`bc`, `tb`, `vnt`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hrp(bech32::Hrp);

impl Hrp {
    /// Checks `s` is a valid lower-case bech32 human-readable part.
    pub fn parse(s: &str) -> Result<Hrp, PrimitivesError> {
        if s.is_empty()
            || s.chars()
                .any(|c| !c.is_ascii_lowercase() && !c.is_ascii_digit())
        {
            return Err(PrimitivesError::InvalidHrp(
                s.to_string(),
                "use 1 to 83 lower-case letters or digits".into(),
            ));
        }
        bech32::Hrp::parse(s)
            .map(Hrp)
            .map_err(|e| PrimitivesError::InvalidHrp(s.to_string(), e.to_string()))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// The output script an address pays to, refusing addresses of other chains.
pub fn address_to_script(hrp: &Hrp, address: &str) -> Result<ScriptBuf, PrimitivesError> {
    let invalid = |reason: String| PrimitivesError::InvalidAddress {
        address: address.to_string(),
        reason,
    };
    let (found, version, program) =
        bech32::segwit::decode(address).map_err(|e| invalid(e.to_string()))?;
    if found != hrp.0 {
        return Err(PrimitivesError::WrongNetwork {
            address: address.to_string(),
            found: found.to_string(),
            expected: hrp.as_str().to_string(),
        });
    }
    let version = WitnessVersion::try_from(version.to_u8()).map_err(|e| invalid(e.to_string()))?;
    Ok(Builder::new()
        .push_opcode(version.into())
        .push_slice(
            <&bitcoin::script::PushBytes>::try_from(program.as_slice())
                .map_err(|e| invalid(e.to_string()))?,
        )
        .into_script())
}

/// The address of a native segwit output script, or `None` for scripts that have none.
pub fn script_to_address(hrp: &Hrp, script: &bitcoin::Script) -> Option<String> {
    let version = script.witness_version()?;
    let program = script.as_bytes().get(2..)?;
    let fe = bech32::Fe32::try_from(version.to_num()).ok()?;
    bech32::segwit::encode(hrp.0, fe, program).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// BIP173/BIP350 examples: re-encoded under their own prefix they round-trip, and
    /// the scripts are the published ones.
    #[test]
    fn bip173_and_bip350_examples() {
        let cases = [
            (
                "bc",
                "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                "0014751e76e8199196d454941c45d1b3a323f1433bd6",
            ),
            (
                "bc",
                "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
                "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
            ),
        ];
        for (hrp, address, script_hex) in cases {
            let hrp = Hrp::parse(hrp).unwrap();
            let script = address_to_script(&hrp, address).unwrap();
            assert_eq!(hex::encode(script.as_bytes()), script_hex);
            assert_eq!(script_to_address(&hrp, &script).as_deref(), Some(address));
        }
    }

    #[test]
    fn refuses_other_chains_and_garbage() {
        let hrp = Hrp::parse("vdev").unwrap();
        let err =
            address_to_script(&hrp, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4").unwrap_err();
        assert!(err.to_string().contains("expected `vdev`"), "{err}");
        assert!(address_to_script(&hrp, "not-an-address").is_err());
        assert!(Hrp::parse("Bad HRP").is_err());
    }
}
