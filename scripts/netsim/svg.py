"""Line plots as hand-written SVG (no plotting library): enough for CDFs and time
series in the docs."""
from html import escape

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]


def _ticks(lo, hi, count=5):
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    while magnitude > raw:
        magnitude /= 10
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = (lo // step) * step
    ticks, t = [], first
    while t <= hi + step * 1e-9:
        if t >= lo - step * 1e-9:
            ticks.append(round(t, 10))
        t += step
    return ticks


def plot(path, title, x_label, y_label, series, y_max=None, x_max=None, steps=False, marks=(), legend_top_left=False):
    """`series`: [(label, [(x, y), ...])]. `steps` draws a step function (a CDF);
    `marks` are x values drawn as dashed vertical lines."""
    width, height, left, right, top, bottom = 720, 420, 70, 20, 40, 60
    points = [p for _, s in series for p in s]
    xs = [x for x, _ in points] or [0, 1]
    ys = [y for _, y in points] or [0, 1]
    x_lo, x_hi = min(0, min(xs)), x_max if x_max is not None else max(xs)
    y_lo, y_hi = min(0, min(ys)), y_max if y_max is not None else max(ys)
    x_hi = x_hi if x_hi > x_lo else x_lo + 1
    y_hi = y_hi if y_hi > y_lo else y_lo + 1
    sx = lambda x: left + (x - x_lo) / (x_hi - x_lo) * (width - left - right)
    sy = lambda y: height - bottom - (y - y_lo) / (y_hi - y_lo) * (height - top - bottom)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">{escape(title)}</text>']
    for t in _ticks(x_lo, x_hi):
        out.append(f'<line x1="{sx(t):.1f}" y1="{top}" x2="{sx(t):.1f}" y2="{height - bottom}" stroke="#eee"/>')
        out.append(f'<text x="{sx(t):.1f}" y="{height - bottom + 16}" text-anchor="middle">{t:g}</text>')
    for t in _ticks(y_lo, y_hi):
        out.append(f'<line x1="{left}" y1="{sy(t):.1f}" x2="{width - right}" y2="{sy(t):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left - 6}" y="{sy(t) + 4:.1f}" text-anchor="end">{t:g}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{width - left - right}" height="{height - top - bottom}" '
               f'fill="none" stroke="#333"/>')
    out.append(f'<text x="{(left + width - right) / 2}" y="{height - 18}" text-anchor="middle">{escape(x_label)}</text>')
    out.append(f'<text transform="translate(18 {(top + height - bottom) / 2}) rotate(-90)" '
               f'text-anchor="middle">{escape(y_label)}</text>')
    for x in marks:
        out.append(f'<line x1="{sx(x):.1f}" y1="{top}" x2="{sx(x):.1f}" y2="{height - bottom}" '
                   f'stroke="#555" stroke-dasharray="6 4"/>')
    for i, (label, pts) in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        pts = [(min(x, x_hi), y) for x, y in pts]
        coords = []
        for j, (x, y) in enumerate(pts):
            if steps and j:
                coords.append(f"{sx(x):.1f},{sy(pts[j - 1][1]):.1f}")
            coords.append(f"{sx(x):.1f},{sy(y):.1f}")
        if coords:
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(coords)}"/>')
        # Bottom right: CDFs and rising series leave it empty.
        ly = top + 16 + 18 * i if legend_top_left else height - bottom - 14 - 18 * (len(series) - 1 - i)
        lx = left + 10 if legend_top_left else width - right - 190
        out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 25}" y2="{ly}" stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{lx + 30}" y="{ly + 4}">{escape(label)}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def cdf(samples):
    """Points of the empirical CDF of `samples`, as percentages."""
    samples = sorted(samples)
    n = len(samples)
    return [(0, 0)] + [(x, 100 * (i + 1) / n) for i, x in enumerate(samples)]
