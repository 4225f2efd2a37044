"""Benchmark of the layers of a date: snapshot, control areas and frontlines, and the export.

Builds synthetic places spread over the theater and synthetic capture claims over a run of
dates, then times, for every date, `geo.timeline.snapshot`, `geo.areas.control_areas` and
`geo.areas.frontlines` (ms per snapshot, median and p90), checks the areas, and times
`geo.export.export_layers` of all dates in each format.

Usage
-----
::

    .venv/bin/python benchmarks/bench_snapshot.py                    # 1,000 and 10,000 places
    .venv/bin/python benchmarks/bench_snapshot.py --places 2000 --dates 10 --seed 1
    .venv/bin/python benchmarks/bench_snapshot.py --export-places 1000 10000
    .venv/bin/python benchmarks/bench_snapshot.py --profile 25       # cProfile, to stderr
    .venv/bin/python benchmarks/bench_snapshot.py --cold             # caches cleared per date
    .venv/bin/python benchmarks/bench_snapshot.py --json             # one JSON line only

Method
------
Places (synthetic fixtures, not real places)
    N points drawn uniformly by area inside the theater outline (``[files] boundary`` of
    the active theater, `geo.theater.load_theater`): uniform draws in the bounding box of the
    outline in the theater's equal-area CRS (``area_crs``), kept when inside, by a
    ``numpy.random.default_rng((seed, N))``; then projected to WGS84. Each becomes a
    `geo.models.Place` ``bench:{i}`` named ``P{i}``, kind by ``i % 10`` (0 city, 1–3 town,
    4–9 village: 10/30/60 %), source ``theater``, source_url "synthetic benchmark point",
    and the gazetteer is ``Gazetteer(places, keys={})`` (no names to match). Points have no
    ``geometry``, as points of a loaded gazetteer do not.
Controllers
    Six centres, drawn like the places, are held by GOV, SDF, TURKEY, HTS, REBELS and ISIS
    (`geo.factions.load_factions`). A place belongs to the centre that minimises
    ``distance - weight`` (an additively weighted Voronoi diagram, so every faction's
    places form one contiguous region, and hostile regions meet along frontlines). All
    weights start at 0. On each later date the weights move along a random zero-sum
    direction, scaled by bisection so that the share of places changing hands is as
    close as possible to ``--flip`` (default 5 %): the regions' borders move and the
    places they cross change hands to a neighbouring faction. A faction holding less than
    half its first-date count gets the largest weight increase, so that none disappears.
Claims
    One `geo.timeline.Evidence` per place on the first date (``capture`` by its first
    holder), then one per flipped place on the date it changes hands (``capture`` by the
    new holder); all unhedged, not negated, confidence 0.9, each from its own document
    ``bench-doc-{k}``. Dates are ``--step-days`` apart (default 7, so 30 dates span 203
    days and places unclaimed for 60 days turn ``stale``). The same claims are kept as
    store-like rows for the claims layer.
Timing
    For every N and date, in date order, in this process: ``snapshot(evidence, day,
    gazetteer=..., factions=..., theater=...)``, then the areas and frontlines as
    `geo.layers.layers_on` makes them: ``control_map(places, theater, factions)`` (areas
    and frontlines in one call) where `geo.areas` has it, otherwise
    ``control_areas(places, theater)`` then ``frontlines(areas, factions, theater)``;
    each call timed with `time.perf_counter`, the total being the snapshot plus the
    areas and frontlines. With ``--general-frontlines`` and ``control_map``,
    ``frontlines(areas, ...)`` on its areas (the general method, used when baseline
    polygons are present) is timed too, as its own stage outside the total. So is
    ``geo.layers.claims_layer`` (every claim up to the date as a point, as ``frontline
    export`` writes it). Before the loop one untimed pass on the first date fills the lazy
    caches (imports, the cached outline, the evidence index of `geo.timeline.timeline`
    and the place-set coverage of `geo.areas.coverage`); its time is printed as *first
    call*: the cost of a date whose places have not been seen before. The fixture's
    places are the same on every date (only controllers change), so the timed dates reuse
    those caches, as a run of dates over the same places does; ``--cold`` clears both
    caches before every timed date (``clear_cache`` of each module) to time the
    from-scratch path instead. Median, p90 and max over the dates. Target: median total
    under 300 ms per snapshot at 10,000 places.
Checks (outside the timing; the run fails on the asserted ones)
    Per date: every area geometry valid (EPSG:4326, as returned) [asserted]; no overlap
    between factions: the areas, reprojected to the theater's metric CRS and made valid
    there, have a sum of areas within 0.1 % of the area of their union [asserted].
    Reported, not asserted: areas that are not (Multi)Polygons (a GeometryCollection
    left by `make_valid`), areas that are invalid once reprojected to the metric CRS, and
    hostile pairs whose polygons share more than 1 km of border but get no frontline.
    Areas and frontline km are printed for the first and last date as a sanity check.
Export
    ``export_layers(per_date, folder, fmt=...)`` for ``geojson``, ``gpkg`` and ``parquet``,
    with ``per_date`` mapping every ISO date to its ``places``, ``areas``, ``frontlines``
    and (unless ``--no-claims``) ``claims`` layers from the timed run, into a fresh
    temporary folder each (``--tmpdir``). Seconds and the size of the files written (MB =
    10**6 bytes) per format, for the N given by ``--export-places`` (default 1,000 only:
    the 10,000-place export is slow, see the README).
Memory
    Peak resident set size, ``resource.getrusage(RUSAGE_SELF).ru_maxrss / 1024`` (KB on
    Linux), at start, after each N and after the exports, with the current RSS beside it.
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
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

import geo.areas
import geo.timeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import current_rss_mb, peak_rss_mb, profiled

from geo.areas import boundary, control_areas, frontlines
from geo.export import export_layers
from geo.factions import Factions, load_factions
from geo.gazetteer import Gazetteer
from geo.layers import War, claims_layer
from geo.models import Place
from geo.theater import Theater, load_theater
from geo.timeline import Evidence, snapshot

SIDES = ("GOV", "SDF", "TURKEY", "HTS", "REBELS", "ISIS")
KINDS = ("city", "town", "town", "town", "village", "village", "village", "village",
         "village", "village")
FIRST_DAY = date(2020, 1, 6)
FORMATS = ("geojson", "gpkg", "parquet")
TARGET_MS = 300.0
TARGET_PLACES = 10_000
OVERLAP_TOLERANCE = 0.001
STAGES = ("snapshot", "control_map", "control_areas", "frontlines", "total",
          "frontlines_general", "claims_layer")
STAGE_LABELS = {
    "snapshot": "snapshot",
    "control_map": "control_map (areas + frontlines)",
    "control_areas": "control_areas",
    "frontlines": "frontlines",
    "total": "total",
    "frontlines_general": "frontlines(areas) (not in total)",
    "claims_layer": "claims_layer (not in total)",
}



@dataclass
class Fixture:
    """Synthetic places and claims for one N."""

    places: int
    gazetteer: Gazetteer
    evidence: list[Evidence]
    claims: list[dict[str, Any]]
    days: list[date]
    flipped: list[int]
    held_first: dict[str, int]
    held_last: dict[str, int]


def uniform_points(outline: shapely.Geometry, count: int, rng: np.random.Generator
                   ) -> np.ndarray:
    """``count`` points uniform inside ``outline`` (rejection from its bounding box)."""
    minx, miny, maxx, maxy = outline.bounds
    kept: list[np.ndarray] = []
    total = 0
    while total < count:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(2 * count + 16, 2))
        xy = xy[shapely.contains_xy(outline, xy[:, 0], xy[:, 1])]
        kept.append(xy)
        total += len(xy)
    return np.concatenate(kept)[:count]


def _owners(distances: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return np.argmin(distances - weights, axis=1)


def _step(distances: np.ndarray, weights: np.ndarray, owners: np.ndarray, share: float,
          floor: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """New weights: a random move scaled so about ``share`` of places flip.

    A faction holding fewer than ``floor`` places gets the largest weight increase.
    """
    direction = rng.normal(size=len(weights))
    held = np.bincount(owners, minlength=len(weights))
    direction[held < floor] = np.abs(direction).max()
    target = round(share * len(owners))

    def flips(scale: float) -> int:
        return int((_owners(distances, weights + scale * direction) != owners).sum())

    low, high = 0.0, 1000.0
    while flips(high) < target and high < 1e8:
        high *= 2
    best = high
    for _ in range(40):
        middle = (low + high) / 2
        if flips(middle) < target:
            low = middle
        else:
            high = best = middle
    if abs(flips(low) - target) < abs(flips(best) - target):
        best = low
    return weights + best * direction


def build_fixture(count: int, *, dates: int, step_days: int, share: float, seed: int,
                  theater: Theater, factions: Factions) -> Fixture:
    """Places, controllers and claims for ``count`` places (see the module docstring)."""
    for code in SIDES:
        faction = factions.by_code.get(code)
        if faction is None or faction.presence_only:
            raise SystemExit(f"theater {theater.code!r} has no controlling faction {code}")
    rng = np.random.default_rng((seed, count))
    outline = boundary(theater.path("boundary"), theater.area_crs)
    xy = uniform_points(outline, count, rng)
    lon, lat = Transformer.from_crs(theater.area_crs, "EPSG:4326", always_xy=True).transform(
        xy[:, 0], xy[:, 1])
    places = [Place(place_id=f"bench:{i}", name=f"P{i}", kind=KINDS[i % len(KINDS)],
                    lat=float(lat[i]), lon=float(lon[i]), source="theater",
                    source_url="synthetic benchmark point") for i in range(count)]
    gazetteer = Gazetteer(places, keys={})

    centres = uniform_points(outline, len(SIDES), rng)
    distances = np.linalg.norm(xy[:, None, :] - centres[None, :, :], axis=2)
    weights = np.zeros(len(SIDES))
    owners = _owners(distances, weights)
    held_first = dict(sorted(Counter(SIDES[k] for k in owners).items()))
    floor = np.bincount(owners, minlength=len(SIDES)) / 2
    days = [FIRST_DAY + timedelta(days=step_days * d) for d in range(dates)]
    evidence: list[Evidence] = []
    claims: list[dict[str, Any]] = []

    def claim(i: int, day: date) -> None:
        k = len(evidence)
        item = Evidence(place_id=f"bench:{i}", place_name=f"P{i}",
                        controller=SIDES[owners[i]], action="capture", day=day, hedged=False,
                        negated=False, near_place=False, confidence=0.9,
                        doc_id=f"bench-doc-{k}", evidence="synthetic",
                        file=f"bench-doc-{k}.txt")
        evidence.append(item)
        claims.append({"event_date": day.isoformat(), "place_id": item.place_id,
                       "place_name": item.place_name, "controller": item.controller,
                       "action": item.action, "hedged": 0, "negated": 0, "near_place": 0,
                       "confidence": item.confidence, "date_basis": "synthetic",
                       "evidence": item.evidence, "path": item.file, "url": "",
                       "doc_id": item.doc_id})

    for i in range(count):
        claim(i, days[0])
    flipped = [count]
    for day in days[1:]:
        weights = _step(distances, weights, owners, share, floor, rng)
        new = _owners(distances, weights)
        changed = np.flatnonzero(new != owners)
        owners = new
        for i in changed:
            claim(int(i), day)
        flipped.append(len(changed))
    held_last = dict(sorted(Counter(SIDES[k] for k in owners).items()))
    return Fixture(count, gazetteer, evidence, claims, days, flipped, held_first, held_last)


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a geometry (collections flattened), as one MultiPolygon."""
    parts = shapely.get_parts(shapely.get_parts(geometry))
    polygons = [p for p in parts if p.geom_type == "Polygon"]
    return shapely.multipolygons(polygons) if polygons else shapely.MultiPolygon()


def check_layers(areas: gpd.GeoDataFrame, lines: gpd.GeoDataFrame, factions: Factions,
                 theater: Theater) -> dict[str, Any]:
    """Asserted and reported checks of one date's areas and frontlines (module docstring).

    Raises
    ------
    AssertionError
        When an area is invalid or the factions' areas overlap by more than 0.1 %.
    """
    assert bool(areas.is_valid.all()), "control_areas returned an invalid geometry"
    not_polygonal = [c for c, t in zip(areas["controller"], areas.geom_type, strict=True)
                     if t not in ("Polygon", "MultiPolygon")]
    metric = areas.to_crs(theater.metric_crs)
    invalid_metric = int((~metric.is_valid).sum())
    geoms = [_polygonal(shapely.make_valid(g)) for g in metric.geometry]
    total = float(sum(g.area for g in geoms))
    union = float(shapely.union_all(geoms).area) if geoms else 0.0
    overlap = (total - union) / union if union else 0.0
    assert overlap <= OVERLAP_TOLERANCE, f"areas overlap: sum {total:.0f} m2, union {union:.0f}"
    codes = list(areas["controller"])
    with_line = {frozenset(p) for p in zip(lines["side_a"], lines["side_b"], strict=True)}
    missing = []
    for i in range(len(codes)):
        for j in range(i + 1, len(codes)):
            if not factions.hostile(codes[i], codes[j]):
                continue
            shared = shapely.intersection(shapely.boundary(geoms[i]), shapely.boundary(geoms[j]))
            if shared.length > 1000.0 and frozenset((codes[i], codes[j])) not in with_line:
                missing.append(f"{codes[i]}-{codes[j]}")
    return {"overlap": overlap, "not_polygonal": not_polygonal,
            "invalid_in_metric_crs": invalid_metric, "missing_frontlines": missing,
            "covered_km2": union / 1e6}


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(np.ceil(0.9 * len(ordered))) - 1)]
    return {"median_ms": round(1000 * statistics.median(ordered), 1),
            "p90_ms": round(1000 * p90, 1), "max_ms": round(1000 * ordered[-1], 1)}


def clear_caches() -> None:
    """Forget the evidence indexes and place-set coverages (where `geo` keeps them)."""
    for module in (geo.timeline, geo.areas):
        clear = getattr(module, "clear_cache", None)
        if clear is not None:
            clear()


def run_snapshots(fixture: Fixture, theater: Theater, factions: Factions, *, claims: bool,
                  general: bool, profile: int, cold: bool = False
                  ) -> tuple[dict[str, Any], dict[str, dict[str, gpd.GeoDataFrame]]]:
    """Time the layers of every date; returns the figures and the layers per ISO date.

    With ``cold``, the caches are cleared before each date (outside the timing).
    """
    war = War(fixture.gazetteer, factions, theater, fixture.claims, fixture.evidence, {}, [],
              [])

    control_map = getattr(geo.areas, "control_map", None)

    def layers(day: date) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, float]]:
        seconds: dict[str, float] = {}
        start = time.perf_counter()
        places = snapshot(fixture.evidence, day, gazetteer=fixture.gazetteer,
                          factions=factions, theater=theater)
        mark = time.perf_counter()
        seconds["snapshot"] = mark - start
        if control_map is not None:  # as geo.layers.layers_on: areas and frontlines at once
            areas, lines = control_map(places, theater, factions)
            end = time.perf_counter()
            seconds["control_map"] = end - mark
            seconds["total"] = end - start
            if general:  # the general method (used with baseline polygons)
                mark = time.perf_counter()
                frontlines(areas, factions, theater)
                seconds["frontlines_general"] = time.perf_counter() - mark
        else:
            areas = control_areas(places, theater)
            after_areas = time.perf_counter()
            lines = frontlines(areas, factions, theater)
            end = time.perf_counter()
            seconds["control_areas"] = after_areas - mark
            seconds["frontlines"] = end - after_areas
            seconds["total"] = end - start
        found = {"places": places, "areas": areas, "frontlines": lines}
        if claims:
            start = time.perf_counter()
            found["claims"] = claims_layer(war, day)
            seconds["claims_layer"] = time.perf_counter() - start
        return found, seconds

    _, first = layers(fixture.days[0])  # imports, cached outline
    per_date: dict[str, dict[str, gpd.GeoDataFrame]] = {}
    timings: dict[str, list[float]] = {stage: [] for stage in STAGES}
    checks = []
    cpu_start = time.process_time()
    wall_start = time.perf_counter()
    with profiled(profile, f"{fixture.places:,} places, {len(fixture.days)} dates"):
        for day in fixture.days:
            if cold:
                clear_caches()
            found, seconds = layers(day)
            per_date[day.isoformat()] = found
            for stage, value in seconds.items():
                timings[stage].append(value)
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start
    for layers_of_day in per_date.values():
        checks.append(check_layers(layers_of_day["areas"], layers_of_day["frontlines"],
                                   factions, theater))

    def day_figures(key: str) -> dict[str, Any]:
        found = per_date[key]
        return {"date": key, "places": len(found["places"]),
                "stale": int((found["places"]["status"] == "stale").sum()),
                "areas": len(found["areas"]),
                "area_km2": round(float(found["areas"]["area_km2"].sum()), 1),
                "frontlines": len(found["frontlines"]),
                "frontline_km": round(float(found["frontlines"]["length_km"].sum()), 1)
                if len(found["frontlines"]) else 0.0,
                "claims": len(found["claims"]) if "claims" in found else None}

    keys = list(per_date)
    return {
        "places": fixture.places,
        "dates": len(fixture.days),
        "claims": len(fixture.evidence),
        "flipped_per_date": fixture.flipped[1:],
        "held_first": fixture.held_first,
        "held_last": fixture.held_last,
        "method": "control_map" if control_map is not None else "control_areas+frontlines",
        "first_call_ms": {stage: round(1000 * v, 1) for stage, v in first.items()},
        **{stage: _ms(values) for stage, values in timings.items() if values},
        "loop_s": round(wall, 3),
        "loop_cpu_s": round(cpu, 3),
        "profiled": profile > 0,
        "cold": cold,
        "first_date": day_figures(keys[0]),
        "last_date": day_figures(keys[-1]),
        "max_overlap": max(c["overlap"] for c in checks),
        "dates_not_polygonal": sum(1 for c in checks if c["not_polygonal"]),
        "not_polygonal": dict(Counter(code for c in checks for code in c["not_polygonal"])),
        "dates_invalid_in_metric_crs": sum(1 for c in checks if c["invalid_in_metric_crs"]),
        "dates_missing_frontlines": sum(1 for c in checks if c["missing_frontlines"]),
        "missing_frontlines": dict(Counter(p for c in checks for p in c["missing_frontlines"])),
    }, per_date


def _polygonal_areas(per_date: dict[str, dict[str, gpd.GeoDataFrame]]
                     ) -> dict[str, dict[str, gpd.GeoDataFrame]]:
    """A copy of ``per_date`` whose areas keep only their polygons (see `run_exports`)."""
    cleaned = {}
    for day, layers in per_date.items():
        areas = layers["areas"].copy()
        areas["geometry"] = [_polygonal(g) for g in areas.geometry]
        cleaned[day] = {**layers, "areas": areas}
    return cleaned


def _export_once(per_date: dict[str, dict[str, gpd.GeoDataFrame]], fmt: str,
                 tmpdir: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="frontline-bench-", dir=tmpdir) as folder:
        start = time.perf_counter()
        try:
            files = export_layers(per_date, Path(folder) / "out", fmt=fmt)
        except Exception as exc:
            return {"error": f"{type(exc).__name__}: {exc}",
                    "s": round(time.perf_counter() - start, 3)}
        seconds = time.perf_counter() - start
        size = sum(f.stat().st_size for f in files)
    return {"s": round(seconds, 3), "mb": round(size / 1e6, 2), "files": len(files)}


def run_exports(per_date: dict[str, dict[str, gpd.GeoDataFrame]], tmpdir: str | None
                ) -> dict[str, Any]:
    """Time `export_layers` of every date in each format, into fresh temporary folders.

    A format that fails is reported with its error and timed again on a copy whose areas
    keep only their polygons (a GeometryCollection left by ``make_valid`` reduced to its
    (Multi)Polygon part), so that its cost is still measured; that figure is marked.
    """
    rows = {name: sum(len(layers[name]) for layers in per_date.values())
            for name in next(iter(per_date.values()))}
    figures: dict[str, Any] = {"rows": rows}
    cleaned = None
    for fmt in FORMATS:
        figures[fmt] = _export_once(per_date, fmt, tmpdir)
        if "error" in figures[fmt]:
            print(f"warning: export_layers(fmt={fmt!r}) failed: {figures[fmt]['error']}; "
                  "timing it again with polygon-only areas", file=sys.stderr)
            cleaned = cleaned or _polygonal_areas(per_date)
            figures[fmt]["polygonal_areas"] = _export_once(cleaned, fmt, tmpdir)
    return figures


def benchmark(counts: list[int], *, dates: int, step_days: int, share: float, seed: int,
              export_counts: list[int], claims: bool, general: bool, tmpdir: str | None,
              profile: int, cold: bool = False) -> dict[str, Any]:
    """Run the whole benchmark and return its figures (see the module docstring)."""
    rss_start = peak_rss_mb()
    theater = load_theater()
    factions = load_factions(theater)
    runs = []
    for count in counts:
        start = time.perf_counter()
        fixture = build_fixture(count, dates=dates, step_days=step_days, share=share,
                                seed=seed, theater=theater, factions=factions)
        build = time.perf_counter() - start
        figures, per_date = run_snapshots(fixture, theater, factions, claims=claims,
                                          general=general,
                                          profile=profile if count == max(counts) else 0,
                                          cold=cold)
        figures["build_s"] = round(build, 3)
        if count in export_counts:
            figures["export"] = run_exports(per_date, tmpdir)
        figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
        now = current_rss_mb()
        figures["rss_mb"] = None if now is None else round(now, 1)
        runs.append(figures)
        del per_date, fixture
    at_target = next((r for r in runs if r["places"] == TARGET_PLACES), None)
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(terse=True),
        "cpu_count": os.cpu_count(),
        "geopandas": gpd.__version__,
        "shapely": shapely.__version__,
        "geos": shapely.geos_version_string,
        "numpy": np.__version__,
        "theater": theater.code,
        "metric_crs": theater.metric_crs,
        "seed": seed,
        "dates": dates,
        "step_days": step_days,
        "flip_share": share,
        "claims_layer": claims,
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg")
        else None,
        "target_ms": TARGET_MS,
        "target_met": None if at_target is None
        else at_target["total"]["median_ms"] < TARGET_MS,
        "peak_rss_start_mb": round(rss_start, 1),
        "runs": runs,
    }


def _stage(run: dict[str, Any], stage: str) -> str:
    figures = run.get(stage)
    if figures is None:
        return "n/a"
    return (f"{figures['median_ms']:>8,.1f} / {figures['p90_ms']:>8,.1f} ms "
            f"(max {figures['max_ms']:,.1f}, first call {run['first_call_ms'][stage]:,.1f})")


def _day(figures: dict[str, Any]) -> str:
    claims = "" if figures["claims"] is None else f", {figures['claims']:,} claims"
    return (f"{figures['date']}: {figures['places']:,} places ({figures['stale']:,} stale), "
            f"{figures['areas']} areas {figures['area_km2']:,.0f} km2, "
            f"{figures['frontlines']} frontlines {figures['frontline_km']:,.1f} km{claims}")


def _counts(counts: dict[str, int]) -> str:
    return f" {counts}" if counts else ""


def _export(figures: dict[str, Any]) -> str:
    if "error" not in figures:
        return f"{figures['s']:.2f} s, {figures['mb']:.1f} MB in {figures['files']} files"
    text = f"FAILED after {figures['s']:.2f} s: {figures['error']}"
    retry = figures.get("polygonal_areas")
    if retry:
        text += f"; with polygon-only areas: {_export(retry)}"
    return text


def table(result: dict[str, Any]) -> str:
    """Plain-text table of the figures."""
    rows = [
        ("Python", f"{result['python']} ({result['implementation']}), {result['platform']}, "
                   f"{result['cpu_count']} cores (1 used)"),
        ("libraries", f"geopandas {result['geopandas']}, shapely {result['shapely']} "
                      f"(GEOS {result['geos']}), numpy {result['numpy']}"),
        ("theater", f"{result['theater']} (metric CRS {result['metric_crs']}), seed "
                    f"{result['seed']}, {result['dates']} dates {result['step_days']} days "
                    f"apart, ~{result['flip_share']:.0%} of places flip per date"),
    ]
    for run in result["runs"]:
        n = f"{run['places']:,}"
        flips = run["flipped_per_date"]
        rows += [
            ("", ""),
            (f"[{n} places]", f"{run['claims']:,} claims (flips per date {min(flips, default=0)}"
                              f"-{max(flips, default=0)}), fixture built in "
                              f"{run['build_s']:.2f} s"),
            ("held first / last", f"{run['held_first']} / {run['held_last']}"),
            ("per snapshot", "median / p90"
             + (" [under cProfile: slower than normal]" if run["profiled"] else "")
             + (" [--cold: caches cleared before each date]" if run.get("cold") else "")),
            *[(f"  {STAGE_LABELS[stage]}", _stage(run, stage)) for stage in STAGES
              if stage in run],
            ("loop", f"{run['loop_s']:.2f} s wall, {run['loop_cpu_s']:.2f} s CPU"),
            ("first date", _day(run["first_date"])),
            ("last date", _day(run["last_date"])),
            ("checks (asserted)", f"all areas valid; max overlap {run['max_overlap']:.2e} "
                                  f"(limit {OVERLAP_TOLERANCE:g})"),
            ("checks (reported)",
             f"not (Multi)Polygon on {run['dates_not_polygonal']} dates"
             f"{_counts(run['not_polygonal'])}; invalid in metric CRS on "
             f"{run['dates_invalid_in_metric_crs']} dates; touching hostile pairs without "
             f"frontline on {run['dates_missing_frontlines']} dates"
             f"{_counts(run['missing_frontlines'])}"),
        ]
        export = run.get("export")
        if export:
            rows.append(("export rows", ", ".join(f"{k} {v:,}" for k, v in export["rows"].items())))
            rows += [(f"export {fmt}", _export(export[fmt])) for fmt in FORMATS]
        rows.append(("peak RSS after", f"{run['peak_rss_mb']:.1f} MB (current "
                                       f"{run['rss_mb']} MB)"))
    met = result["target_met"]
    rows += [("", ""),
             ("target", f"median total < {TARGET_MS:.0f} ms per snapshot at "
                        f"{TARGET_PLACES:,} places: "
                        + ("not measured" if met is None else "met" if met else "NOT met")),
             ("load average", str(result["load_average"]))]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}".rstrip() for label, value in rows)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, nargs="+", default=[1_000, 10_000],
                        help="place counts to benchmark (default 1000 10000)")
    parser.add_argument("--dates", type=int, default=30, help="snapshot dates (default 30)")
    parser.add_argument("--step-days", type=int, default=7,
                        help="days between dates (default 7)")
    parser.add_argument("--flip", type=float, default=0.05,
                        help="share of places changing hands per date (default 0.05)")
    parser.add_argument("--seed", type=int, default=0, help="RNG seed (default 0)")
    parser.add_argument("--export-places", type=int, nargs="*", default=[1_000],
                        help="place counts whose dates are exported (default 1000; none "
                             "with no value)")
    parser.add_argument("--no-claims", action="store_true",
                        help="leave out the claims layer (timing and export)")
    parser.add_argument("--general-frontlines", action="store_true",
                        help="also time geo.areas.frontlines on control_map's areas (the "
                             "method used with baseline polygons; not in the total)")
    parser.add_argument("--tmpdir", default=None,
                        help="where the exports go (default: the system temporary folder)")
    parser.add_argument("--cold", action="store_true",
                        help="clear the evidence index and place-set caches before every "
                             "timed date (the cost of dates whose places are all new)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="cProfile the timed loop of the largest place count and print "
                             "its top N functions to stderr (slows it down)")
    parser.add_argument("--json", action="store_true", help="print only the JSON summary")
    args = parser.parse_args(argv)
    if min(args.places) < 2:
        parser.error("--places must be at least 2")
    if args.dates < 1 or args.step_days < 1:
        parser.error("--dates and --step-days must be at least 1")
    if not 0 <= args.flip < 1:
        parser.error("--flip must be in [0, 1)")
    result = benchmark(args.places, dates=args.dates, step_days=args.step_days,
                       share=args.flip, seed=args.seed, export_counts=args.export_places,
                       claims=not args.no_claims, general=args.general_frontlines,
                       tmpdir=args.tmpdir, profile=args.profile, cold=args.cold)
    if not args.json:
        print(table(result))
    print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
