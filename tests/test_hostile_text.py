"""Article text is untrusted: no text crashes extraction, and no text becomes markup or a link.

Property-based (hypothesis): arbitrary text, control characters, right-to-left marks and
markup-like strings, mixed with real place names, factions, verbs and dates, go through the
extraction stages; markup goes into every text field the map tooltips, the standalone HTML
map, the exports and the tables show.
"""

from __future__ import annotations

import html
import json
import re
import tempfile
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import geopandas as gpd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from geo import htmlmap
from geo.claims import extract_claims
from geo.cli import main
from geo.comments import split_comments
from geo.dates import find_dates
from geo.errors import InputError
from geo.export import export_layers, snapshot_zip, write_snapshot
from geo.ingest import decode, make_document
from geo.layers import layers_on, load_war, summary
from geo.mapview import TOOLTIP_HTML, WAR_TOOLTIP_HTML, build_deck, build_war_deck
from geo.panels import changes_between, claims_table, place_history
from geo.places import geocode_document
from geo.relative import relations_for
from geo.safe_text import escape_frame, escape_text, markdown_text, web_link
from geo.store import Store
from geo.theater import load_theater

PLACES = ("Tal Abyad", "Ras al-Ain", "Ayn Issa", "Saraqib", "Manbij", "the M4", "the town",
          "the village of Jehbel")
FACTIONS = ("Turkish-backed forces", "Syrian government forces", "SDF", "the SDF")
VERBS = ("captured", "withdrew from", "took control of", "failed to capture", "entered")
RELATIONS = ("", " near {}", " 10 km north of {}", " between {} and {}",
             " 99999999999999999999999 km north of {}", " " + "9" * 400 + " km from {}")
DATES = ("", " on October 13", " yesterday", " three days ago", " on Monday",
         " 9999999999999999999 days ago", " " + "9" * 5000 + " days ago", " on 31 February")
MARKUP = ('<img src=x onerror="alert(1)">', "</script><script>alert(2)</script>",
          '<a href="javascript:alert(3)">x</a>', "&amp;", "&lt;b&gt;", "javascript:alert(4)",
          "@@#Nope.nothing", "@@=constructor", "$` $' $& {tip_title}", "\u202e\u200f",
          "سراقب", "\x00\x1b[31m", "\r\n", "<!--", "]]>", "<svg/onload=alert(5)>")

ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
"""Any text a str can hold, surrogates aside (no UTF-8 file or page carries one)."""
PAYLOAD = st.one_of(st.sampled_from(MARKUP), ANY_TEXT,
                    st.tuples(st.sampled_from(MARKUP), ANY_TEXT).map("".join))


@st.composite
def _sentence(draw: st.DrawFn) -> str:
    """A control claim in the words news uses, with noise or markup somewhere in it."""
    place = lambda: draw(st.sampled_from(PLACES))  # noqa: E731
    relation = draw(st.sampled_from(RELATIONS)).format(place(), place())
    text = (f"{draw(st.sampled_from(FACTIONS))} {draw(st.sampled_from(VERBS))} {place()}"
            f"{relation}{draw(st.sampled_from(DATES))}")
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(st.one_of(st.just(""), PAYLOAD)) + text[at:] + \
        draw(st.sampled_from((".", ". ", "\n", "", "!")))


ARTICLE = st.lists(st.one_of(_sentence(), PAYLOAD, st.sampled_from(("\n\n", "Comments", "Reply"))),
                   min_size=1, max_size=10).map(" ".join)
PUBLISHED = st.one_of(st.dates(), st.sampled_from((date.min, date.max, date(2019, 10, 14))))

HOSTILE_ARTICLE = """---
published: 2019-10-14
title: <script>alert("title")</script> & Tal Abyad
url: javascript:alert(1)
source: <img src=x onerror=alert(2)>
---
<img src=x onerror=alert(3)> Turkish-backed forces captured Tal Abyad on October 13 <b>after</b> \
heavy fighting & shelling.

Syrian government forces entered Ayn Issa on October 14, {tip_title} $` $' sources said.

The SDF withdrew from the village of Jehbel, 10 km north of Ayn Issa, \
<a href="javascript:alert(4)">witnesses</a> said.
"""
HOSTILE_FILE = "@@#Nope.nothing.md"
"""deck.gl's JSON converter reads a string starting ``@@#`` as a constant: the file name is
the first word of every tooltip's source line."""
DAY = date(2019, 10, 14)


# ------------------------------------------------------------------ no input crashes

@settings(max_examples=300, deadline=None)
@given(text=ARTICLE, published=PUBLISHED)
@example(text="Turkish-backed forces captured Tal Abyad 9999999999999999999 days ago.",
         published=date(2000, 1, 1))
@example(text="SDF withdrew from the village of Jehbel, " + "9" * 400 + " km north of Ayn Issa.",
         published=date(2020, 2, 17))
def test_no_article_text_crashes_extraction(gazetteer, factions, text: str,
                                            published: date) -> None:
    split = split_comments(text)
    assert all(d.start < d.end <= len(text) for d in find_dates(text, published))
    try:
        document = make_document(text=text, path="<hostile>", basis="test",
                                 meta={"published": published.isoformat(), "title": text[:20],
                                       "url": text[-20:]})
    except InputError:
        assert not split.body.strip()  # the one documented refusal: no article text
        return
    mentions = geocode_document(document, gazetteer)
    assert all(document.body[m.start:m.end] == m.surface for m in mentions)
    for claim in extract_claims(document, mentions, factions):
        assert isinstance(claim.evidence, str)
    for relations in relations_for(document, mentions, gazetteer, load_theater()).values():
        for relation in relations:
            assert relation.region.is_valid and not relation.region.is_empty


@settings(max_examples=200, deadline=None)
@given(data=st.one_of(st.binary(max_size=200),
                      ANY_TEXT.map(lambda t: t.encode("utf-8")),
                      ANY_TEXT.map(lambda t: t.encode("utf-16"))))
def test_any_bytes_decode_to_text_or_a_clear_refusal(data: bytes) -> None:
    try:
        text = decode(data, path="<bytes>")
    except InputError as exc:
        assert "<bytes>" in str(exc)
        return
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)


@pytest.mark.parametrize(("text", "published"), [
    ("Tal Abyad fell 9999999999999999999 days ago.", date(2020, 2, 17)),
    ("Tal Abyad fell " + "9" * 5000 + " days ago.", date(2020, 2, 17)),
    ("Tal Abyad fell " + "1" * 400 + " hours ago.", date(2020, 2, 17)),
    ("Tal Abyad fell yesterday.", date.min),
    ("Tal Abyad fell last week.", date(1, 1, 3)),
    ("Tal Abyad fell on February 12.", date.max),
])
def test_date_expressions_beyond_the_calendar_give_no_date(text: str, published: date) -> None:
    assert find_dates(text, published) == []


def test_an_offset_beyond_the_globe_places_nothing_by_its_distance(gazetteer) -> None:
    from geo.relative import estimates_for

    text = "The SDF withdrew from the village of Jehbel, " + "9" * 400 + " km north of Ayn Issa."
    document = make_document(text=text, path="<t>", meta={"published": "2020-02-17"},
                             basis="test")
    guesses = estimates_for([(document, geocode_document(document, gazetteer))], gazetteer,
                            load_theater())
    # "north of Ayn Issa" still holds; the distance does not.
    assert [(g.name, g.reason.split(" (")[0]) for g in guesses] == [("Jehbel",
                                                                     "north of Ayn Issa")]
    assert all(abs(g.lat) <= 90 and abs(g.lon) <= 180 for g in guesses)


# ------------------------------------------------------------- a store of hostile text

@pytest.fixture(scope="module")
def hostile_war(tmp_path_factory, gazetteer, factions):
    """The war of one hostile article, read through the real pipeline."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "articles").mkdir()
    (folder / "articles" / HOSTILE_FILE).write_text(HOSTILE_ARTICLE, encoding="utf-8")
    db = folder / "hostile.db"
    assert main(["ingest", str(folder / "articles"), "--db", str(db)]) == 0
    with Store(db) as store:
        war = load_war(store, gazetteer, factions, load_theater())
    assert len(war.claims) >= 3 and layers_on(war, DAY)["claims"]["evidence"].str.contains(
        "<img").any()
    return war


ARTICLE_COLUMNS = {
    "places": ("name", "last_evidence", "last_file", "last_source", "location_note",
               "last_document"),
    "claims": ("place", "evidence", "file", "source", "document"),
}
"""The properties of each layer that come from article text."""


def _with(layers: dict[str, gpd.GeoDataFrame], payload: str) -> dict[str, gpd.GeoDataFrame]:
    out = dict(layers)
    for name, columns in ARTICLE_COLUMNS.items():
        frame = layers[name].copy()
        for column in columns:
            frame[column] = payload
        out[name] = frame
    return out


class _Markup(HTMLParser):
    """The elements, attributes and text of an HTML fragment or page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _render(template: str, row: dict[str, object]) -> str:
    """The tooltip as pydeck's page fills it: every ``{field}`` replaced by its value."""
    for field in dict.fromkeys(re.findall(r"{([^}]*)}", template)):
        template = template.replace(f"{{{field}}}", str(row.get(field, "")))
    return template


def _drawn(text: str) -> str:
    """Article text as a tooltip value holds it (with a space before a leading ``@@``)."""
    return f" {text}" if text.startswith("@@") else text


def _rows(deck) -> list[tuple[str, dict]]:
    spec = json.loads(deck.to_json())
    return [(layer["id"], row) for layer in spec["layers"] for row in layer.get("data") or []]


# ------------------------------------------------------------- no input becomes markup

@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=PAYLOAD)
@example(payload="@@#Nope.nothing")
def test_war_map_tooltips_show_article_text_as_text(hostile_war, factions,
                                                    payload: str) -> None:
    layers = _with(layers_on(hostile_war, DAY), payload)
    rows = _rows(build_war_deck(layers, hostile_war.theater, factions))
    assert {layer for layer, _ in rows} >= {"places", "claims", "labels", "areas"}
    for layer, row in rows:
        for value in row.values():
            assert not (isinstance(value, str) and value.startswith("@@")), (layer, row)
        if layer in ("boundary", "labels"):
            continue  # no tooltip; deck.gl draws labels as glyphs, never as HTML
        tips = {k: v for k, v in row.items() if k.startswith("tip_")}
        assert not any(set(v) & set("<>\"'${}") for v in tips.values()), (layer, tips)
        markup = _Markup(_render(WAR_TOOLTIP_HTML, row))
        assert set(markup.tags) <= {"b", "br", "small", "i"} and markup.attrs == []
    evidence = [row["tip_evidence"] for layer, row in rows if layer in ("places", "claims")]
    assert evidence and all(html.unescape(v) == _drawn(payload) for v in evidence)
    plain = _rows(build_war_deck(layers, hostile_war.theater, factions, escape_tooltips=False))
    assert all(row["tip_evidence"] == _drawn(payload) for layer, row in plain
               if layer in ("places", "claims"))  # Streamlit escapes by itself


@settings(max_examples=60, deadline=None)
@given(name=PAYLOAD, surfaces=PAYLOAD, files=PAYLOAD, url=PAYLOAD)
def test_places_map_tooltips_show_article_text_as_text(name: str, surfaces: str, files: str,
                                                       url: str) -> None:
    frame = gpd.GeoDataFrame([{
        "place_id": "p", "name": name, "kind": "town", "lat": 36.69, "lon": 38.95,
        "source": "theater", "source_url": url, "surfaces": surfaces, "documents": "d",
        "files": files, "mentions": 1}], geometry=[Point(38.95, 36.69)], crs="EPSG:4326")
    rows = _rows(build_deck(frame, load_theater()))
    (place,) = [row for layer, row in rows if layer == "places"]
    (label,) = [row for layer, row in rows if layer == "labels"]
    assert not label["label"].startswith("@@")
    tips = {k: v for k, v in place.items() if k.startswith("tip_")}
    assert not any(set(v) & set("<>\"'${}") for v in tips.values()), tips
    markup = _Markup(_render(TOOLTIP_HTML, place))
    assert set(markup.tags) <= {"b", "i", "br", "small"} and markup.attrs == []
    assert html.unescape(place["tip_name"]) == _drawn(name)
    assert html.unescape(place["tip_source"]) == _drawn(url)


PAGE_TAGS = {"html", "head", "meta", "title", "style", "script", "body", "header", "b", "div",
             "span", "footer"}
PAGE_ATTRIBUTES = {"lang", "charset", "name", "content", "style", "id"}


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=PAYLOAD)
def test_the_standalone_map_holds_no_markup_from_articles(hostile_war, factions,
                                                          payload: str) -> None:
    layers = _with(layers_on(hostile_war, DAY), payload)
    with mock.patch.object(htmlmap, "_bundle", return_value=""):  # deck.gl: fixed, 4 MB
        page = htmlmap.snapshot_html(layers, hostile_war.theater, factions, DAY,
                                     documents=[payload])
    markup = _Markup(page)
    assert set(markup.tags) <= PAGE_TAGS and markup.tags.count("script") == 2
    assert {name for name, _ in markup.attrs} <= PAGE_ATTRIBUTES
    assert not any("javascript:" in (value or "").lower() for _, value in markup.attrs)
    deck_json = page[page.rindex("jsonInput:") + len("jsonInput:"):page.rindex("tooltip:")]
    spec = json.loads(deck_json.strip().rstrip(","))  # the data, whole: nothing closed it
    places = next(layer for layer in spec["layers"] if layer["id"] == "places")["data"]
    assert all(html.unescape(row["tip_evidence"]) == _drawn(payload) for row in places)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=PAYLOAD)
@example(payload="AT&amp;T <b>")
def test_exported_properties_are_text_for_web_viewers(hostile_war, payload: str) -> None:
    layers = _with(layers_on(hostile_war, DAY), payload)
    with tempfile.TemporaryDirectory() as folder:
        export_layers({DAY.isoformat(): layers}, Path(folder))
        exported = {path.stem: json.loads(path.read_text(encoding="utf-8"))
                    for path in Path(folder).glob("*.geojson")}
    for collection in exported.values():
        for feature in collection["features"]:
            for value in feature["properties"].values():
                assert not (isinstance(value, str) and set(value) & set("<>")), feature
    claims = exported["claims"]["features"]
    assert claims and all(html.unescape(f["properties"]["evidence"]) == payload
                          for f in claims)
    assert all(isinstance(f["properties"]["confidence"], float) for f in claims)
    assert (layers["claims"]["evidence"] == payload).all()  # the layers keep the plain text


# -------------------------------------------------------- the real paths, end to end

def test_snapshot_escapes_each_text_once(hostile_war, factions, tmp_path: Path) -> None:
    layers = layers_on(hostile_war, DAY)
    raw = list(layers["claims"]["evidence"])
    write_snapshot(layers, summary(hostile_war, layers, DAY), tmp_path)
    written = json.loads((tmp_path / "claims.geojson").read_text(encoding="utf-8"))
    evidence = [f["properties"]["evidence"] for f in written["features"]]
    assert evidence == [escape_text(e) for e in raw]
    assert any("&lt;img src=x" in e for e in evidence)
    assert list(layers["claims"]["evidence"]) == raw  # so the map below escapes plain text
    page = htmlmap.snapshot_html(layers, hostile_war.theater, factions, DAY)
    assert "&amp;lt;" not in page and "&lt;img src=x onerror=&quot;" not in page
    assert "&lt;img src=x onerror=alert(3)&gt;" in page
    import io
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(snapshot_zip(layers, {})))
    zipped = json.loads(archive.read("claims.geojson"))
    assert [f["properties"]["evidence"] for f in zipped["features"]] == evidence


@pytest.mark.parametrize("fmt", ["gpkg", "parquet"])
def test_geopackage_and_geoparquet_hold_escaped_text(hostile_war, tmp_path: Path,
                                                     fmt: str) -> None:
    layers = layers_on(hostile_war, DAY)
    export_layers({DAY.isoformat(): layers}, tmp_path, fmt=fmt)
    claims = (gpd.read_file(tmp_path / "frontline.gpkg", layer="claims") if fmt == "gpkg"
              else gpd.read_parquet(tmp_path / "claims.parquet"))
    assert list(claims["evidence"]) == [escape_text(e) for e in layers["claims"]["evidence"]]
    assert list(claims["confidence"]) == list(layers["claims"]["confidence"])
    assert claims.geometry.equals(layers["claims"].geometry)


def test_escape_frame_changes_text_only() -> None:
    frame = gpd.GeoDataFrame({"name": ["<b>A & B</b>", None], "km": [1.5, 2.0],
                              "hedged": [True, False]},
                             geometry=[Point(38, 36), Point(39, 37)], crs="EPSG:4326")
    escaped = escape_frame(frame)
    assert escaped["name"].iloc[0] == "&lt;b&gt;A &amp; B&lt;/b&gt;"
    assert escaped["name"].isna().iloc[1] and list(escaped.columns) == list(frame.columns)
    assert escaped.drop(columns="name").equals(frame.drop(columns="name"))
    assert frame["name"].iloc[0] == "<b>A & B</b>" and escaped.crs == frame.crs


def test_the_hostile_snapshot_draws_and_runs_nothing_in_chromium(tmp_path: Path) -> None:
    from browser_support import CHROMIUM_ARGS, require_chromium
    from playwright.sync_api import sync_playwright

    db = tmp_path / "hostile.db"
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / HOSTILE_FILE).write_text(HOSTILE_ARTICLE, encoding="utf-8")
    assert main(["ingest", str(folder), "--db", str(db)]) == 0
    assert main(["snapshot", "--date", DAY.isoformat(), "--out", str(tmp_path / "snap"),
                 "--html", "--db", str(db)]) == 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=require_chromium(),
                                             headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 600})
            errors: list[str] = []
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
                ("file:", "data:", "blob:")) else r.abort())
            page.goto((tmp_path / "snap" / "map.html").as_uri())
            page.wait_for_function(  # drawn: the deck has its layers
                "() => document.querySelector('#deck-container canvas')?.width > 0",
                timeout=30_000)
            images = page.evaluate("() => document.images.length")
        finally:
            browser.close()
    assert errors == [] and dialogs == [] and images == 0


# ---------------------------------------------------------------------------- links

SCHEMES = ("javascript:", "JaVaScRiPt:", " javascript:", "java\tscript:", "\x01javascript:",
           "data:text/html,", "vbscript:", "file:///", "//", "http://", "https://", "HTTPS://",
           "http:", "https:javascript:")


@settings(max_examples=300, deadline=None)
@given(url=st.one_of(ANY_TEXT, st.tuples(st.sampled_from(SCHEMES), ANY_TEXT).map("".join)))
@example(url="javascript:alert(1)")
@example(url="https://example.org/a?b=1&c=2")
def test_only_web_urls_become_links(url: str) -> None:
    link = web_link(url)
    assert link in ("", url.strip())
    if link:
        # What a browser follows: leading controls and spaces dropped, tabs and newlines removed.
        followed = re.sub(r"[\t\n\r]", "", link.lstrip("".join(map(chr, range(0x21)))))
        assert followed.lower().startswith(("http://", "https://"))
        assert urlsplit(link).netloc


def test_tables_offer_no_javascript_link(hostile_war) -> None:
    claims = claims_table(hostile_war, DAY)
    assert len(claims) >= 3 and set(claims["source"]) == {""}
    assert any("<img" in e for e in claims["evidence"])  # st.dataframe shows text as text
    history = place_history(hostile_war, hostile_war.claims[0]["place_id"])
    assert len(history) and set(history["source"]) == {""}
    changes = changes_between(hostile_war, date(2019, 10, 13), DAY)
    assert set(changes["source"]) <= {""}
    assert web_link("https://example.org/a?b=1&c=2") == "https://example.org/a?b=1&c=2"


@settings(max_examples=300, deadline=None)
@given(st.text())
@example("![x](https://example.org/x.png) [click](javascript:alert(1)) **bold** $x$ :red[r]")
def test_app_messages_quoting_articles_make_no_markdown(text: str) -> None:
    shown = markdown_text(text)
    # Every Markdown punctuation mark is escaped, and unescaping gives the text back.
    assert re.sub(r"\\(.)", r"\1", shown, flags=re.DOTALL) == text
    unescaped = re.sub(r"\\.", "", shown, flags=re.DOTALL)
    assert not set(unescaped) & set("\\`*_{}[]()#!|<>~$")
