"""Benchmark of the snapshot images: seconds per PNG, per HTML map and per GeoTIFF.

On the seed corpus (ingested into a scratch store) and on 1,000 and 10,000 synthetic places
(`bench_snapshot.build_fixture`), at default settings: `geo.staticmap.render_png` (1600 px),
`geo.htmlmap.write_html`, `geo.raster.write_control_tif` (500 m). The layers of each date are
computed before the timing (they are cached in a session); every date is timed once and the
median and maximum are printed.

Usage
-----
::

    .venv/bin/python benchmarks/bench_images.py [--places 1000 10000] [--dates 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_snapshot import build_fixture

from geo.factions import load_factions
from geo.gazetteer import load_gazetteer
from geo.htmlmap import write_html
from geo.layers import War, layers_on, load_war
from geo.pipeline import ingest
from geo.raster import write_control_tif
from geo.staticmap import render_png
from geo.store import Store
from geo.theater import load_theater

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _time(war: War, days: list, out: Path) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"png": [], "html": [], "tif": []}
    for day in days:
        layers = layers_on(war, day)
        start = time.perf_counter()
        render_png(layers, war.theater, war.factions, day, out / f"{day}.png")
        times["png"].append(time.perf_counter() - start)
        start = time.perf_counter()
        write_html(layers, war.theater, war.factions, day, out / f"{day}.html")
        times["html"].append(time.perf_counter() - start)
        start = time.perf_counter()
        write_control_tif(layers["areas"], war.factions, war.theater, out / f"{day}.tif",
                          day=day)
        times["tif"].append(time.perf_counter() - start)
    return times


def _line(label: str, times: dict[str, list[float]]) -> str:
    return label + ": " + ", ".join(
        f"{kind} {statistics.median(v):.2f} s (max {max(v):.2f})" for kind, v in times.items())


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, nargs="*", default=[1_000, 10_000])
    parser.add_argument("--dates", type=int, default=5)
    args = parser.parse_args(argv)
    theater, factions = load_theater(), load_factions()
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        with Store(out / "seeds.db") as store:
            gazetteer = load_gazetteer()
            ingest([SEEDS], store, gazetteer, factions)
            war = load_war(store, gazetteer, factions, theater)
        days = war.dates()
        for day in days:
            layers_on(war, day)
        render_png(layers_on(war, days[-1]), theater, factions, days[-1], out / "warm.png")
        print(_line(f"seed corpus, {len(days)} dates", _time(war, days, out)))
        for count in args.places:
            fixture = build_fixture(count, dates=args.dates, step_days=7, share=0.05, seed=0,
                                    theater=theater, factions=factions)
            war = War(fixture.gazetteer, factions, theater, fixture.claims, fixture.evidence,
                      {}, [], [])
            for day in fixture.days:
                layers_on(war, day)
            print(_line(f"{count:,} synthetic places, {len(fixture.days)} dates",
                        _time(war, fixture.days, out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
