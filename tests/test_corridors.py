"""Corridors: the M4/M5 lines, distances, km per holder, fire exposure, import, CLI."""

from __future__ import annotations

import itertools
import json
import random
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from conftest import SEEDS
from geopy.distance import geodesic
from shapely.geometry import LineString
from shapely.ops import substring

from geo.areas import control_map
from geo.cli import main
from geo.corridor_lines import (
    import_corridor,
    load_corridors,
    read_waypoints,
    user_corridors_path,
    waypoint_corridors,
)
from geo.corridors import (
    UNKNOWN,
    add_distances,
    corridor_segments,
    corridor_series,
    corridor_table,
)
from geo.errors import InputError
from geo.factions import load_factions
from geo.theater import load_theater
from geo.timeline import Evidence, snapshot


@pytest.fixture(scope="module")
def world(gazetteer):
    return {"gazetteer": gazetteer, "factions": load_factions(), "theater": load_theater()}


def claim(place_id: str, controller: str, day: str = "2020-02-10") -> Evidence:
    return Evidence(place_id=place_id, place_name=place_id, controller=controller,
                    action="capture", day=date.fromisoformat(day), hedged=False, negated=False,
                    near_place=False, confidence=0.9, doc_id="d", evidence="test")


def state(world, items, day="2020-02-10"):
    """Places, areas, frontlines and corridor segments of a made-up control situation."""
    places = snapshot(items, date.fromisoformat(day), **world)
    areas, fronts = control_map(places, world["theater"], world["factions"])
    segments = corridor_segments(load_corridors(world["theater"]), areas, places, fronts,
                                 world["factions"], world["theater"])
    return places, areas, fronts, segments


# A made-up front at Saraqib, where the M4 and M5 meet: government towns along the M5 and
# at Taftanaz, HTS in Sarmin, Binnish and Ariha (Saraqib, Sarmin, Binnish and Taftanaz lie
# within 10 km of each other); the SDF in Ayn Issa on the M4.
IDLIB = [("syria:khan-shaykhun", "GOV"), ("syria:maarat-al-numan", "GOV"),
         ("syria:saraqib", "GOV"), ("syria:taftanaz-air-base", "GOV"),
         ("syria:sarmin", "HTS"), ("syria:binnish", "HTS"), ("syria:ariha", "HTS"),
         ("syria:ayn-issa", "SDF")]


def metric(frame: gpd.GeoDataFrame, theater) -> gpd.GeoSeries:
    return frame.to_crs(theater.metric_crs).geometry


def test_corridor_lines_run_through_their_sourced_waypoints(world) -> None:
    theater = world["theater"]
    lines = load_corridors(theater)
    waypoints = read_waypoints(theater.path("corridor_waypoints"))
    assert list(lines["ref"]) == ["M4", "M5"]
    for ref, line in zip(lines["ref"], lines.geometry, strict=True):
        assert list(line.coords) == [(p["lon"], p["lat"]) for p in waypoints[ref]]
        assert all(p["source"].startswith("http") for p in waypoints[ref])
    row = lines.set_index("ref").loc["M4"]
    assert row["name"] == "M4 highway" and "straight lines" in row["approximation"]
    assert "Latakia" in row["source"] and "al-Yarubiyah" in row["source"]
    assert 600 < row["length_km"] < 700


def test_committed_corridor_file_is_what_the_build_command_writes(world, tmp_path) -> None:
    out = tmp_path / "corridors.geojson"
    assert main(["corridors", "build", "--out", str(out)]) == 0
    committed = world["theater"].path("corridors").read_text(encoding="utf-8")
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(committed), \
        "corridors.geojson is stale: run `frontline corridors build` and commit it"
    assert waypoint_corridors(world["theater"])["length_km"].tolist() == \
        load_corridors(world["theater"])["length_km"].tolist()


def test_distance_to_a_corridor_matches_geopy_geodesic_within_one_percent(world) -> None:
    theater = world["theater"]
    lines = load_corridors(theater)
    places = [p for p in world["gazetteer"].places.values() if p.source == "theater"]
    frame = gpd.GeoDataFrame({"name": [p.name for p in places]},
                             geometry=gpd.points_from_xy([p.lon for p in places],
                                                         [p.lat for p in places]),
                             crs="EPSG:4326")
    measured = add_distances(frame, lines, theater.metric_crs)
    points_m = metric(frame, theater)
    checked = 0
    for ref, line_m in zip(lines["ref"], metric(lines, theater), strict=True):
        for i, point in enumerate(points_m):
            km = measured[f"to_{ref}_km"].iloc[i]
            if km < 1.0:
                continue
            nearest = shapely.ops.nearest_points(point, line_m)[1]
            lonlat = gpd.GeoSeries([nearest], crs=theater.metric_crs).to_crs(4326).iloc[0]
            place = frame.geometry.iloc[i]
            truth = geodesic((place.y, place.x), (lonlat.y, lonlat.x)).km
            assert abs(km - truth) <= 0.01 * truth, (frame["name"].iloc[i], ref, km, truth)
            checked += 1
    assert checked > 150


def test_a_town_on_the_corridor_is_within_a_km_of_it(world) -> None:
    places, *_ = state(world, [claim(p, c) for p, c in IDLIB])
    located = add_distances(places, load_corridors(world["theater"]),
                            world["theater"].metric_crs).set_index("name")
    # The waypoints are the corridors' sourced points, not the towns' gazetteer points, which
    # lie beside the road.
    assert located.loc["Saraqib", "to_M4_km"] < 1.0 and located.loc["Saraqib", "to_M5_km"] < 1.0
    assert located.loc["Ayn Issa", "to_M4_km"] < 1.0
    assert located.loc["Ayn Issa", "to_M5_km"] > 150


def test_corridor_km_per_holder_add_up_to_the_corridor_length(world) -> None:
    theater = world["theater"]
    _, areas, fronts, segments = state(world, [claim(p, c) for p, c in IDLIB])
    lines = load_corridors(theater)
    table = {row["ref"]: row for row in corridor_table(lines, segments, fronts, theater)}
    for ref, length in zip(lines["ref"], lines["length_km"], strict=True):
        row = table[ref]
        assert sum(row["held_km"].values()) + row["unknown_km"] == pytest.approx(length,
                                                                                abs=0.05)
    assert set(table["M5"]["held_km"]) == {"GOV"}
    assert set(table["M4"]["held_km"]) == {"GOV", "HTS", "SDF"}
    # Each held stretch lies in its holder's area; unknown stretches in none.
    area_of = dict(zip(areas["controller"], metric(areas, theater), strict=True))
    for holder, piece in zip(segments["holder"], metric(segments, theater), strict=True):
        if holder == UNKNOWN:
            assert all(piece.difference(a.buffer(1.0)).length > 0.5 * piece.length
                       for a in area_of.values())
        else:
            assert piece.difference(area_of[holder].buffer(1.0)).length < 1.0


def test_stretches_along_a_corridor_are_in_road_order_without_gaps(world) -> None:
    _, _, _, segments = state(world, [claim(p, c) for p, c in IDLIB])
    for _, own in segments.groupby("ref"):
        assert own["from_km"].iloc[0] == 0.0
        assert list(own["from_km"].iloc[1:]) == pytest.approx(list(own["to_km"].iloc[:-1]),
                                                              abs=0.01)


def test_stretches_within_fire_range_of_a_frontline_or_hostile_place_are_exposed(world
                                                                                ) -> None:
    theater = world["theater"]
    places, _, fronts, segments = state(world, [claim(p, c) for p, c in IDLIB])
    assert len(fronts) and theater.fire_range_km == 10.0
    range_m = theater.fire_range_km * 1000.0
    front_m = shapely.union_all(metric(fronts, theater).values)
    held = places.assign(geometry=metric(places, theater))
    factions = world["factions"]
    exposed = segments[segments["fire_exposed"]]
    assert set(exposed["ref"]) == {"M4", "M5"}
    for row, piece in zip(segments.itertuples(), metric(segments, theater), strict=True):
        holder = None if row.holder == UNKNOWN else row.holder
        threats = [front_m] + [g for c, g in zip(held["controller"], held.geometry,
                                                 strict=True)
                               if holder and factions.hostile(holder, c)]
        nearest = min(piece.distance(t) for t in threats)
        if row.fire_exposed:
            assert nearest <= range_m + 1.0
            assert row.exposed_by
            assert all(factions.hostile(holder, c) for c in row.exposed_by.split(",")
                       if holder)
        else:
            # Every point of a safe stretch is out of range of every threat.
            assert all(piece.difference(t.buffer(range_m - 2.0, quad_segs=64)).length
                       == pytest.approx(piece.length, abs=0.5) for t in threats)
        if row.frontline_km is not None:
            assert row.frontline_km == pytest.approx(piece.distance(front_m) / 1000, abs=0.01)
    # HTS Sarmin is within range of the government's stretch of the M5 at Saraqib.
    gov = exposed[(exposed["ref"] == "M5") & (exposed["holder"] == "GOV")]
    assert gov["length_km"].sum() > 5 and all("HTS" in e for e in gov["exposed_by"])


def test_allies_and_presence_only_forces_put_no_stretch_under_fire(world) -> None:
    # Turkey and the opposition factions are allies: no frontline, no fire control.
    _, areas, fronts, segments = state(world, [claim("syria:saraqib", "TURKEY"),
                                               claim("syria:sarmin", "REBELS")])
    assert len(areas) == 2 and len(fronts) == 0 and not segments["fire_exposed"].any()
    # The same two towns held by enemies put the road at Saraqib under fire.
    _, _, fronts, segments = state(world, [claim("syria:saraqib", "TURKEY"),
                                           claim("syria:sarmin", "HTS")])
    assert len(fronts) and segments["fire_exposed"].any()
    # A presence-only force never holds a place, so it threatens nothing.
    _, _, _, segments = state(world, [claim("syria:saraqib", "GOV"),
                                      claim("syria:sarmin", "RUSSIA")])
    assert not segments["fire_exposed"].any()


def test_no_control_leaves_the_whole_corridor_unknown_and_safe(world) -> None:
    theater = world["theater"]
    _, _, fronts, segments = state(world, [])
    table = corridor_table(load_corridors(theater), segments, fronts, theater)
    assert all(row["held_km"] == {} and row["fire_exposed_km"] == 0.0 for row in table)
    assert all(row["nearest_frontline_km"] is None for row in table)


def test_corridor_series_has_km_per_holder_for_every_date(world) -> None:
    theater = world["theater"]
    items = [claim(p, "HTS" if p == "syria:saraqib" else c, "2020-01-10") for p, c in IDLIB]
    items.append(claim("syria:saraqib", "GOV", "2020-02-08"))

    def table_of(day: date):
        _, _, fronts, segments = state(world, items, day.isoformat())
        return corridor_table(load_corridors(theater), segments, fronts, theater)

    rows = corridor_series([date(2020, 1, 10), date(2020, 2, 8)], table_of)
    km = {(r["date"], r["ref"], r["holder"]): r["km"] for r in rows}
    assert km[("2020-02-08", "M5", "GOV")] > km[("2020-01-10", "M5", "GOV")]
    assert km.get(("2020-02-08", "M5", "HTS"), 0.0) < km[("2020-01-10", "M5", "HTS")]


def _road_fixture(world, path: Path) -> LineString:
    """Road pieces of the M5 between Homs and Hama, as an OSM export would give them:
    cut into pieces, some reversed, shuffled, one carriageway doubled, one gap, and an
    unrelated road that a filter must drop. Built from the corridor's sourced waypoints."""
    theater = world["theater"]
    m5 = load_corridors(theater).set_index("ref").loc["M5", "geometry"]
    line_m = gpd.GeoSeries([m5], crs=4326).to_crs(theater.metric_crs).iloc[0]
    homs = line_m.project(gpd.GeoSeries.from_xy([36.70944], [34.73083], crs=4326)
                          .to_crs(theater.metric_crs).iloc[0])
    hama = line_m.project(gpd.GeoSeries.from_xy([36.75], [35.135], crs=4326)
                          .to_crs(theater.metric_crs).iloc[0])
    road = shapely.segmentize(substring(line_m, homs, hama), 500.0)
    cuts = [0.0, 8_000.0, 15_000.0, 22_000.0, 23_000.0, 31_000.0, road.length]
    pieces = [substring(road, a, b) for a, b in itertools.pairwise(cuts)]
    gap = pieces.pop(3)  # a 1 km gap between 22 and 23 km
    assert gap.length == pytest.approx(1000.0)
    pieces[1] = shapely.reverse(pieces[1])
    pieces.append(shapely.affinity.translate(pieces[2], xoff=25.0))  # other carriageway
    random.Random(7).shuffle(pieces)
    refs = ["M5"] * len(pieces) + ["M1"]
    pieces.append(shapely.affinity.translate(pieces[0], xoff=40_000.0))
    gpd.GeoDataFrame({"ref": refs}, geometry=pieces, crs=theater.metric_crs).to_crs(
        4326).to_file(path, driver="GPKG")
    return road


def test_import_joins_shuffled_road_pieces_in_road_order(world, tmp_path) -> None:
    theater = world["theater"]
    fixture = tmp_path / "m5_osm_export.gpkg"
    road = _road_fixture(world, fixture)
    report = import_corridor(fixture, "M5", theater, where={"ref": "M5"})
    try:
        # Touching pieces merge into the two runs either side of the gap.
        assert report["pieces"] == 2 and report["dropped"] == 1 and report["gaps"] == 1
        assert report["max_gap_km"] == pytest.approx(1.0, abs=0.01)
        line = load_corridors(theater).set_index("ref").loc["M5"]
        assert "m5_osm_export.gpkg" in line["source"] and "1 gaps" in line["approximation"]
        joined = gpd.GeoSeries([line["geometry"]], crs=4326).to_crs(
            theater.metric_crs).iloc[0]
        assert joined.length == pytest.approx(road.length, rel=0.001)
        assert shapely.hausdorff_distance(joined, road) < 5.0
        start = shapely.Point(road.coords[0])
        assert shapely.Point(joined.coords[0]).distance(start) < 1.0  # Homs end first
        # Every position along the import is in the road's order.
        along = [road.project(shapely.Point(xy)) for xy in joined.coords]
        assert along == sorted(along)
        # The other corridor is untouched.
        assert load_corridors(theater).set_index("ref").loc["M4", "length_km"] > 600
    finally:
        user_corridors_path(theater).unlink()


def test_import_explains_what_is_wrong_with_the_file(world, tmp_path) -> None:
    theater = world["theater"]
    fixture = tmp_path / "roads.gpkg"
    _road_fixture(world, fixture)
    with pytest.raises(InputError, match=r"M7.*use one of M4, M5"):
        import_corridor(fixture, "M7", theater)
    with pytest.raises(InputError, match=r"no property 'highway'.*--where"):
        import_corridor(fixture, "M5", theater, where={"highway": "trunk"})
    points = tmp_path / "points.geojson"
    gpd.GeoDataFrame(geometry=gpd.points_from_xy([36.7], [35.0]), crs=4326).to_file(points)
    with pytest.raises(InputError, match="no LineString features"):
        import_corridor(points, "M5", theater)
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.geojson: cannot be read"):
        import_corridor(broken, "M5", theater)
    assert not user_corridors_path(theater).exists()


def test_cli_import_replaces_the_corridor_everywhere(world, tmp_path, capsys) -> None:
    theater = world["theater"]
    fixture = tmp_path / "m5.gpkg"
    _road_fixture(world, fixture)
    try:
        assert main(["corridors", "import", str(fixture), "--ref", "M5",
                     "--where", "ref=M5"]) == 0
        out = capsys.readouterr()
        assert "M5: 498.922 km ->" in out.out and "1 duplicates dropped" in out.out
        assert "warning" in out.err  # the Homs-Hama stretch misses most of the old line
        from geo.gazetteer import load_gazetteer

        m5 = load_gazetteer().places["corridor:M5"]
        assert m5.geometry.length < 1.0 and "m5.gpkg" in m5.source_url
    finally:
        user_corridors_path(theater).unlink()
    assert main(["corridors", "import", str(fixture), "--ref", "M5", "--where", "ref"]) == 2
    assert "KEY=VALUE" in capsys.readouterr().err


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corridors") / "f.db"
    assert main(["ingest", str(SEEDS), "--db", str(path)]) == 0
    return path


def test_cli_reports_corridor_km_per_holder_and_the_claims_in_text(db, capsys) -> None:
    assert main(["corridors", "--date", "2020-12-25", "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert "corridors on 2020-12-25 (fire range 10.0 km" in text
    assert "M4     SDF" in text and "M5     GOV" in text
    assert "reported 2020-02-10 capture GOV: Military experts attribute" in text
    assert main(["corridors", "--date", "2020-12-25", "--db", str(db), "--format",
                 "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    m5 = next(r for r in report["corridors"] if r["ref"] == "M5")
    assert m5["reported"]["controller"] == "GOV" and m5["reported"]["since"] == "2020-02-10"
    assert m5["held_km"]["GOV"] > 10
    assert main(["corridors", "--date", "2020-12-25", "--db", str(db), "--format",
                 "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "ref,holder,km,share,fire_exposed_km"
    assert any(line.startswith("M4,SDF,") for line in lines)


def test_cli_geojson_splits_corridors_into_segments(db, capsys) -> None:
    assert main(["corridors", "--date", "2020-12-25", "--db", str(db), "--format",
                 "geojson"]) == 0
    features = json.loads(capsys.readouterr().out)["features"]
    assert {f["geometry"]["type"] for f in features} == {"LineString"}
    assert {"ref", "holder", "fire_exposed", "frontline_km", "length_km"} <= set(
        features[0]["properties"])
    # TURKEY: al-Mushairfeh on the M4 by Ayn Issa, allegedly taken by the SNA
    assert {f["properties"]["holder"] for f in features} == {"SDF", "GOV", "TURKEY", UNKNOWN}


def test_cli_series_between_two_dates(db, capsys) -> None:
    assert main(["corridors", "--series", "--from", "2020-01-01", "--to", "2020-12-31",
                 "--db", str(db), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["date"] for r in rows} >= {"2020-02-10", "2020-12-25"}
    assert all("2020-01-01" <= r["date"] <= "2020-12-31" for r in rows)
    assert any(r["ref"] == "M5" and r["holder"] == "GOV" and r["km"] > 10 for r in rows)
    assert main(["corridors", "--db", str(db)]) == 2
    assert "--date or --series" in capsys.readouterr().err


def test_snapshot_has_corridor_segments_and_figures(db, tmp_path) -> None:
    out = tmp_path / "snap"
    assert main(["snapshot", "--date", "2020-12-25", "--out", str(out), "--db", str(db)]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {r["ref"] for r in summary["corridors"]} == {"M4", "M5"}
    places = json.loads((out / "places.geojson").read_text(encoding="utf-8"))["features"]
    assert all(f["properties"]["kind"] != "corridor" for f in places)
    assert all("to_M4_km" in f["properties"] for f in places)
    claims = json.loads((out / "claims.geojson").read_text(encoding="utf-8"))["features"]
    on_m5 = [f for f in claims if f["properties"]["place_id"] == "corridor:M5"]
    assert on_m5 and all(f["geometry"]["type"] == "LineString" for f in on_m5)
    assert all(f["properties"]["to_M5_km"] == 0.0 for f in on_m5)
    segments = json.loads((out / "corridors.geojson").read_text(encoding="utf-8"))
    assert segments["features"]
