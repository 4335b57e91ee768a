#!/usr/bin/env python3
"""Writes the open-data benchmark's table: ROWS rows (default 1,000,000) of 10 columns, about
70 bytes a row, deterministic (seeded), to FILE.

    python3 Benchmarks/make_table.py FILE [ROWS]"""
import random
import sys

path = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = random.Random(20261130)
regions = ["Bishkek", "Osh", "Chuy", "Issyk-Kul", "Naryn", "Talas", "Jalal-Abad", "Batken"]
categories = [f"category-{i:02d}" for i in range(20)]
with open(path, "w", encoding="utf-8", newline="") as f:
    f.write("id,region,district,year,month,category,amount,people,urban,recorded\n")
    for i in range(1, rows + 1):
        region = rng.choice(regions)
        f.write(f"{i},{region},{region[:3].lower()}-{rng.randrange(40):02d},{rng.randrange(2000, 2025)},"
                f"{rng.randrange(1, 13)},{rng.choice(categories)},{rng.randrange(100000) / 100},"
                f"{rng.randrange(5000)},{'true' if rng.random() < 0.6 else 'false'},"
                f"20{rng.randrange(10, 25)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}\n")
