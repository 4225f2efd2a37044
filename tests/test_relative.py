"""Places no gazetteer knows get an estimated location from what the articles say."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pytest
from conftest import document
from geopy.distance import geodesic
from shapely.geometry import Point

from geo.places import geocode_document
from geo.relative import Estimate, Relation, estimate, estimates_for, relations_for
from geo.theater import load_theater

AYN_ISSA = "syria:ayn-issa"


@pytest.fixture(scope="module")
def theater():
    return load_theater()


@pytest.fixture(scope="module")
def seed_estimates(seed_documents, gazetteer, theater) -> dict[str, Estimate]:
    results = [(d, geocode_document(d, gazetteer)) for d in seed_documents.values()]
    return {e.place_id: e for e in estimates_for(results, gazetteer, theater)}


def _relations(text: str, gazetteer, theater) -> dict[str, list[Relation]]:
    doc = document(text)
    return relations_for(doc, geocode_document(doc, gazetteer), gazetteer, theater)


def _estimate(text: str, gazetteer, theater, place_id: str = "unresolved:qasrawi"
              ) -> Estimate | None:
    found = _relations(text, gazetteer, theater)
    return estimate(place_id, "Qasrawi", "village", found.get(place_id, []), theater)


def _km(gazetteer, place_id: str, estimate: Estimate) -> float:
    place = gazetteer[place_id]
    return geodesic((place.lat, place.lon), (estimate.lat, estimate.lon)).km


def _km_to_line(gazetteer, place_id: str, estimate: Estimate, theater) -> float:
    to_metric = gpd.GeoSeries([gazetteer[place_id].geometry, Point(estimate.lon, estimate.lat)],
                              crs="EPSG:4326").to_crs(theater.metric_crs)
    return to_metric.iloc[0].distance(to_metric.iloc[1]) / 1000.0


# --------------------------------------------------------------------------- seed articles


@pytest.mark.parametrize("place_id", ["unresolved:sharakrak-silos", "unresolved:jehbel"])
def test_seed_places_get_a_point_near_ayn_issa_on_the_m4(seed_estimates, gazetteer, theater,
                                                          place_id) -> None:
    found = seed_estimates[place_id]
    assert found.precision == 2
    assert _km(gazetteer, AYN_ISSA, found) <= 25.0
    assert _km_to_line(gazetteer, "corridor:M4", found, theater) <= 10.0
    assert 0 < found.radius_km < 25.0
    assert found.region.contains(Point(found.lon, found.lat))
    assert not found.dropped


def test_silos_combine_the_governorate_the_town_and_the_highway(seed_estimates) -> None:
    silos = seed_estimates["unresolved:sharakrak-silos"]
    assert silos.name == "Sharakrak silos" and silos.kind == "facility"
    assert [(r.kind, r.anchor) for r in silos.relations] == [
        ("region", "admin1:SY-RA"), ("near", AYN_ISSA), ("along", "corridor:M4")]
    assert {r.sentence for r in silos.relations} == {
        "Russia is pressuring Turkey to withdraw its forces and Syrian proxies from the "
        "Sharakrak silos in the northern Raqqa countryside, the North Press Agency (NPA) "
        "reported on November 19.",
        "The silos, which are located near the key town of Ain Issa, overlook the strategic "
        "M4 highway.",
    }
    assert silos.relations[0].phrase == "northern Raqqa countryside"
    assert silos.reason == ("northern Raqqa Governorate; near Ayn Issa; along the M4 "
                            "(per 000_6fe535ebbc82937b.txt)")


def test_both_villages_get_the_countryside_and_the_highway(seed_estimates) -> None:
    # al-Mushairfeh is the Who's On First village Mushayrifah: exact, so never estimated
    assert "unresolved:al-mushairfeh" not in seed_estimates
    for place_id, name in [("unresolved:jehbel", "Jehbel")]:
        village = seed_estimates[place_id]
        assert village.name == name and village.kind == "village"
        assert [(r.kind, r.anchor, r.phrase) for r in village.relations] == [
            ("sector", AYN_ISSA, "northeastern countryside of Ain Issa"),
            ("along", "corridor:M4", "along the M4 international highway")]
        assert {r.sentence for r in village.relations} == {
            "Both villages are located in the northeastern countryside of Ain Issa, along the "
            "M4 international highway."}
        assert village.reason == ("northeastern countryside of Ayn Issa; along the M4 "
                                  "(per 001_057fba380bfd3fe5.txt)")


def test_jehbel_appears_in_one_seed_article_only(seed_documents, gazetteer, theater) -> None:
    named = [key for key, doc in seed_documents.items()
             if "unresolved:jehbel" in relations_for(doc, geocode_document(doc, gazetteer),
                                                      gazetteer, theater)]
    assert named == ["001"]


def test_a_second_report_with_another_spelling_narrows_the_estimate(
        seed_documents, gazetteer, theater, seed_estimates) -> None:
    extra = document("The village of Jahbal lies 15 km east of Ain Issa.")
    results = [(d, geocode_document(d, gazetteer)) for d in (seed_documents["001"], extra)]
    jehbel = {e.place_id: e for e in estimates_for(results, gazetteer, theater)}[
        "unresolved:jehbel"]
    assert {r.doc_id for r in jehbel.relations} == {seed_documents["001"].doc_id, extra.doc_id}
    assert [r.kind for r in jehbel.relations] == ["sector", "along", "offset"]
    assert jehbel.radius_km < seed_estimates["unresolved:jehbel"].radius_km
    assert "(per 001_057fba380bfd3fe5.txt); 15 km east of Ayn Issa (per <test>)" in jehbel.reason


def test_relation_regions_are_in_the_metric_crs_and_estimates_in_wgs84(seed_estimates) -> None:
    jehbel = seed_estimates["unresolved:jehbel"]
    x, y = jehbel.relations[0].region.centroid.coords[0]
    assert x > 1000 and y > 1_000_000  # metres (UTM 37N)
    lon, lat = jehbel.region.centroid.coords[0]
    assert 35 < lon < 42 and 32 < lat < 38


# --------------------------------------------------------------------------- each relation


def test_near_a_town_is_a_ten_km_disc_in_any_spelling(gazetteer, theater) -> None:
    found = _estimate("Militants shelled the village of Qasrawi near Ein-Issa.", gazetteer,
                      theater)
    (relation,) = found.relations
    assert (relation.kind, relation.anchor, relation.anchor_name) == ("near", AYN_ISSA,
                                                                      "Ayn Issa")
    assert relation.radius_km == 10.0 and found.radius_km == 10.0
    assert _km(gazetteer, AYN_ISSA, found) < 0.1


def test_a_statement_repeated_ten_thousand_times_is_one_relation(gazetteer, theater) -> None:
    once = "Militants shelled the village of Qasrawi near Ein-Issa. "
    doc = document(once * 10_000)
    mentions = geocode_document(doc, gazetteer)
    assert sum(m.surface == "Qasrawi" for m in mentions) == 10_000
    relations = relations_for(doc, mentions, gazetteer, theater)["unresolved:qasrawi"]
    assert [(r.kind, r.sentence) for r in relations] == [("near", once.strip())]
    alone = _estimate(once, gazetteer, theater)
    repeated = estimate("unresolved:qasrawi", "Qasrawi", "village", relations, theater)
    assert (repeated.lat, repeated.lon, repeated.radius_km) == (alone.lat, alone.lon,
                                                                alone.radius_km)


def test_outskirts_are_a_five_km_disc(gazetteer, theater) -> None:
    found = _estimate("The SDF captured the village of Qasrawi on the outskirts of Manbij.",
                      gazetteer, theater)
    (relation,) = found.relations
    assert (relation.kind, relation.anchor, relation.phrase) == (
        "outskirts", "syria:manbij", "outskirts of Manbij")
    assert found.radius_km == 5.0


def test_distance_and_bearing_put_the_point_there(gazetteer, theater) -> None:
    found = _estimate("The village of Qasrawi, 12 km northeast of Ain Issa, was shelled.",
                      gazetteer, theater)
    (relation,) = found.relations
    assert relation.kind == "offset" and relation.phrase == "12 km northeast of Ain Issa"
    ayn_issa = gazetteer[AYN_ISSA]
    expected = geodesic(kilometers=12).destination((ayn_issa.lat, ayn_issa.lon), bearing=45)
    assert geodesic((ayn_issa.lat, ayn_issa.lon), (found.lat, found.lon)).km == pytest.approx(
        12, rel=0.05)
    assert geodesic((expected.latitude, expected.longitude), (found.lat, found.lon)).km < 0.6
    assert found.radius_km == pytest.approx(2.4, abs=0.1)  # 20% of 12 km


def test_kilometres_and_hyphenated_distances_are_read(gazetteer, theater) -> None:
    found = _estimate("The SNA entered the village of Qasrawi, located 8 kilometres to the "
                      "south-west of Tell Abyad.", gazetteer, theater)
    tell_abyad = gazetteer["syria:tell-abyad"]
    expected = geodesic(kilometers=8).destination((tell_abyad.lat, tell_abyad.lon), bearing=225)
    assert geodesic((expected.latitude, expected.longitude), (found.lat, found.lon)).km < 0.4
    assert found.radius_km == 2.0  # at least 2 km
    ring = _estimate("The village of Qasrawi, 3-km from Manbij, was shelled.", gazetteer,
                     theater)
    assert ring.relations[0].kind == "offset"
    km = _km(gazetteer, "syria:manbij", ring)
    assert 5.0 >= km >= 1.0


def test_countryside_direction_is_a_sector(gazetteer, theater) -> None:
    found = _estimate("Militants shelled the village of Qasrawi. It is located in the southern "
                      "countryside of Kobani.", gazetteer, theater)
    (relation,) = found.relations
    assert relation.kind == "sector" and relation.anchor == "syria:kobani"
    kobani = gazetteer["syria:kobani"]
    assert found.lat < kobani.lat  # south
    assert 0 < _km(gazetteer, "syria:kobani", found) <= 25.0
    assert relation.radius_km == pytest.approx(12.5, abs=0.1)  # a quarter of a 25 km disc


def test_direction_of_a_town_without_distance_is_a_sector(gazetteer, theater) -> None:
    found = _estimate("The SDF repelled an attack on the village of Qasrawi. The village is "
                      "located west of Suluk.", gazetteer, theater)
    (relation,) = found.relations
    assert (relation.kind, relation.phrase) == ("sector", "west of Suluk")
    assert found.lon < gazetteer["syria:suluk"].lon


def test_between_two_towns_is_a_band_along_the_segment(gazetteer, theater) -> None:
    found = _estimate("Clashes erupted in the village of Qasrawi between Ain Issa and Tell "
                      "Abyad.", gazetteer, theater)
    (relation,) = found.relations
    assert relation.kind == "between"
    assert relation.anchor == "syria:ayn-issa,syria:tell-abyad"
    assert relation.anchor_name == "Ayn Issa and Tell Abyad"
    a, b = gazetteer[AYN_ISSA], gazetteer["syria:tell-abyad"]
    assert min(a.lat, b.lat) < found.lat < max(a.lat, b.lat)


def test_on_a_highway_is_a_band_along_the_corridor(gazetteer, theater) -> None:
    found = _estimate("The village of Qasrawi lies on the M4 highway.", gazetteer, theater)
    (relation,) = found.relations
    assert (relation.kind, relation.anchor, relation.anchor_name) == ("along", "corridor:M4",
                                                                      "M4")
    assert found.precision == 2
    assert _km_to_line(gazetteer, "corridor:M4", found, theater) <= 5.0


def test_shelling_on_a_highway_says_nothing_about_where_a_village_is(gazetteer,
                                                                    theater) -> None:
    assert _relations("The SNA in the village of Qasrawi began shelling on the M4 highway.",
                      gazetteer, theater) == {}


def test_governorate_countryside_alone_gives_region_precision(gazetteer, theater) -> None:
    found = _estimate("Turkish forces shelled the village of Qasrawi in the Raqqa countryside.",
                      gazetteer, theater)
    (relation,) = found.relations
    assert (relation.kind, relation.anchor, relation.anchor_name) == (
        "region", "admin1:SY-RA", "Raqqa Governorate")
    assert found.precision == 3
    governorate = gazetteer["admin1:SY-RA"].geometry
    assert found.region.symmetric_difference(governorate).area < 1e-6 * governorate.area
    assert governorate.contains(Point(found.lon, found.lat))


def test_a_direction_keeps_half_of_the_governorate(gazetteer, theater) -> None:
    whole = _estimate("The village of Qasrawi in Raqqa province was shelled.", gazetteer,
                      theater)
    north = _estimate("The village of Qasrawi in the northern Raqqa countryside was shelled.",
                      gazetteer, theater)
    assert north.precision == whole.precision == 3
    assert north.region.area == pytest.approx(whole.region.area / 2, rel=0.35)
    assert north.region.centroid.y > whole.region.centroid.y


# --------------------------------------------------------------------------- references


def test_both_villages_refers_to_the_listed_pair(gazetteer, theater) -> None:
    found = _relations("The villages of Qasrawi and Tal Zuhur were shelled. The two villages "
                       "lie along the M4.", gazetteer, theater)
    assert set(found) == {"unresolved:qasrawi", "unresolved:tal-zuhur"}
    assert all(r.kind == "along" for rs in found.values() for r in rs)


def test_a_list_shares_a_relation(gazetteer, theater) -> None:
    found = _relations("Militants bombarded the villages of Qasrawi and Tal Zuhur near Ain "
                       "Issa.", gazetteer, theater)
    assert {k: [r.kind for r in v] for k, v in found.items()} == {
        "unresolved:qasrawi": ["near"], "unresolved:tal-zuhur": ["near"]}


def test_the_town_named_in_between_takes_the_reference(gazetteer, theater) -> None:
    assert _relations("The SDF repelled an attack on the village of Qasrawi. The town of Suluk "
                      "was quiet. The town lies 5 km north of Ain Issa.", gazetteer,
                      theater) == {}


def test_a_reference_too_long_after_the_naming_is_ignored(gazetteer, theater) -> None:
    filler = " ".join(f"Sentence {n} is here." for n in range(7))
    assert _relations(f"The village of Qasrawi was shelled. {filler} The village lies near Ain "
                      "Issa.", gazetteer, theater) == {}
    filler = " ".join(f"Sentence {n} is here." for n in range(5))
    assert list(_relations(f"The village of Qasrawi was shelled. {filler} The village lies "
                           "near Ain Issa.", gazetteer, theater)) == ["unresolved:qasrawi"]


def test_a_relation_of_another_clause_is_not_taken(gazetteer, theater) -> None:
    assert _relations("Militants shelled the village of Qasrawi while the SDF attacked "
                      "positions near Ain Issa.", gazetteer, theater) == {}


def test_an_introductory_relation_describes_the_place_after_it(gazetteer, theater) -> None:
    found = _relations("Near Ain Issa, militants shelled the village of Qasrawi.", gazetteer,
                       theater)
    assert [r.kind for r in found["unresolved:qasrawi"]] == ["near"]


def test_a_known_town_referred_to_is_an_anchor(gazetteer, theater) -> None:
    found = _relations("Fighting continued in the town of Ain Issa. The village of Qasrawi "
                       "lies near the town.", gazetteer, theater)
    (relation,) = found["unresolved:qasrawi"]
    assert (relation.kind, relation.anchor, relation.phrase) == ("near", AYN_ISSA,
                                                                 "near the town")


# --------------------------------------------------------------------------- combination


def test_inconsistent_relation_is_dropped_and_recorded(gazetteer, theater) -> None:
    found = _estimate("The village of Qasrawi lies near Ain Issa. Later, the SDF entered the "
                      "village of Qasrawi on the outskirts of Manbij.", gazetteer, theater)
    assert [r.kind for r in found.relations] == ["outskirts"]  # the stronger one stays
    assert [(r.kind, r.anchor) for r in found.dropped] == [("near", AYN_ISSA)]
    assert found.reason == ("outskirts of Manbij (per <test>); dropped as inconsistent: "
                            "near Ayn Issa (per <test>)")


def test_agreeing_relations_outvote_a_lone_stronger_one(gazetteer, theater) -> None:
    found = _estimate("The village of Qasrawi lies near Ain Issa. The village of Qasrawi is in "
                      "the northeastern countryside of Ain Issa. The village of Qasrawi is on "
                      "the outskirts of Kobani.", gazetteer, theater)
    assert [r.kind for r in found.relations] == ["near", "sector"]
    assert [r.anchor for r in found.dropped] == ["syria:kobani"]
    assert _km(gazetteer, AYN_ISSA, found) <= 10.0


def test_relations_from_several_articles_intersect(gazetteer, theater) -> None:
    first = _relations("The village of Qasrawi lies near Ain Issa.", gazetteer, theater)
    second = _relations("The village of Qasrawi lies along the M4.", gazetteer, theater)
    found = estimate("unresolved:qasrawi", "Qasrawi", "village",
                     first["unresolved:qasrawi"] + second["unresolved:qasrawi"], theater)
    assert len({r.doc_id for r in found.relations}) == 2
    assert found.radius_km <= 10.0 + 0.1
    assert _km_to_line(gazetteer, "corridor:M4", found, theater) <= 5.0


def test_a_place_without_relations_gets_no_estimate(gazetteer, theater) -> None:
    assert _relations("Militants shelled the village of Qasrawi.", gazetteer, theater) == {}
    assert estimate("unresolved:qasrawi", "Qasrawi", "village", [], theater) is None


def test_the_radius_reaches_the_farthest_point_of_the_region(gazetteer, theater) -> None:
    found = _estimate("The village of Qasrawi is in the countryside of Manbij.", gazetteer,
                      theater)
    assert found.relations[0].kind == "sector"
    assert found.radius_km == 25.0
    manbij = gazetteer["syria:manbij"]
    assert _km(gazetteer, "syria:manbij", found) < 0.1
    assert math.isclose(found.lat, manbij.lat, abs_tol=1e-3)


def test_estimates_are_never_gazetteer_precision(seed_estimates, gazetteer, theater) -> None:
    made = list(seed_estimates.values()) + [
        _estimate(text, gazetteer, theater) for text in (
            "The village of Qasrawi lies on the M4 highway.",
            "Turkish forces shelled the village of Qasrawi in the Raqqa countryside.",
            "The village of Qasrawi, 12 km northeast of Ain Issa, was shelled.")]
    assert made and {e.precision for e in made} <= {2, 3}
    assert all(Path(r.path).name for e in seed_estimates.values() for r in e.relations)
