from __future__ import annotations

import json

import geopandas as gpd
from shapely.geometry import Point

from geo.mapview import build_deck, escape
from geo.theater import load_theater

HOSTILE = '<img src=x onerror=alert(1)><script>alert("x")</script>'


def _frame(**overrides) -> gpd.GeoDataFrame:
    row = {"place_id": "p", "name": "Manbij", "kind": "city", "lat": 36.52806,
           "lon": 37.95472, "source": "theater", "source_url": "https://example.org",
           "admin1": "Aleppo", "method": "gazetteer", "surfaces": "Manbij", "documents": "d",
           "files": "a.txt", "mentions": 1, "offsets": "d:0-6"}
    row.update(overrides)
    return gpd.GeoDataFrame([row], geometry=[Point(row["lon"], row["lat"])], crs="EPSG:4326")


def test_article_text_in_tooltips_is_escaped() -> None:
    deck = build_deck(_frame(surfaces=HOSTILE, files=HOSTILE, name=HOSTILE), load_theater())
    spec = json.loads(deck.to_json())
    points = next(layer for layer in spec["layers"] if layer["id"] == "places")["data"]
    for field in ("tip_name", "tip_surfaces", "tip_files"):
        assert points[0][field] == escape(HOSTILE)
        assert "<img" not in points[0][field] and "<script" not in points[0][field]


def test_offline_map_has_no_basemap_and_draws_the_boundary() -> None:
    spec = json.loads(build_deck(_frame(), load_theater()).to_json())
    assert spec.get("mapStyle") in (None, "")
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids[0] == "boundary" and "places" in ids
    view = spec["initialViewState"]
    assert 32 < view["latitude"] < 38 and 35 < view["longitude"] < 43
