//! `/charts?blocks=N`: difficulty per block kind, block intervals and the share of
//! merge-mined blocks over the last N blocks of the active chain.

use crate::html::esc;
use crate::source::Explorer;
use crate::svg::{line_chart, Series};
use crate::{render_page, PageError, PageResult};
use axum::extract::{Query, State};
use serde::Deserialize;
use std::sync::Arc;
use venture_chain::Chain;
use venture_difficulty::BlockKind;
use venture_rpc::json::difficulty_of_bits;

/// Blocks charted unless the visitor asks otherwise.
pub const DEFAULT_WINDOW: u32 = 1_000;
/// Most blocks one request may chart: reading them from the index is cheap, but a
/// visitor must not make every request walk a whole long chain.
pub const MAX_WINDOW: u32 = 20_000;
/// Blocks over which the merge-mined share is averaged (as the metrics' share).
const SHARE_WINDOW: u32 = 100;

#[derive(Debug, Deserialize)]
pub struct ChartQuery {
    blocks: Option<u32>,
}

/// The series, read from the index in one pass.
pub struct ChartData {
    pub native_difficulty: Vec<(f64, f64)>,
    pub merge_mined_difficulty: Vec<(f64, f64)>,
    pub intervals: Vec<(f64, f64)>,
    pub merge_mined_share: Vec<(f64, f64)>,
}

/// The last `window` blocks of the active chain as chart series, in one pass over the
/// index (one lookup per block).
pub fn chart_data(chain: &Chain, window: u32) -> ChartData {
    let index = chain.index();
    let tip = chain.height();
    let first = tip.saturating_sub(window.saturating_sub(1));
    let mut data = ChartData {
        native_difficulty: Vec::new(),
        merge_mined_difficulty: Vec::new(),
        intervals: Vec::new(),
        merge_mined_share: Vec::new(),
    };
    let entry_at = |height: u32| index.active_at(height).and_then(|hash| index.get(&hash));
    // What the loop needs from before the window: the previous block's time, and the
    // running merge-mined count SHARE_WINDOW blocks back (kept in a ring as it goes).
    let mut previous_time = first
        .checked_sub(1)
        .and_then(entry_at)
        .map(|e| e.header.time);
    let mut counts: std::collections::VecDeque<(u32, u32)> = (first.saturating_sub(SHARE_WINDOW)
        ..first)
        .filter_map(|h| entry_at(h).map(|e| (h, e.merge_mined_count)))
        .collect();
    // Difficulty changes only when the bits do.
    let mut last_bits = (u32::MAX, 0.0);
    for height in first..=tip {
        let Some(entry) = entry_at(height) else {
            continue;
        };
        let x = f64::from(height);
        let bits = entry.header.bits.to_consensus();
        if bits != last_bits.0 {
            last_bits = (bits, difficulty_of_bits(bits));
        }
        match entry.kind() {
            BlockKind::MergeMined => data.merge_mined_difficulty.push((x, last_bits.1)),
            BlockKind::Native => data.native_difficulty.push((x, last_bits.1)),
        }
        if let Some(previous) = previous_time {
            data.intervals
                .push((x, f64::from(entry.header.time) - f64::from(previous)));
        }
        previous_time = Some(entry.header.time);
        // Merge-mined blocks among the last SHARE_WINDOW (fewer near genesis), from the
        // index's running count.
        while counts
            .front()
            .is_some_and(|(h, _)| height - h > SHARE_WINDOW)
        {
            counts.pop_front();
        }
        if let Some(&(back, count)) = counts.front() {
            let merged = entry.merge_mined_count - count;
            data.merge_mined_share
                .push((x, f64::from(merged) * 100.0 / f64::from(height - back)));
        }
        counts.push_back((height, entry.merge_mined_count));
    }
    data
}

/// The three charts of `data`.
pub fn charts(data: ChartData) -> String {
    let difficulty = line_chart(
        "chart-difficulty",
        "Difficulty per block kind",
        "height",
        "difficulty",
        &[
            Series {
                name: "native".into(),
                color: "#c27c0e",
                points: data.native_difficulty,
                step: true,
            },
            Series {
                name: "merge-mined".into(),
                color: "#0b6bcb",
                points: data.merge_mined_difficulty,
                step: true,
            },
        ],
    );
    let intervals = line_chart(
        "chart-intervals",
        "Block intervals",
        "height",
        "seconds since the previous block",
        &[Series {
            name: "interval".into(),
            color: "#444c5c",
            points: data.intervals,
            step: false,
        }],
    );
    let share = line_chart(
        "chart-merge-mined-share",
        "Merge-mined blocks in the last 100 (%)",
        "height",
        "%",
        &[Series {
            name: "merge-mined share".into(),
            color: "#0b6bcb",
            points: data.merge_mined_share,
            step: false,
        }],
    );
    format!("{difficulty}{intervals}{share}")
}

pub async fn page(
    State(explorer): State<Arc<Explorer>>,
    Query(query): Query<ChartQuery>,
) -> PageResult {
    let window = query.blocks.unwrap_or(DEFAULT_WINDOW);
    if window == 0 || window > MAX_WINDOW {
        return Err(PageError::BadRequest(format!(
            "blocks must be between 1 and {MAX_WINDOW}"
        )));
    }
    let data = explorer
        .with_chain(move |chain| Ok(chart_data(chain, window)))
        .await?;
    let links: String = [100, 1_000, 10_000]
        .iter()
        .map(|n| format!("<a href=\"/charts?blocks={n}\">last {n}</a> "))
        .collect();
    let body = format!(
        "<p class=\"note\">The last {} blocks of the active chain. Show the {links}</p>{}",
        esc(&window.to_string()),
        charts(data)
    );
    render_page(&explorer, "Charts", &body)
}
