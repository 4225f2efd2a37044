"""Benchmark of the control GeoTIFFs and of population per control area (`geo.raster`).

Seed corpus
    The seed articles (``seeds/``) are ingested into a temporary store; the areas of every
    date with evidence come from `geo.layers.layers_on` (built before timing). Timed per
    date: `geo.raster.write_control_tif` at the given resolution (default 500 m), plus one
    `geo.raster.write_series_tif` of all dates.
Synthetic places
    `bench_snapshot.build_fixture` (synthetic points uniform over the theater, six
    factions, ~5 % of places changing hands per date; see that module) for each place
    count; the areas of each date come from ``snapshot`` then ``control_map`` as
    `geo.layers.layers_on` makes them (built before timing), then the same timings.
Population (``--population``)
    A synthetic raster shaped like WorldPop's 3 arc-second (about 100 m) national grids
    over the theater's bounds in EPSG:4326, float32, one made-up person per pixel, written
    once (untimed) to a temporary folder; `geo.raster.population` of the last date's areas
    of the largest place count is timed.

Every call is timed with `time.perf_counter` in this process (one core); median and max
over the dates. The first call of the run also loads the theater outline (cached after).
The agreement of pixel area with the vector ``area_km2`` (largest relative gap over the
factions and dates) is printed too.

Usage
-----
::

    .venv/bin/python benchmarks/bench_raster.py                      # seeds + 10,000 places
    .venv/bin/python benchmarks/bench_raster.py --places 1000 10000 --dates 5
    .venv/bin/python benchmarks/bench_raster.py --resolution 250 --population
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import rasterio
from affine import Affine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_snapshot import build_fixture
from common import peak_rss_mb

from geo.areas import boundary, control_map
from geo.factions import Factions, load_factions
from geo.gazetteer import load_gazetteer
from geo.layers import layers_on, load_war
from geo.pipeline import ingest
from geo.raster import (
    control_array,
    faction_codes,
    population,
    write_control_tif,
    write_series_tif,
)
from geo.store import Store
from geo.theater import Theater, load_theater
from geo.timeline import snapshot

REPO = Path(__file__).resolve().parent.parent
WORLDPOP_DEG = 3 / 3600
"""Pixel size of WorldPop's national 100 m grids (3 arc-seconds)."""


def area_gap(frames: list[tuple[date, gpd.GeoDataFrame]], factions: Factions,
             theater: Theater, resolution_m: float) -> float:
    """Largest |pixel area / area_km2 - 1| over every faction and date."""
    codes = faction_codes(factions)
    worst = 0.0
    for _, areas in frames:
        array, _, _ = control_array(areas, factions, theater, resolution_m=resolution_m)
        counts = np.bincount(array.ravel(), minlength=max(codes.values()) + 1)
        for controller, km2 in zip(areas["controller"], areas["area_km2"], strict=True):
            pixels = counts[codes[controller]] * resolution_m ** 2 / 1e6
            worst = max(worst, abs(pixels / float(km2) - 1))
    return worst


def time_writes(frames: list[tuple[date, gpd.GeoDataFrame]], factions: Factions,
                theater: Theater, resolution_m: float, folder: Path) -> dict[str, Any]:
    """Seconds per single-date GeoTIFF (median, max) and for the series of all dates."""
    seconds = []
    for day, areas in frames:
        start = time.perf_counter()
        path = write_control_tif(areas, factions, theater, folder / f"{day}.tif",
                                 resolution_m=resolution_m, day=day)
        seconds.append(time.perf_counter() - start)
    size = path.stat().st_size
    start = time.perf_counter()
    series = write_series_tif(frames, factions, theater, folder / "series.tif",
                              resolution_m=resolution_m)
    series_s = time.perf_counter() - start
    with rasterio.open(path) as src:
        shape = (src.height, src.width)
    return {"dates": len(frames), "grid": f"{shape[1]} x {shape[0]}",
            "tif_median_s": round(statistics.median(seconds), 4),
            "tif_max_s": round(max(seconds), 4), "tif_kb": round(size / 1000, 1),
            "series_s": round(series_s, 3), "series_mb": round(series.stat().st_size / 1e6, 2),
            "area_gap": area_gap(frames, factions, theater, resolution_m)}


def seed_frames(theater: Theater, factions: Factions, folder: Path
                ) -> list[tuple[date, gpd.GeoDataFrame]]:
    """The areas of every evidence date of the seed corpus."""
    gazetteer = load_gazetteer()
    store = Store(folder / "seeds.db")
    ingest([REPO / "seeds"], store, gazetteer, factions)
    war = load_war(store, gazetteer, factions, theater)
    return [(day, layers_on(war, day)["areas"]) for day in war.dates()]


def synthetic_frames(count: int, dates: int, seed: int, theater: Theater, factions: Factions
                     ) -> list[tuple[date, gpd.GeoDataFrame]]:
    """The areas of every date of `bench_snapshot.build_fixture` (synthetic places)."""
    fixture = build_fixture(count, dates=dates, step_days=7, share=0.05, seed=seed,
                            theater=theater, factions=factions)
    frames = []
    for day in fixture.days:
        places = snapshot(fixture.evidence, day, gazetteer=fixture.gazetteer,
                          factions=factions, theater=theater)
        areas, _ = control_map(places, theater, factions)
        frames.append((day, areas))
    return frames


def time_population(areas: gpd.GeoDataFrame, theater: Theater, folder: Path
                    ) -> dict[str, Any]:
    """`population` over a synthetic WorldPop-shaped raster (one made-up person a pixel)."""
    minx, miny, maxx, maxy = boundary(theater.path("boundary"), "EPSG:4326").bounds
    width = int(np.ceil((maxx - minx) / WORLDPOP_DEG))
    height = int(np.ceil((maxy - miny) / WORLDPOP_DEG))
    path = folder / "synthetic_people.tif"
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=1,
                       dtype="float32", crs="EPSG:4326", nodata=-99999.0,
                       transform=Affine(WORLDPOP_DEG, 0, minx, 0, -WORLDPOP_DEG, maxy),
                       tiled=True, compress="deflate") as dst:
        for row in range(0, height, 1024):
            rows = min(1024, height - row)
            dst.write(np.ones((rows, width), np.float32), 1,
                      window=rasterio.windows.Window(0, row, width, rows))
    start = time.perf_counter()
    people = population(path, areas, theater)
    seconds = time.perf_counter() - start
    return {"grid": f"{width} x {height}", "s": round(seconds, 3),
            "pixels_counted": round(sum(people.values()))}


def benchmark(counts: list[int], *, dates: int, seed: int, resolution_m: float,
              with_population: bool) -> dict[str, Any]:
    """All figures, as a JSON-ready dict."""
    theater, factions = load_theater(), load_factions()
    result: dict[str, Any] = {
        "python": platform.python_version(), "platform": platform.platform(terse=True),
        "cpu_count": os.cpu_count(), "rasterio": rasterio.__version__,
        "gdal": rasterio.__gdal_version__, "resolution_m": resolution_m, "runs": []}
    with tempfile.TemporaryDirectory(prefix="bench-raster-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        boundary(theater.path("boundary"), theater.metric_crs)
        result["outline_load_s"] = round(time.perf_counter() - start, 3)
        frames = seed_frames(theater, factions, folder)
        result["runs"].append({"input": "seed corpus",
                               **time_writes(frames, factions, theater, resolution_m, folder)})
        last: gpd.GeoDataFrame = frames[-1][1]
        for count in counts:
            frames = synthetic_frames(count, dates, seed, theater, factions)
            result["runs"].append({"input": f"{count:,} synthetic places",
                                   **time_writes(frames, factions, theater, resolution_m,
                                                 folder)})
            last = frames[-1][1]
        if with_population:
            result["population"] = time_population(last, theater, folder)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return result


def table(result: dict[str, Any]) -> str:
    """Plain-text summary of the figures."""
    lines = [f"Python {result['python']}, {result['platform']}, {result['cpu_count']} cores "
             f"(1 used); rasterio {result['rasterio']}, GDAL {result['gdal']}; "
             f"{result['resolution_m']:g} m pixels"]
    for run in result["runs"]:
        lines.append(
            f"{run['input']:>24}: grid {run['grid']}, {run['dates']} dates; GeoTIFF per date "
            f"{run['tif_median_s'] * 1000:.0f} ms median ({run['tif_max_s'] * 1000:.0f} max, "
            f"{run['tif_kb']:.0f} kB); series {run['series_s']:.2f} s "
            f"({run['series_mb']:.2f} MB); pixel vs vector area gap <= "
            f"{run['area_gap']:.3%}")
    if "population" in result:
        figures = result["population"]
        lines.append(f"{'population':>24}: {figures['s']:.2f} s over a synthetic "
                     f"{figures['grid']} 3-arc-second grid")
    lines.append(f"{'peak RSS':>24}: {result['peak_rss_mb']:.0f} MB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, nargs="*", default=[10_000],
                        help="synthetic place counts (default 10000)")
    parser.add_argument("--dates", type=int, default=5, help="synthetic dates (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="RNG seed (default 0)")
    parser.add_argument("--resolution", type=float, default=500.0,
                        help="pixel size in metres (default 500)")
    parser.add_argument("--population", action="store_true",
                        help="also time population() on a synthetic WorldPop-sized raster")
    parser.add_argument("--json", action="store_true", help="print only the JSON summary")
    args = parser.parse_args(argv)
    result = benchmark(args.places, dates=args.dates, seed=args.seed,
                       resolution_m=args.resolution, with_population=args.population)
    if not args.json:
        print(table(result))
    print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
