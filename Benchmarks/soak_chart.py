#!/usr/bin/env python3
"""Draws the soak as an SVG chart: `soak_chart.py OUT.svg sqlite.csv [postgres.csv]`.

Each CSV is Benchmarks/soak.sh's output (one row per minute, warm-up minutes first). For each
engine, two panels: the requests per second of each kind of traffic, and node A's resident memory
in MiB; a dashed line marks where the warm-up ends."""
import csv
import sys

from chart import panel

STREAMS = [("submissions", "submissions", "#1f5fa8"), ("pages", "page reads", "#d07a00"),
           ("registry", "registry reads", "#2e8b57"), ("relay", "through the exchange", "#7b3fa0"),
           ("signatures", "signatures", "#b0302a")]


def engine_panels(path, top):
    rows = list(csv.DictReader(open(path)))
    name = "PostgreSQL" if "postgres" in path else "SQLite"
    out = panel([(label, colour, [float(r[key]) for r in rows]) for key, label, colour in STREAMS], top, 120,
                f"{name}: requests per second of each kind, by minute", "/s")
    out += panel([("resident memory", "#333333", [float(r["rss_mib"]) for r in rows])], top + 200, 80,
                 f"{name}: node A's resident memory, by minute", "MiB")
    warmup = sum(1 for r in rows if r["phase"] == "warmup")
    if warmup:  # where the measured minutes begin (the panels' own x scale: 60 px left, 20 px right)
        x = 60 + (warmup - 0.5) * (640 - 80) / max(len(rows) - 1, 1)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + 280}" stroke="#888" stroke-dasharray="4 3"/>')
        out.append(f'<text x="{x - 4:.1f}" y="{top + 12}" font-size="11" text-anchor="end" fill="#555">warm-up</text>')
    return out


def main():
    out_path, inputs = sys.argv[1], sys.argv[2:]
    height = 340 * len(inputs) + 20
    title = "The soak: every module's traffic at once, throughput and memory by minute"
    body = [f'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="{height}" font-family="sans-serif"'
            f' role="img" aria-label="{title}">', f"<title>{title}</title>"]
    for n, path in enumerate(inputs):
        body += engine_panels(path, 30 + 340 * n)
    body.append("</svg>")
    with open(out_path, "w") as f:
        f.write("\n".join(body) + "\n")


if __name__ == "__main__":
    main()
