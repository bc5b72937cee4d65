//! A hand-written SVG of a run: difficulty against the fair difficulty (log scale),
//! and solve times with their 11-block mean, both over height. Long runs are thinned
//! to what the plot's width can show.

use super::run::SimulationResult;
use std::fmt::Write;

const WIDTH: f64 = 900.0;
const PANEL: f64 = 260.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 60.0;
const GAP: f64 = 50.0;
/// Most vertices drawn per line and most solve-time dots: the plot is 810 pixels
/// wide, so more would only make the file bigger.
const MAX_POINTS: usize = 900;
const MAX_DOTS: usize = 600;

/// Every `stride`-th item, so that at most `max` are kept (the last always is).
fn thin<T: Copy>(items: &[T], max: usize) -> Vec<T> {
    let stride = items.len().div_ceil(max.max(1)).max(1);
    let mut kept: Vec<T> = items.iter().copied().step_by(stride).collect();
    if let Some(&last) = items.last() {
        if !(items.len() - 1).is_multiple_of(stride) {
            kept.push(last);
        }
    }
    kept
}

impl SimulationResult {
    /// The plot as a standalone SVG document.
    pub fn to_svg(&self, title: &str) -> String {
        let mut svg = String::new();
        let height = TOP + 2.0 * PANEL + GAP + 40.0;
        // Writing to a String cannot fail.
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">"#
        );
        let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
        let _ = writeln!(
            svg,
            r#"<text x="{LEFT}" y="24" font-size="15">{}</text>"#,
            escape(title)
        );
        if self.blocks.is_empty() {
            svg.push_str("</svg>\n");
            return svg;
        }
        self.difficulty_panel(&mut svg, TOP);
        self.solvetime_panel(&mut svg, TOP + PANEL + GAP);
        svg.push_str("</svg>\n");
        svg
    }

    fn x(&self, height: u32) -> f64 {
        let first = self.blocks.first().map_or(0, |b| b.height) as f64;
        let last = self.blocks.last().map_or(1, |b| b.height) as f64;
        LEFT + (height as f64 - first) / (last - first).max(1.0) * (WIDTH - LEFT - RIGHT)
    }

    fn difficulty_panel(&self, svg: &mut String, top: f64) {
        // log2 of difficulty relative to the genesis (base-fair) difficulty.
        let base = self
            .blocks
            .first()
            .map_or(1.0, |b| b.fair_difficulty / b.hashrate);
        let log = |d: f64| (d / base).max(1e-12).log2();
        let values = self
            .blocks
            .iter()
            .flat_map(|b| [log(b.difficulty), log(b.fair_difficulty)]);
        let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let (lo, hi) = (lo.floor().min(-1.0), hi.ceil().max(1.0));
        let y = |v: f64| top + PANEL - (v - lo) / (hi - lo) * PANEL;
        frame(svg, top, "difficulty / base-fair (log2)");
        let mut k = lo;
        while k <= hi {
            let label = if k >= 0.0 {
                format!("x{}", 2f64.powf(k))
            } else {
                format!("x1/{}", 2f64.powf(-k))
            };
            grid(svg, y(k), &label);
            k += ((hi - lo) / 8.0).ceil().max(1.0);
        }
        let fair: Vec<(f64, f64)> = self
            .blocks
            .iter()
            .map(|b| (self.x(b.height), y(log(b.fair_difficulty))))
            .collect();
        let actual: Vec<(f64, f64)> = self
            .blocks
            .iter()
            .map(|b| (self.x(b.height), y(log(b.difficulty))))
            .collect();
        polyline(svg, &thin(&fair, MAX_POINTS), "#999", "4 3");
        polyline(svg, &thin(&actual, MAX_POINTS), "#1f5fa8", "");
        legend(
            svg,
            top,
            &[
                ("#1f5fa8", "difficulty"),
                ("#999", "fair for the hash rate"),
            ],
        );
        self.height_axis(svg, top + PANEL);
    }

    fn solvetime_panel(&self, svg: &mut String, top: f64) {
        let t = self.target_spacing as f64;
        let cap = 8.0 * t;
        let y = |s: f64| top + PANEL - s.clamp(0.0, cap) / cap * PANEL;
        frame(svg, top, "solve time (s), clipped at 8T");
        for k in 0..=4 {
            let s = cap * k as f64 / 4.0;
            grid(svg, y(s), &format!("{s:.0}"));
        }
        svg.push_str("<g fill=\"#c77\" fill-opacity=\"0.5\">\n");
        for b in thin(&self.blocks.iter().collect::<Vec<_>>(), MAX_DOTS) {
            let _ = writeln!(
                svg,
                r#"<circle cx="{:.0}" cy="{:.0}" r="1.3"/>"#,
                self.x(b.height),
                y(b.solvetime as f64)
            );
        }
        svg.push_str("</g>\n");
        let mean: Vec<(f64, f64)> = self
            .blocks
            .windows(11)
            .filter_map(|w| {
                let last = w.last()?;
                let avg = w.iter().map(|b| b.solvetime as f64).sum::<f64>() / 11.0;
                Some((self.x(last.height), y(avg)))
            })
            .collect();
        polyline(svg, &thin(&mean, MAX_POINTS), "#a11", "");
        polyline(svg, &[(LEFT, y(t)), (WIDTH - RIGHT, y(t))], "#333", "4 3");
        legend(
            svg,
            top,
            &[("#a11", "11-block mean"), ("#333", "target spacing")],
        );
        self.height_axis(svg, top + PANEL);
    }

    fn height_axis(&self, svg: &mut String, bottom: f64) {
        let first = self.blocks.first().map_or(0, |b| b.height);
        let last = self.blocks.last().map_or(0, |b| b.height);
        for k in 0..=5u32 {
            let h = first + (last - first) * k / 5;
            let _ = writeln!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{h}</text>"#,
                self.x(h),
                bottom + 16.0
            );
        }
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">height</text>"#,
            (LEFT + WIDTH - RIGHT) / 2.0,
            bottom + 32.0
        );
    }
}

fn frame(svg: &mut String, top: f64, label: &str) {
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{top}" width="{}" height="{PANEL}" fill="none" stroke="#444"/>"##,
        WIDTH - LEFT - RIGHT
    );
    let _ = writeln!(
        svg,
        r#"<text x="{LEFT}" y="{:.1}">{}</text>"#,
        top - 6.0,
        escape(label)
    );
}

fn grid(svg: &mut String, y: f64, label: &str) {
    let _ = writeln!(
        svg,
        r##"<line x1="{LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
        WIDTH - RIGHT,
        LEFT - 6.0,
        y + 4.0,
        escape(label)
    );
}

fn polyline(svg: &mut String, points: &[(f64, f64)], colour: &str, dash: &str) {
    let mut path = String::with_capacity(points.len() * 12);
    for (x, y) in points {
        let _ = write!(path, "{x:.1},{y:.1} ");
    }
    let _ = writeln!(
        svg,
        r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="1.3" stroke-dasharray="{dash}"/>"#,
        path.trim_end()
    );
}

fn legend(svg: &mut String, top: f64, entries: &[(&str, &str)]) {
    for (i, (colour, label)) in entries.iter().enumerate() {
        let x = WIDTH - RIGHT - 330.0 + i as f64 * 170.0;
        let _ = writeln!(
            svg,
            r#"<line x1="{x}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="2"/><text x="{:.1}" y="{:.1}">{}</text>"#,
            top - 10.0,
            x + 18.0,
            top - 10.0,
            x + 22.0,
            top - 6.0,
            escape(label)
        );
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
