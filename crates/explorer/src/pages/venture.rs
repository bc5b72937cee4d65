//! `/venture`: the venture allocation's terms from the spec, its epochs (settled, paid,
//! carried), the current epoch's contributors with their work share and projected
//! payout (from `getventureinfo`), the vesting schedule, and the launch manifest's
//! hashes.

use crate::html::{coins, esc, facts, link, mono, short, Table};
use crate::source::Explorer;
use crate::svg::{line_chart, Series};
use crate::{render_page, PageError, PageResult};
use axum::extract::State;
use bitcoin::Amount;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::sync::Arc;
use venture_chain::venture::EpochSchedule;
use venture_chainspec::{split_into_tranches, VentureSpec};

/// Epochs listed, the most recent ones; a longer schedule says how many are left out.
const MAX_EPOCHS: u32 = 500;

/// One epoch as the table shows it.
struct EpochRow {
    epoch: u32,
    first: u32,
    last: u32,
    settles_at: u32,
    /// Paid and carried, once settled.
    settled: Option<(u64, u64)>,
}

pub async fn page(State(explorer): State<Arc<Explorer>>) -> PageResult {
    let Some(spec) = explorer.params().spec.venture.clone() else {
        let body = "<p id=\"no-venture\">This chain has no venture allocation: its spec has no <code>[venture]</code> section.</p>";
        return render_page(&explorer, "Venture allocation", body);
    };
    let info = explorer.call("getventureinfo", json!([])).await?;
    let settled = u32::try_from(info["epochs_settled"].as_u64().unwrap_or(0)).unwrap_or(u32::MAX);
    let schedule_spec = spec.clone();
    let rows = explorer
        .with_chain(move |chain| {
            let schedule = EpochSchedule::new(&schedule_spec);
            let count = schedule.epoch_count();
            // The epochs around the current one when there are too many to list.
            let end = count
                .min(settled.saturating_add(MAX_EPOCHS / 2))
                .max(count.min(MAX_EPOCHS));
            let start = end.saturating_sub(MAX_EPOCHS);
            (start..end)
                .map(|epoch| {
                    let (first, last) = schedule.epoch_range(epoch);
                    let settles_at = schedule.settlement_height(epoch);
                    let record = if epoch < settled {
                        chain
                            .settlement_at(settles_at)
                            .map_err(|e| PageError::Node(e.to_string()))?
                    } else {
                        None
                    };
                    Ok(EpochRow {
                        epoch,
                        first,
                        last,
                        settles_at,
                        settled: record.map(|r| (r.paid, r.carry)),
                    })
                })
                .collect::<Result<Vec<_>, PageError>>()
        })
        .await?;
    let ticker = explorer.ticker().to_string();
    let mut body = terms(&info, &spec, &ticker);
    body.push_str(&current_epoch(&info, &ticker));
    body.push_str(&epochs_table(&rows, &spec, settled, &ticker));
    body.push_str(&vesting_chart(&rows, &spec));
    body.push_str("<h2>Launch manifest</h2>");
    let manifest: Vec<(String, String, String)> = explorer
        .site
        .manifest
        .iter()
        .enumerate()
        .map(|(i, (label, value))| (format!("manifest-{i}"), label.clone(), mono(&esc(value))))
        .collect();
    let items: Vec<(&str, &str, String)> = manifest
        .iter()
        .map(|(id, l, v)| (id.as_str(), l.as_str(), v.clone()))
        .collect();
    body.push_str(&facts(&items));
    render_page(&explorer, "Venture allocation", &body)
}

fn terms(info: &Value, spec: &VentureSpec, ticker: &str) -> String {
    let amount = |key: &str| coins(info[key].as_f64().unwrap_or(0.0), ticker);
    let mut html = String::from("<h2>Terms</h2>");
    html.push_str(&facts(&[
        (
            "venture-window",
            "Window",
            format!("heights {} to {}", spec.start_height, spec.end_height),
        ),
        ("venture-total", "Total", amount("total")),
        (
            "venture-epochs",
            "Epochs",
            format!("{} of {} blocks", info["epochs"], spec.epoch_length),
        ),
        (
            "venture-per-epoch",
            "Per epoch",
            amount("per_epoch_allocation"),
        ),
        (
            "venture-eligible",
            "Eligible blocks",
            esc(info["eligible"].as_str().unwrap_or_default()).replace('_', "-"),
        ),
        (
            "venture-max-recipients",
            "Most recipients per epoch",
            spec.max_recipients.to_string(),
        ),
        (
            "venture-vesting",
            "Vesting",
            match spec.vesting.tranches {
                0 | 1 => format!(
                    "unlocks {} blocks after settlement",
                    spec.vesting.cliff_blocks
                ),
                n => format!(
                    "{n} tranches, the first {} blocks after settlement, then one every {} blocks",
                    spec.vesting.cliff_blocks, spec.vesting.tranche_interval
                ),
            },
        ),
    ]));
    html.push_str("<h2>So far</h2>");
    html.push_str(&facts(&[
        (
            "venture-settled",
            "Epochs settled",
            esc(&info["epochs_settled"].to_string()),
        ),
        ("venture-paid", "Paid", amount("paid")),
        (
            "venture-carried",
            "Carried into the next epoch",
            amount("carried"),
        ),
        ("venture-remaining", "Remaining", amount("remaining")),
    ]));
    html
}

fn current_epoch(info: &Value, ticker: &str) -> String {
    let current = &info["current_epoch"];
    if current.is_null() {
        return "<h2>Current epoch</h2><p class=\"note\" id=\"no-current-epoch\">No epoch is being earned now.</p>".into();
    }
    let mut html = format!(
        "<h2>Current epoch: {}</h2><p>Heights {} to {}, settled at {}; {} available; {} block(s) that earn nothing (native where only merge-mined blocks count, or an uncreditable payout).</p>",
        esc(&current["epoch"].to_string()),
        esc(&current["first_height"].to_string()),
        esc(&current["last_height"].to_string()),
        esc(&current["settles_at"].to_string()),
        coins(current["available"].as_f64().unwrap_or(0.0), ticker),
        esc(&current["uncreditable_blocks"].to_string()),
    );
    let heading = format!("Projected payout ({ticker})");
    let mut table = Table::new(
        "venture-contributors",
        &["Contributor", "Blocks", "Work share", &heading],
    );
    let none = Vec::new();
    for contributor in current["contributors"].as_array().unwrap_or(&none) {
        let who = match contributor["address"].as_str() {
            Some(address) => link(&format!("/address/{address}"), address),
            None => format!(
                "script {}",
                esc(&short(contributor["script"].as_str().unwrap_or_default()))
            ),
        };
        table.row(&[
            format!("<span class=\"mono\">{who}</span>"),
            esc(&contributor["blocks"].to_string()),
            format!(
                "{:.2} %",
                contributor["work_share"].as_f64().unwrap_or(0.0) * 100.0
            ),
            crate::html::trim_decimals(contributor["projected_payout"].as_f64().unwrap_or(0.0)),
        ]);
    }
    html.push_str(&table.finish());
    html
}

fn epochs_table(rows: &[EpochRow], spec: &VentureSpec, settled: u32, ticker: &str) -> String {
    let mut html = String::from("<h2>Epochs</h2>");
    let paid_heading = format!("Paid ({ticker})");
    let carried_heading = format!("Carried ({ticker})");
    let mut table = Table::new(
        "venture-epoch-table",
        &[
            "Epoch",
            "Heights",
            "Settles at",
            "State",
            &paid_heading,
            &carried_heading,
        ],
    );
    for row in rows {
        let (state, paid, carried) = match row.settled {
            Some((paid, carry)) => ("settled".to_string(), fmt_sat(paid), fmt_sat(carry)),
            None if row.epoch == settled => ("being earned".into(), "—".into(), "—".into()),
            None => ("to come".into(), "—".into(), "—".into()),
        };
        table.row(&[
            row.epoch.to_string(),
            format!("{}–{}", row.first, row.last),
            link(
                &format!("/block/{}", row.settles_at),
                &row.settles_at.to_string(),
            ),
            state,
            paid,
            carried,
        ]);
    }
    html.push_str(&table.finish());
    let count = EpochSchedule::new(spec).epoch_count();
    if count as usize > rows.len() {
        let _ = write!(
            html,
            "<p class=\"note\">{} of {count} epochs listed, around the current one.</p>",
            rows.len()
        );
    }
    html
}

/// What unlocks when: settled epochs' payments split into their tranches, and the
/// epochs to come at their allocation (what they would pay if fully earned).
fn vesting_chart(rows: &[EpochRow], spec: &VentureSpec) -> String {
    let schedule = EpochSchedule::new(spec);
    let mut paid_unlocks = Vec::new();
    let mut projected_unlocks = Vec::new();
    for row in rows {
        let (amount, into) = match row.settled {
            Some((paid, _)) => (paid, &mut paid_unlocks),
            None => (schedule.allocation(row.epoch), &mut projected_unlocks),
        };
        for tranche in split_into_tranches(amount, row.settles_at, &spec.vesting) {
            into.push((tranche.unlock_height, tranche.amount));
        }
    }
    // Cumulative step lines, each starting flat from where the previous one stands and
    // running to the last unlock, so that a single tranche still draws a step.
    let first = rows.first().map_or(0, |r| r.settles_at);
    let end = paid_unlocks
        .iter()
        .chain(&projected_unlocks)
        .map(|(height, _)| *height)
        .max()
        .unwrap_or(first);
    let cumulative = |mut unlocks: Vec<(u32, u64)>, from: (u32, u64)| {
        unlocks.sort_unstable();
        let mut total = from.1;
        let mut points = vec![(f64::from(from.0), Amount::from_sat(total).to_btc())];
        for (height, amount) in unlocks {
            total += amount;
            points.push((f64::from(height), Amount::from_sat(total).to_btc()));
        }
        points.push((f64::from(end), Amount::from_sat(total).to_btc()));
        (points, total)
    };
    let last_paid = paid_unlocks.iter().map(|(h, _)| *h).max().unwrap_or(first);
    let (paid, paid_total) = cumulative(paid_unlocks, (first, 0));
    let projected = if projected_unlocks.is_empty() {
        Vec::new()
    } else {
        cumulative(projected_unlocks, (last_paid, paid_total)).0
    };
    let chart = line_chart(
        "chart-vesting",
        "Vesting schedule: coins unlocked by height",
        "height",
        "coins",
        &[
            Series {
                name: "paid epochs".into(),
                color: "#0b6bcb",
                points: paid,
                step: true,
            },
            Series {
                name: "epochs to come, if fully earned".into(),
                color: "#9aa3b2",
                points: projected,
                step: true,
            },
        ],
    );
    format!("<h2>Vesting schedule</h2>{chart}")
}

fn fmt_sat(sat: u64) -> String {
    crate::html::trim_decimals(Amount::from_sat(sat).to_btc())
}
