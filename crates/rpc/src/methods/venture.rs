//! The venture allocation: `getventureinfo` and `getventureallocation ADDRESS`.

use super::Methods;
use crate::json::coins;
use crate::method::{ArgSpec, ArgType, Category, MethodSpec, NoParams, RpcMethod};
use crate::{codes, RpcContext, RpcError};
use bitcoin::{Amount, OutPoint, ScriptBuf};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use venture_chain::venture::{settle, EpochSchedule};
use venture_chain::Chain;
use venture_chainspec::{Eligibility, VentureSpec};
use venture_primitives::{address_to_script, script_to_address};

pub fn register(methods: &mut Methods) {
    methods.add::<GetVentureInfo>();
    methods.add::<GetVentureAllocation>();
}

/// `getventureinfo`: the allocation's schedule, what was paid, and the current epoch.
pub struct GetVentureInfo;

#[derive(Debug, Clone, Serialize)]
pub struct VentureInfo {
    pub window: Window,
    pub total: f64,
    pub epoch_length: u32,
    pub epochs: u32,
    pub per_epoch_allocation: f64,
    /// `merge_mined` or `all`.
    pub eligible: &'static str,
    pub vesting: Vesting,
    pub epochs_settled: u32,
    pub paid: f64,
    pub carried: f64,
    pub remaining: f64,
    /// The epoch being earned, once it has begun and until it settles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_epoch: Option<CurrentEpoch>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Window {
    pub start_height: u32,
    pub end_height: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Vesting {
    pub cliff_blocks: u32,
    pub tranches: u32,
    pub tranche_interval: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct CurrentEpoch {
    pub epoch: u32,
    pub first_height: u32,
    pub last_height: u32,
    pub settles_at: u32,
    pub available: f64,
    pub contributors: Vec<Contributor>,
    pub max_recipients: u32,
    pub uncreditable_blocks: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Contributor {
    /// None for a script without an address form.
    pub address: Option<String>,
    pub script: String,
    pub blocks: u32,
    pub work_share: f64,
    pub projected_payout: f64,
}

impl RpcMethod for GetVentureInfo {
    const SPEC: &'static MethodSpec = &MethodSpec {
        result: "{ \"window\", \"total\", \"epoch_length\", \"epochs\", \"per_epoch_allocation\", \"eligible\", \"vesting\", \"epochs_settled\", \"paid\", \"carried\", \"remaining\", \"current_epoch\": { \"epoch\", \"first_height\", \"last_height\", \"settles_at\", \"available\", \"contributors\", \"max_recipients\", \"uncreditable_blocks\" } }",
        ..MethodSpec::new(
            "getventureinfo",
            Category::Venture,
            "Returns the venture allocation: its window and epochs, what was paid and carried, and the current epoch's contributors with their projected payouts.",
        )
    };
    type Params = NoParams;
    type Output = VentureInfo;

    async fn handle(ctx: Arc<RpcContext>, _: NoParams) -> Result<VentureInfo, RpcError> {
        ctx.with_chain(|chain| venture_info(chain)).await
    }
}

/// `getventureallocation "address"`: what an address earned, tranche by tranche.
pub struct GetVentureAllocation;

#[derive(Debug, Deserialize)]
pub struct GetVentureAllocationParams {
    pub address: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Allocation {
    pub address: String,
    pub epochs: Vec<EpochShare>,
    pub earned: f64,
    pub vested: f64,
    pub spendable: f64,
    pub locked: f64,
    /// Null when nothing is locked.
    pub next_unlock_height: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EpochShare {
    pub epoch: u32,
    pub settled_at: u32,
    pub block: String,
    pub share: f64,
    pub tranches: Vec<Tranche>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tranche {
    pub txid: String,
    pub vout: usize,
    pub amount: f64,
    pub unlock_height: u32,
    pub spent: bool,
    pub locked: bool,
}

impl RpcMethod for GetVentureAllocation {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[ArgSpec::required(
            "address",
            ArgType::String,
            "The address whose allocation to show",
        )],
        result: "{ \"address\", \"epochs\": [ { \"epoch\", \"settled_at\", \"block\", \"share\", \"tranches\": [ { \"txid\", \"vout\", \"amount\", \"unlock_height\", \"spent\", \"locked\" } ] } ], \"earned\", \"vested\", \"spendable\", \"locked\", \"next_unlock_height\" }",
        ..MethodSpec::new(
            "getventureallocation",
            Category::Venture,
            "Returns what an address earned from the venture allocation per epoch, and each tranche's state.",
        )
    };
    type Params = GetVentureAllocationParams;
    type Output = Allocation;

    async fn handle(
        ctx: Arc<RpcContext>,
        params: GetVentureAllocationParams,
    ) -> Result<Allocation, RpcError> {
        let script = address_to_script(&ctx.params.hrp, &params.address).map_err(|e| {
            RpcError::new(
                codes::RPC_INVALID_ADDRESS_OR_KEY,
                format!("Invalid address: {e}"),
            )
        })?;
        ctx.with_chain(move |chain| allocation(chain, &params.address, &script))
            .await
    }
}

fn spec_of(chain: &Chain) -> Result<VentureSpec, RpcError> {
    chain.params().spec.venture.clone().ok_or_else(|| {
        RpcError::misc("this chain has no venture allocation (no [venture] section in its spec)")
    })
}

fn venture_info(chain: &Chain) -> Result<VentureInfo, RpcError> {
    let spec = spec_of(chain)?;
    let schedule = EpochSchedule::new(&spec);
    let tip = chain.tip();
    let hrp = &chain.params().hrp;
    let epochs = schedule.epoch_count();
    let totals = chain
        .venture_totals()?
        .ok_or_else(|| RpcError::internal("venture totals of a chain without an allocation"))?;
    let (settled, carried) = (totals.epochs_settled, totals.carried);
    let mut info = VentureInfo {
        window: Window {
            start_height: spec.start_height,
            end_height: spec.end_height,
        },
        total: coins(Amount::from_sat(spec.total)),
        epoch_length: spec.epoch_length,
        epochs,
        per_epoch_allocation: coins(Amount::from_sat(spec.total / u64::from(epochs.max(1)))),
        eligible: match spec.eligible {
            Eligibility::MergeMined => "merge_mined",
            Eligibility::All => "all",
        },
        vesting: Vesting {
            cliff_blocks: spec.vesting.cliff_blocks,
            tranches: spec.vesting.tranches,
            tranche_interval: spec.vesting.tranche_interval,
        },
        epochs_settled: settled,
        paid: coins(Amount::from_sat(totals.paid)),
        carried: coins(Amount::from_sat(carried)),
        remaining: coins(Amount::from_sat(totals.remaining)),
        current_epoch: None,
    };
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
        let contributors = credits
            .by_script
            .iter()
            .map(|(script, credit)| Contributor {
                address: script_to_address(hrp, script),
                script: hex::encode(script.as_bytes()),
                blocks: credit.blocks,
                work_share: if total_work > 0.0 {
                    f64::from(&credit.work.0) / total_work
                } else {
                    0.0
                },
                projected_payout: coins(Amount::from_sat(
                    projection.shares.get(script).copied().unwrap_or(0),
                )),
            })
            .collect();
        info.current_epoch = Some(CurrentEpoch {
            epoch,
            first_height: first,
            last_height: last,
            settles_at: schedule.settlement_height(epoch),
            available: coins(Amount::from_sat(available)),
            contributors,
            max_recipients: spec.max_recipients,
            uncreditable_blocks: credits.uncredited.blocks,
        });
    }
    Ok(info)
}

fn allocation(chain: &Chain, address: &str, script: &ScriptBuf) -> Result<Allocation, RpcError> {
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
            tranches.push(Tranche {
                txid: txid.to_string(),
                vout,
                amount: coins(output.value),
                unlock_height,
                spent,
                locked: !unlocked,
            });
        }
        if share > 0 {
            earned += share;
            epochs.push(EpochShare {
                epoch,
                settled_at: height,
                block: hash.to_string(),
                share: coins(Amount::from_sat(share)),
                tranches,
            });
        }
    }
    Ok(Allocation {
        address: address.to_string(),
        epochs,
        earned: coins(Amount::from_sat(earned)),
        vested: coins(Amount::from_sat(vested)),
        spendable: coins(Amount::from_sat(spendable)),
        locked: coins(Amount::from_sat(locked)),
        next_unlock_height: next_unlock,
    })
}
