"""The tables beside the map, on the seed corpus."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from conftest import SEEDS

from geo.cli import main
from geo.export import snapshot_zip
from geo.factions import load_factions
from geo.layers import layers_on, load_war, summary
from geo.panels import (
    area_history,
    changes_between,
    claims_table,
    corridor_figures,
    faction_figures,
    place_history,
)
from geo.store import Store
from geo.theater import load_theater


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("panels") / "f.db"
    assert main(["ingest", str(SEEDS), "--db", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def war(db: Path, gazetteer):
    with Store(db) as store:
        return load_war(store, gazetteer, load_factions(), load_theater())


def test_faction_figures_give_area_places_corridor_km_and_their_change(war) -> None:
    figures = faction_figures(war, date(2020, 2, 16), date(2020, 2, 10)).set_index("faction")
    gov = figures.loc["GOV"]
    assert gov["area_km2"] > 100 and gov["area_km2_change"] == gov["area_km2"]
    assert gov["places"] == 2 and gov["places_change"] == 2
    assert gov["M5_km"] > 10 and gov["M4_km"] == 0.0
    first = faction_figures(war, date(2019, 10, 20), None)
    assert list(first["faction"]) == ["TURKEY"] and first["area_km2_change"].isna().all()
    assert faction_figures(war, date(2019, 10, 13), None).empty


def test_changes_between_two_steps_list_new_holders_with_evidence(war) -> None:
    changes = changes_between(war, date(2020, 2, 10), date(2020, 2, 16))
    assert set(changes["place"]) == {"Anadan", "Haritan"}
    assert set(changes["to"]) == {"GOV"} and all(changes["evidence"].str.len() > 20)
    assert changes_between(war, None, date(2020, 2, 16)).empty


def test_claims_table_is_newest_first_and_filters(war) -> None:
    table = claims_table(war, date(2020, 12, 25))
    assert list(table["date"]) == sorted(table["date"], reverse=True)
    assert set(claims_table(war, date(2020, 12, 25), place="RAS AL")["place"]) == {"Ras al-Ayn"}
    hedged = claims_table(war, date(2020, 12, 25), statuses=["hedged"])
    assert len(hedged) >= 3 and set(hedged["status"]) == {"hedged"}
    assert claims_table(war, date(2019, 10, 1)).empty


def test_place_history_lists_every_claim_with_the_state_after_it(war) -> None:
    history = place_history(war, "syria:ayn-issa")
    assert list(history["date"]) == sorted(history["date"])
    last = history.iloc[-1]
    assert last["holder after"] == "SDF"
    negated = history[history["status"] == "negated"]
    assert len(negated) >= 1  # kept as evidence, never a change of hands
    assert place_history(war, "syria:no-such-place").empty


def test_corridor_figures_add_up_to_each_corridor(war) -> None:
    figures = corridor_figures(war, date(2020, 12, 25))
    for _, rows in figures.groupby("corridor"):
        assert rows["share"].sum() == pytest.approx(1.0, abs=1e-3)


def test_area_history_has_a_row_per_date_and_a_column_per_faction(war) -> None:
    history = area_history(war)
    assert len(history) == len(war.dates())
    assert {"GOV", "SDF", "TURKEY"} <= set(history.columns)


def test_snapshot_zip_holds_every_layer_and_the_summary(war) -> None:
    day = date(2020, 12, 25)
    layers = layers_on(war, day)
    archive = zipfile.ZipFile(io.BytesIO(snapshot_zip(layers, summary(war, layers, day))))
    assert set(archive.namelist()) == {f"{n}.geojson" for n in layers} | {"summary.json"}
    places = json.loads(archive.read("places.geojson"))
    assert {f["properties"]["name"] for f in places["features"]} >= {"Ayn Issa"}
    assert json.loads(archive.read("summary.json"))["date"] == "2020-12-25"
