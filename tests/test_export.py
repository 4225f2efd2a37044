from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import geopandas as gpd
import pytest
from conftest import REPO
from shapely.geometry import Point, Polygon

from geo.cli import main
from geo.export import feature_collection, write_geojson


def test_committed_named_places_layer_is_current(monkeypatch, capsys) -> None:
    monkeypatch.chdir(REPO)
    assert main(["places", "seeds", "--format", "geojson"]) == 0
    produced = json.loads(capsys.readouterr().out)
    committed = json.loads((REPO / "layers" / "named_places.geojson").read_text(
        encoding="utf-8"))
    assert produced == committed, "layers/ is stale: run `make layers` and commit the result"


def test_committed_seed_layers_match_a_fresh_export(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    db = tmp_path / "seeds.db"
    assert main(["ingest", "seeds", "--db", str(db)]) == 0
    assert main(["export", "--out", str(tmp_path / "layers"), "--db", str(db)]) == 0
    for name in ("places", "areas", "frontlines", "claims"):
        produced = json.loads((tmp_path / "layers" / f"{name}.geojson").read_text(
            encoding="utf-8"))
        committed = json.loads((REPO / "layers" / f"{name}.geojson").read_text(
            encoding="utf-8"))
        assert produced == committed, f"layers/{name}.geojson is stale: run `make layers`"


def test_geojson_is_rfc7946(tmp_path: Path) -> None:
    square = Polygon([(38.0, 36.0), (38.0, 36.5), (38.5, 36.5), (38.5, 36.0)])  # clockwise
    frame = gpd.GeoDataFrame({"name": ["a", "b"], "mentions": [1, 2]},
                             geometry=[Point(38.123456789, 36.987654321), square],
                             crs="EPSG:4326")
    path = write_geojson(frame, tmp_path / "layer.geojson")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "crs" not in data
    point = data["features"][0]["geometry"]["coordinates"]
    assert point == [38.123457, 36.987654]  # lon, lat; 6 decimals
    ring = data["features"][1]["geometry"]["coordinates"][0]
    signed_area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise(ring))
    assert signed_area > 0  # exterior ring counter-clockwise
    assert data["features"][1]["properties"] == {"name": "b", "mentions": 2}


def test_projected_frames_are_written_in_wgs84() -> None:
    frame = gpd.GeoDataFrame({"name": ["Ayn Issa"]}, geometry=[Point(38.85944, 36.38528)],
                             crs="EPSG:4326").to_crs("EPSG:32637")
    lon, lat = feature_collection(frame)["features"][0]["geometry"]["coordinates"]
    assert lon == pytest.approx(38.85944, abs=1e-6) and lat == pytest.approx(36.38528, abs=1e-6)


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"name": ["x"]}, geometry=[Point(38, 36)], crs="EPSG:4326")
    write_geojson(frame, tmp_path / "out.geojson")
    assert [p.name for p in tmp_path.iterdir()] == ["out.geojson"]


def test_geometry_collections_are_written_too(tmp_path: Path) -> None:
    from shapely.geometry import GeometryCollection, LineString

    mixed = GeometryCollection([Point(38, 36), LineString([(38, 36), (38.5, 36.5)])])
    frame = gpd.GeoDataFrame({"name": ["m"]}, geometry=[mixed], crs="EPSG:4326")
    data = feature_collection(frame)
    assert data["features"][0]["geometry"]["type"] == "GeometryCollection"
    assert len(data["features"][0]["geometry"]["geometries"]) == 2
