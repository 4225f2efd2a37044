"""Control areas and frontlines of a snapshot.

Method (in the theater's metric CRS):

1. each controlled place with a point gets its Voronoi cell among all such places;
2. the cell is cut to the place's influence radius (its own ``influence_km`` column where
   set, as for approximate places; otherwise ``[areas.influence_km]`` of
   ``theater.toml``: city 10 km, town 6 km, village 3 km, facility 2 km, ...), so a lone town
   does not claim half the country;
3. cells are clipped to the theater boundary;
4. baseline polygons fill in where no place's cell reaches (news changes the baseline, not
   the other way round);
5. the pieces are dissolved by controller: they are first made into an exact polygonal
   coverage (`shapely.coverage_clean`: the shared edges of neighbours get the same
   vertices; no area moves), projected to EPSG:4326, and each faction's pieces are merged
   by `shapely.coverage_union_all`, which only drops the edges shared inside the faction.

Frontlines are the shared edges of the areas of two hostile factions (allies, as declared in
``theater.toml``, make no frontline). Areas are measured in km² in the equal-area CRS (the
sum of the faction's pieces, measured there once).

Steps 1-3, the cleaning, the areas of the pieces, the Delaunay neighbours and the shared
edge of each pair of neighbours depend only on which places are held, not by whom: they
are kept per set of places (`coverage`, the last few sets). Between two dates usually only
controllers change, so a date with the same places as an earlier one costs one coverage
union per faction and the frontline edges not yet seen.

Guarantees (tested): valid geometries, no overlap between factions, nothing outside the
boundary; a map from the cache equals the same map computed from scratch.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
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


@dataclass
class Coverage:
    """What the control map of one set of held places is made of, whoever holds them.

    Built once per set of places (points and influence radii, see `coverage`); between
    dates usually only the controllers change, and with them only which pieces are
    dissolved together and which Delaunay edges are frontlines. Arrays run over the places
    in the order given.
    """

    points: np.ndarray         # metric CRS, one per place
    cells: np.ndarray          # Voronoi cell of each place (metric)
    discs: np.ndarray          # influence disc of each place (metric)
    parts: np.ndarray          # cell ∩ disc ∩ outline (metric), empty where nothing is left
    pieces: np.ndarray         # the parts in EPSG:4326 made into a clean coverage
    km2: np.ndarray            # area of each piece in the equal-area CRS
    clean: bool                # the pieces are a valid coverage (else: dissolve by union_all)
    left: np.ndarray           # Delaunay edges (Voronoi neighbours): place indices
    right: np.ndarray
    lines: list[tuple[BaseGeometry, ...] | None] = field(default_factory=list)
    taken: BaseGeometry | None = None   # union of the parts, for baseline polygons

    def dissolve(self, mask: np.ndarray) -> BaseGeometry:
        """Union of the pieces selected by ``mask`` (EPSG:4326)."""
        if self.clean:
            return shapely.coverage_union_all(self.pieces[mask])
        return shapely.make_valid(shapely.union_all(self.pieces[mask]))

    def edge_lines(self, edges: np.ndarray, outline: BaseGeometry
                   ) -> list[tuple[BaseGeometry, ...]]:
        """The shared Voronoi edge of each Delaunay edge, where both places reach (metric).

        Computed on first use per edge: a frontline only needs the edges between hostile
        neighbours.
        """
        todo = np.array([e for e in edges.tolist() if self.lines[e] is None], dtype=int)
        if len(todo):
            left, right = self.left[todo], self.right[todo]
            # The shared edge lies on both cells' boundaries (fragile to intersect with),
            # but inside both discs and the outline: clip by those.
            shared = shapely.intersection(self.cells[left], self.cells[right])
            shared = shapely.intersection(shared, self.discs[left])
            shared = shapely.intersection(shared, self.discs[right])
            shared = shapely.intersection(shared, outline)
            for edge, geometry in zip(todo.tolist(), shared, strict=True):
                self.lines[edge] = tuple(
                    g for g in shapely.get_parts(geometry)
                    if g.geom_type in ("LineString", "MultiLineString") and g.length > 10.0)
        return [self.lines[e] for e in edges.tolist()]  # type: ignore[misc]


def _cells(points: np.ndarray, outline: BaseGeometry) -> np.ndarray:
    """Voronoi cell of each point, in the order of the points."""
    if len(points) > 1:
        return np.asarray(shapely.voronoi_polygons(MultiPoint(list(points)), extend_to=outline,
                                                   ordered=True).geoms, dtype=object)
    return np.asarray([shapely.buffer(points[0], 1e7)], dtype=object)


def _parts(cells: np.ndarray, discs: np.ndarray, outline: BaseGeometry) -> np.ndarray:
    """cell ∩ disc ∩ outline of each place, polygons only (metric CRS)."""
    exact = shapely.contains(discs, cells) & shapely.contains_properly(outline, cells)
    parts = cells.copy()
    cut = ~exact
    if cut.any():
        clipped = shapely.intersection(cells[cut], discs[cut])
        border = ~shapely.contains_properly(outline, clipped)
        clipped[border] = shapely.intersection(clipped[border], outline)
        parts[cut] = clipped
    mixed = ~np.isin(shapely.get_type_id(parts), (3, 6))  # not (Multi)Polygon
    parts[mixed] = [_polygonal(g) for g in parts[mixed]]
    return parts


def _delaunay_edges(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges of the Delaunay triangulation of the points (their Voronoi neighbours)."""
    if len(points) < 2:
        return np.empty(0, dtype=int), np.empty(0, dtype=int)
    edges = shapely.get_parts(shapely.delaunay_triangles(MultiPoint(list(points)),
                                                         only_edges=True))
    ends = shapely.get_coordinates(edges).reshape(-1, 2, 2)
    xy = shapely.get_coordinates(points)
    keys = xy[:, 0] + 1j * xy[:, 1]      # complex numbers sort by x, then y
    order = np.argsort(keys)
    index = []
    for end in (0, 1):
        wanted = ends[:, end, 0] + 1j * ends[:, end, 1]
        found = order[np.searchsorted(keys, wanted, sorter=order).clip(0, len(keys) - 1)]
        if not np.array_equal(keys[found], wanted):
            raise ValueError("Delaunay edge ends are not input points")
        index.append(found)
    return index[0], index[1]


def _clean(parts: np.ndarray, theater: Theater) -> tuple[np.ndarray, bool]:
    """The parts as pieces in EPSG:4326 that form a valid coverage, and whether they do.

    Neighbouring parts are cut by different discs, so the vertices of their shared edges
    differ: cleaning nodes them in the metric CRS, where the cells' edges are straight and
    nothing moves by more than a float's width (cleaned in EPSG:4326 instead, metric
    straight edges that carry a neighbour's vertex would bend and areas would shift). The
    same vertices project to the same points, so the pieces stay a coverage in EPSG:4326,
    which is checked; if not, they are cleaned there too. A faction's pieces then dissolve
    by the fast coverage union. When cleaning fails, the parts come back as they are.
    """
    try:
        pieces = _to_crs(shapely.coverage_clean(parts), theater.metric_crs, "EPSG:4326")
        if shapely.coverage_is_valid(pieces):
            return pieces, True
        pieces = shapely.coverage_clean(pieces)
        if shapely.coverage_is_valid(pieces):
            return pieces, True
    except shapely.errors.GEOSException:
        pass
    return _to_crs(parts, theater.metric_crs, "EPSG:4326"), False


def _build_coverage(points: np.ndarray, radii: np.ndarray, theater: Theater,
                    outline: BaseGeometry) -> Coverage:
    """`Coverage` of places at ``points`` (EPSG:4326) with radii in metres."""
    metric = _to_crs(points, "EPSG:4326", theater.metric_crs)
    cells = _cells(metric, outline)
    discs = shapely.buffer(metric, radii, quad_segs=8)
    shapely.prepare(discs)
    parts = _parts(cells, discs, outline)
    pieces, clean = _clean(parts, theater)
    km2 = shapely.area(_to_crs(pieces, "EPSG:4326", theater.area_crs)) / 1e6
    left, right = _delaunay_edges(metric)
    return Coverage(metric, cells, discs, parts, pieces, km2, clean, left, right,
                     [None] * len(left))


_COVERAGES: OrderedDict[tuple, Coverage] = OrderedDict()
_COVERAGES_KEPT = 4
_COVERAGES_LOCK = threading.Lock()


def coverage(points: np.ndarray, radii: np.ndarray, theater: Theater) -> Coverage:
    """The `Coverage` of places at ``points`` (EPSG:4326) with ``radii`` (m), cached.

    The last `_COVERAGES_KEPT` are kept, keyed by the theater's boundary file and CRSs and
    the exact coordinates and radii, in order: the same places on another date reuse
    everything. A different set (a place added, moved or dropped) builds a new one.
    """
    xy = shapely.get_coordinates(points)
    key = (str(theater.path("boundary")), theater.metric_crs, theater.area_crs, len(xy),
           xy.tobytes(), np.asarray(radii, dtype=float).tobytes())
    with _COVERAGES_LOCK:
        if key in _COVERAGES:
            _COVERAGES.move_to_end(key)
            return _COVERAGES[key]
    built = _build_coverage(points, radii, theater,
                            boundary(theater.path("boundary"), theater.metric_crs))
    with _COVERAGES_LOCK:
        _COVERAGES[key] = built
        while len(_COVERAGES) > _COVERAGES_KEPT:
            _COVERAGES.popitem(last=False)
    return built


def clear_cache() -> None:
    """Forget every cached `Coverage` (the next map is computed from scratch)."""
    with _COVERAGES_LOCK:
        _COVERAGES.clear()


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """The polygons of a geometry as one MultiPolygon (repair can leave slivers as lines)."""
    polygons = [p for part in shapely.get_parts(geometry) for p in shapely.get_parts(part)
                if p.geom_type == "Polygon" and not p.is_empty]
    return shapely.multipolygons(polygons) if polygons else shapely.from_wkt(
        "MULTIPOLYGON EMPTY")


def _held(places: gpd.GeoDataFrame, theater: Theater
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Controllers, points (EPSG:4326) and radii (m) of the held places with a point.

    Places at the same point count once (the first).
    """
    geometry = np.asarray(places.geometry.values)
    controllers = places["controller"].to_numpy(dtype=object, na_value=None)
    keep = (controllers != None) & (shapely.get_type_id(geometry) == 0)  # noqa: E711
    keep &= ~shapely.is_empty(geometry)
    rows = np.flatnonzero(keep)
    xy = shapely.get_coordinates(geometry[rows])
    _, first = np.unique(xy[:, 0] + 1j * xy[:, 1], return_index=True)
    rows = rows[np.sort(first)]
    kinds, kind = np.unique(places["kind"].to_numpy(dtype=object, na_value="")[rows]
                            .astype(str), return_inverse=True)
    radii = np.array([theater.radius_km(k) * 1000.0 for k in kinds.tolist()])[kind]
    if "influence_km" in places.columns:  # a place's own radius (approximate places)
        own = pd.to_numeric(places["influence_km"], errors="coerce").to_numpy(float)[rows]
        radii = np.where(np.isnan(own), radii, own * 1000.0)
    return controllers[rows], geometry[rows], radii.astype(float)


def _frontline_rows(cover: Coverage, codes: list[str], index: np.ndarray,
                    factions: Factions, outline: BaseGeometry) -> list[dict]:
    """Shared Voronoi edges of hostile neighbours, where both places reach (metric CRS).

    ``codes`` and ``index`` as for `_area_rows`.
    """
    if not len(cover.left):
        return []
    hostile = np.array([[factions.hostile(a, b) for b in codes] for a in codes], dtype=bool)
    left, right = index[cover.left], index[cover.right]
    edges = np.flatnonzero(hostile[left, right])
    pairs: dict[tuple[str, str], list[BaseGeometry]] = {}
    for edge, lines in zip(edges.tolist(), cover.edge_lines(edges, outline), strict=True):
        if lines:
            key = tuple(sorted((codes[left[edge]], codes[right[edge]])))
            pairs.setdefault(key, []).extend(lines)  # type: ignore[arg-type]
    rows = []
    for (a, b), lines in sorted(pairs.items()):
        merged = shapely.line_merge(shapely.union_all(lines))
        rows.append({"side_a": a, "side_b": b, "length_km": round(merged.length / 1000.0, 3),
                     "geometry": merged})
    return rows


def _baseline_parts(baseline: gpd.GeoDataFrame, cover: Coverage | None, theater: Theater,
                    outline: BaseGeometry) -> list[tuple[str, BaseGeometry]]:
    """Baseline polygons where no place reaches and no earlier baseline row is (metric)."""
    taken = None
    if cover is not None:
        if cover.taken is None:
            cover.taken = shapely.union_all(cover.parts[~shapely.is_empty(cover.parts)])
        taken = cover.taken
    found: list[tuple[str, BaseGeometry]] = []
    filled = None
    for controller, polygon in zip(baseline["controller"],
                                   _to_crs(np.asarray(baseline.geometry.values),
                                           "EPSG:4326", theater.metric_crs), strict=True):
        part = shapely.intersection(shapely.make_valid(polygon), outline)
        for occupied in (taken, filled):
            if occupied is not None:
                part = shapely.difference(part, occupied)
        if not part.is_empty:
            found.append((controller, part))
            filled = part if filled is None else shapely.union(filled, part)
    return found


def _area_rows(cover: Coverage | None, codes: list[str], index: np.ndarray,
               base: list[tuple[str, BaseGeometry]], theater: Theater) -> list[dict]:
    """One row per controller: its pieces dissolved, plus its baseline parts (EPSG:4326).

    ``codes`` are the controllers of the held places and ``index`` the position of each
    place's controller in them.
    """
    filled = (np.zeros(0, dtype=bool) if cover is None
              else ~shapely.is_empty(cover.pieces))
    places = np.bincount(index, minlength=len(codes))
    pieces = np.bincount(index[filled], minlength=len(codes))
    km2 = (np.zeros(len(codes)) if cover is None
           else np.bincount(index[filled], weights=cover.km2[filled], minlength=len(codes)))
    owners = {codes[k] for k in np.flatnonzero(pieces).tolist()} | {c for c, _ in base}
    rows = []
    for controller in sorted(owners):
        k = codes.index(controller) if controller in codes else None
        area = 0.0 if k is None else float(km2[k])
        geometry = (cover.dissolve((index == k) & filled)  # type: ignore[union-attr]
                    if k is not None and pieces[k] else None)
        own = [g for c, g in base if c == controller]
        if own:
            extra = _to_crs(np.asarray(own, dtype=object), theater.metric_crs, "EPSG:4326")
            area += float(shapely.area(_to_crs(extra, "EPSG:4326", theater.area_crs)).sum()
                          / 1e6)
            geometry = shapely.make_valid(shapely.union_all(
                [*([] if geometry is None else [geometry]), *extra]))
        rows.append({"controller": controller, "area_km2": float(np.round(area, 2)),
                     "places": 0 if k is None else int(places[k]),
                     "geometry": _polygonal(geometry)})
    return rows


def control_map(places: gpd.GeoDataFrame, theater: Theater, factions: Factions, *,
                baseline: gpd.GeoDataFrame | None = None
                ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Control areas and frontlines of a snapshot, both EPSG:4326.

    Areas: one row per controller with ``area_km2`` and the number of places. Frontlines:
    one row per pair of hostile factions with ``length_km``; edges between place areas come
    from the shared Voronoi edges (exact), edges against baseline polygons from the
    dissolved areas (`frontlines`).

    Everything that depends only on which places are held, not by whom (cells, discs,
    their clean coverage, piece areas, the Delaunay edges and the frontline edge between
    neighbours), is cached per set of places (`coverage`), so a run of dates with the same
    places costs one dissolve per faction and date.

    Parameters
    ----------
    places
        A snapshot (`geo.timeline.snapshot`); rows with a Point and a controller count.
    baseline
        Baseline polygons with a ``controller`` column (EPSG:4326), optional.
    """
    outline = boundary(theater.path("boundary"), theater.metric_crs)
    controllers, points, radii = _held(places, theater)
    codes, index = np.unique(controllers.astype(str), return_inverse=True)
    cover = coverage(points, radii, theater) if len(points) else None
    base = (_baseline_parts(baseline, cover, theater, outline)
            if baseline is not None and len(baseline) else [])
    rows = _area_rows(cover, codes.tolist(), index, base, theater)
    if not rows:
        return _empty_areas(), _empty_frontlines()
    areas = gpd.GeoDataFrame(rows, columns=AREA_COLUMNS, geometry="geometry",
                             crs="EPSG:4326")
    if base:
        return areas, frontlines(areas, factions, theater)
    front_rows = (_frontline_rows(cover, codes.tolist(), index, factions, outline)
                  if cover is not None else [])
    if not front_rows:
        return areas, _empty_frontlines()
    fronts = gpd.GeoDataFrame(front_rows, columns=FRONTLINE_COLUMNS, geometry="geometry",
                              crs=theater.metric_crs).to_crs(4326)
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
