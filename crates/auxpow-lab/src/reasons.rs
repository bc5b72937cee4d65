//! The refusal reasons we know, as a vector may write them: exactly one of our
//! structural reasons (Namecoin Core's strings), or the fixed start of a reason that
//! carries details, such as `non-AUX proof of work failed: ...`.

use venture_auxpow::AuxPowError;
use venture_pow::PowError;

/// How a vector's reason matches ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Known {
    /// The whole of one of our reasons: ours must be exactly this.
    Exact(String),
    /// The start of one of our reasons: ours must contain it.
    Start(String),
}

/// Reasons with no details, word for word.
fn exact() -> Vec<String> {
    [
        AuxPowError::ParentHasOurChainId,
        AuxPowError::ChainBranchTooLong,
        AuxPowError::MerkleRootIncorrect,
        AuxPowError::CoinbaseHasNoInputs,
        AuxPowError::MissingChainMerkleRoot,
        AuxPowError::MultipleMergedMiningHeaders,
        AuxPowError::HeaderNotJustBeforeRoot,
        AuxPowError::RootTooLateInCoinbase,
        AuxPowError::MissingTreeSizeAndNonce,
        AuxPowError::BranchSizeMismatch,
        AuxPowError::WrongIndex,
        AuxPowError::NoAuxPowOnAuxPowVersion,
        AuxPowError::AuxPowOnNonAuxPowVersion,
        AuxPowError::ParentHasAuxPowVersion,
    ]
    .iter()
    .map(ToString::to_string)
    .collect()
}

/// The fixed part of reasons with details: the text before their first `:` or `(`.
fn starts() -> Vec<String> {
    let pow = PowError::ZeroTarget(0);
    [
        AuxPowError::WrongChainId {
            got: 0,
            expected: 0,
            version: 0,
        },
        AuxPowError::NonAuxPowFailed(pow.clone()),
        AuxPowError::AuxPowFailed(pow),
    ]
    .iter()
    .map(|reason| {
        let text = reason.to_string();
        let end = text.find([':', '(']).unwrap_or(text.len());
        text[..end].trim().to_string()
    })
    .collect()
}

/// Whether `text` is a reason we know, and how to compare ours with it.
pub(crate) fn known(text: &str) -> Option<Known> {
    let text = text.trim();
    if exact().iter().any(|reason| reason == text) {
        return Some(Known::Exact(text.to_string()));
    }
    starts()
        .into_iter()
        .find(|start| text.starts_with(start.as_str()))
        .map(Known::Start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_our_reasons_whole_or_by_their_start() {
        assert_eq!(
            known(" Aux POW wrong index "),
            Some(Known::Exact("Aux POW wrong index".into()))
        );
        assert_eq!(
            known("non-AUX proof of work failed: hash above target"),
            Some(Known::Start("non-AUX proof of work failed".into()))
        );
        assert_eq!(
            known("AUX proof of work failed"),
            Some(Known::Start("AUX proof of work failed".into()))
        );
        assert_eq!(
            known("block does not have our chain ID (got 1, expected 2, full nVersion 65793)"),
            Some(Known::Start("block does not have our chain ID".into()))
        );
        assert_eq!(known("Aux POW wrong index, probably"), None);
        assert_eq!(known("bad-txns-inputs-missingorspent"), None);
    }
}
