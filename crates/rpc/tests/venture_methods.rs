//! The venture allocation's methods on a chain with a small allocation (epochs of five
//! blocks from height 1, every block eligible), checked against the chain's schedule.

mod common;

use common::{coins, TestNode};
use serde_json::json;
use venture_chain::venture::EpochSchedule;
use venture_rpc::codes;
use venture_testchain::TestKey;

#[tokio::test]
async fn getventureinfo_shows_the_schedule_and_the_current_epoch() {
    let node = TestNode::new();
    let key = TestKey::new(1);
    node.mine(3, &key.script).await;
    let spec = node.ctx.params.spec.venture.clone().unwrap();
    let schedule = EpochSchedule::new(&spec);
    let info = node.call_both("getventureinfo", vec![]).await.unwrap();
    assert_eq!(info["window"], json!({"start_height": 1, "end_height": 20}));
    assert_eq!(info["epochs"], schedule.epoch_count());
    assert_eq!(info["epoch_length"], 5);
    assert_eq!(info["total"], json!(coins(spec.total)));
    assert_eq!(info["eligible"], "all");
    assert_eq!(info["epochs_settled"], 0);
    let current = &info["current_epoch"];
    assert_eq!(current["epoch"], 0);
    assert_eq!(current["settles_at"], schedule.settlement_height(0));
    assert_eq!(
        current["contributors"][0]["address"],
        node.address(&key.script)
    );
    assert_eq!(current["contributors"][0]["blocks"], 3);
    assert_eq!(current["contributors"][0]["work_share"], 1.0);
    assert_eq!(
        current["contributors"][0]["projected_payout"],
        json!(coins(schedule.allocation(0)))
    );

    let plain = TestNode::with_params(std::sync::Arc::new(
        venture_chainspec::ChainParams::load("dev").unwrap(),
    ));
    let error = plain.call("getventureinfo", json!([])).await.unwrap_err();
    assert_eq!(error.code, codes::RPC_MISC_ERROR);
}

#[tokio::test]
async fn getventureallocation_shows_an_addresses_tranches() {
    let node = TestNode::new();
    let key = TestKey::new(1);
    let spec = node.ctx.params.spec.venture.clone().unwrap();
    let schedule = EpochSchedule::new(&spec);
    let settled_at = schedule.settlement_height(0);
    node.mine(settled_at, &key.script).await;
    let address = node.address(&key.script);
    let allocation = node
        .call_both("getventureallocation", vec![json!(address)])
        .await
        .unwrap();
    assert_eq!(allocation["address"], address);
    let epoch = &allocation["epochs"][0];
    assert_eq!(epoch["epoch"], 0);
    assert_eq!(epoch["settled_at"], settled_at);
    assert_eq!(
        epoch["block"],
        node.chain()
            .index()
            .active_at(settled_at)
            .unwrap()
            .to_string()
    );
    // The only miner earns the whole epoch, in the spec's tranches, all still locked.
    assert_eq!(epoch["share"], json!(coins(schedule.allocation(0))));
    assert_eq!(allocation["earned"], epoch["share"]);
    let tranches = epoch["tranches"].as_array().unwrap();
    assert_eq!(tranches.len(), spec.vesting.tranches as usize);
    assert!(tranches
        .iter()
        .all(|t| t["locked"] == true && t["spent"] == false));
    assert_eq!(allocation["locked"], allocation["earned"]);
    assert_eq!(allocation["vested"], 0.0);
    assert_eq!(
        allocation["next_unlock_height"],
        tranches[0]["unlock_height"]
    );

    let error = node
        .call("getventureallocation", json!(["nope"]))
        .await
        .unwrap_err();
    assert_eq!(error.code, codes::RPC_INVALID_ADDRESS_OR_KEY);
}
