"""Write layers to disk: RFC 7946 GeoJSON (WGS84, lon/lat, 6 decimals), GeoPackage,
GeoParquet; snapshot folders (a GeoJSON per layer and ``summary.json``).

Files are written to a temporary name and renamed, so a reader never sees half a layer.
The layers of `export_layers`, `write_snapshot` and `snapshot_zip` carry article text, and web
viewers paste properties into HTML: their string properties are written HTML-escaped
(`geo.safe_text.escape_frame`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import mapping

from geo.safe_text import escape_frame

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


def _geometry(geojson: dict[str, Any]) -> dict[str, Any]:
    if geojson["type"] == "GeometryCollection":
        return {"type": "GeometryCollection",
                "geometries": [_geometry(g) for g in geojson["geometries"]]}
    return {"type": geojson["type"], "coordinates": _round(geojson["coordinates"])}


def feature_collection(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """RFC 7946 FeatureCollection of a GeoDataFrame (reprojected to EPSG:4326 if needed)."""
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    features = []
    columns = [c for c in frame.columns if c != frame.geometry.name]
    for row, geometry in zip(frame[columns].itertuples(index=False), frame.geometry, strict=True):
        geojson = None
        if geometry is not None and not geometry.is_empty:
            geojson = _geometry(mapping(shapely.orient_polygons(geometry)))
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


def _dated(frame: gpd.GeoDataFrame, day: str) -> gpd.GeoDataFrame:
    frame = frame.copy()
    frame.insert(0, "snapshot_date", day)
    return frame


def write_snapshot(layers: dict[str, gpd.GeoDataFrame], summary: dict[str, Any], out: Path
                   ) -> list[Path]:
    """A snapshot folder: one GeoJSON per layer (text escaped) plus ``summary.json``; returns
    the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = [write_geojson(escape_frame(frame), out / f"{name}.geojson")
               for name, frame in layers.items()]
    target = out / "summary.json"
    tmp = target.with_name("summary.json.tmp")
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(target)
    return [*written, target]


def export_layers(per_date: dict[str, dict[str, gpd.GeoDataFrame]], out: Path, *,
                  fmt: str = "geojson") -> list[Path]:
    """Every layer for every date, each feature carrying its ``snapshot_date``; string
    properties HTML-escaped (`geo.safe_text.escape_frame`).

    Parameters
    ----------
    per_date
        ISO date -> layers of that date (`geo.layers.layers_on`).
    fmt
        ``geojson`` (one file per layer), ``gpkg`` (one GeoPackage, a layer per kind) or
        ``parquet`` (one GeoParquet file per layer).
    """
    out.mkdir(parents=True, exist_ok=True)
    names = sorted({name for layers in per_date.values() for name in layers})
    combined = {}
    for name in names:
        frames = [_dated(layers[name], day) for day, layers in sorted(per_date.items())
                  if name in layers]
        frame = pd.concat(frames, ignore_index=True) if frames else gpd.GeoDataFrame()
        combined[name] = escape_frame(gpd.GeoDataFrame(frame, geometry="geometry",
                                                       crs="EPSG:4326"))
    written = []
    if fmt == "geojson":
        written = [write_geojson(frame, out / f"{name}.geojson")
                   for name, frame in combined.items()]
    elif fmt == "gpkg":
        target = out / "frontline.gpkg"
        tmp = out / "frontline.tmp.gpkg"
        tmp.unlink(missing_ok=True)
        for name, frame in combined.items():
            frame.to_file(tmp, layer=name, driver="GPKG")
        tmp.replace(target)
        written = [target]
    elif fmt == "parquet":
        for name, frame in combined.items():
            target = out / f"{name}.parquet"
            tmp = out / f"{name}.parquet.tmp"
            frame.to_parquet(tmp)
            tmp.replace(target)
            written.append(target)
    else:
        raise ValueError(f"unknown export format {fmt!r}: use geojson, gpkg or parquet")
    return written


def snapshot_zip(layers: dict[str, gpd.GeoDataFrame], summary: dict[str, Any]) -> bytes:
    """A snapshot as one zip: ``<layer>.geojson`` per layer (text escaped, as
    `write_snapshot`) and ``summary.json``."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in layers.items():
            collection = feature_collection(escape_frame(frame))
            archive.writestr(f"{name}.geojson", json.dumps(collection, ensure_ascii=False,
                                                           indent=1))
        archive.writestr("summary.json", json.dumps(summary, ensure_ascii=False, indent=1))
    return buffer.getvalue()
