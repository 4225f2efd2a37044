"""Baselines: the known state of the war on a date, as the map's starting point.

News reports changes; an analyst starts from a known map. `read_baseline` reads a GeoJSON,
GeoPackage or CSV of places (points) or areas (polygons) with a controller property:

- the controller column is ``controller`` (or ``faction``), values are faction codes;
- points with a ``name`` that the gazetteer knows become that place; others keep their own
  coordinates (from the file) under that name;
- polygons become baseline areas, merged into the control areas of every snapshot from
  their date on (until claims change the places inside them);
- CSV files need ``lat`` and ``lon`` columns, or a ``wkt`` column.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely import wkt
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.errors import InputError
from geo.factions import Factions
from geo.gazetteer import Gazetteer
from geo.names import slug
from geo.timeline import Evidence

CONTROLLER_COLUMNS = ("controller", "faction")


def _frame(path: Path) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise InputError(path, "file not found", "give a GeoJSON, GeoPackage or CSV file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = pd.read_csv(path)
        if {"lat", "lon"} <= set(table.columns):
            geometry = [Point(lon, lat) for lat, lon in zip(table["lat"], table["lon"],
                                                            strict=True)]
        elif "wkt" in table.columns:
            geometry = [wkt.loads(text) for text in table["wkt"]]
        else:
            raise InputError(path, f"no geometry columns (columns: {list(table.columns)})",
                             "add lat and lon columns, or a wkt column")
        return gpd.GeoDataFrame(table, geometry=geometry, crs="EPSG:4326")
    if suffix not in (".geojson", ".json", ".gpkg"):
        raise InputError(path, f"unknown file type {path.suffix!r}",
                         "use .geojson, .gpkg or .csv")
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(path, f"not a readable vector file ({exc})",
                         "check that the file opens in QGIS") from None
    return frame.to_crs(4326) if frame.crs is not None else frame.set_crs(4326)


def read_baseline(path: Path, valid_from: date, *, gazetteer: Gazetteer, factions: Factions
                  ) -> list[dict[str, Any]]:
    """Baseline entries of a file, ready for `geo.store.Store.replace_baseline`.

    Raises
    ------
    InputError
        Naming the file, the row and the field, when the file or a row is unusable.
    """
    frame = _frame(path)
    column = next((c for c in CONTROLLER_COLUMNS if c in frame.columns), None)
    if column is None:
        raise InputError(path, f"no controller column (columns: {list(frame.columns)})",
                         "add a 'controller' property holding faction codes")
    entries = []
    for number, row in enumerate(frame.itertuples(index=False), start=1):
        controller = str(getattr(row, column) or "").strip()
        if controller not in factions:
            raise InputError(path, f"feature {number}: controller {controller!r} is not a "
                             "faction", f"use one of {', '.join(f.code for f in factions)}")
        geometry: BaseGeometry = row.geometry
        if geometry is None or geometry.is_empty:
            raise InputError(path, f"feature {number} has no geometry",
                             "give every feature a point or polygon")
        name = str(getattr(row, "name", "") or "").strip()
        place_id = None
        if geometry.geom_type == "Point":
            known = [p for p in gazetteer.lookup(name) if not p.is_area] if name else []
            place_id = known[0].place_id if known else f"baseline:{slug(name or str(number))}"
        elif geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise InputError(path, f"feature {number} is a {geometry.geom_type}",
                             "use points (places) or polygons (areas)")
        entries.append({"name": name, "place_id": place_id, "controller": controller,
                        "valid_from": valid_from, "geometry_wkt": geometry.wkt})
    if not entries:
        raise InputError(path, "no features", "give at least one place or area")
    return entries


def baseline_evidence(rows: list[dict[str, Any]]) -> tuple[list[Evidence], dict[str, tuple]]:
    """Stored baseline points -> timeline evidence and the places the gazetteer lacks."""
    evidence, extra = [], {}
    for row in rows:
        if not row.get("place_id"):
            continue
        day = date.fromisoformat(row["valid_from"])
        evidence.append(Evidence(
            place_id=row["place_id"], place_name=row["name"], controller=row["controller"],
            action="holds", day=day, hedged=False, negated=False, near_place=False,
            confidence=0.9, doc_id=f"baseline:{row['source_file']}",
            evidence=f"baseline {row['source_file']} ({row['valid_from']})",
            file=row["source_file"], source="baseline"))
        if row["place_id"].startswith("baseline:"):
            extra[row["place_id"]] = (row["name"], "town", wkt.loads(row["geometry_wkt"]))
    return evidence, extra


def baseline_areas(rows: list[dict[str, Any]], day: date) -> gpd.GeoDataFrame:
    """Stored baseline polygons valid on ``day`` (latest file first where they overlap)."""
    chosen = [r for r in rows if not r.get("place_id") and r["valid_from"] <= day.isoformat()]
    chosen.sort(key=lambda r: r["valid_from"])
    return gpd.GeoDataFrame(
        {"controller": [r["controller"] for r in chosen],
         "valid_from": [r["valid_from"] for r in chosen]},
        geometry=[wkt.loads(r["geometry_wkt"]) for r in chosen], crs="EPSG:4326")
