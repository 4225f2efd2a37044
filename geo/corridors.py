"""Strategic corridors on a date: who holds how much of each road, how close the fighting is.

Inputs are the layers of a date (`geo.layers.layers_on`) and the corridor lines
(`geo.corridor_lines.load_corridors`); everything is measured in the theater's metric CRS
and lengths are reported geodesically (km on the WGS84 ellipsoid).

Rules
-----
- **Holder.** A stretch of a corridor is held by the faction whose control area
  (`geo.areas.control_map`) it runs through; outside every area its holder is unknown.
- **Fire exposure** ("fire control"). A held stretch is exposed where it lies within the
  theater's ``fire_range_km`` (``[corridors]`` of ``theater.toml``, default 10 km) of a
  frontline or of a place held by a faction hostile to its holder (allies never threaten each
  other; presence-only forces such as Russian military police threaten no one). A stretch of
  unknown holder is exposed only near a frontline.
- **Distances.** Every place, claim and frontline gets ``to_<ref>_km``, its shortest distance
  to each corridor; a claim on the corridor itself is at 0 km.
- **Claims in text** about a corridor as a whole ("government control over the M-5 ...
  along its entire length", "fire control of the M4") are listed with the corridor's figures
  as ``reported``: text is evidence, the measured figures come from the map.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from geo.corridor_lines import geodesic_km
from geo.factions import Factions
from geo.theater import Theater

SEGMENT_COLUMNS = ["ref", "holder", "fire_exposed", "exposed_by", "from_km", "to_km",
                   "length_km", "frontline_km", "geometry"]
MIN_SEGMENT_M = 10.0
"""Pieces shorter than this (metres) are noise from cutting lines with polygons."""
QUAD_SEGS = 64
"""Segments per quarter circle of a frontline's fire-range buffer: the polygon falls short of
the true range by at most range x (1 - cos(pi / 256)), under a metre at 10 km. Ranges around
places are exact circles."""
UNKNOWN = "unknown"


def distance_column(ref: str) -> str:
    """Name of the distance-to-corridor column (``to_M4_km``)."""
    return f"to_{ref}_km"


def add_distances(frame: gpd.GeoDataFrame, corridors: gpd.GeoDataFrame, metric_crs: str
                  ) -> gpd.GeoDataFrame:
    """A copy of ``frame`` with the distance in km from each row to each corridor.

    Rows without a geometry get no distance (NaN).
    """
    out = frame.copy()
    if frame.crs is None and len(frame):
        raise ValueError("frame has no CRS")
    geometries = (np.asarray(frame.to_crs(metric_crs).geometry.values, dtype=object)
                  if len(frame) else np.asarray([], dtype=object))
    lines = corridors.to_crs(metric_crs)
    for ref, line in zip(lines["ref"], lines.geometry, strict=True):
        values = shapely.distance(geometries, line) / 1000.0 if len(frame) else []
        out[distance_column(ref)] = np.round(np.asarray(values, dtype=float), 3)
    if "geometry" in out.columns:
        out = out[[c for c in out.columns if c != "geometry"] + ["geometry"]]
    return out


Intervals = list[tuple[float, float]]
"""Stretches of one corridor as sorted, disjoint (start, end) distances along it, metres."""


def _intervals(line: BaseGeometry, cover: BaseGeometry | None) -> Intervals:
    """Where ``line`` runs inside ``cover`` (a polygon), as intervals along the line.

    Working along the line (linear referencing) keeps the arithmetic exact: stretches are
    added and subtracted as numbers, never as overlapping line geometries.
    """
    if cover is None:
        return []
    covers = np.atleast_1d(np.asarray(cover, dtype=object))
    covers = covers[shapely.intersects(covers, line)]
    if not len(covers):
        return []
    spans = []
    for part in shapely.get_parts(shapely.intersection(line, covers)):
        if part.geom_type != "LineString" or part.is_empty:
            continue
        a = line.project(shapely.Point(part.coords[0]))
        b = line.project(shapely.Point(part.coords[-1]))
        spans.append((min(a, b), max(a, b)))
    return _union(spans)


def _within_of_points(line: BaseGeometry, points: np.ndarray, range_m: float) -> Intervals:
    """Where ``line`` runs within ``range_m`` of any of ``points`` (exact circles, solved per
    line segment: |a + t(b - a) - p| = r), as intervals along the line."""
    if not len(points):
        return []
    xy = shapely.get_coordinates(line)
    start, step = xy[:-1], xy[1:] - xy[:-1]
    length = np.hypot(step[:, 0], step[:, 1])
    offset = np.concatenate([[0.0], np.cumsum(length)[:-1]])
    centres = shapely.get_coordinates(points)
    rel = start[None, :, :] - centres[:, None, :]                  # (points, segments, 2)
    a = np.maximum((step * step).sum(axis=1), 1e-12)[None, :]
    b = 2.0 * (rel * step[None, :, :]).sum(axis=2)
    c = (rel * rel).sum(axis=2) - range_m * range_m
    disc = b * b - 4.0 * a * c
    hit = disc >= 0.0
    root = np.sqrt(np.where(hit, disc, 0.0))
    t0 = np.clip((-b - root) / (2.0 * a), 0.0, 1.0)
    t1 = np.clip((-b + root) / (2.0 * a), 0.0, 1.0)
    hit &= t1 > t0
    spans = zip((offset + t0 * length)[hit], (offset + t1 * length)[hit], strict=True)
    return _union(spans)


def _union(spans: Iterable[tuple[float, float]]) -> Intervals:
    merged: Intervals = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        elif b > a:
            merged.append((a, b))
    return merged


def _intersect(left: Intervals, right: Intervals) -> Intervals:
    out = [(max(a, c), min(b, d)) for a, b in left for c, d in right
           if min(b, d) > max(a, c)]
    return _union(out)


def _subtract(left: Intervals, right: Intervals) -> Intervals:
    out: Intervals = []
    for a, b in left:
        start = a
        for c, d in right:
            if d <= start or c >= b:
                continue
            if c > start:
                out.append((start, c))
            start = max(start, d)
        if start < b:
            out.append((start, b))
    return out


def _threats(places: gpd.GeoDataFrame, frontlines: gpd.GeoDataFrame, lines: BaseGeometry,
             factions: Factions, range_m: float
             ) -> tuple[dict[str, np.ndarray], list[tuple[set[str], BaseGeometry]]]:
    """What can fire on a corridor: per faction, its held places within range of a corridor
    (``lines``); per frontline, its range (a buffer, `QUAD_SEGS`)."""
    zones: dict[str, np.ndarray] = {}
    held = places[places["controller"].notna() & places.geometry.notna()]
    points = np.asarray(held.geometry.values, dtype=object)
    near = shapely.dwithin(points, lines, range_m)
    for code in sorted(set(held["controller"][near])):
        faction = factions.by_code.get(str(code))
        if faction is None or faction.presence_only:
            continue
        zones[str(code)] = points[near & (held["controller"] == code).to_numpy()]
    fronts = [({str(a), str(b)}, shapely.buffer(g, range_m, quad_segs=QUAD_SEGS))
              for a, b, g in zip(frontlines["side_a"], frontlines["side_b"],
                                 frontlines.geometry, strict=True)]
    return zones, fronts


def corridor_segments(corridors: gpd.GeoDataFrame, areas: gpd.GeoDataFrame,
                      places: gpd.GeoDataFrame, frontlines: gpd.GeoDataFrame,
                      factions: Factions, theater: Theater) -> gpd.GeoDataFrame:
    """Each corridor cut into stretches by holder and fire exposure (EPSG:4326).

    Parameters
    ----------
    corridors
        Corridor lines (`geo.corridor_lines.load_corridors`).
    areas, places, frontlines
        The layers of one date (`geo.layers.layers_on`), EPSG:4326.

    Returns
    -------
    geopandas.GeoDataFrame
        `SEGMENT_COLUMNS`: ``holder`` (a faction code or ``unknown``), ``fire_exposed``,
        ``exposed_by`` (comma-separated faction codes), ``from_km``/``to_km`` (position along
        the corridor from its first waypoint, in geodesic km), ``length_km`` (geodesic) and
        ``frontline_km``
        (distance to the nearest frontline; empty without frontlines), ordered along each
        corridor.
    """
    metric = theater.metric_crs
    range_m = theater.fire_range_km * 1000.0
    lines = corridors.to_crs(metric)
    area_m, front_m, place_m = (frame.to_crs(metric) for frame in (areas, frontlines, places))
    all_lines = shapely.union_all(np.asarray(lines.geometry.values, dtype=object))
    # Only what lies within range of a corridor can put it under fire: frontlines are cut
    # to the corridors' neighbourhood before they are buffered (the costly step).
    near = shapely.buffer(all_lines, range_m * 1.05 + 100.0, quad_segs=4)
    front_near = front_m.assign(geometry=shapely.intersection(
        np.asarray(front_m.geometry.values, dtype=object), near))
    zones, fronts = _threats(place_m, front_near[~front_near.geometry.is_empty], all_lines,
                             factions, range_m)
    front_union = (shapely.union_all(np.asarray(front_m.geometry.values, dtype=object))
                   if len(front_m) else None)
    rows = []
    geodesic = dict(zip(corridors["ref"], (geodesic_km(g) for g in corridors.geometry),
                        strict=True))
    for ref, line in zip(lines["ref"], lines.geometry, strict=True):
        scale = geodesic[ref] / (line.length / 1000.0)  # metric position -> geodesic km
        held = {str(code): _intervals(line, polygon) for code, polygon in
                zip(area_m["controller"], area_m.geometry.values, strict=True)}
        holders: list[tuple[str | None, Intervals]] = [*held.items()]
        holders.append((None, _subtract([(0.0, line.length)],
                                        _union(i for spans in held.values() for i in spans))))
        by_faction = {code: _within_of_points(line, points, range_m)
                      for code, points in zones.items()}
        by_front = [(sides, _intervals(line, zone)) for sides, zone in fronts]
        for holder, stretch in holders:
            hostile = [code for code in by_faction
                       if holder is not None and factions.hostile(holder, code)]
            threat = _union([i for code in hostile for i in by_faction[code]]
                            + [i for _, spans in by_front for i in spans])
            for flag, spans in ((True, _intersect(stretch, threat)),
                                (False, _subtract(stretch, threat))):
                for start, end in spans:
                    if end - start < MIN_SEGMENT_M:
                        continue
                    piece = [(start, end)]
                    by = {c for c in hostile if _intersect(piece, by_faction[c])}
                    for sides, front_spans in by_front:
                        if _intersect(piece, front_spans):
                            by |= {x for x in sides
                                   if holder is None or factions.hostile(holder, x)}
                    geometry = substring(line, start, end)
                    rows.append({
                        "ref": ref, "holder": holder or UNKNOWN, "fire_exposed": flag,
                        "exposed_by": ",".join(sorted(by)) if flag else "",
                        "from_km": round(start / 1000.0 * scale, 3),
                        "to_km": round(end / 1000.0 * scale, 3),
                        "frontline_km": round(geometry.distance(front_union) / 1000.0, 3)
                        if front_union is not None else None,
                        "geometry": geometry,
                    })
    frame = gpd.GeoDataFrame(rows, columns=[c for c in SEGMENT_COLUMNS if c != "length_km"],
                             geometry="geometry", crs=metric)
    frame = frame.sort_values(["ref", "from_km"], kind="stable").reset_index(drop=True)
    frame = frame.to_crs(4326)
    frame["length_km"] = [geodesic_km(g) for g in frame.geometry]
    return frame[SEGMENT_COLUMNS]


def _km(values: Iterable[float]) -> float:
    return round(float(sum(values)), 3)


def corridor_table(corridors: gpd.GeoDataFrame, segments: gpd.GeoDataFrame,
                   frontlines: gpd.GeoDataFrame, theater: Theater,
                   reported: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Figures per corridor on one date, for summaries, the CLI and the app.

    Parameters
    ----------
    segments
        `corridor_segments` of the date.
    reported
        ref -> what the articles say about the corridor as a whole (controller, since,
        status, claims); listed, never mixed into the measured figures.

    Returns
    -------
    list of dict
        ``ref``, ``name``, ``length_km`` (the sum of the stretches), ``held_km`` (faction ->
        km), ``unknown_km``, ``fire_exposed_km``, ``fire_exposed_by_holder`` (holder ->
        km), ``nearest_frontline_km``, ``fire_range_km``, ``approximation`` and ``reported``.
    """
    front_m = frontlines.to_crs(theater.metric_crs) if len(frontlines) else None
    lines_m = corridors.to_crs(theater.metric_crs)
    rows = []
    for (ref, name, approximation), line in zip(
            corridors[["ref", "name", "approximation"]].itertuples(index=False, name=None),
            lines_m.geometry, strict=True):
        own = segments[segments["ref"] == ref]
        held = own[own["holder"] != UNKNOWN].groupby("holder")["length_km"].sum()
        exposed = own[own["fire_exposed"]].groupby("holder")["length_km"].sum()
        nearest = (round(float(shapely.distance(line, shapely.union_all(
            front_m.geometry.values))) / 1000.0, 3) if front_m is not None else None)
        rows.append({
            "ref": ref, "name": name, "length_km": _km(own["length_km"]),
            "held_km": {str(k): round(float(v), 3) for k, v in held.sort_index().items()},
            "unknown_km": _km(own.loc[own["holder"] == UNKNOWN, "length_km"]),
            "fire_exposed_km": _km(own.loc[own["fire_exposed"], "length_km"]),
            "fire_exposed_by_holder": {str(k): round(float(v), 3)
                                       for k, v in exposed.sort_index().items()},
            "nearest_frontline_km": nearest,
            "fire_range_km": theater.fire_range_km,
            "approximation": approximation,
            "reported": (reported or {}).get(ref),
        })
    return rows


def corridor_series(days: Iterable[date], table_of: Callable[[date], list[dict[str, Any]]]
                    ) -> list[dict[str, Any]]:
    """Corridor km per holder for every date: rows ``date, ref, holder, km, fire_exposed_km``.

    ``table_of(day)`` gives `corridor_table` of a date (cached by the caller).
    """
    rows = []
    for day in days:
        for row in table_of(day):
            holders = {**row["held_km"], UNKNOWN: row["unknown_km"]}
            for holder, km in holders.items():
                if km or holder == UNKNOWN:
                    rows.append({"date": day.isoformat(), "ref": row["ref"], "holder": holder,
                                 "km": km, "fire_exposed_km": row["fire_exposed_by_holder"].get(
                                     holder, 0.0)})
    return rows


def series_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """`corridor_series` rows as a table with one column per holder (km), per date and ref."""
    if not rows:
        return pd.DataFrame(columns=["date", "ref"])
    frame = pd.DataFrame(rows).pivot_table(index=["date", "ref"], columns="holder",
                                           values="km", aggfunc="sum", fill_value=0.0)
    return frame.reset_index()
