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
    hostile_file = "seeds/<img src=x onerror=alert(1)>.txt"
    deck = build_deck(_frame(surfaces=HOSTILE, files=hostile_file, name=HOSTILE),
                      load_theater())
    spec = json.loads(deck.to_json())
    points = next(layer for layer in spec["layers"] if layer["id"] == "places")["data"]
    assert points[0]["tip_name"] == points[0]["tip_surfaces"] == escape(HOSTILE)
    assert points[0]["tip_files"] == escape("<img src=x onerror=alert(1)>.txt")
    for value in points[0].values():
        assert "<img" not in str(value) and "<script" not in str(value)


def test_renderer_that_escapes_gets_plain_text() -> None:
    deck = build_deck(_frame(files="seeds/Ma'arra & Saraqib.txt"), load_theater(),
                      escape_tooltips=False)
    points = next(layer for layer in json.loads(deck.to_json())["layers"]
                  if layer["id"] == "places")["data"]
    assert points[0]["tip_files"] == "Ma'arra & Saraqib.txt"  # the file name, as written


def test_offline_map_has_no_basemap_and_draws_the_boundary() -> None:
    spec = json.loads(build_deck(_frame(), load_theater()).to_json())
    assert spec.get("mapStyle") == "__MAP_STYLE__"  # pydeck's "no style": no tile request
    assert spec.get("mapProvider") is None
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids[0] == "boundary" and "places" in ids
    view = spec["initialViewState"]
    assert 32 < view["latitude"] < 38 and 35 < view["longitude"] < 43
