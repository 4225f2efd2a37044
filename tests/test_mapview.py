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


# ------------------------------------------------------------- the control map of a date

def _war_layers(evidence: str = "It fell.", name: str = "Manbij"):
    from geo.layers import LAYERS

    places = gpd.GeoDataFrame([{
        "place_id": "p", "name": name, "kind": "city", "controller": "TURKEY",
        "since": "2020-01-02", "status": "reported", "confidence": 0.6,
        "last_date": "2020-01-02", "last_document": "d", "last_file": "a.txt",
        "last_source": "https://example.org/a", "last_evidence": evidence,
        "supporting_claims": 1, "source": "claims"}],
        geometry=[Point(37.95472, 36.52806)], crs="EPSG:4326")
    claims = gpd.GeoDataFrame([{
        "date": "2020-01-02", "place_id": "p", "place": name, "controller": "TURKEY",
        "action": "capture", "hedged": True, "negated": False, "near_place": False,
        "confidence": 0.6, "date_basis": "explicit", "evidence": evidence, "file": "a.txt",
        "source": "", "document": "d"}], geometry=[Point(37.95472, 36.52806)],
        crs="EPSG:4326")
    empty = gpd.GeoDataFrame(columns=["geometry"], geometry="geometry", crs="EPSG:4326")
    layers = {n: empty for n in LAYERS}
    layers["places"], layers["claims"] = places, claims
    layers["areas"] = gpd.GeoDataFrame(columns=["controller", "area_km2", "places", "geometry"],
                                       geometry="geometry", crs="EPSG:4326")
    layers["frontlines"] = gpd.GeoDataFrame(
        columns=["side_a", "side_b", "length_km", "geometry"], geometry="geometry",
        crs="EPSG:4326")
    layers["corridors"] = gpd.GeoDataFrame(
        columns=["ref", "holder", "fire_exposed", "exposed_by", "from_km", "to_km",
                 "length_km", "frontline_km", "geometry"], geometry="geometry",
        crs="EPSG:4326")
    return layers


def test_control_map_tooltips_escape_article_text() -> None:
    from geo.factions import load_factions
    from geo.mapview import build_war_deck

    deck = build_war_deck(_war_layers(evidence=HOSTILE, name=HOSTILE), load_theater(),
                          load_factions())
    spec = json.loads(deck.to_json())
    for layer in spec["layers"]:
        if layer["id"] == "labels":
            continue  # deck.gl draws label text as glyphs, never as HTML
        for row in layer.get("data", []):
            for value in row.values():
                assert "<img" not in str(value) and "<script" not in str(value)
    places = next(layer for layer in spec["layers"] if layer["id"] == "places")["data"]
    assert places[0]["tip_evidence"] == escape(HOSTILE)
    assert places[0]["tip_line"] == "Turkey and Turkish-backed factions (TURKEY), reported " \
                                    "since 2020-01-02"


def test_places_are_coloured_by_controller_and_faded_by_status() -> None:
    from geo.factions import load_factions
    from geo.mapview import STATUS_ALPHA, build_war_deck

    spec = json.loads(build_war_deck(_war_layers(), load_theater(), load_factions())
                      .to_json())
    point = next(layer for layer in spec["layers"] if layer["id"] == "places")["data"][0]
    assert point["fill"] == [30, 110, 200, STATUS_ALPHA["reported"]]
    claim = next(layer for layer in spec["layers"] if layer["id"] == "claims")["data"][0]
    assert "hedged" in claim["tip_line"]


def test_layers_can_be_switched_off() -> None:
    from geo.factions import load_factions
    from geo.mapview import build_war_deck

    spec = json.loads(build_war_deck(_war_layers(), load_theater(), load_factions(),
                                     show=("areas",)).to_json())
    assert [layer["id"] for layer in spec["layers"]] == ["boundary", "areas"]
    assert spec.get("mapProvider") is None


def test_each_date_can_name_its_own_places_layer() -> None:
    """The app names the clickable layer per date, so a click never moves to another place."""
    from geo.factions import load_factions
    from geo.mapview import build_war_deck

    spec = json.loads(build_war_deck(_war_layers(), load_theater(), load_factions(),
                                     places_id="places 2020-01-02").to_json())
    ids = [layer["id"] for layer in spec["layers"]]
    assert "places 2020-01-02" in ids and "places" not in ids
    places = next(layer for layer in spec["layers"] if layer["id"] == "places 2020-01-02")
    assert places["pickable"] is True and places["data"][0]["place_id"]
