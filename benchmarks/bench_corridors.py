"""Benchmark of the corridor analysis and of the full layers of a date.

Uses the synthetic places, controllers and claims of `bench_snapshot.build_fixture`
(uniform points over the theater, six factions whose regions move, 5 % of places changing
hands per date), then, for every date after the first (the first builds the caches):

- ``geo.corridors.corridor_segments``: M4/M5 cut by holder and fire exposure;
- ``geo.layers.layers_on``: everything a date shows (snapshot, areas, frontlines, corridor
  segments, distances of places/claims/frontlines to each corridor, the claims layer);
- ``geo.layers.corridor_report``: the figures per corridor;

and prints ms per date (median, p90). Also the corridor series over all dates.

Usage
-----
::

    .venv/bin/python benchmarks/bench_corridors.py                 # 1,000 and 10,000 places
    .venv/bin/python benchmarks/bench_corridors.py --places 2000 --dates 10
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_snapshot import build_fixture
from common import peak_rss_mb

from geo.corridors import corridor_segments, corridor_series
from geo.factions import load_factions
from geo.layers import War, corridor_report, layers_on
from geo.theater import load_theater


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"{statistics.median(values) * 1000:,.0f} / {p90 * 1000:,.0f} ms"


def run(count: int, dates: int, seed: int) -> dict[str, str]:
    """Time one place count; returns the printed figures."""
    theater, factions = load_theater(), load_factions()
    fixture = build_fixture(count, dates=dates, step_days=7, share=0.05, seed=seed,
                            theater=theater, factions=factions)
    war = War(fixture.gazetteer, factions, theater, fixture.claims, fixture.evidence, {}, [],
              [])
    full, segments, report = [], [], []
    layers_on(war, fixture.days[0])
    for day in fixture.days[1:]:
        start = time.perf_counter()
        layers = layers_on(war, day)
        full.append(time.perf_counter() - start)
        start = time.perf_counter()
        corridor_segments(war.corridors, layers["areas"], layers["places"],
                          layers["frontlines"], factions, theater)
        segments.append(time.perf_counter() - start)
        start = time.perf_counter()
        corridor_report(war, day)
        report.append(time.perf_counter() - start)
    start = time.perf_counter()
    rows = corridor_series(fixture.days, lambda d: corridor_report(war, d))
    series = time.perf_counter() - start
    last = layers_on(war, fixture.days[-1])["corridors"]
    exposed = last[last["fire_exposed"]]["length_km"].sum()
    return {
        "places": f"{count:,}",
        "layers_on (all layers of a date)": _ms(full),
        "corridor_segments": _ms(segments),
        "corridor_report (cached layers)": _ms(report),
        f"corridor series, {len(fixture.days)} dates (cached layers)":
            f"{series * 1000:,.0f} ms, {len(rows)} rows",
        "last date": f"{len(last)} segments, {exposed:,.0f} km under fire",
        "peak RSS": f"{peak_rss_mb():,.0f} MB",
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--dates", type=int, default=12, help="dates (default 12)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for count in args.places:
        figures = run(count, args.dates, args.seed)
        width = max(len(k) for k in figures)
        print("\n".join(f"{k:<{width}}  {v}" for k, v in figures.items()) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
