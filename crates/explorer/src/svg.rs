//! Charts as inline SVG, drawn on the server: no script and no external asset.

use crate::html::esc;
use std::fmt::Write as _;

const WIDTH: f64 = 920.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 78.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 34.0;
/// Points drawn per series at most: beyond it the series is sampled evenly (a chart is
/// 920 pixels wide; more points only make the page heavier).
pub const MAX_POINTS: usize = 1_500;

/// One line of a chart.
pub struct Series {
    pub name: String,
    pub color: &'static str,
    /// (x, y), x increasing.
    pub points: Vec<(f64, f64)>,
    /// Steps (each value held until the next x) instead of straight segments.
    pub step: bool,
}

/// A line chart with labelled axes (x is a height: its ticks are whole numbers), one
/// polyline per series and a legend. Empty series
/// are listed in the legend as "no data".
pub fn line_chart(
    id: &str,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
) -> String {
    let all = series.iter().flat_map(|s| s.points.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, 0.0_f64, f64::MIN);
    for &(x, y) in all {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let mut svg = format!(
        "<svg id=\"{}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" \
         font-family=\"sans-serif\" font-size=\"11\">\
         <text x=\"{LEFT}\" y=\"16\" font-size=\"13\" font-weight=\"600\">{}</text>",
        esc(id),
        esc(title),
        esc(title)
    );
    if x0 > x1 {
        svg.push_str("<text x=\"50%\" y=\"50%\" text-anchor=\"middle\">no data yet</text></svg>");
        return svg;
    }
    if x1 == x0 {
        x1 = x0 + 1.0;
    }
    if y1 <= y0 {
        y1 = y0 + 1.0;
    }
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let sx = |x: f64| LEFT + (x - x0) / (x1 - x0) * plot_w;
    let sy = |y: f64| TOP + plot_h - (y - y0) / (y1 - y0) * plot_h;
    // Axes, gridlines and tick labels.
    for i in 0..=4 {
        let f = f64::from(i) / 4.0;
        let (y, x) = (y0 + f * (y1 - y0), x0 + f * (x1 - x0));
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{py:.1}\" y2=\"{py:.1}\" stroke=\"#e3e6eb\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <text x=\"{px:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            sy(y) + 4.0,
            tick(y),
            HEIGHT - BOTTOM + 16.0,
            tick(x.round()),
            py = sy(y),
            px = sx(x),
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#5a6375\">{}</text>\
         <text x=\"12\" y=\"{TOP}\" fill=\"#5a6375\" transform=\"rotate(-90 12 {TOP})\" \
         text-anchor=\"end\">{}</text>",
        WIDTH - RIGHT,
        HEIGHT - 4.0,
        esc(x_label),
        esc(y_label)
    );
    let mut legend_x = LEFT + 330.0;
    for s in series {
        let mut path = String::new();
        let mut last_y: Option<f64> = None;
        for &(x, y) in sampled(&s.points) {
            if let (true, Some(prev)) = (s.step, last_y) {
                let _ = write!(path, "{:.1},{:.1} ", sx(x), sy(prev));
            }
            let _ = write!(path, "{:.1},{:.1} ", sx(x), sy(y));
            last_y = Some(y);
        }
        if !path.is_empty() {
            let _ = write!(
                svg,
                "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.4\" points=\"{}\"/>",
                s.color,
                path.trim_end()
            );
        }
        let label = if s.points.is_empty() {
            format!("{} (no data)", s.name)
        } else {
            s.name.clone()
        };
        let _ = write!(
            svg,
            "<rect x=\"{legend_x:.0}\" y=\"7\" width=\"10\" height=\"10\" fill=\"{}\"/>\
             <text x=\"{:.0}\" y=\"16\">{}</text>",
            s.color,
            legend_x + 14.0,
            esc(&label)
        );
        legend_x += 40.0 + 6.5 * label.chars().count() as f64;
    }
    svg.push_str("</svg>");
    svg
}

/// At most [`MAX_POINTS`] of `points`, evenly spaced, always with the last one.
fn sampled(points: &[(f64, f64)]) -> impl Iterator<Item = &(f64, f64)> {
    let stride = points.len().div_ceil(MAX_POINTS).max(1);
    let last = points.len().saturating_sub(1);
    points
        .iter()
        .enumerate()
        .filter(move |(i, _)| i % stride == 0 || *i == last)
        .map(|(_, p)| p)
}

/// A tick label: integers as they are, large values with an SI suffix, small ones with
/// three significant digits.
fn tick(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1e6 {
        let (scaled, suffix) = [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M")]
            .into_iter()
            .find(|(unit, _)| magnitude >= *unit)
            .map_or((value, ""), |(unit, s)| (value / unit, s));
        format!("{scaled:.2}{suffix}")
    } else if magnitude > 0.0 && magnitude < 0.001 {
        format!("{value:.2e}")
    } else if value.fract() == 0.0 {
        format!("{value:.0}")
    } else if magnitude >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_has_a_line_per_series_and_escapes_its_labels() {
        let series = [
            Series {
                name: "a<b".into(),
                color: "#111",
                points: vec![(1.0, 2.0), (2.0, 3.0)],
                step: false,
            },
            Series {
                name: "empty".into(),
                color: "#222",
                points: vec![],
                step: true,
            },
        ];
        let svg = line_chart("c", "T&T", "x", "y", &series);
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert!(svg.contains("a&lt;b") && svg.contains("T&amp;T"));
        assert!(svg.contains("empty (no data)"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn long_series_are_sampled_keeping_the_last_point() {
        let points: Vec<(f64, f64)> = (0..10_000).map(|i| (f64::from(i), 1.0)).collect();
        let kept: Vec<_> = sampled(&points).collect();
        assert!(kept.len() <= MAX_POINTS + 1);
        assert_eq!(kept.last().unwrap().0, 9_999.0);
    }

    #[test]
    fn one_point_and_flat_series_draw_without_dividing_by_zero() {
        let series = [Series {
            name: "flat".into(),
            color: "#111",
            points: vec![(5.0, 0.0)],
            step: false,
        }];
        let svg = line_chart("c", "t", "x", "y", &series);
        assert!(!svg.contains("NaN") && svg.contains("<polyline"));
    }
}
