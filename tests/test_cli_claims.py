from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import SEEDS

from geo.cli import main


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("claims") / "f.db"
    assert main(["ingest", str(SEEDS), "--db", str(path)]) == 0
    return path


def test_claims_table_shows_evidence(db: Path, capsys) -> None:
    assert main(["claims", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Ras al-Ayn" in out and "TURKEY" in out and "remains under the SDF control" in out


def test_filter_by_place_in_any_spelling(db: Path, capsys) -> None:
    assert main(["claims", "--db", str(db), "--place", "Ein-Issa", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and {r["place_name"] for r in rows} == {"Ayn Issa"}


def test_filter_by_faction_and_dates_as_json(db: Path, capsys) -> None:
    assert main(["claims", "--db", str(db), "--faction", "GOV", "--from", "2020-02-01",
                 "--to", "2020-02-29", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["place_name"] for r in rows} == {"Anadan", "Haritan", "M5"}
    assert all("2020-02-01" <= r["event_date"] <= "2020-02-29" for r in rows)


def test_geojson_has_points_for_placed_claims_only(db: Path, capsys) -> None:
    assert main(["claims", "--db", str(db), "--format", "geojson"]) == 0
    out, err = capsys.readouterr()
    features = json.loads(out)["features"]
    assert features and all(f["geometry"]["type"] == "Point" for f in features)
    assert "unresolved places have no coordinates" in err


def test_unknown_faction_names_the_choices(db: Path, capsys) -> None:
    assert main(["claims", "--db", str(db), "--faction", "NATO"]) == 2
    assert "GOV" in capsys.readouterr().err


def test_bad_date_names_the_option(db: Path, capsys) -> None:
    assert main(["claims", "--db", str(db), "--from", "last Tuesday"]) == 2
    assert "--from" in capsys.readouterr().err
