"""Control rasters (GeoTIFF) and population per control area (`geo.raster`).

Control areas here are either the seed corpus's (real articles, ingested into a temporary
store) or synthetic: real gazetteer places (cities, towns, villages of the theater) given
made-up controllers by longitude band, as `tests/test_areas.py` builds snapshots from
made-up `Evidence`. Population rasters are synthetic, written by the tests with hand-made
values; no real population figure is used anywhere.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from conftest import SEEDS
from pyproj import Transformer
from shapely.geometry import Point, box

from geo.areas import boundary, control_map
from geo.errors import InputError
from geo.factions import load_factions
from geo.layers import layers_on, load_war
from geo.pipeline import ingest
from geo.raster import (
    NODATA,
    OUTSIDE,
    RasterError,
    control_array,
    faction_codes,
    population,
    write_control_tif,
    write_series_tif,
)
from geo.store import Store
from geo.theater import load_theater
from geo.timeline import Evidence, snapshot

TOLERANCE = 0.02
"""Largest relative gap between a faction's pixel area and its vector ``area_km2``."""
FIRST, SECOND = date(2020, 1, 15), date(2020, 3, 15)


@pytest.fixture(scope="module")
def world(gazetteer):
    return {"gazetteer": gazetteer, "factions": load_factions(), "theater": load_theater()}


def claim(place_id: str, controller: str, day: str) -> Evidence:
    return Evidence(place_id=place_id, place_name=place_id, controller=controller,
                    action="capture", day=date.fromisoformat(day), hedged=False, negated=False,
                    near_place=False, confidence=0.9, doc_id="d", evidence="synthetic")


def made_up_side(lon: float, lat: float, *, later: bool) -> str:
    """Synthetic control (not a historical claim): HTS west of 37.2°E, GOV to 39°E, SDF east;
    on the later date the HTS places south of 35.9°N go to GOV."""
    if lon < 37.2:
        return "GOV" if later and lat < 35.9 else "HTS"
    return "GOV" if lon < 39.0 else "SDF"


@pytest.fixture(scope="module")
def synthetic(world) -> dict[date, gpd.GeoDataFrame]:
    """Areas of two dates from every gazetteer city, town and village (made-up control)."""
    places = [p for p in world["gazetteer"].places.values()
              if p.kind in ("city", "town", "village") and not p.is_area]
    items = [claim(p.place_id, made_up_side(p.lon, p.lat, later=False), "2020-01-01")
             for p in places]
    items += [claim(p.place_id, "GOV", "2020-03-01") for p in places
              if made_up_side(p.lon, p.lat, later=True) != made_up_side(p.lon, p.lat,
                                                                         later=False)]
    out = {}
    for day in (FIRST, SECOND):
        state = snapshot(items, day, **world)
        out[day], _ = control_map(state, world["theater"], world["factions"])
    return out


@pytest.fixture(scope="module")
def seed_areas(world, tmp_path_factory) -> gpd.GeoDataFrame:
    """The areas of 2020-12-25 from the seed articles."""
    store = Store(tmp_path_factory.mktemp("raster") / "seeds.db")
    ingest([SEEDS], store, world["gazetteer"], world["factions"])
    war = load_war(store, world["gazetteer"], world["factions"], world["theater"])
    return layers_on(war, date(2020, 12, 25))["areas"]


def pixel_km2(array: np.ndarray, code: int, resolution_m: float) -> float:
    return float((array == code).sum()) * resolution_m ** 2 / 1e6


def spread_km2(perimeter_km: float, resolution_m: float) -> float:
    """Typical net error (km²) of the pixel-centre rule along edges of this length.

    An edge of length P cuts about (4/π)·P/res pixels (Cauchy–Crofton); each is counted
    wholly in or out by its centre, wrong by a fraction of a pixel of either sign with mean
    zero, so the net error of n such pixels spreads about res²·√(n/12).
    """
    res_km = resolution_m / 1000
    return res_km ** 2 * math.sqrt(4 / math.pi * perimeter_km / res_km / 12)


def assert_pixel_areas_match(areas: gpd.GeoDataFrame, world, resolution_m: float) -> None:
    """Pixel count × pixel area equals ``area_km2`` within `TOLERANCE`, for every faction.

    Why 2 % holds: the pixel-centre rule's errors along edges mostly cancel, leaving
    `spread_km2` (asserted to be under a fifth of the tolerance, so the areas are large
    enough for the resolution); the pixels are measured in UTM 37N, whose area scale
    lies within 0.9992-1.0015 over the theater, against an equal-area ``area_km2``.
    """
    theater = world["theater"]
    array, _, _ = control_array(areas, world["factions"], theater, resolution_m=resolution_m)
    codes = faction_codes(world["factions"])
    perimeters = areas.to_crs(theater.metric_crs).length / 1000
    for controller, km2, perimeter in zip(areas["controller"], areas["area_km2"], perimeters,
                                          strict=True):
        assert spread_km2(perimeter, resolution_m) < TOLERANCE * km2 / 5, controller
        assert pixel_km2(array, codes[controller], resolution_m) == pytest.approx(
            km2, rel=TOLERANCE), controller


def test_pixel_areas_match_the_vector_areas_at_the_default_resolution(synthetic, world
                                                                       ) -> None:
    # Synthetic areas of 2,700-12,900 km² at 500 m: measured gaps under 0.1 %.
    for areas in synthetic.values():
        assert_pixel_areas_match(areas, world, 500.0)


def test_pixel_areas_of_the_seed_corpus_match_at_a_finer_resolution(seed_areas, world
                                                                     ) -> None:
    # The seed areas are small (54-156 km²): at 100 m the measured gaps are under 0.1 %.
    assert set(seed_areas["controller"]) == {"GOV", "SDF", "TURKEY"}
    assert_pixel_areas_match(seed_areas, world, 100.0)


def at(path: Path, lon: float, lat: float, band: int = 1) -> int:
    """Value of the pixel holding a lon/lat point."""
    with rasterio.open(path) as src:
        x, y = Transformer.from_crs("EPSG:4326", src.crs, always_xy=True).transform(lon, lat)
        row, col = src.index(x, y)
        return int(src.read(band)[row, col])


def test_the_control_tif_is_nodata_where_no_area_holds(synthetic, world, tmp_path) -> None:
    path = write_control_tif(synthetic[FIRST], world["factions"], world["theater"],
                             tmp_path / "control.tif", day=FIRST)
    with rasterio.open(path) as src:
        array = src.read(1)
        assert src.nodata == NODATA and src.dtypes == ("uint8",)
        assert src.crs.to_epsg() == 32637 and src.res == (500.0, 500.0)
        assert array[0, 0] == NODATA and array[-1, -1] == NODATA  # outside Syria
    codes = faction_codes(world["factions"])
    assert set(np.unique(array)) == {NODATA, codes["GOV"], codes["HTS"], codes["SDF"]}
    assert at(path, 37.955, 36.528) == codes["GOV"]  # Manbij
    assert at(path, 39.0, 33.2) == NODATA  # open desert, 100 km from any gazetteer place
    assert at(path, 36.63, 35.93) == codes["HTS"]  # Idlib


def test_the_grid_covers_the_theater_snapped_to_the_resolution(world) -> None:
    theater = world["theater"]
    empty = gpd.GeoDataFrame(columns=["controller", "geometry"], geometry="geometry",
                             crs="EPSG:4326")
    array, transform, _ = control_array(empty, world["factions"], theater, resolution_m=500)
    assert transform.c % 500 == 0 and transform.f % 500 == 0
    left, top = transform.c, transform.f
    right, bottom = left + 500 * array.shape[1], top - 500 * array.shape[0]
    minx, miny, maxx, maxy = boundary(theater.path("boundary"), theater.metric_crs).bounds
    assert left <= minx < left + 500 and right - 500 < maxx <= right
    assert bottom <= miny < bottom + 500 and top - 500 < maxy <= top
    assert not array.any()  # a date with no area is all nodata


def test_colour_table_entries_are_the_faction_colours(synthetic, world, tmp_path) -> None:
    path = write_control_tif(synthetic[FIRST], world["factions"], world["theater"],
                             tmp_path / "control.tif")
    with rasterio.open(path) as src:
        colours = src.colormap(1)
        assert src.colorinterp[0] == rasterio.enums.ColorInterp.palette
    for faction in world["factions"]:
        code = faction_codes(world["factions"]).get(faction.code)
        if code is not None:
            assert colours[code] == (*faction.colour, 255)
    assert colours[NODATA][3] == 0  # nodata is transparent


def test_band_description_and_tags_name_the_codes_and_the_date(synthetic, world,
                                                               tmp_path) -> None:
    path = write_control_tif(synthetic[FIRST], world["factions"], world["theater"],
                             tmp_path / "control.tif", day=FIRST)
    with rasterio.open(path) as src:
        text, tags = src.descriptions[0], src.tags()
    assert text.startswith("controller: 1=GOV Syrian government; 2=SDF ")
    assert "0=nodata" in text
    assert tags["CODE_1"] == "GOV" and tags["LABEL_1"] == "Syrian government"
    assert tags["COLOUR_1"] == "#c81e2d" and tags["DATE"] == "2020-01-15"
    assert {tags[f"CODE_{c}"] for c in faction_codes(world["factions"]).values()} == {
        "GOV", "SDF", "TURKEY", "HTS", "REBELS", "ISIS"}  # presence-only forces get no code
    without = write_control_tif(synthetic[FIRST], world["factions"], world["theater"],
                                tmp_path / "undated.tif")
    with rasterio.open(without) as src:
        assert "DATE" not in src.tags()


def test_codes_stay_the_same_whatever_the_date(seed_areas, world, tmp_path) -> None:
    sdf_only = seed_areas[seed_areas["controller"] == "SDF"]
    path = write_control_tif(sdf_only, world["factions"], world["theater"],
                             tmp_path / "sdf.tif")
    with rasterio.open(path) as src:
        assert set(np.unique(src.read(1))) == {NODATA, 2}  # SDF is 2 even when alone


def test_the_series_has_a_band_per_date_with_codes_that_change_where_control_did(
        synthetic, world, tmp_path) -> None:
    path = write_series_tif([(FIRST, synthetic[FIRST]), (SECOND, synthetic[SECOND])],
                            world["factions"], world["theater"], tmp_path / "series.tif")
    with rasterio.open(path) as src:
        assert src.count == 2
        assert src.descriptions == ("2020-01-15", "2020-03-15")
        assert src.tags()["DATES"] == "2020-01-15,2020-03-15"
        assert src.tags()["CODE_4"] == "HTS" and src.tags(2)["DATE"] == "2020-03-15"
        assert src.colormap(1)[4] == (60, 60, 60, 255)  # from the .aux.xml sidecar
        first, second = src.read(1), src.read(2)
        columns_x = src.transform.c + src.res[0] * (np.arange(src.width) + 0.5)
    codes = faction_codes(world["factions"])
    maarat = (36.6717, 35.6437)  # Maarat al-Numan: south of 35.9°N, made to change hands
    assert at(path, *maarat, band=1) == codes["HTS"]
    assert at(path, *maarat, band=2) == codes["GOV"]
    assert at(path, 36.63, 35.93, band=1) == at(path, 36.63, 35.93, band=2) == codes["HTS"]
    changed = first != second
    assert set(np.unique(first[changed])) <= {codes["HTS"], NODATA}
    assert set(np.unique(second[changed])) <= {codes["GOV"], codes["HTS"], NODATA}
    assert not changed[:, columns_x > 600_000].any()  # east of ~40°E nothing changed hands


def test_series_dates_must_increase(synthetic, world, tmp_path) -> None:
    frames = [(SECOND, synthetic[SECOND]), (FIRST, synthetic[FIRST])]
    with pytest.raises(RasterError, match="strictly increase"):
        write_series_tif(frames, world["factions"], world["theater"], tmp_path / "s.tif")
    with pytest.raises(RasterError, match="no dates"):
        write_series_tif([], world["factions"], world["theater"], tmp_path / "s.tif")
    assert not list(tmp_path.iterdir())


def test_rewriting_replaces_the_file_and_leaves_no_temporary_files(synthetic, world,
                                                                    tmp_path) -> None:
    path = tmp_path / "out" / "map.tif"
    write_series_tif([(FIRST, synthetic[FIRST]), (SECOND, synthetic[SECOND])],
                     world["factions"], world["theater"], path)
    write_control_tif(synthetic[SECOND], world["factions"], world["theater"], path,
                      day=SECOND)
    assert [p.name for p in path.parent.iterdir()] == ["map.tif"]  # stale sidecar gone
    with rasterio.open(path) as src:
        assert src.count == 1 and src.tags()["DATE"] == "2020-03-15"


def test_a_bad_resolution_controller_or_folder_is_refused(synthetic, world, tmp_path
                                                           ) -> None:
    for bad in (0.0, -5.0, float("nan"), 1.0):  # 1 m: over 300 million pixels
        with pytest.raises(RasterError, match="resolution"):
            control_array(synthetic[FIRST], world["factions"], world["theater"],
                          resolution_m=bad)
    blocked = tmp_path / "a file"
    blocked.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be written"):
        write_control_tif(synthetic[FIRST], world["factions"], world["theater"],
                          blocked / "map.tif")
    russia = synthetic[FIRST].assign(controller="RUSSIA")
    with pytest.raises(RasterError, match="'RUSSIA' has no raster code"):
        control_array(russia, world["factions"], world["theater"])


# --- population -------------------------------------------------------------------------

def from_origin(west: float, north: float, xsize: float, ysize: float) -> Affine:
    """North-up transform of a grid whose top-left corner is (west, north)."""
    return Affine(xsize, 0.0, west, 0.0, -ysize, north)


def write_raster(path: Path, values: np.ndarray, crs: str, transform, nodata=None) -> Path:
    """A synthetic population raster (people per pixel, made-up values)."""
    with rasterio.open(path, "w", driver="GTiff", width=values.shape[1],
                       height=values.shape[0], count=1, dtype=values.dtype, crs=crs,
                       transform=transform, nodata=nodata) as dst:
        dst.write(values, 1)
    return path


def areas_frame(rows: list[tuple[str, shapely.Geometry]], crs: str = "EPSG:4326"
                ) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame({"controller": [c for c, _ in rows]},
                             geometry=[g for _, g in rows], crs=crs)
    return frame.to_crs("EPSG:4326")


# Six 0.01° columns by four rows next to Manbij (37.90-37.96°E, 36.52-36.56°N), well
# inside Syria; -1 is the nodata value.
PATTERN = np.array([[1, 2, 3, 4, 5, 6],
                    [10, 20, 30, 40, 50, 60],
                    [100, 200, 300, 400, 500, 600],
                    [-1, 1000, 1000, 1000, 1000, 1000]], dtype=np.int32)


def test_population_sums_the_people_whose_pixel_centre_lies_in_each_area(world,
                                                                         tmp_path) -> None:
    raster = write_raster(tmp_path / "people.tif", PATTERN, "EPSG:4326",
                          from_origin(37.90, 36.56, 0.01, 0.01), nodata=-1)
    areas = areas_frame([
        ("GOV", box(37.90, 36.52, 37.92, 36.56)),       # columns 0-1, every row
        ("SDF", box(37.92, 36.52, 37.95, 36.54)),       # columns 2-4, rows 2-3
        ("TURKEY", box(37.951, 36.551, 37.954, 36.554)),  # holds no pixel centre
    ])
    people = population(raster, areas, world["theater"])
    assert people == pytest.approx({
        "GOV": 1 + 2 + 10 + 20 + 100 + 200 + 1000,      # the nodata pixel counts nothing
        "SDF": 300 + 400 + 500 + 1000 + 1000 + 1000,
        "TURKEY": 0,
        OUTSIDE: (3 + 4 + 5 + 6) + (30 + 40 + 50 + 60) + 600 + 1000,
    })


def test_population_from_a_raster_in_another_crs_than_the_areas(world, tmp_path) -> None:
    # A 1 km Mollweide grid (the CRS of GHSL population rasters) around Manbij; areas drawn
    # on its pixel edges in Mollweide, then given in EPSG:4326 as the layers are.
    mollweide = "ESRI:54009"
    x0, y0 = (round(v / 1000) * 1000 for v in Transformer.from_crs(
        "EPSG:4326", mollweide, always_xy=True).transform(37.95, 36.53))
    values = np.array([[5, 5, -3.4e38, 5],  # an undeclared nodata value: no people
                       [7, 7, np.nan, 7],
                       [1, 2, 3, 4]], dtype=np.float32)
    raster = write_raster(tmp_path / "mollweide.tif", values, mollweide,
                          from_origin(x0, y0, 1000, 1000))
    areas = areas_frame([("GOV", box(x0, y0 - 2000, x0 + 2000, y0)),          # 5 5 / 7 7
                         ("SDF", box(x0 + 2000, y0 - 3000, x0 + 4000, y0 - 1000))],  # nan 7 / 3 4
                        crs=mollweide)
    people = population(raster, areas, world["theater"])
    assert people == pytest.approx({"GOV": 24.0, "SDF": 14.0, OUTSIDE: 5 + 1 + 2})


def test_people_beyond_the_theater_outline_are_not_counted(world, tmp_path) -> None:
    # One person per 0.05° pixel across the Turkish border north of Kobani.
    transform = from_origin(38.0, 37.2, 0.05, 0.05)
    raster = write_raster(tmp_path / "border.tif", np.ones((12, 16), np.float32),
                          "EPSG:4326", transform)
    outline = boundary(world["theater"].path("boundary"), "EPSG:4326")
    centres = [Point(38.025 + 0.05 * c, 37.175 - 0.05 * r) for r in range(12)
               for c in range(16)]
    inside = sum(outline.contains(p) for p in centres)
    assert 0 < inside < len(centres)
    empty = areas_frame([])
    assert population(raster, empty, world["theater"]) == {OUTSIDE: pytest.approx(inside)}


def test_unusable_population_rasters_say_what_to_do(world, tmp_path) -> None:
    areas = areas_frame([("GOV", box(37.90, 36.52, 37.92, 36.56))])
    theater = world["theater"]
    with pytest.raises(InputError, match="no such file"):
        population(tmp_path / "missing.tif", areas, theater)
    text = tmp_path / "notes.tif"
    text.write_text("not a raster", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be read as a raster") as error:
        population(text, areas, theater)
    assert error.value.path == str(text) and "WorldPop" in error.value.fix
    far = write_raster(tmp_path / "brazil.tif", np.ones((4, 4), np.float32), "EPSG:4326",
                       from_origin(-50.0, -10.0, 0.1, 0.1))
    with pytest.raises(InputError, match="does not overlap the Syria theater"):
        population(far, areas, theater)
    nocrs = write_raster(tmp_path / "nocrs.tif", np.ones((4, 4), np.float32), None,
                         from_origin(37.9, 36.56, 0.01, 0.01))
    with pytest.raises(InputError, match="no coordinate reference system"):
        population(nocrs, areas, theater)
