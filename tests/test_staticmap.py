"""The static map of a date (PNG for reports), checked by its pixels and its artists."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from conftest import SEEDS
from PIL import Image

from geo.cli import main
from geo.factions import load_factions
from geo.layers import layers_on, load_war, summary
from geo.mapview import BOUNDARY_COLOUR, FIRE_COLOUR
from geo.staticmap import (
    AREA_FILL_ALPHA,
    BOUNDARY_FILL,
    map_extent,
    render_figure,
    render_png,
    source_line,
    thin_labels,
)
from geo.store import Store
from geo.theater import load_theater

DAY = date(2020, 2, 16)
PLACE_COLUMNS = ["place_id", "name", "kind", "controller", "since", "status", "confidence",
                 "last_date", "last_file", "last_evidence", "supporting_claims", "precision",
                 "uncertainty_km", "location_note"]


@pytest.fixture(scope="module")
def theater():
    return load_theater()


@pytest.fixture(scope="module")
def factions(theater):
    return load_factions(theater)


def _empty(columns: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns=[*columns, "geometry"], geometry="geometry",
                            crs="EPSG:4326")


def _layers(gazetteer, held: dict[str, str], *, areas: dict[str, str] | None = None,
            names: dict[str, str] | None = None, claimed: tuple[str, ...] = ()
            ) -> dict[str, gpd.GeoDataFrame]:
    """Layers of gazetteer places (their sourced coordinates) held by the given factions;
    ``areas``: a 15 km control area around a place; ``names``: a place drawn under another
    name; ``claimed``: places with a claim on `DAY`."""
    names = names or {}
    rows, points = [], []
    for place_id, controller in held.items():
        place = gazetteer.places[place_id]
        rows.append({"place_id": place_id, "name": names.get(place_id, place.name),
                     "kind": place.kind, "controller": controller, "since": "2020-01-01",
                     "status": "confirmed", "confidence": 0.9, "last_date": "2020-01-01",
                     "last_file": "a.txt", "last_evidence": "", "supporting_claims": 1,
                     "precision": 1, "uncertainty_km": 0.0, "location_note": ""})
        points.append(gpd.points_from_xy([place.lon], [place.lat])[0])
    places = gpd.GeoDataFrame(rows, columns=PLACE_COLUMNS, geometry=points, crs="EPSG:4326") \
        if rows else _empty(PLACE_COLUMNS)
    layers = {
        "places": places,
        "areas": _empty(["controller", "area_km2", "places"]),
        "frontlines": _empty(["side_a", "side_b", "length_km"]),
        "claims": _empty(["date", "place_id", "place", "controller", "action", "evidence",
                          "file"]),
        "corridors": _empty(["ref", "holder", "fire_exposed", "exposed_by", "from_km",
                             "to_km", "length_km", "frontline_km"]),
    }
    if areas:
        metric = places.set_index("place_id").to_crs("EPSG:32637")
        layers["areas"] = gpd.GeoDataFrame(
            {"controller": list(areas.values()), "area_km2": 700.0, "places": 1},
            geometry=[metric.geometry[p].buffer(15_000) for p in areas], crs="EPSG:32637",
        ).to_crs("EPSG:4326")
    if claimed:
        claim_rows = places[places["place_id"].isin(claimed)]
        layers["claims"] = gpd.GeoDataFrame(
            {"date": DAY.isoformat(), "place_id": claim_rows["place_id"],
             "place": claim_rows["name"], "controller": claim_rows["controller"],
             "action": "capture", "evidence": "", "file": "a.txt"},
            geometry=list(claim_rows.geometry), crs="EPSG:4326")
    return layers


def _pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3]


def _region(pixels: np.ndarray, extent) -> np.ndarray:
    """The pixels inside a display-space box (origin bottom left) of the image."""
    height = pixels.shape[0]
    x0, x1 = max(int(extent.x0), 0), int(np.ceil(extent.x1))
    y0, y1 = max(height - int(np.ceil(extent.y1)), 0), height - int(extent.y0)
    return pixels[y0:y1, x0:x1]


def _count(region: np.ndarray, rgb, tolerance: int = 0) -> int:
    difference = np.abs(region.astype(int) - np.asarray(rgb[:3], dtype=int))
    return int((difference <= tolerance).all(axis=-1).sum())


def _orange(fig) -> int:
    """Pixels of the map in the fire halo's hue, whatever it is drawn over (its opacity
    keeps red high, green middling and blue low)."""
    region = _region(_pixels(fig), fig.axes[0].get_window_extent()).astype(int)
    red, green, blue = region[..., 0], region[..., 1], region[..., 2]
    assert tuple(FIRE_COLOUR) == (255, 120, 0)
    return int(((red > 200) & (green > 100) & (green < 175) & (blue < 110)).sum())


def _artist(fig, gid: str):
    return next(a for a in fig.findobj() if a.get_gid() == gid)


def _labels(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "label"]


# ----------------------------------------------------------------------------- the file

def test_png_is_1600_px_wide_with_the_date_in_its_metadata(tmp_path: Path, gazetteer,
                                                            theater, factions) -> None:
    layers = _layers(gazetteer, {"syria:manbij": "TURKEY"}, areas={"syria:manbij": "TURKEY"})
    out = render_png(layers, theater, factions, DAY, tmp_path / "maps" / "map.png",
                     documents=["seeds/001_a.txt"])
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size[0] == 1600
        assert image.size[1] > 800
        assert DAY.isoformat() in image.text["Title"]
        assert DAY.isoformat() in image.text["Description"]
        assert "001_a.txt" in image.text["Description"]
    assert [p.name for p in out.parent.iterdir()] == ["map.png"]  # no temporary file left


@pytest.mark.parametrize("width", [777, 1000, 1234])
def test_other_widths_are_kept_to_the_pixel(tmp_path: Path, gazetteer, theater, factions,
                                            width: int) -> None:
    layers = _layers(gazetteer, {"syria:raqqa": "SDF"})
    out = render_png(layers, theater, factions, DAY, tmp_path / "m.png", width_px=width)
    with Image.open(out) as image:
        assert image.size[0] == width


def test_a_new_png_replaces_the_old_one(tmp_path: Path, gazetteer, theater, factions) -> None:
    target = tmp_path / "map.png"
    target.write_bytes(b"old")
    render_png(_layers(gazetteer, {}), theater, factions, DAY, target)
    with Image.open(target) as image:
        assert image.size[0] == 1600


# ----------------------------------------------------------------------- what it shows

def test_legend_shows_the_exact_colours_of_the_factions_present(gazetteer, theater,
                                                                factions) -> None:
    layers = _layers(gazetteer, {"syria:manbij": "TURKEY", "syria:raqqa": "SDF",
                                 "syria:aleppo": "GOV"}, areas={"syria:raqqa": "SDF"})
    fig = render_figure(layers, theater, factions, DAY)
    pixels = _pixels(fig)
    legend = _artist(fig, "legend")
    box = legend.get_window_extent(fig.canvas.get_renderer())
    assert box.x0 > fig.axes[0].get_window_extent().x1  # beside the map, not over it
    region = _region(pixels, box)
    for code in ("TURKEY", "SDF", "GOV"):
        assert _count(region, factions.by_code[code].colour) > 50, code
    assert _count(region, factions.by_code["REBELS"].colour) == 0  # absent faction
    texts = " ".join(t.get_text() for t in legend.get_texts())
    assert factions.by_code["TURKEY"].label.split()[0] in texts
    assert factions.by_code["REBELS"].label.split()[0] not in texts
    for symbol in ("confirmed", "reported", "contested", "stale", "frontline", "under fire"):
        assert symbol in texts


def test_title_names_the_date_and_is_drawn(gazetteer, theater, factions) -> None:
    fig = render_figure(_layers(gazetteer, {"syria:manbij": "TURKEY"}), theater, factions,
                        DAY)
    pixels = _pixels(fig)
    title = _artist(fig, "title")
    assert DAY.isoformat() in title.get_text() and theater.name in title.get_text()
    region = _region(pixels, title.get_window_extent(fig.canvas.get_renderer()))
    assert (region.max(axis=-1) < 80).sum() > 200  # dark glyphs where the title is


def test_control_area_colours_appear_on_the_map(gazetteer, theater, factions) -> None:
    layers = _layers(gazetteer, {"syria:manbij": "TURKEY", "syria:raqqa": "SDF"},
                     areas={"syria:manbij": "TURKEY", "syria:raqqa": "SDF"})
    fig = render_figure(layers, theater, factions, DAY, extent="data")
    pixels = _pixels(fig)
    map_region = _region(pixels, fig.axes[0].get_window_extent())
    for code in ("TURKEY", "SDF"):
        colour = np.asarray(factions.by_code[code].colour)
        over_land = colour * AREA_FILL_ALPHA + np.asarray(BOUNDARY_FILL) * (1 - AREA_FILL_ALPHA)
        assert _count(map_region, over_land, tolerance=3) > 1000, code


def test_fire_exposed_corridor_stretches_have_an_orange_halo(tmp_path: Path, theater,
                                                             factions) -> None:
    db = tmp_path / "seeds.db"
    assert main(["ingest", str(SEEDS), "--db", str(db)]) == 0
    from geo.gazetteer import load_gazetteer

    with Store(db) as store:
        war = load_war(store, load_gazetteer(), factions, theater)
    day = date(2020, 12, 25)
    layers = layers_on(war, day)
    assert layers["corridors"]["fire_exposed"].any()
    documents = [d["file"] for d in summary(war, layers, day)["documents"]]
    fig = render_figure(layers, theater, factions, day, documents=documents, extent="data")
    calm = {**layers, "corridors": layers["corridors"].assign(fire_exposed=False)}
    unexposed = render_figure(calm, theater, factions, day, extent="data")
    assert _orange(fig) > _orange(unexposed) + 100  # the halo, wherever it is drawn over
    holders = {tuple(np.round(c[:3] * 255).astype(int)) for c in
               _artist(fig, "corridors").get_colors()}
    assert tuple(factions.by_code["SDF"].colour) in holders  # held stretches: holder colour
    assert "Ayn Issa" in _labels(fig)  # a place with claims on the date is named
    out = render_png(layers, theater, factions, day, tmp_path / "seeds.png",
                     documents=documents)
    with Image.open(out) as image:
        assert image.size[0] == 1600


def test_empty_snapshot_still_has_title_and_boundary(gazetteer, theater, factions) -> None:
    fig = render_figure(_layers(gazetteer, {}), theater, factions, DAY)
    pixels = _pixels(fig)
    assert DAY.isoformat() in _artist(fig, "title").get_text()
    map_region = _region(pixels, fig.axes[0].get_window_extent())
    assert _count(map_region, BOUNDARY_FILL) > 100_000  # the theater, filled
    assert _count(map_region, BOUNDARY_COLOUR, tolerance=10) > 500  # and its outline
    assert _labels(fig) == []
    assert "no documents" in _artist(fig, "sources").get_text()


def test_overlapping_labels_are_thinned(gazetteer, theater, factions) -> None:
    held = {"syria:anadan": "GOV", "syria:haritan": "GOV", "syria:raqqa": "SDF"}
    fig = render_figure(_layers(gazetteer, held), theater, factions, DAY)
    labels = _labels(fig)
    assert "Raqqa" in labels
    assert ("Anadan" in labels) != ("Haritan" in labels)  # 4 km apart: one name only
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts
             if t.get_gid() == "label"]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)
    zoomed = render_figure(_layers(gazetteer, held), theater, factions, DAY,
                           extent=(36.9, 36.2, 37.2, 36.4))
    assert {"Anadan", "Haritan"} <= set(_labels(zoomed))  # zoomed in, both fit


def test_places_with_claims_on_the_date_are_named_first(gazetteer, theater,
                                                        factions) -> None:
    held = {"syria:anadan": "GOV", "syria:haritan": "GOV"}
    fig = render_figure(_layers(gazetteer, held, claimed=("syria:haritan",)), theater,
                        factions, DAY)
    assert "Haritan" in _labels(fig) and "Anadan" not in _labels(fig)


def test_thin_labels_keeps_the_first_of_overlapping_boxes() -> None:
    boxes = [(0, 0, 10, 4), (5, 2, 15, 6), (11, 0, 20, 4), (0, 10, 4, 12)]
    assert thin_labels(boxes) == [0, 2, 3]
    assert thin_labels(boxes, obstacles=[(0, 0, 3, 3)]) == [1, 3]
    assert thin_labels(boxes, pad=1.5) == [0, 3]


def test_dollar_signs_in_place_names_are_drawn_literally(tmp_path: Path, gazetteer,
                                                         theater, factions) -> None:
    names = {"syria:manbij": "$x$", "syria:raqqa": r"Tell $\frac{$"}  # the second: bad TeX
    layers = _layers(gazetteer, {"syria:manbij": "TURKEY", "syria:raqqa": "SDF"},
                     names=names)
    fig = render_figure(layers, theater, factions, DAY, documents=["$a$.txt"])
    _pixels(fig)
    assert set(names.values()) <= set(_labels(fig))
    renderer = fig.canvas.get_renderer()
    label = next(t for t in fig.axes[0].texts if t.get_text() == "$x$")
    plain = fig.axes[0].text(0, 0, "xx", fontsize=label.get_fontsize())
    assert label.get_window_extent(renderer).width > plain.get_window_extent(renderer).width
    assert "$a$.txt" in _artist(fig, "sources").get_text()
    render_png(layers, theater, factions, DAY, tmp_path / "m.png", documents=["$a$.txt"])


def test_source_line_names_the_documents(gazetteer, theater, factions) -> None:
    documents = ["seeds/000_6fe535ebbc82937b.txt", "/data/raw/001_057fba380bfd3fe5.txt"]
    fig = render_figure(_layers(gazetteer, {"syria:raqqa": "SDF"}), theater, factions, DAY,
                        documents=documents)
    pixels = _pixels(fig)
    sources = _artist(fig, "sources")
    text = sources.get_text()
    assert "000_6fe535ebbc82937b.txt" in text and "001_057fba380bfd3fe5.txt" in text
    assert "seeds/" not in text and "/data/" not in text
    region = _region(pixels, sources.get_window_extent(fig.canvas.get_renderer()))
    assert (region.max(axis=-1) < 100).sum() > 100
    assert sources.get_window_extent().x1 <= pixels.shape[1]  # not cut off at the edge


def test_a_long_source_list_is_cut_to_two_lines_with_a_count() -> None:
    documents = [f"{i:03d}_{'x' * 60}.txt" for i in range(40)]
    line = source_line(documents)
    assert line.count("\n") <= 1 and "more" in line and "(40 documents)" in line
    assert all(len(part) <= 150 for part in line.split("\n"))
    assert "000_" in line and "…" in line  # long file names keep their start, cut mid-way


def test_map_is_drawn_in_metres_at_equal_scale(gazetteer, theater, factions) -> None:
    fig = render_figure(_layers(gazetteer, {"syria:raqqa": "SDF"}), theater, factions, DAY)
    _pixels(fig)
    ax = fig.axes[0]
    box = ax.get_window_extent()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    outline = gpd.read_file(theater.path("boundary")).to_crs(theater.metric_crs)
    minx, miny, maxx, maxy = outline.total_bounds  # metres: the whole theater, and no more
    assert x0 < minx and maxx < x1 and y0 < miny and maxy < y1
    assert x1 - x0 < 1.2 * (maxx - minx)
    assert (x1 - x0) / box.width == pytest.approx((y1 - y0) / box.height, rel=0.01)
    assert "km" in _artist(fig, "scalebar").txt_label.get_text()


def test_data_extent_frames_the_areas_and_places(gazetteer, theater) -> None:
    layers = _layers(gazetteer, {"syria:manbij": "TURKEY", "syria:raqqa": "SDF"},
                     areas={"syria:raqqa": "SDF"})
    whole = map_extent(layers, theater, "theater")
    data = map_extent(layers, theater, "data")
    assert data[2] - data[0] < (whole[2] - whole[0]) / 2
    for point in layers["places"].to_crs(theater.metric_crs).geometry:
        assert data[0] < point.x < data[2] and data[1] < point.y < data[3]
    assert map_extent(_layers(gazetteer, {}), theater, "data") == whole  # nothing: theater
    with pytest.raises(ValueError, match="extent"):
        map_extent(layers, theater, "world")
