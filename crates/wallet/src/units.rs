//! Amounts in coins and fee rates: parsing what users and nodes write, and the fee a
//! transaction of a given weight pays.
//!
//! Amounts are written in coins with up to eight decimals (`1.5`), never in the
//! ticker-specific `BTC` form rust-bitcoin prints. Fee rates are satoshis per virtual
//! byte for people and coins per 1,000 virtual bytes in RPC replies, as in Bitcoin Core.

use crate::WalletError;
use bitcoin::{Amount, Denomination, FeeRate, Weight};

/// Satoshis in one coin.
const COIN: u64 = 100_000_000;

/// `1.50000000`: the amount in coins with all eight decimals.
pub fn format_coins(amount: Amount) -> String {
    let sat = amount.to_sat();
    format!("{}.{:08}", sat / COIN, sat % COIN)
}

/// Parses an amount in coins (`1.5`, `0.00001`); more than eight decimals, signs and
/// exponents are refused rather than rounded.
pub fn parse_coins(text: &str) -> Result<Amount, WalletError> {
    Amount::from_str_in(text.trim(), Denomination::Bitcoin).map_err(|e| {
        WalletError::InvalidAmount {
            text: text.to_string(),
            reason: e.to_string(),
        }
    })
}

/// An amount a node reported in coins (a JSON number), e.g. a `scantxoutset` output.
pub fn amount_from_rpc_coins(coins: f64) -> Result<Amount, WalletError> {
    Amount::from_btc(coins).map_err(|e| WalletError::InvalidAmount {
        text: coins.to_string(),
        reason: e.to_string(),
    })
}

/// A fee rate in satoshis per virtual byte, kept (like Bitcoin Core's) to a whole
/// satoshi per 1,000 virtual bytes.
pub fn fee_rate_from_sat_per_vb(sat_per_vb: f64) -> Result<FeeRate, WalletError> {
    if !sat_per_vb.is_finite() || sat_per_vb <= 0.0 {
        return Err(WalletError::InvalidFeeRate(format!(
            "{sat_per_vb} sat/vB (it must be a positive number)"
        )));
    }
    // Anything above this is a typo, not a fee: 1,000,000 sat/vB would spend a coin on a
    // single small transaction.
    if sat_per_vb > 1_000_000.0 {
        return Err(WalletError::InvalidFeeRate(format!(
            "{sat_per_vb} sat/vB is absurdly high"
        )));
    }
    // Rounded to the nearest sat/kvB first, so 1.1 sat/vB is 1,100 sat/kvB and not the
    // 1,100.0000000000002 floating point makes of it.
    Ok(fee_rate_from_sat_per_kvb(
        (sat_per_vb * 1000.0).round().max(1.0) as u64,
    ))
}

/// A fee rate in coins per 1,000 virtual bytes, as `estimatesmartfee` and
/// `getmempoolinfo` report it.
pub fn fee_rate_from_coins_per_kvb(coins_per_kvb: f64) -> Result<FeeRate, WalletError> {
    // coins/kvB × 10^8 sat/coin ÷ 1,000 vB/kvB = sat/vB.
    fee_rate_from_sat_per_vb(coins_per_kvb * COIN as f64 / 1000.0)
}

/// A fee rate in satoshis per 1,000 virtual bytes (Bitcoin Core's unit). rust-bitcoin
/// counts per 1,000 weight units, a quarter of that; the quarter is rounded up so the
/// rate paid is never below the one asked for.
pub fn fee_rate_from_sat_per_kvb(sat_per_kvb: u64) -> FeeRate {
    FeeRate::from_sat_per_kwu(sat_per_kvb.div_ceil(4))
}

/// The rate in satoshis per virtual byte, for display.
pub fn sat_per_vb(rate: FeeRate) -> f64 {
    rate.to_sat_per_kwu() as f64 / 250.0
}

/// The fee at `rate` for a transaction of `weight`, rounded up as Bitcoin Core does:
/// its virtual size (weight / 4, rounded up) times the rate, rounded up to a satoshi.
pub fn fee_for_weight(rate: FeeRate, weight: Weight) -> Result<Amount, WalletError> {
    let vbytes = u128::from(weight.to_vbytes_ceil());
    // sat/kwu × 4 = sat per 1,000 vB.
    let per_kvb = u128::from(rate.to_sat_per_kwu()) * 4;
    let fee = (vbytes * per_kvb).div_ceil(1000);
    u64::try_from(fee)
        .map(Amount::from_sat)
        .map_err(|_| WalletError::AmountOverflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coins_round_trip_exactly() {
        assert_eq!(parse_coins("1.5").unwrap(), Amount::from_sat(150_000_000));
        assert_eq!(parse_coins(" 0.00000001 ").unwrap(), Amount::from_sat(1));
        assert_eq!(format_coins(Amount::from_sat(150_000_001)), "1.50000001");
        assert!(parse_coins("0.000000001").is_err());
        assert!(parse_coins("-1").is_err());
        assert!(parse_coins("1e3").is_err());
        assert_eq!(
            amount_from_rpc_coins(0.1).unwrap(),
            Amount::from_sat(10_000_000)
        );
    }

    #[test]
    fn fees_match_bitcoin_core_rounding() {
        let one = fee_rate_from_sat_per_vb(1.0).unwrap();
        // 561 WU is 141 vB (rounded up): 141 sat at 1 sat/vB.
        assert_eq!(
            fee_for_weight(one, Weight::from_wu(561)).unwrap(),
            Amount::from_sat(141)
        );
        // 0.00001 coin/kvB is 1 sat/vB.
        assert_eq!(fee_rate_from_coins_per_kvb(0.00001).unwrap(), one);
        let fractional = fee_rate_from_sat_per_vb(1.5).unwrap();
        assert_eq!(
            fee_for_weight(fractional, Weight::from_wu(564)).unwrap(),
            Amount::from_sat(212)
        );
        assert!(fee_rate_from_sat_per_vb(0.0).is_err());
        assert!(fee_rate_from_sat_per_vb(f64::NAN).is_err());
        assert!(fee_rate_from_sat_per_vb(1e12).is_err());
        // Decimal rates stay exact despite floating point.
        assert_eq!(
            fee_rate_from_coins_per_kvb(0.00002).unwrap(),
            FeeRate::from_sat_per_kwu(500)
        );
        assert_eq!(
            fee_rate_from_sat_per_vb(1.1).unwrap(),
            FeeRate::from_sat_per_kwu(275)
        );
        assert_eq!(
            fee_rate_from_sat_per_kvb(1001),
            FeeRate::from_sat_per_kwu(251)
        );
    }
}
