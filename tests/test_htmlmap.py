"""The standalone HTML map of a snapshot: offline, escaped, and drawn by a real browser."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest
from conftest import SEEDS
from shapely.geometry import Point

from geo.cli import main
from geo.factions import load_factions
from geo.htmlmap import snapshot_html
from geo.theater import load_theater

HOSTILE = '</script><script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


@pytest.fixture(scope="module")
def snapshot_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("html")
    db = folder / "f.db"
    assert main(["ingest", str(SEEDS), "--db", str(db)]) == 0
    assert main(["snapshot", "--date", "2020-12-25", "--out", str(folder / "snap"), "--html",
                 "--db", str(db)]) == 0
    return folder / "snap"


def _hostile_layers():
    from geo.layers import LAYERS

    places = gpd.GeoDataFrame([{
        "place_id": "p", "name": HOSTILE, "kind": "town", "controller": "SDF",
        "since": "2020-12-24", "status": "confirmed", "confidence": 0.9,
        "last_date": "2020-12-24", "last_file": HOSTILE, "last_source": "",
        "last_evidence": HOSTILE, "supporting_claims": 1, "precision": 1,
        "uncertainty_km": 0.0, "location_note": ""}],
        geometry=[Point(38.85944, 36.38528)], crs="EPSG:4326")
    empty = {
        "areas": ["controller", "area_km2", "places"],
        "frontlines": ["side_a", "side_b", "length_km"],
        "claims": ["date", "place", "controller", "action", "hedged", "negated", "near_place",
                   "confidence", "evidence", "file", "source"],
        "corridors": ["ref", "holder", "fire_exposed", "exposed_by", "from_km", "to_km",
                      "length_km", "frontline_km"]}
    layers = {n: gpd.GeoDataFrame(columns=[*empty.get(n, []), "geometry"],
                                  geometry="geometry", crs="EPSG:4326") for n in LAYERS}
    layers["places"] = places
    return layers


def test_the_page_links_nothing_outside_itself(snapshot_dir: Path) -> None:
    page = (snapshot_dir / "map.html").read_text(encoding="utf-8")
    assert re.findall(r"""<(?:script|link|img|iframe)[^>]*(?:src|href)\s*=""", page) == []
    assert "createDeck(" in page and "2020-12-25" in page
    assert "001_057fba380bfd3fe5.txt" in page  # the documents used


def test_article_text_cannot_close_the_script_or_inject_markup() -> None:
    page = snapshot_html(_hostile_layers(), load_theater(), load_factions(),
                         date(2020, 12, 25), documents=[HOSTILE])
    assert "window.__xss" in page  # the text is there ...
    assert "<script>window.__xss" not in page  # ... but never as markup
    assert '<img src=x onerror="window.__xss' not in page
    assert page.count("</script>") == 2  # the bundle's and the deck's, nothing else
    payload = page[page.rindex("jsonInput:") + len("jsonInput:"):page.rindex("tooltip:")]
    deck = json.loads(payload.strip().rstrip(","))
    places = next(layer for layer in deck["layers"] if layer["id"] == "places")
    assert places["data"][0]["tip_evidence"].startswith("&lt;/script&gt;")


def test_the_page_draws_the_map_offline_in_chromium(snapshot_dir: Path) -> None:
    from browser_support import CHROMIUM_ARGS, require_chromium
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 700})

            def route(request_route) -> None:
                url = request_route.request.url
                if url.startswith(("file:", "data:", "blob:")):
                    request_route.continue_()
                else:
                    outside.append(url)
                    request_route.abort()

            page.route("**/*", route)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto((snapshot_dir / "map.html").as_uri())
            page.locator("#deck-container canvas").first.wait_for(state="visible",
                                                                  timeout=30_000)
            page.wait_for_function(
                "() => document.querySelector('#deck-container canvas').width > 0",
                timeout=30_000)
        finally:
            browser.close()
    assert outside == [] and errors == []
