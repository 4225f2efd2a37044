"""Control areas and frontlines of a snapshot.

Method (in the theater's metric CRS):

1. each controlled place with a point gets its Voronoi cell among all such places;
2. the cell is cut to the place's influence radius (``[areas.influence_km]`` of
   ``theater.toml``: city 10 km, town 6 km, village 3 km, facility 2 km, ...), so a lone town
   does not claim half the country;
3. cells are clipped to the theater boundary;
4. baseline polygons fill in where no place's cell reaches (news changes the baseline, not
   the other way round);
5. the pieces are dissolved by controller.

Frontlines are the shared edges of the areas of two hostile factions (allies, as declared in
``theater.toml``, make no frontline). Areas are measured in km² in the equal-area CRS.

Guarantees (tested): valid geometries, no overlap between factions, nothing outside the
boundary.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, shape
from shapely.geometry.base import BaseGeometry

from geo.factions import Factions
from geo.theater import Theater

AREA_COLUMNS = ["controller", "area_km2", "places", "geometry"]
SNAP_M = 5.0
"""Two areas whose edges run within this distance (metres) share that edge."""
FRONTLINE_COLUMNS = ["side_a", "side_b", "length_km", "geometry"]


@lru_cache(maxsize=4)
def boundary(path: Path, crs: str) -> BaseGeometry:
    """The theater outline in ``crs`` (prepared for fast predicates)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    outline = shapely.union_all([shape(f["geometry"]) for f in data["features"]])
    if crs != "EPSG:4326":
        transformer = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        outline = shapely.transform(outline, lambda xy: np.column_stack(
            transformer.transform(xy[:, 0], xy[:, 1])))
    outline = shapely.make_valid(outline)
    shapely.prepare(outline)
    return outline


def _to_crs(geometries: np.ndarray, source: str, target: str) -> np.ndarray:
    transformer = Transformer.from_crs(source, target, always_xy=True)
    return shapely.transform(geometries, lambda xy: np.column_stack(
        transformer.transform(xy[:, 0], xy[:, 1])))


def _empty_areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns=AREA_COLUMNS, geometry="geometry", crs="EPSG:4326")


def _empty_frontlines() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns=FRONTLINE_COLUMNS, geometry="geometry", crs="EPSG:4326")


def control_areas(places: gpd.GeoDataFrame, theater: Theater, *,
                  baseline: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Areas per controller (EPSG:4326), with ``area_km2`` and the number of places.

    Parameters
    ----------
    places
        A snapshot (`geo.timeline.snapshot`); rows with a Point and a controller count.
    baseline
        Baseline polygons with a ``controller`` column (EPSG:4326), optional.
    """
    metric = theater.metric_crs
    outline = boundary(theater.path("boundary"), metric)
    held = places[places["controller"].notna()
                  & (places.geometry.geom_type == "Point")].drop_duplicates(
        subset="geometry")
    pieces: list[tuple[str, BaseGeometry]] = []
    if len(held):
        points = _to_crs(np.asarray(held.geometry.values), "EPSG:4326", metric)
        cells = shapely.voronoi_polygons(MultiPoint(list(points)), extend_to=outline,
                                         ordered=True) if len(points) > 1 else None
        cell_list = np.asarray(cells.geoms if cells is not None else [outline], dtype=object)
        radii = np.array([theater.radius_km(k) * 1000.0 for k in held["kind"]])
        discs = shapely.buffer(points, radii, quad_segs=16)
        parts = shapely.intersection(shapely.intersection(cell_list, discs), outline)
        pieces = [(c, g) for c, g in zip(held["controller"], parts, strict=True)
                  if g is not None and not g.is_empty]
    if baseline is not None and len(baseline):
        taken = shapely.union_all([g for _, g in pieces]) if pieces else None
        filled = None
        for controller, polygon in zip(baseline["controller"],
                                       _to_crs(np.asarray(baseline.geometry.values),
                                               "EPSG:4326", metric), strict=True):
            part = shapely.intersection(shapely.make_valid(polygon), outline)
            for occupied in (taken, filled):
                if occupied is not None:
                    part = shapely.difference(part, occupied)
            if not part.is_empty:
                pieces.append((controller, part))
                filled = part if filled is None else shapely.union(filled, part)
    if not pieces:
        return _empty_areas()
    rows = []
    for controller in sorted({c for c, _ in pieces}):
        own = [g for c, g in pieces if c == controller]
        merged = shapely.make_valid(shapely.union_all(own))
        merged = shapely.intersection(merged, outline)
        polygons = shapely.get_parts(merged)
        merged = shapely.multipolygons([p for p in polygons
                                        if p.geom_type == "Polygon" and not p.is_empty])
        rows.append({"controller": controller, "places": int((held["controller"] ==
                                                               controller).sum()),
                     "geometry": merged})
    frame = gpd.GeoDataFrame(rows, columns=["controller", "places", "geometry"],
                             geometry="geometry", crs=metric)
    frame["area_km2"] = (frame.to_crs(theater.area_crs).area / 1e6).round(2)
    frame = frame.to_crs(4326)
    frame["geometry"] = shapely.make_valid(frame.geometry.values)
    return frame[AREA_COLUMNS]


def frontlines(areas: gpd.GeoDataFrame, factions: Factions, theater: Theater
               ) -> gpd.GeoDataFrame:
    """Shared edges between the areas of hostile factions (EPSG:4326), with ``length_km``."""
    if len(areas) < 2:
        return _empty_frontlines()
    metric = areas.to_crs(theater.metric_crs)
    rows = []
    codes = list(metric["controller"])
    geoms = list(metric.geometry)
    for i in range(len(codes)):
        for j in range(i + 1, len(codes)):
            if not factions.hostile(codes[i], codes[j]):
                continue
            # Edges shared after clipping and reprojection agree only to a few millimetres:
            # the frontline is A's boundary where it runs within SNAP_M of B.
            shared = shapely.intersection(shapely.boundary(geoms[i]),
                                          shapely.buffer(geoms[j], SNAP_M))
            lines = [g for g in shapely.get_parts(shared)
                     if g.geom_type in ("LineString", "MultiLineString") and g.length > 10.0]
            if not lines:
                continue
            merged = shapely.line_merge(shapely.multilinestrings(lines))
            rows.append({"side_a": codes[i], "side_b": codes[j],
                         "length_km": round(merged.length / 1000.0, 3), "geometry": merged})
    if not rows:
        return _empty_frontlines()
    frame = gpd.GeoDataFrame(rows, columns=FRONTLINE_COLUMNS, geometry="geometry",
                             crs=theater.metric_crs)
    return frame.to_crs(4326)
