from __future__ import annotations

from datetime import date

import geopandas as gpd
import pytest
import shapely

from geo.areas import boundary, clear_cache, control_areas, control_map, frontlines
from geo.changes import area_change, changed_hands, frontline_shift
from geo.factions import load_factions
from geo.theater import load_theater
from geo.timeline import Evidence, snapshot


@pytest.fixture(scope="module")
def world(gazetteer):
    return {"gazetteer": gazetteer, "factions": load_factions(), "theater": load_theater()}


def claim(place_id: str, controller: str, day: str, doc: str = "d") -> Evidence:
    return Evidence(place_id=place_id, place_name=place_id, controller=controller,
                    action="capture", day=date.fromisoformat(day), hedged=False, negated=False,
                    near_place=False, confidence=0.9, doc_id=doc, evidence="test")


# Saraqib, Sarmin, Binnish and Taftanaz air base lie within 10 km of each other.
IDLIB_FRONT = [("syria:saraqib", "GOV"), ("syria:sarmin", "HTS"), ("syria:binnish", "HTS"),
               ("syria:taftanaz-air-base", "GOV"), ("syria:kafriya", "RUSSIA")]


def layers(world, items, day="2020-02-10"):
    places = snapshot(items, date.fromisoformat(day), **world)
    areas, fronts = control_map(places, world["theater"], world["factions"])
    return places, areas, fronts


def test_areas_are_valid_disjoint_and_inside_the_theater(world) -> None:
    items = [claim(p, c, "2020-02-06") for p, c in IDLIB_FRONT[:4]]
    _, areas, _ = layers(world, items)
    assert set(areas["controller"]) == {"GOV", "HTS"}
    assert all(shapely.is_valid(g) for g in areas.geometry)
    metric = areas.to_crs(world["theater"].metric_crs)
    overlap = shapely.intersection(metric.geometry.iloc[0], metric.geometry.iloc[1]).area
    assert overlap < 1.0  # m2: no overlap between factions
    outline = boundary(world["theater"].path("boundary"), world["theater"].metric_crs)
    outside = shapely.difference(shapely.union_all(metric.geometry.values), outline).area
    assert outside < 1.0


def test_influence_radius_bounds_a_lone_town(world) -> None:
    _, areas, _ = layers(world, [claim("syria:manbij", "SDF", "2020-02-06")])
    km2 = float(areas["area_km2"].iloc[0])
    assert km2 == pytest.approx(3.14159 * 10**2, rel=0.02)  # a city: 10 km radius


def test_area_is_measured_in_an_equal_area_crs(world) -> None:
    _, areas, _ = layers(world, [claim("syria:manbij", "SDF", "2020-02-06")])
    direct = areas.to_crs("EPSG:6933").area.iloc[0] / 1e6
    assert float(areas["area_km2"].iloc[0]) == pytest.approx(direct, rel=1e-3)


def test_hostile_neighbours_share_a_frontline(world) -> None:
    items = [claim(p, c, "2020-02-06") for p, c in IDLIB_FRONT[:4]]
    _, _, fronts = layers(world, items)
    assert len(fronts) == 1
    row = fronts.iloc[0]
    assert {row["side_a"], row["side_b"]} == {"GOV", "HTS"} and row["length_km"] > 1


def test_allies_make_no_frontline(world) -> None:
    items = [claim("syria:saraqib", "GOV", "2020-02-06"),
             claim("syria:sarmin", "GOV", "2020-02-06")]
    _, areas, fronts = layers(world, items)
    assert len(areas) == 1 and len(fronts) == 0


def test_presence_only_forces_hold_no_area(world) -> None:
    items = [claim(p, c, "2020-02-06") for p, c in IDLIB_FRONT]
    places, areas, _ = layers(world, items)
    assert "RUSSIA" not in set(areas["controller"])
    assert "syria:kafriya" not in set(places["place_id"])  # a deployment is no control


def test_baseline_polygons_fill_where_no_place_reaches(world) -> None:
    base = gpd.read_file("tests/data/baseline_sample.geojson")
    polygons = base[base.geometry.geom_type == "Polygon"]
    places = snapshot([claim("syria:azaz", "SDF", "2020-02-06")], date(2020, 2, 10), **world)
    areas = control_areas(places, world["theater"], baseline=polygons)
    by = dict(zip(areas["controller"], areas["area_km2"], strict=True))
    assert set(by) == {"SDF", "TURKEY"}
    metric = areas.to_crs(world["theater"].metric_crs)
    assert shapely.intersection(*metric.geometry.values).area < 1.0


def test_changes_between_dates(world) -> None:
    before = [claim(p, c, "2020-02-01") for p, c in IDLIB_FRONT[:4]]
    after = [*before, claim("syria:sarmin", "GOV", "2020-02-15", doc="e"),
             claim("syria:binnish", "GOV", "2020-02-15", doc="e")]
    p1, a1, f1 = layers(world, after, "2020-02-05")
    p2, a2, f2 = layers(world, after, "2020-02-20")
    moved = changed_hands(p1, p2)
    assert {(r["name"], r["from"], r["to"], r["date"]) for r in moved} == {
        ("Sarmin", "HTS", "GOV", "2020-02-15"), ("Binnish", "HTS", "GOV", "2020-02-15")}
    areas = area_change(a1, a2)
    assert areas["GOV"]["change_km2"] > 0 and areas["HTS"]["after_km2"] == 0
    assert areas["GOV"]["change_km2"] == pytest.approx(-areas["HTS"]["change_km2"], rel=0.01)
    shift = frontline_shift(f1, f2, world["theater"])
    assert shift == {"mean_km": None, "max_km": None}  # no frontline left after


def test_frontline_shift_is_measured_in_km(world) -> None:
    start = [claim(p, c, "2020-02-01") for p, c in IDLIB_FRONT[:4]]
    moved = [*start, claim("syria:binnish", "GOV", "2020-02-15", doc="e")]
    _, _, f1 = layers(world, moved, "2020-02-05")
    _, _, f2 = layers(world, moved, "2020-02-20")
    shift = frontline_shift(f1, f2, world["theater"])
    assert shift["mean_km"] is not None and 0 < shift["mean_km"] <= shift["max_km"] < 30


def test_voronoi_edge_frontline_agrees_with_the_general_method(world) -> None:
    items = [claim(p, c, "2020-02-06") for p, c in IDLIB_FRONT[:4]]
    _, areas, fast = layers(world, items)
    general = frontlines(areas, world["factions"], world["theater"])
    assert float(fast["length_km"].sum()) == pytest.approx(float(general["length_km"].sum()),
                                                            rel=0.02)


def test_areas_are_polygons_only(world) -> None:
    items = [claim(p, c, "2020-02-06") for p, c in IDLIB_FRONT[:4]]
    _, areas, _ = layers(world, items)
    assert set(areas.geometry.geom_type) == {"MultiPolygon"}


def test_repair_slivers_are_dropped_from_nested_collections() -> None:
    from shapely.geometry import GeometryCollection, MultiLineString, MultiPolygon, Polygon

    from geo.areas import _polygonal

    square = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    mixed = GeometryCollection([MultiPolygon([square]), MultiLineString([[(2, 2), (3, 3)]])])
    assert _polygonal(mixed).geom_type == "MultiPolygon" and _polygonal(mixed).area == 1.0
    assert _polygonal(MultiLineString([[(2, 2), (3, 3)]])).is_empty


def synthetic_places(count: int, seed: int = 0) -> gpd.GeoDataFrame:
    """``count`` places around Idlib with random kinds and controllers (not real places)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    lon = rng.uniform(36.45, 36.95, count)
    lat = rng.uniform(35.65, 36.05, count)
    return gpd.GeoDataFrame({
        "place_id": [f"test:{i}" for i in range(count)],
        "kind": rng.choice(["city", "town", "village", "village"], count),
        "controller": rng.choice(["GOV", "HTS", "TURKEY", "SDF"], count),
    }, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def sequence_of_dates() -> list[gpd.GeoDataFrame]:
    """Held places over six 'dates': controllers change, places come and go, a set returns."""
    import numpy as np

    every = synthetic_places(60)
    flips = np.random.default_rng(1).choice(["GOV", "HTS"], 60)
    first = every.iloc[:40]
    flipped = first.assign(controller=flips[:40])
    grown = every.assign(controller=flips).iloc[:55]
    shrunk = grown.drop(grown.index[[3, 17, 30]])
    unheld = first.assign(controller=first["controller"].where(first.index % 7 != 0, None))
    return [first, flipped, grown, shrunk, first, unheld]


def test_cached_maps_equal_maps_from_scratch_as_places_come_and_go(world) -> None:
    from geopandas.testing import assert_geodataframe_equal

    from geo.areas import _COVERAGES

    theater, factions = world["theater"], world["factions"]
    frames = sequence_of_dates()
    clear_cache()
    cached = [control_map(frame, theater, factions) for frame in frames]
    assert len(_COVERAGES) == 4  # the first set, met again, was built once
    for frame, (areas, fronts) in reversed(list(zip(frames, cached, strict=True))):
        clear_cache()
        fresh_areas, fresh_fronts = control_map(frame, theater, factions)
        assert_geodataframe_equal(areas, fresh_areas, check_less_precise=False)
        assert_geodataframe_equal(fronts, fresh_fronts, check_less_precise=False)
        assert all(shapely.equals_exact(a, b, tolerance=0.0) for a, b in
                   zip(areas.geometry, fresh_areas.geometry, strict=True))
    assert len({tuple(a["area_km2"]) for a, _ in cached}) > 1  # the dates differ


def test_dissolved_coverage_equals_the_union_of_the_pieces(world) -> None:
    """The cleaned coverage moves no area: each faction is the plain union of its pieces."""
    import numpy as np

    from geo.areas import _held, coverage

    theater, factions = world["theater"], world["factions"]
    frame = sequence_of_dates()[2]
    areas, fronts = control_map(frame, theater, factions)
    controllers, points, radii = _held(frame, theater)
    cover = coverage(points, radii, theater)
    assert cover.clean and shapely.coverage_is_valid(cover.pieces)
    metric = areas.to_crs(theater.metric_crs)
    for controller, geometry in zip(metric["controller"], metric.geometry, strict=True):
        exact = shapely.union_all(cover.parts[controllers == controller])
        assert shapely.symmetric_difference(geometry, exact).area < 1.0  # m2
    assert float(areas["area_km2"].sum()) == pytest.approx(
        float(shapely.area(areas.to_crs(theater.area_crs).geometry).sum() / 1e6), rel=1e-6)
    assert np.all(areas.is_valid) and len(fronts) > 0
    assert all(factions.hostile(a, b) for a, b in zip(fronts["side_a"], fronts["side_b"],
                                                        strict=True))


def test_delaunay_edges_name_their_places() -> None:
    from shapely.geometry import Point

    from geo.areas import _delaunay_edges

    points = [Point(0, 0), Point(10, 0), Point(0, 10), Point(10, 10), Point(5, 4)]
    left, right = _delaunay_edges(shapely.points([(p.x, p.y) for p in points]))
    edges = {frozenset((int(a), int(b))) for a, b in zip(left, right, strict=True)}
    assert all(frozenset((4, k)) in edges for k in range(4))  # the centre touches all
    assert len(edges) == 8 and frozenset((0, 3)) not in edges and frozenset((1, 2)) not in edges
