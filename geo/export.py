"""Write layers to disk: RFC 7946 GeoJSON (WGS84, lon/lat, 6 decimals).

Files are written to a temporary name and renamed, so a reader never sees half a layer.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import mapping

PRECISION = 6
"""Decimal places of exported coordinates (about 0.1 m)."""


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _round(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(float(coords), PRECISION)
    return [_round(c) for c in coords]


def feature_collection(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """RFC 7946 FeatureCollection of a GeoDataFrame (reprojected to EPSG:4326 if needed)."""
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    features = []
    columns = [c for c in frame.columns if c != frame.geometry.name]
    for row, geometry in zip(frame[columns].itertuples(index=False), frame.geometry, strict=True):
        geojson = None
        if geometry is not None and not geometry.is_empty:
            geojson = mapping(shapely.orient_polygons(geometry))
            geojson = {"type": geojson["type"], "coordinates": _round(geojson["coordinates"])}
        features.append({
            "type": "Feature",
            "properties": {c: _clean(v) for c, v in zip(columns, row, strict=True)},
            "geometry": geojson,
        })
    return {"type": "FeatureCollection", "features": features}


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """Write ``frame`` as a GeoJSON file (atomically); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    text = json.dumps(feature_collection(frame), ensure_ascii=False, indent=1)
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
