"""The map as a reader sees it: a real `streamlit run app.py` drawn by headless Chromium.

Every request the page makes to a host other than 127.0.0.1 is aborted (and recorded), so
these tests also show whether the map really draws offline.
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from browser_support import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    REPO,
    Server,
    block_outside_requests,
    near,
    pixels,
    poll,
    require_chromium,
    streamlit_server,
)

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1400, "height": 1000}
MAP = "[data-testid=stDeckGlJsonChart]"
DECK_CANVAS = f"{MAP} canvas#deckgl-overlay"
MAP_DRAWN_S = 60.0
"""Longest wait for the deck.gl canvas to show the map (about 4-8 s on a cold server)."""

BOUNDARY_FILL = (245, 242, 235)
CITY = (200, 30, 45)
TOWN = (232, 110, 20)
PLACE_TOLERANCE = 40
HOSTILE_NAME = "<img src=x onerror=window.__xss=1>"
MANBIJ_ARTICLE = "Turkish-backed forces entered the town of Manbij on Monday.\n"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Cache, data folder and server logs of this module's servers."""
    return tmp_path_factory.mktemp("frontline-browser")


def app_env(scratch: Path, corpus: Path | str) -> dict[str, str]:
    """Environment of an app server reading ``corpus``, isolated from the user's data."""
    data = scratch / "data"
    return {"FRONTLINE_CORPUS": str(corpus), "FRONTLINE_CACHE": str(scratch / "cache"),
            "FRONTLINE_DATA": str(data), "FRONTLINE_OVERRIDES": str(data / "overrides.csv"),
            "FRONTLINE_THEATER": "syria"}


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def seed_server(chromium, scratch: Path) -> Iterator[Server]:
    """The app on the seed articles (the default corpus folder, ``seeds``)."""
    with streamlit_server(app_env(scratch, "seeds"), scratch / "seeds-server.log") as server:
        yield server


@pytest.fixture(scope="module")
def hostile_server(chromium, scratch: Path) -> Iterator[Server]:
    """The app on one article whose file name is HTML markup."""
    corpus = scratch / "hostile"
    corpus.mkdir()
    (corpus / f"{HOSTILE_NAME}.txt").write_text(MANBIJ_ARTICLE, encoding="utf-8")
    with streamlit_server(app_env(scratch, corpus), scratch / "hostile-server.log") as server:
        yield server


@dataclass
class LoadedMap:
    """A page showing the app, its map's screenshot and what it tried to fetch elsewhere."""

    page: object
    png: bytes
    drawn: bool
    outside: list[str]

    @property
    def image(self) -> np.ndarray:
        return pixels(self.png)


def open_map(chromium, server: Server, drawn) -> LoadedMap:
    """Open the app and wait (bounded) until the map's screenshot satisfies ``drawn``."""
    deadline = time.monotonic() + MAP_DRAWN_S
    page = chromium.new_page(viewport=VIEWPORT)
    outside: list[str] = []
    block_outside_requests(page, outside)
    page.goto(server.url, wait_until="domcontentloaded")
    page.locator(DECK_CANVAS).wait_for(state="visible", timeout=MAP_DRAWN_S * 1000)
    shots: list[bytes] = []

    def ready() -> bool:
        shots.append(page.locator(MAP).screenshot())
        return drawn(pixels(shots[-1]))

    drawn_in_time = poll(ready, timeout_s=max(0.0, deadline - time.monotonic()))
    return LoadedMap(page, shots[-1], drawn_in_time, outside)


def boundary_share(image: np.ndarray) -> float:
    """Share of the map's pixels in the theater boundary's fill colour."""
    return float(near(image, BOUNDARY_FILL, 4).mean())


def colour_pixels(image: np.ndarray, rgb: tuple[int, int, int]) -> int:
    return int(near(image, rgb, PLACE_TOLERANCE).sum())


@pytest.fixture(scope="module")
def seed_map(chromium, seed_server: Server) -> Iterator[LoadedMap]:
    """The seed map once drawn: boundary filled, city and town dots visible."""

    def drawn(image: np.ndarray) -> bool:
        return (boundary_share(image) > 0.05 and colour_pixels(image, CITY) >= 20
                and colour_pixels(image, TOWN) >= 20)

    loaded = open_map(chromium, seed_server, drawn)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "map.png").write_bytes(loaded.png)
    page_png = loaded.page.screenshot()
    (ARTIFACTS / "page.png").write_bytes(page_png)
    # The README's picture is refreshed on request only (FRONTLINE_SCREENSHOT=1), so a test
    # run never changes a tracked file.
    docs = REPO / "docs" / "map.png"
    if loaded.drawn and os.environ.get("FRONTLINE_SCREENSHOT") == "1":
        docs.parent.mkdir(exist_ok=True)
        shutil.copyfile(ARTIFACTS / "page.png", docs)
    yield loaded
    loaded.page.close()


def test_map_draws_seed_places_offline(seed_map: LoadedMap) -> None:
    image = seed_map.image
    share = boundary_share(image)
    assert share > 0.05, (
        f"the Syria outline fill {BOUNDARY_FILL} covers {share:.1%} of the map "
        f"(see {ARTIFACTS / 'map.png'})")
    assert colour_pixels(image, CITY) >= 20, f"no red city dots (see {ARTIFACTS / 'map.png'})"
    assert colour_pixels(image, TOWN) >= 20, f"no orange town dots (see {ARTIFACTS / 'map.png'})"


def test_map_fetches_nothing_beyond_the_app_server(seed_map: LoadedMap) -> None:
    assert seed_map.outside == [], (
        "the offline map asked other hosts for: " + ", ".join(sorted(set(seed_map.outside))))


@dataclass
class Tooltip:
    """What the page showed while the mouse rested on a place."""

    text: str
    html: str
    images: int
    page_images_src_x: int
    xss_by_frame: dict[str, str]


def hover_for_tooltip(page, image: np.ndarray, rgb: tuple[int, int, int]) -> bool:
    """Rest the mouse on the dot drawn in ``rgb`` until deck.gl shows its tooltip."""
    ys, xs = np.nonzero(near(image, rgb, PLACE_TOLERANCE))
    if len(xs) == 0:
        return False
    box = page.locator(MAP).bounding_box()
    x, y = box["x"] + float(xs.mean()), box["y"] + float(ys.mean())
    tooltip = page.locator(".deck-tooltip")
    offsets = [(0, 0), (1, 1), (-1, -1), (2, 0), (0, 2), (-2, 0), (0, -2)]
    nudges = itertools.cycle(offsets)

    def shown() -> bool:
        dx, dy = next(nudges)
        page.mouse.move(x - 40, y - 40)  # deck.gl picks on pointer moves: arrive afresh
        page.mouse.move(x + dx, y + dy, steps=4)
        return poll(lambda: tooltip.is_visible() and "Manbij" in (tooltip.text_content() or ""),
                    timeout_s=1.0, every_s=0.1)

    return poll(shown, timeout_s=15.0, every_s=0.1)


@pytest.fixture(scope="module")
def hostile_tooltip(chromium, hostile_server: Server) -> Iterator[Tooltip]:
    """Manbij's tooltip on the map of an article whose file name is an <img> tag."""
    loaded = open_map(chromium, hostile_server,
                      lambda image: boundary_share(image) > 0.05
                      and colour_pixels(image, CITY) >= 10)
    page = loaded.page
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "hostile-map.png").write_bytes(loaded.png)
        assert colour_pixels(loaded.image, CITY) >= 10, (
            f"Manbij's red dot never appeared (see {ARTIFACTS / 'hostile-map.png'})")
        assert hover_for_tooltip(page, loaded.image, CITY), "Manbij's tooltip never appeared"
        page.screenshot(path=str(ARTIFACTS / "hostile-tooltip.png"))
        page.wait_for_timeout(500)  # time for an injected <img>'s onerror to have fired
        tooltip = page.locator(".deck-tooltip")
        yield Tooltip(
            text=tooltip.text_content() or "", html=tooltip.inner_html(),
            images=tooltip.locator("img").count(),
            page_images_src_x=page.locator("img[src='x']").count(),
            xss_by_frame={frame.url: frame.evaluate("() => typeof window.__xss")
                          for frame in page.frames})
    finally:
        page.close()


def test_tooltip_runs_no_markup_from_article_file_names(hostile_tooltip: Tooltip) -> None:
    assert hostile_tooltip.images == 0, hostile_tooltip.html
    assert hostile_tooltip.page_images_src_x == 0
    assert set(hostile_tooltip.xss_by_frame.values()) == {"undefined"}, (
        hostile_tooltip.xss_by_frame)


def test_tooltip_shows_article_file_name_as_written(hostile_tooltip: Tooltip) -> None:
    assert HOSTILE_NAME in hostile_tooltip.text, (
        f"the tooltip shows {hostile_tooltip.text!r}; its HTML is {hostile_tooltip.html!r}")
