#!/usr/bin/env python3
"""Draws a per-minute benchmark as an SVG line chart: `chart.py OUT.svg < minutes.csv`.

The CSV has a header and the columns minute, submissions/s, submissions p99 (e.g. "41.2ms") and
page reads/s. Two panels: throughput (submissions and page reads) and submissions' p99 in ms.
"""
import csv
import sys


def millis(text):
    text = text.strip()
    for unit, factor in (("ms", 1.0), ("us", 0.001), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def panel(series, top, height, title, unit, width=640, left=60):
    """One panel's SVG: `series` is a list of (label, colour, values)."""
    count = max(len(values) for _, _, values in series)
    highest = max(max(values) for _, _, values in series) or 1.0
    step = (width - left - 20) / max(count - 1, 1)
    out = [f'<text x="{left}" y="{top - 8}" font-size="13" font-weight="bold">{title}</text>']
    for fraction in (0, 0.5, 1):
        y = top + height - fraction * height
        out.append(f'<line x1="{left}" x2="{width - 20}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{highest * fraction:.0f}</text>')
    for i in range(count):
        out.append(f'<text x="{left + i * step:.1f}" y="{top + height + 14}" font-size="11" text-anchor="middle">{i + 1}</text>')
    for n, (label, colour, values) in enumerate(series):
        points = " ".join(f"{left + i * step:.1f},{top + height - v / highest * height:.1f}" for i, v in enumerate(values))
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        out.append(f'<text x="{left + 10 + n % 3 * 180}" y="{top + height + 30 + n // 3 * 15}" font-size="12"'
                   f' fill="{colour}">— {label} ({unit})</text>')
    return out


def main():
    rows = list(csv.DictReader(sys.stdin))
    submissions = [float(r["submissions"]) for r in rows]
    reads = [float(r["reads"]) for r in rows]
    p99 = [millis(r["p99"]) for r in rows]
    body = ['<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400" font-family="sans-serif" role="img"'
            ' aria-label="Submissions and page reads per minute on the grown database">',
            '<title>Submissions and page reads per minute on the grown database</title>']
    body += panel([("submissions", "#1f5fa8", submissions), ("page reads", "#d07a00", reads)], 30, 120,
                  "Requests per second, by minute", "per second")
    body += panel([("submissions p99", "#b0302a", p99)], 240, 110, "Submissions: 99th percentile latency, by minute", "ms")
    body.append("</svg>")
    with open(sys.argv[1], "w") as f:
        f.write("\n".join(body) + "\n")


if __name__ == "__main__":
    main()
