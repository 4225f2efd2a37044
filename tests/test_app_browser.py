"""The control map as a reader sees it: a real `streamlit run app.py` in headless Chromium.

Two servers, one per scenario: the five seed articles, and a hostile corpus whose title,
sentence, file name and (baseline) place name are HTML markup. Every request a page makes
to a host other than 127.0.0.1 is aborted and recorded, so the tests also show that the map
draws offline. The map is read from its pixels: the faction colours of `theater.toml`
(dots and claim rings are drawn in them at full opacity) tell what the date shows.

Pages are module fixtures shared by the tests below them; a test that changes its page's
date comes after the tests that read it. Screenshots go to tests/.artifacts/; docs/map.png
(the README's picture) is rewritten only with FRONTLINE_SCREENSHOT=1.
"""

from __future__ import annotations

import csv
import itertools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from browser_support import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    REPO,
    Server,
    block_outside_requests,
    centre,
    near,
    pixels,
    poll,
    require_chromium,
    run_frontline,
    stays,
    streamlit_server,
)

from geo.factions import load_factions
from geo.theater import load_theater

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1400, "height": 1000}
MAP = "[data-testid=stDeckGlJsonChart]"
CANVAS = f"{MAP} canvas#deckgl-overlay"
DATE = 'input[type=range][aria-label="Date"]'
"""The date slider's input: its aria-valuetext is the date shown (YYYY-MM-DD)."""
TOOLTIP = ".deck-tooltip"
MAP_DRAWN_S = 60.0
"""Longest wait for the first map of a page (about 5-15 s on a cold server)."""
MAP_CHANGE_S = 20.0
"""Longest wait for the map or the date to follow an action."""

BOUNDARY_FILL = (245, 242, 235)
TOLERANCE = 20
"""Per channel. Tight enough that the frontline red (220, 20, 20) is not GOV (200, 30, 45),
and that the control areas (faction colour at alpha 70 on the boundary fill) never count."""
MIN_PIXELS = 10
"""Pixels in a faction colour that mean it is on the map (a dot is ~80, its outline ~30)."""
FACTIONS = {code: tuple(load_factions(load_theater("syria")).by_code[code].colour)
            for code in ("GOV", "SDF", "TURKEY")}

SEEDS = REPO / "seeds"
FIRST_DATE, LAST_DATE = "2019-10-13", "2020-12-25"
"""The first and the last claim dates of the seed articles."""
EARLY_DATE = "2019-10-20"
"""The seeds on this date: Turkish-backed forces take Ras al-Ayn; no GOV or SDF place yet."""
RAS_AL_AYN_ARTICLE = SEEDS / "004_e1ae8b833ab4ea5e.txt"

IMG = "<img src=x onerror=window.__xss=1>"
SCRIPT = "<script>window.__xss=2</script>"
HOSTILE_PLACE = f"{IMG}{SCRIPT}"
HOSTILE_FILE = f"{IMG}.txt"
HOSTILE_SENTENCE = f"Turkish-backed forces entered the town of Manbij {IMG} {SCRIPT} on Monday."
JARABULUS = (36.8175, 38.0111)
"""Jarabulus in geo/data/syria/places.csv: where the baseline puts the hostile place name."""


# ---------------------------------------------------------------- browser and servers

@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stores, corpora, cache and server logs of this module's servers."""
    return tmp_path_factory.mktemp("frontline-browser")


def app_env(scratch: Path, name: str, corpus: Path) -> dict[str, str]:
    """Environment of an app server with a store of its own, isolated from the user's data."""
    data = scratch / f"{name}-data"
    return {"FRONTLINE_CORPUS": str(corpus), "FRONTLINE_DB": str(scratch / f"{name}.db"),
            "FRONTLINE_DATA": str(data), "FRONTLINE_OVERRIDES": str(data / "overrides.csv"),
            "FRONTLINE_CACHE": str(scratch / "cache"), "FRONTLINE_THEATER": "syria"}


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
def outside() -> list[str]:
    """Every request to another host than 127.0.0.1, from every page of this module."""
    return []


@pytest.fixture(scope="module")
def seed_server(chromium, scratch: Path) -> Iterator[Server]:
    """The app on an empty store, which it fills from the seed articles."""
    with streamlit_server(app_env(scratch, "seeds", SEEDS),
                          scratch / "seeds-server.log") as server:
        yield server


@pytest.fixture(scope="module")
def hostile_server(chromium, scratch: Path) -> Iterator[Server]:
    """The app on a store holding a baseline place named with markup, which it fills from
    one article whose file name, title and claim sentence hold markup."""
    corpus = scratch / "hostile"
    corpus.mkdir()
    (corpus / HOSTILE_FILE).write_text(HOSTILE_SENTENCE + "\n", encoding="utf-8")
    with (corpus / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "published", "source", "url", "title"])
        writer.writerow([HOSTILE_FILE, "2020-03-02", f"Agency {IMG}", "",
                         f"Title {IMG} {SCRIPT}"])
    baseline = scratch / "hostile-baseline.csv"
    with baseline.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "lat", "lon", "controller"])
        writer.writerow([HOSTILE_PLACE, *JARABULUS, "SDF"])
    env = app_env(scratch, "hostile", corpus)
    run_frontline("baseline", "import", str(baseline), "--date", "2020-01-01",
                  "--db", env["FRONTLINE_DB"], env=env)
    with streamlit_server(env, scratch / "hostile-server.log") as server:
        yield server


# ---------------------------------------------------------------- a page of the app

@dataclass
class AppPage:
    """One browser page showing the app."""

    page: object
    server: Server
    requested: list[str] = field(default_factory=list)

    def date(self) -> str | None:
        """The date the slider shows."""
        slider = self.page.locator(DATE)
        return slider.get_attribute("aria-valuetext") if slider.count() == 1 else None

    def url_date(self) -> str | None:
        match = re.search(r"[?&]date=([0-9-]+)", self.page.url)
        return match.group(1) if match else None

    def map_image(self) -> np.ndarray:
        return pixels(self.page.locator(CANVAS).screenshot())

    def save(self, name: str) -> Path:
        """A screenshot of the whole page in tests/.artifacts/ (for failure messages)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        path.write_bytes(self.page.screenshot())
        return path

    def wait_for_map(self, check: Callable[[np.ndarray], bool], what: str, artifact: str, *,
                     timeout_s: float = MAP_CHANGE_S) -> np.ndarray:
        """The map's pixels once ``check`` holds; fails (with a screenshot) after the wait."""
        images: list[np.ndarray] = []

        def ready() -> bool:
            images.append(self.map_image())
            del images[:-1]
            return check(images[-1])

        if not poll(ready, timeout_s=timeout_s):
            shot = self.save(artifact)
            pytest.fail(f"the map never showed {what} (date {self.date()}, colours "
                        f"{faction_pixels(images[-1])}; see {shot}; server log:\n"
                        f"{self.server.log_tail(1500)}")
        self.save(artifact)
        return images[-1]

    def wait_for_date(self, day: str, artifact: str) -> None:
        if not poll(lambda: self.date() == day and self.url_date() == day,
                    timeout_s=MAP_CHANGE_S, every_s=0.2):
            shot = self.save(artifact)
            pytest.fail(f"the slider shows {self.date()} and the URL {self.page.url}, "
                        f"not {day} (see {shot})")

    def xss_by_frame(self) -> dict[str, str]:
        return {frame.url: frame.evaluate("() => typeof window.__xss")
                for frame in self.page.frames}

    def injected_by_frame(self) -> dict[str, list[str]]:
        """Elements the hostile text would have made, in any frame of the page."""
        found = {}
        for frame in self.page.frames:
            found[frame.url] = frame.evaluate("""() => [
                ...Array.from(document.querySelectorAll('img[src="x"], [onerror]'))
                    .map(e => e.outerHTML),
                ...Array.from(document.scripts).filter(s => s.text.includes('__xss'))
                    .map(s => s.outerHTML)]""")
        return found


def open_app(chromium, server: Server, outside: list[str], query: str = "") -> AppPage:
    """A new page (its own browser context) on the app, once the deck.gl canvas is there."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = chromium.new_page(viewport=VIEWPORT)
    app = AppPage(page, server)
    block_outside_requests(page, outside, app.requested)
    page.goto(f"{server.url}/{query}", wait_until="domcontentloaded")
    try:
        page.locator(CANVAS).wait_for(state="visible", timeout=MAP_DRAWN_S * 1000)
    except PlaywrightTimeout:
        shot = app.save("no-map.png")
        page.close()
        pytest.fail(f"no deck.gl canvas within {MAP_DRAWN_S:.0f} s (see {shot}); server "
                    f"log:\n{server.log_tail()}")
    return app


def faction_pixels(image: np.ndarray) -> dict[str, int]:
    """How many pixels of the map are drawn in each faction's colour."""
    return {code: int(near(image, rgb, TOLERANCE).sum()) for code, rgb in FACTIONS.items()}


def shows(*present: str, absent: tuple[str, ...] = ()) -> Callable[[np.ndarray], bool]:
    """Map check: the theater outline is drawn, these factions' colours are, those are not."""
    def check(image: np.ndarray) -> bool:
        counts = faction_pixels(image)
        return (float(near(image, BOUNDARY_FILL, 4).mean()) > 0.05
                and all(counts[c] >= MIN_PIXELS for c in present)
                and all(counts[c] == 0 for c in absent))
    return check


@dataclass
class Tooltip:
    """What deck.gl showed while the mouse rested on a place."""

    text: str
    html: str
    elements: list[str]
    evidence: str


def hover(app: AppPage, image: np.ndarray, code: str, name: str) -> Tooltip | None:
    """Rest the mouse on the dot drawn in ``code``'s colour until the tooltip of ``name``
    shows (None if it never does)."""
    spot = centre(near(image, FACTIONS[code], TOLERANCE))
    if spot is None:
        return None
    page = app.page
    box = page.locator(CANVAS).bounding_box()
    x, y = box["x"] + spot[0], box["y"] + spot[1]
    tooltip = page.locator(TOOLTIP)
    nudges = itertools.cycle([(0, 0), (1, 1), (-1, -1), (2, 0), (0, 2), (-2, 0), (0, -2)])

    def shown() -> bool:
        dx, dy = next(nudges)
        page.mouse.move(x - 40, y - 40)  # deck.gl picks on pointer moves: arrive afresh
        page.mouse.move(x + dx, y + dy, steps=4)
        return poll(lambda: tooltip.is_visible() and name in (tooltip.text_content() or ""),
                    timeout_s=1.0, every_s=0.1)

    if not poll(shown, timeout_s=15.0, every_s=0.1):
        return None
    evidence = tooltip.locator("i")
    return Tooltip(text=tooltip.text_content() or "", html=tooltip.inner_html(),
                   elements=tooltip.evaluate(
                       "t => Array.from(t.querySelectorAll('*')).map(e => e.tagName)"),
                   evidence=evidence.first.text_content() if evidence.count() else "")


def click_place(app: AppPage, image: np.ndarray, code: str) -> None:
    """Click the middle of the dot drawn in ``code``'s colour."""
    spot = centre(near(image, FACTIONS[code], TOLERANCE))
    assert spot is not None, f"no {code} dot to click"
    box = app.page.locator(CANVAS).bounding_box()
    x, y = box["x"] + spot[0], box["y"] + spot[1]
    # As a user does: move onto the dot (deck.gl picks on pointer moves), then click.
    app.page.mouse.move(x - 40, y - 40)
    app.page.mouse.move(x, y, steps=4)
    app.page.wait_for_timeout(300)
    app.page.mouse.click(x, y)


def settled(app: AppPage) -> bool:
    """Streamlit finished running the script (its status widget is gone)."""
    return not app.page.locator("[data-testid=stStatusWidget]").is_visible()


# ---------------------------------------------------------------- the seed map

@pytest.fixture(scope="module")
def last_map(chromium, seed_server: Server, outside: list[str]) -> Iterator[AppPage]:
    """The app as first opened: the store filled from the seeds, the last date shown."""
    app = open_app(chromium, seed_server, outside)
    try:
        app.wait_for_map(shows("GOV", "SDF", "TURKEY"), "GOV, SDF and TURKEY",
                         "seed-page.png", timeout_s=MAP_DRAWN_S)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "seed-map.png").write_bytes(app.page.locator(CANVAS).screenshot())
        # The README's picture is refreshed on request only (FRONTLINE_SCREENSHOT=1), so a
        # test run never changes a tracked file.
        if os.environ.get("FRONTLINE_SCREENSHOT") == "1":
            size = app.page.viewport_size
            app.page.set_viewport_size({"width": 1400, "height": 1300})  # map, figures, tabs
            poll(lambda: settled(app), timeout_s=MAP_CHANGE_S)
            app.wait_for_map(shows("GOV", "SDF", "TURKEY"), "GOV, SDF and TURKEY",
                             "seed-page.png")
            app.page.wait_for_timeout(1000)
            shutil.copyfile(app.save("seed-page.png"), REPO / "docs" / "map.png")
            app.page.set_viewport_size(size)
        yield app
    finally:
        app.page.close()


def test_seed_map_shows_every_faction_of_the_last_date(last_map: AppPage,
                                                       outside: list[str]) -> None:
    assert last_map.date() == LAST_DATE, f"the slider shows {last_map.date()}"
    assert last_map.url_date() == LAST_DATE, last_map.page.url
    image = last_map.map_image()
    counts = faction_pixels(image)
    assert all(n >= MIN_PIXELS for n in counts.values()), (
        f"faction colours on the map of {LAST_DATE}: {counts} "
        f"(see {ARTIFACTS / 'seed-map.png'})")
    assert outside == [], f"the map asked other hosts for: {sorted(set(outside))}"


@pytest.fixture(scope="module")
def early_map(chromium, seed_server: Server, outside: list[str]) -> Iterator[AppPage]:
    """The app opened on a link to 2019-10-20."""
    app = open_app(chromium, seed_server, outside, f"?date={EARLY_DATE}")
    try:
        yield app
    finally:
        app.page.close()


def test_a_link_with_a_date_opens_the_map_of_that_date(early_map: AppPage) -> None:
    early_map.wait_for_date(EARLY_DATE, "seed-early.png")
    early_map.wait_for_map(shows("TURKEY", absent=("GOV", "SDF")),
                           "TURKEY's colour without GOV's or SDF's", "seed-early.png")


def test_hovering_a_place_shows_its_controller_and_evidence(early_map: AppPage) -> None:
    image = early_map.wait_for_map(shows("TURKEY"), "Ras al-Ayn's dot", "seed-early.png")
    tooltip = hover(early_map, image, "TURKEY", "Ras al-Ayn")
    shot = early_map.save("seed-tooltip.png")
    assert tooltip is not None, f"Ras al-Ayn's tooltip never appeared (see {shot})"
    assert "Turkey and Turkish-backed factions (TURKEY)" in tooltip.text, tooltip.text
    assert RAS_AL_AYN_ARTICLE.name in tooltip.text, tooltip.text
    article = " ".join(RAS_AL_AYN_ARTICLE.read_text(encoding="utf-8").split())
    evidence = " ".join(tooltip.evidence.split())
    assert "Ras al-Ayn" in evidence and evidence in article, (
        f"the tooltip's evidence {evidence!r} is not a sentence of {RAS_AL_AYN_ARTICLE.name}")


def test_clicking_a_place_shows_its_control_history(early_map: AppPage) -> None:
    page = early_map.page
    image = early_map.wait_for_map(shows("TURKEY"), "Ras al-Ayn's dot", "seed-early.png")
    click_place(early_map, image, "TURKEY")
    tab = page.get_by_role("tab", name="Control history")
    opened = poll(lambda: tab.get_attribute("aria-selected") == "true",
                  timeout_s=MAP_CHANGE_S, every_s=0.2)
    heading = page.get_by_text("Control history of Ras al-Ayn")
    shown = poll(lambda: heading.count() == 1 and heading.is_visible(),
                 timeout_s=MAP_CHANGE_S, every_s=0.2)
    if shown:
        heading.scroll_into_view_if_needed()
    shot = early_map.save("seed-history.png")
    assert opened, f"the click did not open the Control history tab (see {shot})"
    assert shown, f"no 'Control history of Ras al-Ayn' after the click (see {shot})"
    table = page.locator("[role=tabpanel] [data-testid=stDataFrame]").filter(visible=True)
    assert poll(lambda: table.count() == 1, timeout_s=MAP_CHANGE_S), (
        f"the history came without its table (see {shot})")


def test_a_clicked_place_keeps_its_history_as_the_date_changes(early_map: AppPage) -> None:
    """The map keeps a click by position in the data; another date's data has another place
    there. The history must stay the clicked place's (it once moved to Anadan's)."""
    page = early_map.page
    heading = page.get_by_text("Control history of", exact=False)
    if not poll(lambda: heading.count() == 1, timeout_s=MAP_CHANGE_S, every_s=0.2):
        image = early_map.wait_for_map(shows("TURKEY"), "Ras al-Ayn's dot", "seed-early.png")
        click_place(early_map, image, "TURKEY")  # run on its own: click first
    for key, day in (("End", LAST_DATE), ("ArrowLeft", "2020-12-24"),
                     ("ArrowLeft", "2020-12-18")):
        page.locator(DATE).focus()
        page.keyboard.press(key)
        early_map.wait_for_date(day, "seed-history-dates.png")
        poll(lambda: settled(early_map), timeout_s=MAP_CHANGE_S)
        shown = heading.first.text_content() if heading.count() else None
        assert shown and "Control history of Ras al-Ayn" in shown, (
            f"on {day} the history reads {shown!r} "
            f"(see {early_map.save('seed-history-dates.png')})")


def test_opening_another_panel_keeps_the_date_and_the_map(last_map: AppPage) -> None:
    page = last_map.page
    page.get_by_role("tab", name="Claims").click()
    table = page.locator("[role=tabpanel] [data-testid=stDataFrame]").filter(visible=True)
    opened = poll(lambda: table.count() == 1
                  and page.get_by_text("Place (any spelling part)").is_visible(),
                  timeout_s=MAP_CHANGE_S, every_s=0.2)
    shot = last_map.save("seed-claims-panel.png")
    assert opened, f"the Claims tab did not show its filters and table (see {shot})"
    last_map.wait_for_date(LAST_DATE, "seed-claims-panel.png")
    last_map.wait_for_map(shows("GOV", "SDF", "TURKEY"), "GOV, SDF and TURKEY",
                          "seed-claims-panel.png")


def test_the_slider_keys_move_the_date_and_the_map(last_map: AppPage) -> None:
    slider = last_map.page.locator(DATE)
    slider.focus()
    last_map.page.keyboard.press("Home")
    last_map.wait_for_date(FIRST_DATE, "seed-keys-first.png")
    last_map.wait_for_map(shows(absent=("GOV", "SDF", "TURKEY")), "no faction's place",
                          "seed-keys-first.png")
    slider.focus()
    last_map.page.keyboard.press("ArrowRight")
    last_map.wait_for_date(EARLY_DATE, "seed-keys-next.png")
    last_map.wait_for_map(shows("TURKEY", absent=("GOV", "SDF")),
                          "TURKEY's colour without GOV's or SDF's", "seed-keys-next.png")


def test_play_steps_through_the_dates_without_reloading_and_pause_stops(
        last_map: AppPage) -> None:
    app, page = last_map, last_map.page
    if app.date() != EARLY_DATE:  # run on its own: the page still shows the last date
        page.locator(DATE).focus()
        page.keyboard.press("Home")
        app.wait_for_date(FIRST_DATE, "seed-play.png")
        page.keyboard.press("ArrowRight")
        app.wait_for_date(EARLY_DATE, "seed-play.png")
    start = EARLY_DATE
    page.evaluate("window.__marker = 'before play'")
    page.locator(".st-key-play button").click()
    seen = [start]

    def stepped() -> bool:
        day = app.date()
        if day and day != seen[-1]:
            seen.append(day)
        return len(seen) >= 4

    assert poll(stepped, timeout_s=30.0, every_s=0.1), (
        f"while playing the slider showed only {seen} (see {app.save('seed-play.png')})")
    page.locator(".st-key-pause button").click()
    assert poll(lambda: page.locator(".st-key-play button").is_visible(),
                timeout_s=MAP_CHANGE_S, every_s=0.2), "Pause never turned back into Play"
    paused = app.date()
    assert stays(lambda: app.date() == paused, for_s=2.5), (
        f"the date moved on from {paused} to {app.date()} after Pause")
    assert seen == sorted(set(seen)), f"the player stepped back: {seen}"
    assert paused is not None and paused < LAST_DATE, (
        f"played from {start} through {seen}: the last date came before Pause took effect")
    assert page.evaluate("window.__marker") == "before play", "the page was reloaded"
    app.wait_for_date(paused, "seed-play.png")
    app.wait_for_map(shows("TURKEY"), f"the map of {paused} (Ras al-Ayn taken)",
                     "seed-play.png")


# ---------------------------------------------------------------- hostile text

@dataclass
class HostileVisit:
    """What the page showed and ran while the hostile map was hovered and clicked."""

    manbij: Tooltip | None
    place: Tooltip | None
    history: str | None
    xss_by_frame: dict[str, str]
    injected: dict[str, list[str]]
    requested: list[str]


@pytest.fixture(scope="module")
def hostile(chromium, hostile_server: Server, outside: list[str]) -> Iterator[HostileVisit]:
    """Hover Manbij (the claim), hover and click the baseline place, then look for anything
    the markup made or ran."""
    app = open_app(chromium, hostile_server, outside, "?layers=places,labels")
    page = app.page
    try:
        image = app.wait_for_map(shows("TURKEY", "SDF"), "Manbij and the baseline place",
                                 "hostile-map.png", timeout_s=MAP_DRAWN_S)
        manbij = hover(app, image, "TURKEY", "Manbij")
        app.save("hostile-tooltip-manbij.png")
        place = hover(app, image, "SDF", "SDF (Kurdish-led)")
        app.save("hostile-tooltip-place.png")
        click_place(app, image, "SDF")
        heading = page.get_by_text("Control history of", exact=False)
        poll(lambda: heading.count() == 1, timeout_s=MAP_CHANGE_S, every_s=0.2)
        history = heading.first.text_content() if heading.count() else None
        # An injected <img src=x> would fail to load at once and run its onerror: let the
        # page settle before looking.
        poll(lambda: settled(app), timeout_s=MAP_CHANGE_S)
        app.save("hostile-history.png")
        yield HostileVisit(manbij, place, history, app.xss_by_frame(),
                           app.injected_by_frame(), list(app.requested))
    finally:
        page.close()


def test_hostile_sentence_and_file_name_show_as_text_in_the_tooltip(
        hostile: HostileVisit) -> None:
    tip = hostile.manbij
    assert tip is not None, f"Manbij's tooltip never appeared (see {ARTIFACTS})"
    assert HOSTILE_SENTENCE in tip.text, tip.html
    assert HOSTILE_FILE in tip.text, tip.html
    assert not {"IMG", "SCRIPT"} & set(tip.elements), tip.html


def test_hostile_place_name_shows_as_text_in_the_tooltip_and_history(
        hostile: HostileVisit) -> None:
    tip = hostile.place
    assert tip is not None, f"the baseline place's tooltip never appeared (see {ARTIFACTS})"
    assert tip.text.startswith(HOSTILE_PLACE), tip.html
    assert not {"IMG", "SCRIPT"} & set(tip.elements), tip.html
    assert hostile.history is not None and HOSTILE_PLACE in hostile.history, (
        f"the history heading reads {hostile.history!r} "
        f"(see {ARTIFACTS / 'hostile-history.png'})")


def test_hostile_text_runs_nowhere(hostile: HostileVisit) -> None:
    assert set(hostile.xss_by_frame.values()) == {"undefined"}, hostile.xss_by_frame
    assert not any(hostile.injected.values()), hostile.injected
    fetched_x = [u for u in hostile.requested if re.search(r"/x(?:[?#]|$)", u)]
    assert fetched_x == [], f"an injected <img src=x> was loaded: {fetched_x}"


def test_no_request_leaves_127_0_0_1(last_map: AppPage, outside: list[str]) -> None:
    """Every page of this module so far (and at least the seed map) drew offline."""
    assert outside == [], f"pages asked other hosts for: {sorted(set(outside))}"
