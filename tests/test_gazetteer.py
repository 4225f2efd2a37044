from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import TEST_DATA

from geo.errors import InputError
from geo.gazetteer import import_geonames_dump, load_gazetteer, read_geonames_dump
from geo.theater import load_theater


def test_every_place_cites_its_source(gazetteer) -> None:
    assert all(p.source_url for p in gazetteer.places.values())
    theater_rows = [p for p in gazetteer.places.values() if p.source == "theater"]
    assert len(theater_rows) == 123


def test_theater_rows_keep_their_sourced_coordinates(gazetteer) -> None:
    # Ayn Issa's row cited a mirror of Wikipedia; it cites its Who's On First record now
    (ayn_issa,) = gazetteer.lookup("‘Ayn ‘Īsá")
    assert (ayn_issa.lat, ayn_issa.lon) == (36.3855, 38.86228)
    assert ayn_issa.source == "theater" and ayn_issa.geonameid == 172134
    assert ayn_issa.source_url == "https://spelunker.whosonfirst.org/id/1259789621/"
    raqqa = next(p for p in gazetteer.lookup("Raqqa") if p.source == "theater")
    assert "wikipedia" in raqqa.source_url or "whosonfirst" in raqqa.source_url


def test_every_theater_row_cites_a_page_or_a_record(gazetteer) -> None:
    import csv

    from geo.theater import load_theater

    with load_theater().path("places").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(r["source_url"].startswith("https://") or r["source_url"].startswith("http://")
               for r in rows)
    cited = [r for r in rows if r["wof_id"]]
    assert len(cited) > 100 and all(r["geonames_id"].isdigit() for r in cited if r["geonames_id"])
    moved = [r for r in rows if r["first_source_url"]]
    assert moved and all("whosonfirst.org/id/" + r["wof_id"] in r["source_url"] for r in moved)


def test_geonames_record_of_a_theater_town_merges_into_it(gazetteer) -> None:
    (aleppo_city,) = [p for p in gazetteer.lookup("Aleppo") if not p.is_area]
    assert aleppo_city.source == "theater"
    assert aleppo_city.geonameid is not None and aleppo_city.population > 1_000_000
    assert (aleppo_city.lat, aleppo_city.lon) == (36.203685, 37.172617)  # its WOF record


def test_cities500_adds_towns_the_supplement_lacks(gazetteer) -> None:
    # Who's On First knows two more villages of that name; the town is the GeoNames one
    maskanah = next(p for p in gazetteer.lookup("Maskanah") if p.lat > 35.5)
    assert maskanah.source == "geonames"
    assert maskanah.source_url == f"https://www.geonames.org/{maskanah.geonameid}"
    assert maskanah.admin1 == "Aleppo"  # found by point in polygon


def test_governorates_are_areas_named_like_their_seat(gazetteer) -> None:
    areas = [p for p in gazetteer.places.values() if p.kind == "governorate"]
    assert len(areas) == 14
    raqqa = next(p for p in gazetteer.lookup("Ar-Raqqah") if p.is_area)
    assert raqqa.geometry.geom_type in ("Polygon", "MultiPolygon")
    assert raqqa.geometry.contains(raqqa.geometry.representative_point())
    assert any(p.is_area for p in gazetteer.lookup("Rural Damascus"))


def test_corridors_are_lines_through_their_waypoints(gazetteer) -> None:
    (m4,) = gazetteer.lookup("M-4")
    assert m4.kind == "corridor" and m4.geometry.geom_type == "LineString"
    assert len(m4.geometry.coords) == 16
    assert m4.geometry.coords[0] == (35.783, 35.517)  # Latakia, lon/lat


def test_countries_and_common_words_are_not_places(gazetteer) -> None:
    for word in ("Turkey", "Russia", "Iraq", "Spring", "Police", "March", "Most", "The"):
        assert gazetteer.lookup(word) == (), word


def test_geonames_dump_reader_keeps_theater_rows_and_names_bad_lines() -> None:
    report = read_geonames_dump(TEST_DATA / "geonames_SY_sample.txt", ["SY"])
    assert [r["name"] for r in report.records] == ["Maskanah", "Tādif"]
    assert report.skipped == 1  # Kilis, Turkey
    assert len(report.problems) == 1 and "line 3" in report.problems[0]
    assert "19 columns" in report.problems[0]


def test_imported_dump_makes_its_places_resolvable(tmp_path: Path) -> None:
    theater = load_theater()
    out, report = import_geonames_dump(TEST_DATA / "geonames_SY_sample.txt", theater=theater,
                                       dest=tmp_path)
    assert out.is_file() and len(report.records) == 2
    # without the shipped Who's On First villages, which know Meskene too
    theater = replace(theater, files={k: v for k, v in theater.files.items()
                                      if k not in ("wof", "districts")})
    without = load_gazetteer(theater, use_cities500=False, geonames_dir=tmp_path / "none")
    assert without.lookup("Meskene") == ()
    with_dump = load_gazetteer(theater, use_cities500=False, geonames_dir=tmp_path)
    (maskanah,) = with_dump.lookup("Meskene")
    assert (maskanah.lat, maskanah.lon, maskanah.source) == (35.96577, 38.04165, "geonames-dump")


def test_importing_a_dump_of_another_country_is_refused(tmp_path: Path) -> None:
    dump = tmp_path / "TR.txt"
    lines = (TEST_DATA / "geonames_SY_sample.txt").read_text(encoding="utf-8").splitlines()
    dump.write_text("\n".join(line for line in lines if "\tTR\t" in line) + "\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="no usable rows"):
        import_geonames_dump(dump, dest=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_analyst_override_wins_over_every_other_source() -> None:
    gaz = load_gazetteer(overrides_path=TEST_DATA / "overrides_ayn_issa.csv")
    (place,) = gaz.lookup("Ain Issa")
    assert place.source == "override"
    assert (place.lat, place.lon) == (36.3858, 38.8472)


def test_override_without_a_source_is_refused_with_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "overrides.csv"
    bad.write_text("name,alt_names,kind,lat,lon,admin1,source_url\n"
                   "Jehbel,,village,36.4,38.9,Raqqa,\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_gazetteer(overrides_path=bad)
    message = str(info.value)
    assert "line 2" in message and "source_url" in message and "Fix:" in message


def test_swapped_coordinates_are_caught(tmp_path: Path) -> None:
    bad = tmp_path / "overrides.csv"
    bad.write_text("name,alt_names,kind,lat,lon,admin1,source_url\n"
                   "Somewhere,,village,138.9,36.4,Raqqa,https://example.org\n", encoding="utf-8")
    with pytest.raises(InputError, match="swapped"):
        load_gazetteer(overrides_path=bad)
