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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Pieces:
    """Per-place pieces of a control map, in the metric CRS."""

    controllers: list[str]
    parts: np.ndarray          # cell ∩ disc ∩ outline, one per place
    exact: np.ndarray          # bool: the part is the whole Voronoi cell (exactly noded)
    cells: np.ndarray
    discs: np.ndarray
    points: np.ndarray


def _pieces(held: gpd.GeoDataFrame, theater: Theater, outline: BaseGeometry) -> _Pieces:
    points = _to_crs(np.asarray(held.geometry.values), "EPSG:4326", theater.metric_crs)
    if len(points) > 1:
        cells = np.asarray(shapely.voronoi_polygons(MultiPoint(list(points)), extend_to=outline,
                                                    ordered=True).geoms, dtype=object)
    else:
        cells = np.asarray([shapely.buffer(points[0], 1e7)], dtype=object)
    radii = np.array([theater.radius_km(k) * 1000.0 for k in held["kind"]])
    discs = shapely.buffer(points, radii, quad_segs=8)
    shapely.prepare(discs)
    exact = shapely.contains(discs, cells) & shapely.contains_properly(outline, cells)
    parts = cells.copy()
    cut = ~exact
    if cut.any():
        clipped = shapely.intersection(cells[cut], discs[cut])
        border = ~shapely.contains_properly(outline, clipped)
        clipped[border] = shapely.intersection(clipped[border], outline)
        parts[cut] = clipped
    return _Pieces(list(held["controller"]), parts, exact, cells, discs, points)


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """The polygons of a geometry as one MultiPolygon (repair can leave slivers as lines)."""
    polygons = [p for part in shapely.get_parts(geometry) for p in shapely.get_parts(part)
                if p.geom_type == "Polygon" and not p.is_empty]
    return shapely.multipolygons(polygons) if polygons else shapely.from_wkt(
        "MULTIPOLYGON EMPTY")


def _dissolve(parts: list[BaseGeometry], exact: list[bool]) -> BaseGeometry:
    """Union of one faction's pieces: whole Voronoi cells by (fast) coverage union."""
    whole = [g for g, e in zip(parts, exact, strict=True) if e]
    rest = [g for g, e in zip(parts, exact, strict=True) if not e and not g.is_empty]
    merged = [shapely.coverage_union_all(whole)] if whole else []
    return shapely.union_all(merged + rest) if rest else merged[0]


def _frontline_rows(pieces: _Pieces, factions: Factions, outline: BaseGeometry) -> list[dict]:
    """Shared Voronoi edges of hostile neighbours, where both places reach (metric CRS)."""
    if len(pieces.points) < 2:
        return []
    # Voronoi neighbours are the Delaunay neighbours: edges of the triangulation.
    index = {tuple(xy): i for i, xy in enumerate(shapely.get_coordinates(pieces.points))}
    edges_xy = shapely.get_coordinates(shapely.get_parts(shapely.delaunay_triangles(
        MultiPoint(list(pieces.points)), only_edges=True))).reshape(-1, 2, 2)
    left = np.array([index[tuple(a)] for a, _ in edges_xy], dtype=int)
    right = np.array([index[tuple(b)] for _, b in edges_xy], dtype=int)
    pairs: dict[tuple[str, str], list[BaseGeometry]] = {}
    if not len(left):
        return []
    hostile = np.array([factions.hostile(pieces.controllers[i], pieces.controllers[j])
                        for i, j in zip(left, right, strict=True)], dtype=bool)
    left, right = left[hostile], right[hostile]
    if not len(left):
        return []
    # The shared edge lies on both pieces' boundaries (fragile to intersect with), but
    # inside both discs and the outline: clip by those.
    edges = shapely.intersection(pieces.cells[left], pieces.cells[right])
    edges = shapely.intersection(edges, pieces.discs[left])
    edges = shapely.intersection(edges, pieces.discs[right])
    edges = shapely.intersection(edges, outline)
    for i, j, edge in zip(left, right, edges, strict=True):
        lines = [g for g in shapely.get_parts(edge)
                 if g.geom_type in ("LineString", "MultiLineString") and g.length > 10.0]
        if lines:
            key = tuple(sorted((pieces.controllers[i], pieces.controllers[j])))
            pairs.setdefault(key, []).extend(lines)
    rows = []
    for (a, b), lines in sorted(pairs.items()):
        merged = shapely.line_merge(shapely.union_all(lines))
        rows.append({"side_a": a, "side_b": b, "length_km": round(merged.length / 1000.0, 3),
                     "geometry": merged})
    return rows


def control_map(places: gpd.GeoDataFrame, theater: Theater, factions: Factions, *,
                baseline: gpd.GeoDataFrame | None = None
                ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Control areas and frontlines of a snapshot, both EPSG:4326.

    Areas: one row per controller with ``area_km2`` and the number of places. Frontlines:
    one row per pair of hostile factions with ``length_km``; edges between place areas come
    from the shared Voronoi edges (exact), edges against baseline polygons from the
    dissolved areas (`frontlines`).

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
                  & (places.geometry.geom_type == "Point")].drop_duplicates(subset="geometry")
    pieces = _pieces(held, theater, outline) if len(held) else None
    items: list[tuple[str, BaseGeometry, bool]] = []
    if pieces is not None:
        items = [(c, g, bool(e)) for c, g, e in zip(pieces.controllers, pieces.parts,
                                                     pieces.exact, strict=True)
                 if g is not None and not g.is_empty]
    base_items: list[tuple[str, BaseGeometry]] = []
    if baseline is not None and len(baseline):
        taken = shapely.union_all([g for _, g, _ in items]) if items else None
        filled = None
        for controller, polygon in zip(baseline["controller"],
                                       _to_crs(np.asarray(baseline.geometry.values),
                                               "EPSG:4326", metric), strict=True):
            part = shapely.intersection(shapely.make_valid(polygon), outline)
            for occupied in (taken, filled):
                if occupied is not None:
                    part = shapely.difference(part, occupied)
            if not part.is_empty:
                base_items.append((controller, part))
                filled = part if filled is None else shapely.union(filled, part)
    if not items and not base_items:
        return _empty_areas(), _empty_frontlines()
    rows = []
    for controller in sorted({c for c, _, _ in items} | {c for c, _ in base_items}):
        parts = [g for c, g, _ in items if c == controller] + [g for c, g in base_items
                                                                if c == controller]
        exact = [e for c, _, e in items if c == controller] + [False] * (len(parts) - len(
            [1 for c, _, _ in items if c == controller]))
        merged = shapely.make_valid(_dissolve(parts, exact))
        polygons = [p for p in shapely.get_parts(merged)
                    if p.geom_type == "Polygon" and not p.is_empty]
        rows.append({"controller": controller,
                     "places": int((held["controller"] == controller).sum()),
                     "geometry": shapely.multipolygons(polygons)})
    frame = gpd.GeoDataFrame(rows, columns=["controller", "places", "geometry"],
                             geometry="geometry", crs=metric)
    frame["area_km2"] = (frame.to_crs(theater.area_crs).area / 1e6).round(2)
    areas = frame.to_crs(4326)
    areas["geometry"] = [_polygonal(g) for g in shapely.make_valid(areas.geometry.values)]
    areas = areas[AREA_COLUMNS]
    if base_items:
        fronts = frontlines(areas, factions, theater)
    elif pieces is not None:
        front_rows = _frontline_rows(pieces, factions, outline)
        fronts = (gpd.GeoDataFrame(front_rows, columns=FRONTLINE_COLUMNS, geometry="geometry",
                                   crs=metric).to_crs(4326) if front_rows
                  else _empty_frontlines())
    else:
        fronts = _empty_frontlines()
    return areas, fronts


def control_areas(places: gpd.GeoDataFrame, theater: Theater, *,
                  baseline: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Areas per controller only (see `control_map`)."""
    from geo.factions import load_factions

    return control_map(places, theater, load_factions(theater), baseline=baseline)[0]


def frontlines(areas: gpd.GeoDataFrame, factions: Factions, theater: Theater
               ) -> gpd.GeoDataFrame:
    """Shared edges between dissolved areas of hostile factions (EPSG:4326), ``length_km``.

    The general method, for areas that are not Voronoi pieces (baseline polygons): an edge
    is A's boundary where it runs within `SNAP_M` of B.
    """
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
