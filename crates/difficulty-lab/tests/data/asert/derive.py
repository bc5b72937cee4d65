#!/usr/bin/env python3
"""Derives the expected nBits of the synthetic ASERT run fixtures beside this script.

The arithmetic is aserti3-2d as the 2020-11-15 spec defines it, in Python's exact
integers: C++'s truncating division for the exponent, a flooring shift for its integer
part, the cubic 2^x approximation, then the cap at the pow limit and the floor at 1.
Nothing here is shared with the Rust implementation it checks.

    python3 derive.py            rewrites the fixtures beside this script
    python3 derive.py RUN...     checks published run files against this arithmetic
                                 (run01-08 all agree) and exits non-zero on a mismatch
"""

import os
import sys

SPACING = 600
HALF_LIFE = 172800
LIMIT_BITS = 0x1D00FFFF


def bits_to_target(bits):
    size, mantissa = bits >> 24, bits & 0x7FFFFF
    if size <= 3:
        return mantissa >> (8 * (3 - size))
    return mantissa << (8 * (size - 3))


def target_to_bits(target):
    size = (target.bit_length() + 7) // 8
    if size <= 3:
        mantissa = target << (8 * (3 - size))
    else:
        mantissa = target >> (8 * (size - 3))
    if mantissa & 0x800000:
        mantissa >>= 8
        size += 1
    return size << 24 | mantissa


def truncating_div(a, b):
    quotient = abs(a) // abs(b)
    return quotient if (a < 0) == (b < 0) else -quotient


def next_bits(anchor_bits, time_diff, height_diff):
    drift = time_diff - SPACING * (height_diff + 1)
    exponent = truncating_div(drift * 65536, HALF_LIFE)
    shifts = exponent >> 16
    frac = exponent - (shifts << 16)
    factor = 65536 + (
        (195766423245049 * frac + 971821376 * frac**2 + 5127 * frac**3 + 2**47) >> 48
    )
    target = bits_to_target(anchor_bits) * factor
    shifts -= 16
    target = target << shifts if shifts > 0 else target >> -shifts
    target = min(max(target, 1), bits_to_target(LIMIT_BITS))
    return target_to_bits(target)


def run_lines(anchor_height, anchor_time, anchor_bits, blocks):
    """`iteration height time 0xBITS` for each (height, time) in `blocks`."""
    return [
        "%d %d %d 0x%08x"
        % (i, h, t, next_bits(anchor_bits, t - anchor_time, h - anchor_height))
        for i, (h, t) in enumerate(blocks, start=1)
    ]


def high_heights():
    """Heights across 2^63 - 1 and times across 2^32, irregular solve times."""
    anchor_height, anchor_time, bits = 2**63 - 7, 2**32 - 5000, 0x1B0404CB
    solve_times = [600, 1800, 30, 7200, 600, -400, 900, 172800, 600, 600]
    blocks, h, t = [], anchor_height + 1, anchor_time + 1200
    for step in solve_times:
        blocks.append((h, t))
        h, t = h + 1, t + step
    header = [
        "## description: synthetic - heights across 2^63-1, times across 2^32",
        "##   anchor height: %d" % anchor_height,
        "##   anchor parent time: %d" % anchor_time,
        "##   anchor nBits: 0x%08x" % bits,
        "##   start height: %d" % blocks[0][0],
        "##   start time: %d" % blocks[0][1],
        "##   iterations: %d" % len(blocks),
        "# iteration,height,time,target",
    ]
    return "\n".join(header + run_lines(anchor_height, anchor_time, bits, blocks)) + "\n"


def falling_times():
    """Each block a second before the last, falling below the anchor's parent time;
    headers out of order, comments and blank lines, CRLF line ends."""
    anchor_height, anchor_time, bits = 1, 10000, 0x1802AEE8
    blocks = [(2 + i, 10005 - i) for i in range(12)]
    lines = run_lines(anchor_height, anchor_time, bits, blocks)
    text = [
        "## description: synthetic - each block 1 second before the previous one",
        "##   iterations: %d" % len(blocks),
        "##   anchor nBits: 0x%08x" % bits,
        "##   anchor parent time: %d" % anchor_time,
        "##   anchor height: %d" % anchor_height,
        "##   start time: %d" % blocks[0][1],
        "##   start height: %d" % blocks[0][0],
        "",
        "# iteration,height,time,target",
    ]
    text += lines[:6] + ["", "# times now fall below the anchor's parent time"] + lines[6:]
    return "\r\n".join(text) + "\r\n"


def check(path):
    header, failures, count = {}, 0, 0
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line.startswith("##") and ":" in line:
            key, value = line[2:].split(":", 1)
            header[key.strip()] = value.strip()
        elif line and not line.startswith("#"):
            _, h, t, expected = line.split()
            anchor_time = header.get("anchor parent time", header.get("anchor ancestor time"))
            got = next_bits(
                int(header["anchor nBits"], 16),
                int(t) - int(anchor_time),
                int(h) - int(header["anchor height"]),
            )
            count += 1
            if "0x%08x" % got != expected:
                failures += 1
                print("%s: %s: got 0x%08x" % (path, line, got))
    print("%s: %d lines, %d mismatches" % (path, count, failures))
    return failures == 0


def main():
    if len(sys.argv) > 1:
        sys.exit(0 if all([check(path) for path in sys.argv[1:]]) else 1)
    here = os.path.dirname(os.path.abspath(__file__))
    for name, text in [("high_heights", high_heights()), ("falling_times", falling_times())]:
        with open(os.path.join(here, name), "w", encoding="utf-8", newline="") as out:
            out.write(text)


if __name__ == "__main__":
    main()
