//! The venture allocation: `getventureinfo` and `getventureallocation ADDRESS`.

use super::Methods;
use crate::json::coins;
use crate::{codes, RpcError};
use bitcoin::{Amount, OutPoint, ScriptBuf};
use serde_json::{json, Value};
use venture_chain::venture::{settle, EpochSchedule};
use venture_chain::Chain;
use venture_chainspec::{Eligibility, VentureSpec};
use venture_primitives::{address_to_script, script_to_address};

pub fn register(methods: &mut Methods) {
    methods.register("getventureinfo", &[], |ctx, params| async move {
        params.at_most(0, "getventureinfo")?;
        ctx.with_chain(|chain| venture_info(chain)).await
    });
    methods.register(
        "getventureallocation",
        &["address"],
        |ctx, params| async move {
            const USAGE: &str = "getventureallocation \"address\"";
            params.at_most(1, USAGE)?;
            let address: String = params.required(0, "address", USAGE)?;
            let script = address_to_script(&ctx.params.hrp, &address).map_err(|e| {
                RpcError::new(
                    codes::RPC_INVALID_ADDRESS_OR_KEY,
                    format!("Invalid address: {e}"),
                )
            })?;
            ctx.with_chain(move |chain| allocation(chain, &address, &script))
                .await
        },
    );
}

fn spec_of(chain: &Chain) -> Result<VentureSpec, RpcError> {
    chain.params().spec.venture.clone().ok_or_else(|| {
        RpcError::misc("this chain has no venture allocation (no [venture] section in its spec)")
    })
}

fn venture_info(chain: &Chain) -> Result<Value, RpcError> {
    let spec = spec_of(chain)?;
    let schedule = EpochSchedule::new(&spec);
    let tip = chain.tip();
    let hrp = &chain.params().hrp;
    let epochs = schedule.epoch_count();
    let settled = (0..epochs)
        .filter(|e| schedule.settlement_height(*e) <= tip.height)
        .count() as u32;
    let last_record = match settled {
        0 => None,
        n => chain.settlement_at(schedule.settlement_height(n - 1))?,
    };
    let paid = last_record.map_or(0, |r| r.paid_total);
    let carried = last_record.map_or(0, |r| r.carry);
    let mut info = json!({
        "window": { "start_height": spec.start_height, "end_height": spec.end_height },
        "total": coins(Amount::from_sat(spec.total)),
        "epoch_length": spec.epoch_length,
        "epochs": epochs,
        "per_epoch_allocation": coins(Amount::from_sat(spec.total / u64::from(epochs.max(1)))),
        "eligible": match spec.eligible { Eligibility::MergeMined => "merge_mined", Eligibility::All => "all" },
        "vesting": {
            "cliff_blocks": spec.vesting.cliff_blocks,
            "tranches": spec.vesting.tranches,
            "tranche_interval": spec.vesting.tranche_interval,
        },
        "epochs_settled": settled,
        "paid": coins(Amount::from_sat(paid)),
        "carried": coins(Amount::from_sat(carried)),
        "remaining": coins(Amount::from_sat(spec.total - paid)),
    });
    // The epoch being earned: the first one not settled yet, once it has begun.
    let current =
        (settled < epochs && schedule.epoch_range(settled).0 <= tip.height + 1).then_some(settled);
    if let Some(epoch) = current {
        let (first, last) = schedule.epoch_range(epoch);
        let credits = chain.venture_credits(epoch)?;
        let available = schedule.allocation(epoch) + carried;
        let projection = settle(
            epoch,
            &credits,
            available,
            schedule.settlement_height(epoch),
            &spec,
        );
        let total_work = credits
            .by_script
            .values()
            .fold(f64::from(&credits.uncredited.work.0), |acc, c| {
                acc + f64::from(&c.work.0)
            });
        let contributors: Vec<Value> = credits
            .by_script
            .iter()
            .map(|(script, credit)| {
                json!({
                    "address": script_to_address(hrp, script),
                    "script": hex::encode(script.as_bytes()),
                    "blocks": credit.blocks,
                    "work_share": if total_work > 0.0 { f64::from(&credit.work.0) / total_work } else { 0.0 },
                    "projected_payout": coins(Amount::from_sat(projection.shares.get(script).copied().unwrap_or(0))),
                })
            })
            .collect();
        info["current_epoch"] = json!({
            "epoch": epoch,
            "first_height": first,
            "last_height": last,
            "settles_at": schedule.settlement_height(epoch),
            "available": coins(Amount::from_sat(available)),
            "contributors": contributors,
            "max_recipients": spec.max_recipients,
            "uncreditable_blocks": credits.uncredited.blocks,
        });
    }
    Ok(info)
}

fn allocation(chain: &Chain, address: &str, script: &ScriptBuf) -> Result<Value, RpcError> {
    let spec = spec_of(chain)?;
    let schedule = EpochSchedule::new(&spec);
    let tip = chain.tip();
    let next_height = tip.height + 1;
    let maturity = chain.params().spec.consensus.coinbase_maturity;
    let (mut earned, mut vested, mut spendable, mut locked) = (0u64, 0u64, 0u64, 0u64);
    let mut next_unlock: Option<u32> = None;
    let mut epochs = Vec::new();
    for epoch in 0..schedule.epoch_count() {
        let height = schedule.settlement_height(epoch);
        if height > tip.height {
            break;
        }
        let Some(record) = chain.settlement_at(height)? else {
            continue;
        };
        let Some(hash) = chain.index().active_at(height) else {
            continue;
        };
        let block = chain.block(&hash)?.ok_or_else(|| {
            RpcError::new(codes::RPC_DATABASE_ERROR, format!("block {hash} missing"))
        })?;
        let coinbase = &block.txdata[0];
        let txid = coinbase.compute_txid();
        let mut tranches = Vec::new();
        let mut share = 0u64;
        for (vout, output) in coinbase
            .output
            .iter()
            .enumerate()
            .take(record.outputs as usize)
        {
            if output.script_pubkey != *script {
                continue;
            }
            let amount = output.value.to_sat();
            share += amount;
            let coin = chain.coin(&OutPoint {
                txid,
                vout: vout as u32,
            })?;
            let (unlock_height, spent) = match &coin {
                Some(coin) => (coin.unlock_height, false),
                None => (0, true),
            };
            let unlocked = spent || unlock_height <= next_height;
            let mature = spent || next_height - height >= maturity;
            if unlocked {
                vested += amount;
                if !spent && mature {
                    spendable += amount;
                }
            } else {
                locked += amount;
                next_unlock = Some(next_unlock.map_or(unlock_height, |n| n.min(unlock_height)));
            }
            tranches.push(json!({
                "txid": txid.to_string(),
                "vout": vout,
                "amount": coins(output.value),
                "unlock_height": unlock_height,
                "spent": spent,
                "locked": !unlocked,
            }));
        }
        if share > 0 {
            earned += share;
            epochs.push(json!({
                "epoch": epoch,
                "settled_at": height,
                "block": hash.to_string(),
                "share": coins(Amount::from_sat(share)),
                "tranches": tranches,
            }));
        }
    }
    Ok(json!({
        "address": address,
        "epochs": epochs,
        "earned": coins(Amount::from_sat(earned)),
        "vested": coins(Amount::from_sat(vested)),
        "spendable": coins(Amount::from_sat(spendable)),
        "locked": coins(Amount::from_sat(locked)),
        "next_unlock_height": next_unlock,
    }))
}
