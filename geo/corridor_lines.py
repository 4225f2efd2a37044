"""Corridor lines: the strategic highways of a theater as one LineString each.

Three sources, later ones winning per corridor reference (``M4``):

1. ``[files] corridors`` of the theater (``corridors.geojson``), built by `build_corridors`
   (``frontline corridors build``) from the ordered, sourced waypoints of
   ``[files] corridor_waypoints`` (``corridors.csv``): straight lines from town to town,
   an approximation of the road that says so in its ``approximation`` property;
2. real road geometry imported by `import_corridor` (``frontline corridors import FILE
   --ref M4``) into the user's data folder (``$FRONTLINE_DATA/corridors/<theater>.geojson``).

Every corridor feature has the properties ``ref``, ``name``, ``length_km`` (geodesic, on
the WGS84 ellipsoid), ``source`` (and ``source_urls``, the page of every waypoint) and
``approximation``.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, mapping, shape

from geo import settings
from geo.errors import GazetteerError, InputError
from geo.theater import Theater

CORRIDOR_COLUMNS = ["ref", "name", "length_km", "source", "source_urls", "approximation",
                    "geometry"]
DUPLICATE_SHARE = 0.8
"""An imported piece whose span along the corridor is this much covered already is a
duplicate (the other carriageway of a dual carriageway, a parallel service road): dropped."""
_GEOD = Geod(ellps="WGS84")


def geodesic_km(line: LineString) -> float:
    """Length of a lon/lat line on the WGS84 ellipsoid, in km."""
    return round(_GEOD.geometry_length(line) / 1000.0, 3)


def user_corridors_path(theater: Theater) -> Path:
    """Where imported road geometry of ``theater`` is kept (the user's data folder)."""
    return settings.data_dir() / "corridors" / f"{theater.code}.geojson"


def read_waypoints(path: Path) -> dict[str, list[dict[str, object]]]:
    """Ordered waypoints per corridor from a ``corridor,seq,waypoint,lat,lon,source_url`` CSV."""
    rows: dict[str, list[dict[str, object]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"corridor", "seq", "waypoint", "lat", "lon", "source_url"} - set(
            reader.fieldnames or [])
        if missing:
            raise InputError(path, f"missing columns {sorted(missing)}",
                             "use the header corridor,seq,waypoint,lat,lon,source_url")
        for line, row in enumerate(reader, start=2):
            try:
                lat, lon, seq = float(row["lat"]), float(row["lon"]), int(row["seq"])
            except (TypeError, ValueError):
                raise InputError(path, f"seq/lat/lon {row['seq']!r}, {row['lat']!r}, "
                                 f"{row['lon']!r} are not numbers", "give decimal degrees "
                                 "and an integer seq", line=line) from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise InputError(path, f"lat/lon {lat}, {lon} out of range",
                                 "give WGS84 decimal degrees, lat first", line=line)
            if not row["source_url"].strip():
                raise InputError(path, f"waypoint {row['waypoint']!r} has no source_url",
                                 "every coordinate needs the page it was read from", line=line)
            rows.setdefault(row["corridor"], []).append(
                {"seq": seq, "name": row["waypoint"], "lon": lon, "lat": lat,
                 "source": row["source_url"].strip()})
    return {ref: sorted(points, key=lambda p: p["seq"]) for ref, points in rows.items()}


def waypoint_corridors(theater: Theater, path: Path | None = None) -> gpd.GeoDataFrame:
    """Corridor lines of the theater from its waypoint CSV (straight town-to-town lines)."""
    path = path or theater.path("corridor_waypoints")
    points = read_waypoints(path)
    rows = []
    for spec in theater.corridors:
        if len(points.get(spec.ref, [])) < 2:
            raise GazetteerError(f"{path}: corridor {spec.ref!r} of theater.toml has fewer "
                                 f"than two waypoints. Fix: add rows with corridor={spec.ref}.")
        way = points[spec.ref]
        line = LineString([(p["lon"], p["lat"]) for p in way])
        rows.append({
            "ref": spec.ref, "name": spec.label, "length_km": geodesic_km(line),
            "source": f"{path.name}: {len(way)} sourced waypoints "
                      f"({' - '.join(str(p['name']) for p in way)})",
            "source_urls": " ".join(dict.fromkeys(str(p["source"]) for p in way)),
            "approximation": f"straight lines between {len(way)} towns on the road, not the "
                             "road itself: the road is longer and winds; distances near the "
                             "line are good to a few km. Replace with real road geometry: "
                             f"frontline corridors import FILE --ref {spec.ref}",
            "geometry": line,
        })
    return gpd.GeoDataFrame(rows, columns=CORRIDOR_COLUMNS, geometry="geometry",
                            crs="EPSG:4326")


def write_corridors(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """Write corridor lines as GeoJSON (atomically); returns the path."""
    from geo.export import write_geojson

    return write_geojson(frame[CORRIDOR_COLUMNS], path)


def build_corridors(theater: Theater, *, source: Path | None = None,
                    out: Path | None = None) -> Path:
    """Rebuild the theater's ``corridors.geojson`` from its waypoint CSV."""
    frame = waypoint_corridors(theater, source)
    target = out or theater.path("corridors")
    written = write_corridors(frame, target)
    return written


def _read_geojson(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        features = {str(f["properties"]["ref"]): f for f in data["features"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GazetteerError(f"{path}: not a corridor GeoJSON ({exc}). Fix: rebuild it with "
                             "'frontline corridors build' or re-run the import.") from exc
    return features


def load_corridors(theater: Theater) -> gpd.GeoDataFrame:
    """The theater's corridor lines (EPSG:4326), imported road geometry winning."""
    base = theater.path("corridors")
    if not base.is_file():
        raise GazetteerError(f"{base}: corridor lines not built yet. Fix: run 'frontline "
                             "corridors build' (from the waypoints in "
                             f"{theater.files.get('corridor_waypoints', 'corridors.csv')}).")
    user = user_corridors_path(theater)
    stamp = user.stat().st_mtime_ns if user.is_file() else 0
    return _load(base, base.stat().st_mtime_ns, user, stamp,
                 tuple(spec.ref for spec in theater.corridors)).copy()


@lru_cache(maxsize=8)
def _load(base: Path, base_stamp: int, user: Path, user_stamp: int, refs: tuple[str, ...]
          ) -> gpd.GeoDataFrame:
    features = _read_geojson(base)
    if user_stamp:
        features.update(_read_geojson(user))
    rows = []
    for ref in refs:
        if ref not in features:
            raise GazetteerError(f"{base}: corridor {ref!r} of theater.toml is missing. Fix: "
                                 "run 'frontline corridors build'.")
        feature = features[ref]
        rows.append({**{c: feature["properties"].get(c) for c in CORRIDOR_COLUMNS[:-1]},
                     "geometry": shape(feature["geometry"])})
    return gpd.GeoDataFrame(rows, columns=CORRIDOR_COLUMNS, geometry="geometry",
                            crs="EPSG:4326")


def _lines(path: Path, *, layer: str | None, where: dict[str, str]) -> list[LineString]:
    try:
        frame = gpd.read_file(path, layer=layer)
    except Exception as exc:
        raise InputError(path, f"cannot be read as a vector file ({exc})",
                         "give a GeoJSON, GeoPackage, Shapefile or other OGR format") from exc
    for key, value in where.items():
        if key not in frame.columns:
            raise InputError(path, f"no property {key!r} to filter on (has: "
                             f"{', '.join(c for c in frame.columns if c != 'geometry')})",
                             "use --where with one of those properties")
        frame = frame[frame[key].astype(str) == value]
    if frame.crs is None:
        raise InputError(path, "has no coordinate reference system",
                         "save it with a CRS (GeoJSON is always WGS84)")
    frame = frame.to_crs(4326)
    lines = [g for g in shapely.get_parts(frame.geometry.values)
             if g is not None and g.geom_type == "LineString" and g.length > 0]
    if not lines:
        raise InputError(path, "has no LineString features" + (
            f" where {where}" if where else ""), "export the road as lines (OSM ways)")
    return lines


def order_along(pieces: list[LineString], guide: LineString, metric_crs: str
                ) -> tuple[LineString, dict[str, float]]:
    """Join road pieces into one line in the order of ``guide`` (all in EPSG:4326).

    Pieces are projected onto the guide (the current corridor line, in the metric CRS),
    turned to run in its direction, sorted by where they start, and joined; a piece whose
    span along the guide is mostly (`DUPLICATE_SHARE`) covered by pieces already taken is
    dropped as a duplicate carriageway. Gaps between consecutive pieces are bridged with a
    straight segment and reported.

    Returns
    -------
    line, figures
        The joined line and ``pieces``, ``dropped``, ``gaps``, ``max_gap_km``.
    """
    to_metric = gpd.GeoSeries([guide, *pieces], crs="EPSG:4326").to_crs(metric_crs).values
    guide_m, parts = to_metric[0], list(to_metric[1:])
    merged = shapely.get_parts(shapely.line_merge(shapely.multilinestrings(parts)))
    spans = []
    for piece in merged:
        a, b = guide_m.project(shapely.Point(piece.coords[0])), guide_m.project(
            shapely.Point(piece.coords[-1]))
        if a > b:
            piece, a, b = shapely.reverse(piece), b, a
        spans.append((a, b, piece))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    taken: list[tuple[float, float, LineString]] = []
    dropped = 0
    for a, b, piece in spans:
        covered = sum(max(0.0, min(b, tb) - max(a, ta)) for ta, tb, _ in taken)
        if b > a and covered >= DUPLICATE_SHARE * (b - a):
            dropped += 1
            continue
        taken.append((a, b, piece))
    coords: list[tuple[float, float]] = []
    gaps: list[float] = []
    for _, _, piece in taken:
        xy = list(piece.coords)
        if coords:
            gap = float(np.hypot(xy[0][0] - coords[-1][0], xy[0][1] - coords[-1][1]))
            if gap > 1.0:
                gaps.append(gap)
            elif gap == 0.0:
                xy = xy[1:]
        coords.extend(xy)
    line_m = LineString(coords)
    line = gpd.GeoSeries([line_m], crs=metric_crs).to_crs(4326).values[0]
    return line, {"pieces": len(taken), "dropped": dropped, "gaps": len(gaps),
                  "max_gap_km": round(max(gaps, default=0.0) / 1000.0, 3)}


def import_corridor(path: Path, ref: str, theater: Theater, *, layer: str | None = None,
                    where: dict[str, str] | None = None) -> dict[str, object]:
    """Replace corridor ``ref`` with the road lines of a vector file.

    The lines are joined in road order (`order_along` the current corridor line) and
    written to `user_corridors_path`, which wins over the theater's file from then on.

    Returns
    -------
    dict
        ``ref``, ``length_km`` (before and after), ``pieces``, ``dropped``, ``gaps``,
        ``max_gap_km``, ``waypoints_within_5km`` (share of the old line's vertices that lie
        within 5 km of the new line: a low share means the file is not this road) and
        ``path`` (the file written).
    """
    refs = [spec.ref for spec in theater.corridors]
    if ref not in refs:
        raise InputError(path, f"--ref {ref!r} is not a corridor of theater {theater.code}",
                         f"use one of {', '.join(refs)}")
    current = load_corridors(theater).set_index("ref")
    guide = current.loc[ref, "geometry"]
    line, figures = order_along(_lines(path, layer=layer, where=where or {}), guide,
                                theater.metric_crs)
    metric = gpd.GeoSeries([line, guide], crs="EPSG:4326").to_crs(theater.metric_crs).values
    vertices = shapely.points(shapely.get_coordinates(metric[1]))
    near = float(np.mean(shapely.distance(vertices, metric[0]) <= 5000.0))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    gaps = (f"{figures['gaps']} gaps (up to {figures['max_gap_km']} km) bridged by straight "
            "segments" if figures["gaps"] else "no gaps")
    feature = {
        "ref": ref, "name": current.loc[ref, "name"], "length_km": geodesic_km(line),
        "source": f"{path.name} (imported {stamp}, {figures['pieces']} pieces)",
        "source_urls": "",
        "approximation": f"road geometry from {path.name}; {gaps}; {figures['dropped']} "
                         "duplicate pieces dropped",
        "geometry": line,
    }
    target = user_corridors_path(theater)
    features = _read_geojson(target) if target.is_file() else {}
    features[ref] = {"type": "Feature", "properties": {k: v for k, v in feature.items()
                                                        if k != "geometry"},
                     "geometry": mapping(line)}
    rows = [{**f["properties"], "geometry": shape(f["geometry"])} for f in features.values()]
    write_corridors(gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326"), target)
    return {"ref": ref, "length_km_before": float(current.loc[ref, "length_km"]),
            "length_km": feature["length_km"], **figures,
            "waypoints_within_5km": round(near, 3), "path": str(target)}
