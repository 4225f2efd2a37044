"""Approximate places in the layers, and the analyst's review loop (frontline review)."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from conftest import SEEDS

from geo.cli import main
from geo.factions import load_factions
from geo.gazetteer import load_gazetteer
from geo.layers import layers_on, load_war
from geo.store import Store
from geo.theater import load_theater

SEED_PLACES = {"Jehbel", "Sharakrak silos"}
"""The seed places no gazetteer knows (al-Mushairfeh is the Who's On First Mushayrifah)."""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "f.db"
    assert main(["ingest", str(SEEDS), "--db", str(path)]) == 0
    return path


@pytest.fixture
def overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "overrides.csv"
    monkeypatch.setenv("FRONTLINE_OVERRIDES", str(path))
    return path


def war_of(db: Path):
    with Store(db) as store:
        return load_war(store, load_gazetteer(), load_factions(), load_theater())


def test_places_the_text_describes_are_drawn_as_approximate(db: Path, overrides: Path) -> None:
    war = war_of(db)
    places = layers_on(war, date(2020, 12, 25))["places"].set_index("name")
    assert set(places.index) >= SEED_PLACES
    approx = places.loc[sorted(SEED_PLACES)]
    assert set(approx["precision"]) == {2}
    assert (approx["uncertainty_km"] > 0).all() and (approx["uncertainty_km"] < 25).all()
    assert all("Ayn Issa" in note or "Ain Issa" in note for note in approx["location_note"])
    assert places.loc["Ayn Issa", "precision"] == 1
    # An approximate village counts in the areas with half a village's radius.
    assert approx.loc["Jehbel", "influence_km"] == pytest.approx(
        load_theater().radius_km("village") / 2)
    assert places.loc["Jehbel", "controller"] == "SDF"
    # al-Mushairfeh is a gazetteer village now: exact, and held as the article says
    assert places.loc["Mushayrifah", "precision"] == 1
    assert places.loc["Mushayrifah", "controller"] == "TURKEY"


def test_claims_on_approximate_places_appear_with_their_precision(db: Path,
                                                                  overrides: Path) -> None:
    claims = layers_on(war_of(db), date(2020, 12, 25))["claims"]
    silos = claims[claims["place"] == "Sharakrak silos"]
    assert len(silos) >= 3 and set(silos["precision"]) == {2}
    assert set(claims[claims["place"] == "Ayn Issa"]["precision"]) == {1}


def test_review_lists_approximate_places_with_evidence(db: Path, overrides: Path,
                                                       capsys) -> None:
    assert main(["review", "--db", str(db)]) == 0
    text = capsys.readouterr().out
    for name in SEED_PLACES:
        assert f"{name} [" in text
    assert "approximate" in text and "evidence: Both villages are located" in text
    assert main(["review", "--db", str(db), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["name"] for r in rows} == SEED_PLACES
    assert all(r["precision"] == 2 and r["lat"] and r["evidence"] for r in rows)


def test_accepting_an_estimate_makes_the_place_exact_everywhere(db: Path, overrides: Path,
                                                               capsys) -> None:
    assert main(["review", "accept", "Jahbal", "--from-estimate", "--author", "analyst A",
                 "--db", str(db)]) == 0  # any spelling of Jehbel
    with overrides.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["name"] for r in rows] == ["Jehbel"]
    assert rows[0]["added_by"] == "analyst A" and rows[0]["added_at"]
    assert rows[0]["source_url"].startswith("estimate from the text")
    capsys.readouterr()
    assert main(["review", "--db", str(db), "--format", "json"]) == 0
    assert {r["name"] for r in json.loads(capsys.readouterr().out)} == SEED_PLACES - {"Jehbel"}
    places = layers_on(war_of(db), date(2020, 12, 25))["places"].set_index("name")
    assert places.loc["Jehbel", "precision"] == 1
    assert places.loc["Jehbel", "controller"] == "SDF"  # its claims moved with it
    # Accepting again replaces the row instead of adding a second one.
    assert main(["review", "accept", "Sharakrak silos", "--from-estimate", "--db",
                 str(db)]) == 0
    with overrides.open(encoding="utf-8") as handle:
        assert sorted(r["name"] for r in csv.DictReader(handle)) == ["Jehbel",
                                                                     "Sharakrak silos"]


def test_accept_with_coordinates_needs_a_source_and_a_point_in_the_theater(
        db: Path, overrides: Path, capsys) -> None:
    assert main(["review", "--db", str(db), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    silos = next(r for r in rows if r["name"] == "Sharakrak silos")
    lat, lon = str(silos["lat"]), str(silos["lon"])
    assert main(["review", "accept", "Sharakrak silos", "--lat", lat, "--lon", lon,
                 "--db", str(db)]) == 2
    assert "no source" in capsys.readouterr().err
    assert main(["review", "accept", "Sharakrak silos", "--lat", lon, "--lon", lat,
                 "--source", "https://example.org/map", "--db", str(db)]) == 2
    assert "outside the Syria theater" in capsys.readouterr().err
    assert main(["review", "accept", "Aleppo", "--from-estimate", "--db", str(db)]) == 2
    assert "no unresolved or approximate place called 'Aleppo'" in capsys.readouterr().err
    assert not overrides.exists()
    assert main(["review", "accept", "Sharakrak silos", "--lat", lat, "--lon", lon,
                 "--source", "https://example.org/map", "--db", str(db)]) == 0
    assert "example.org/map" in overrides.read_text(encoding="utf-8")


def test_spellings_of_one_unknown_place_in_two_articles_are_one_place(
        tmp_path: Path, overrides: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "jahbal.md").write_text(
        "---\npublished: 2020-12-28\n---\nThe village of Jahbal lies 15 km east of Ain Issa. "
        "Turkish-backed forces captured the village of Jahbal on Sunday.\n", encoding="utf-8")
    path = tmp_path / "f.db"
    assert main(["ingest", str(SEEDS), str(extra), "--db", str(path)]) == 0
    war = war_of(path)
    assert [p.name for p in war.unplaced.values()].count("Jehbel") == 1
    assert not any(p.name == "Jahbal" for p in war.unplaced.values())
    jehbel = next(e for e in war.estimates.values() if e.name == "Jehbel")
    assert {r.path.rsplit("/", 1)[-1] for r in jehbel.relations} >= {
        "001_057fba380bfd3fe5.txt", "jahbal.md"}
    places = layers_on(war, date(2020, 12, 28))["places"].set_index("name")
    assert places.loc["Jehbel", "controller"] == "TURKEY"  # the later claim, other spelling
    assert places.loc["Jehbel", "precision"] == 2


def test_every_named_place_feature_carries_a_precision_code(capsys) -> None:
    assert main(["places", str(SEEDS), "--format", "geojson"]) == 0
    features = json.loads(capsys.readouterr().out)["features"]
    precision = {f["properties"]["name"]: f["properties"]["precision"] for f in features}
    assert all(code in (1, 2, 3) for code in precision.values())
    assert {n for n, code in precision.items() if code == 2} == SEED_PLACES
    assert precision["Ayn Issa"] == 1 and precision["Raqqa Governorate"] == 3
    approximate = [f for f in features if f["properties"]["precision"] == 2]
    assert all(f["properties"]["uncertainty_km"] > 0 and f["properties"]["location_note"]
               for f in approximate)
    assert main(["places", str(SEEDS), "--unresolved"]) == 0
    assert "(precision 2)" in capsys.readouterr().out
