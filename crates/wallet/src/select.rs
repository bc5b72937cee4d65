//! Coin selection: which coins pay for a set of outputs at a fee rate, and whether the
//! rest comes back as change.
//!
//! The rule is largest-first: mature coins are taken in decreasing order of value until
//! they cover the outputs and the fee of the transaction as it would then be. A change
//! output is added when what is left after its own fee is at least the dust threshold of
//! the change script; a smaller remainder goes to the fee instead. Coins worth less than
//! the fee of spending them at this rate are never taken. Weights are predicted from the
//! largest signatures the wallet produces (72-byte ECDSA with its sighash byte, 64-byte
//! Schnorr with the default sighash), so the fee rate paid is never below the one asked.

use crate::units::fee_for_weight;
use crate::WalletError;
use bitcoin::transaction::{predict_weight, InputWeightPrediction};
use bitcoin::{Amount, FeeRate, OutPoint, Script, ScriptBuf, TxOut, Weight};

/// A coin the wallet can spend, as a UTXO scan reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletUtxo {
    pub outpoint: OutPoint,
    pub txout: TxOut,
    /// Height of the block that created it.
    pub height: u32,
    pub is_coinbase: bool,
}

/// When coinbase outputs become spendable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Maturity {
    /// Height of the chain tip; the transaction is for the block after it.
    pub tip_height: u32,
    /// The chain's `coinbase_maturity`.
    pub coinbase_maturity: u32,
}

impl Maturity {
    /// Whether `utxo` may be spent in the next block: a coinbase needs a depth (from the
    /// next block's height) of at least the maturity, as consensus checks it.
    pub fn is_spendable(&self, utxo: &WalletUtxo) -> bool {
        !utxo.is_coinbase
            || self
                .tip_height
                .saturating_add(1)
                .saturating_sub(utxo.height)
                >= self.coinbase_maturity
    }
}

/// An output to pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub script_pubkey: ScriptBuf,
    pub amount: Amount,
}

/// What the wallet holds, split by whether it can be spent now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balance {
    /// Coins that can be spent in the next block.
    pub spendable: Amount,
    /// Coinbase outputs that have not reached maturity yet.
    pub immature: Amount,
}

impl Balance {
    pub fn of(utxos: &[WalletUtxo], maturity: &Maturity) -> Balance {
        utxos.iter().fold(Balance::default(), |mut balance, utxo| {
            let slot = if maturity.is_spendable(utxo) {
                &mut balance.spendable
            } else {
                &mut balance.immature
            };
            *slot = slot.checked_add(utxo.txout.value).unwrap_or(Amount::MAX);
            balance
        })
    }

    pub fn total(&self) -> Amount {
        self.spendable
            .checked_add(self.immature)
            .unwrap_or(Amount::MAX)
    }
}

/// The outcome of selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Coins to spend, largest first.
    pub inputs: Vec<WalletUtxo>,
    /// Value of the change output, if there is one.
    pub change: Option<Amount>,
    /// What the miner gets: inputs minus outputs.
    pub fee: Amount,
    /// Predicted weight of the signed transaction.
    pub weight: Weight,
}

/// The predicted weight of spending an output of this script, or `None` for scripts the
/// wallet cannot sign.
pub fn input_prediction(script: &Script) -> Option<InputWeightPrediction> {
    if script.is_p2wpkh() {
        Some(InputWeightPrediction::P2WPKH_MAX)
    } else if script.is_p2tr() {
        Some(InputWeightPrediction::P2TR_KEY_DEFAULT_SIGHASH)
    } else {
        None
    }
}

/// Chooses coins among `utxos` to pay `recipients` at `fee_rate`, with change to
/// `change_script` (see the module documentation for the rule).
pub fn select_coins(
    utxos: &[WalletUtxo],
    recipients: &[Recipient],
    change_script: &Script,
    fee_rate: FeeRate,
    maturity: &Maturity,
) -> Result<Selection, WalletError> {
    if recipients.is_empty() {
        return Err(WalletError::NoRecipients);
    }
    for recipient in recipients {
        let threshold = recipient.script_pubkey.minimal_non_dust();
        if recipient.amount < threshold {
            return Err(WalletError::Dust {
                amount: recipient.amount,
                threshold,
            });
        }
    }
    let target = recipients
        .iter()
        .try_fold(Amount::ZERO, |sum, r| sum.checked_add(r.amount))
        .ok_or(WalletError::AmountOverflow)?;
    let output_lens: Vec<usize> = recipients.iter().map(|r| r.script_pubkey.len()).collect();
    let with_change_lens: Vec<usize> = output_lens
        .iter()
        .copied()
        .chain(std::iter::once(change_script.len()))
        .collect();
    let change_dust = change_script.minimal_non_dust();

    let mut candidates = Vec::new();
    for utxo in utxos {
        let prediction = input_prediction(&utxo.txout.script_pubkey)
            .ok_or(WalletError::ForeignCoin(utxo.outpoint))?;
        if maturity.is_spendable(utxo) {
            candidates.push((utxo, prediction));
        }
    }
    // Largest first; ties broken by outpoint so the same coins give the same choice.
    candidates.sort_by(|(a, _), (b, _)| {
        b.txout
            .value
            .cmp(&a.txout.value)
            .then_with(|| a.outpoint.cmp(&b.outpoint))
    });

    let mut chosen: Vec<WalletUtxo> = Vec::new();
    let mut predictions: Vec<InputWeightPrediction> = Vec::new();
    let mut total_in = Amount::ZERO;
    for (utxo, prediction) in &candidates {
        let spend_cost = fee_for_weight(fee_rate, prediction.weight())?;
        if utxo.txout.value <= spend_cost {
            continue;
        }
        chosen.push((*utxo).clone());
        predictions.push(*prediction);
        total_in = total_in
            .checked_add(utxo.txout.value)
            .ok_or(WalletError::AmountOverflow)?;

        let weight = predict_weight(predictions.iter().copied(), output_lens.iter().copied());
        let fee = fee_for_weight(fee_rate, weight)?;
        let Some(excess) = total_in
            .checked_sub(target)
            .and_then(|rest| rest.checked_sub(fee))
        else {
            continue;
        };
        let weight_with_change = predict_weight(
            predictions.iter().copied(),
            with_change_lens.iter().copied(),
        );
        let fee_with_change = fee_for_weight(fee_rate, weight_with_change)?;
        let change = total_in
            .checked_sub(target)
            .and_then(|rest| rest.checked_sub(fee_with_change));
        return Ok(match change {
            Some(change) if change >= change_dust => Selection {
                inputs: chosen,
                change: Some(change),
                fee: fee_with_change,
                weight: weight_with_change,
            },
            _ => Selection {
                inputs: chosen,
                change: None,
                fee: fee.checked_add(excess).ok_or(WalletError::AmountOverflow)?,
                weight,
            },
        });
    }

    let balance = Balance::of(utxos, maturity);
    let weight = predict_weight(predictions.iter().copied(), output_lens.iter().copied());
    Err(WalletError::InsufficientFunds {
        needed: target,
        fee: fee_for_weight(fee_rate, weight)?,
        spendable: balance.spendable,
        immature: balance.immature,
    })
}
