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

from geo.corridor_lines import geodesic_km
from geo.factions import Factions
from geo.theater import Theater

SEGMENT_COLUMNS = ["ref", "holder", "fire_exposed", "exposed_by", "from_km", "to_km",
                   "length_km", "frontline_km", "geometry"]
MIN_SEGMENT_M = 10.0
"""Pieces shorter than this (metres) are noise from cutting lines with polygons."""
QUAD_SEGS = 64
"""Segments per quarter circle of a fire-range buffer: the polygon falls short of the true
range by at most range x (1 - cos(pi / 256)), under a metre at 10 km."""
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
    geometries = (frame.to_crs(metric_crs).geometry.values if len(frame)
                  else np.asarray([], dtype=object))
    lines = corridors.to_crs(metric_crs)
    for ref, line in zip(lines["ref"], lines.geometry, strict=True):
        values = shapely.distance(geometries, line) / 1000.0 if len(frame) else []
        out[distance_column(ref)] = np.round(np.asarray(values, dtype=float), 3)
    if "geometry" in out.columns:
        out = out[[c for c in out.columns if c != "geometry"] + ["geometry"]]
    return out


def _lines_of(geometry: BaseGeometry) -> list[BaseGeometry]:
    if geometry is None or geometry.is_empty:
        return []
    merged = shapely.line_merge(shapely.union_all([g for g in shapely.get_parts(geometry)
                                                   if g.geom_type in ("LineString",
                                                                      "MultiLineString")]))
    return [g for g in shapely.get_parts(merged)
            if g.geom_type == "LineString" and g.length >= MIN_SEGMENT_M]


def _threats(places: gpd.GeoDataFrame, frontlines: gpd.GeoDataFrame, lines: BaseGeometry,
             factions: Factions, range_m: float
             ) -> tuple[dict[str, BaseGeometry], list[tuple[set[str], BaseGeometry]]]:
    """Fire zones per faction (its places' range) and per frontline (its sides' range).

    Only places within range of a corridor (``lines``) can put it under fire: the others are
    skipped before buffering.
    """
    zones: dict[str, BaseGeometry] = {}
    held = places[places["controller"].notna() & places.geometry.notna()]
    held = held[shapely.dwithin(held.geometry.values, lines, range_m)]
    for code, group in held.groupby("controller"):
        faction = factions.by_code.get(str(code))
        if faction is None or faction.presence_only:
            continue
        zones[str(code)] = shapely.union_all(shapely.buffer(group.geometry.values, range_m,
                                                            quad_segs=QUAD_SEGS))
    fronts = [({str(a), str(b)}, shapely.buffer(g, range_m, quad_segs=QUAD_SEGS))
              for a, b, g in zip(frontlines["side_a"], frontlines["side_b"],
                                 frontlines.geometry, strict=True)]
    return zones, fronts


def _exposed_by(piece: BaseGeometry, holder: str | None, zones: dict[str, BaseGeometry],
                fronts: list[tuple[set[str], BaseGeometry]], factions: Factions) -> list[str]:
    """The factions that can fire on ``piece``: hostile places or frontline sides in range."""
    hostile = set()
    for code, zone in zones.items():
        if holder is not None and factions.hostile(holder, code) and zone.intersects(piece):
            hostile.add(code)
    for sides, zone in fronts:
        if zone.intersects(piece):
            hostile |= {s for s in sides if holder is None or factions.hostile(holder, s)}
    return sorted(hostile)


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
    zones, fronts = _threats(place_m, front_m, shapely.union_all(lines.geometry.values),
                             factions, range_m)
    front_zone = shapely.union_all([z for _, z in fronts]) if fronts else None
    front_union = shapely.union_all(front_m.geometry.values) if len(front_m) else None
    covered = shapely.union_all(area_m.geometry.values) if len(area_m) else None
    rows = []
    geodesic = dict(zip(corridors["ref"], (geodesic_km(g) for g in corridors.geometry),
                        strict=True))
    for ref, line in zip(lines["ref"], lines.geometry, strict=True):
        scale = geodesic[ref] / (line.length / 1000.0)  # metric position -> geodesic km
        stretches: list[tuple[str | None, BaseGeometry]] = [
            (str(code), shapely.intersection(line, polygon))
            for code, polygon in zip(area_m["controller"], area_m.geometry.values, strict=True)]
        stretches.append((None, shapely.difference(line, covered) if covered is not None
                          else line))
        for holder, stretch in stretches:
            threat = [front_zone] if front_zone is not None else []
            if holder is not None:
                threat += [z for code, z in zones.items() if factions.hostile(holder, code)]
            zone = shapely.union_all(threat) if threat else None
            exposed = shapely.intersection(stretch, zone) if zone is not None else None
            safe = shapely.difference(stretch, zone) if zone is not None else stretch
            for flag, part in ((True, exposed), (False, safe)):
                for piece in _lines_of(part):
                    start, end = line.project(shapely.Point(piece.coords[0])), line.project(
                        shapely.Point(piece.coords[-1]))
                    if start > end:
                        piece, start, end = shapely.reverse(piece), end, start
                    rows.append({
                        "ref": ref, "holder": holder or UNKNOWN, "fire_exposed": flag,
                        "exposed_by": ",".join(_exposed_by(piece, holder, zones, fronts,
                                                           factions)) if flag else "",
                        "from_km": round(start / 1000.0 * scale, 3),
                        "to_km": round(end / 1000.0 * scale, 3),
                        "frontline_km": round(piece.distance(front_union) / 1000.0, 3)
                        if front_union is not None else None,
                        "geometry": piece,
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
