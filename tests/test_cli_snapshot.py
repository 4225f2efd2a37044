from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from conftest import SEEDS, TEST_DATA

from geo.cli import main


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("snap") / "f.db"
    assert main(["ingest", str(SEEDS), "--db", str(path)]) == 0
    return path


def test_snapshot_writes_the_layers_and_a_summary(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    assert main(["snapshot", "--date", "2020-12-25", "--out", str(out), "--db", str(db)]) == 0
    assert {p.name for p in out.iterdir()} == {"places.geojson", "areas.geojson",
                                               "frontlines.geojson", "claims.geojson",
                                               "corridors.geojson", "summary.json"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["date"] == "2020-12-25"
    assert set(summary["areas_km2"]) == {"GOV", "SDF", "TURKEY"}
    assert {d["file"] for d in summary["documents"]} >= {"001_057fba380bfd3fe5.txt"}
    places = json.loads((out / "places.geojson").read_text(encoding="utf-8"))
    ayn = next(f for f in places["features"] if f["properties"]["name"] == "Ayn Issa")
    assert ayn["properties"]["controller"] == "SDF"


def test_a_date_without_claims_carries_the_state_forward(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    assert main(["snapshot", "--date", "2020-06-01", "--out", str(out), "--db", str(db)]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    # Ras al-Ayn, and the Sharakrak silos placed approximately from the text; Anadan, Haritan.
    assert summary["places_by_controller"] == {"TURKEY": 2, "GOV": 2}


def test_changes_lists_hand_changes_and_areas(db: Path, capsys) -> None:
    assert main(["changes", "--from", "2019-11-01", "--to", "2020-03-01", "--db", str(db),
                 "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {r["name"] for r in report["first_reported"]} == {"Anadan", "Haritan",
                                                             "Sharakrak silos"}
    assert report["areas"]["GOV"]["change_km2"] > 0
    assert report["corridors"]["M5"]["GOV"]["before_km"] == 0.0
    assert report["corridors"]["M5"]["GOV"]["after_km"] > 10.0


def test_changes_series_has_area_per_faction_per_date(db: Path, capsys) -> None:
    assert main(["changes", "--series", "--db", str(db), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"date", "controller", "area_km2"} == set(rows[0])
    assert any(r["controller"] == "SDF" and r["date"] == "2020-12-25" for r in rows)


def test_export_in_every_format_opens_again(db: Path, tmp_path: Path) -> None:
    for fmt in ("geojson", "gpkg", "parquet"):
        assert main(["export", "--out", str(tmp_path / fmt), "--format", fmt,
                     "--db", str(db)]) == 0
    areas = gpd.read_file(tmp_path / "gpkg" / "frontline.gpkg", layer="areas")
    assert "snapshot_date" in areas.columns and len(areas) > 0
    claims = gpd.read_parquet(tmp_path / "parquet" / "claims.parquet")
    assert claims.crs.to_epsg() == 4326 and len(claims) > 0
    places = json.loads((tmp_path / "geojson" / "places.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["snapshot_date"] for f in places["features"]} >= {"2020-12-25"}


def test_baseline_import_then_snapshot_uses_it(tmp_path: Path, capsys) -> None:
    db = tmp_path / "b.db"
    assert main(["baseline", "import", str(TEST_DATA / "baseline_sample.geojson"),
                 "--date", "2019-01-01", "--db", str(db)]) == 0
    assert "3 entries (2 places, 1 areas)" in capsys.readouterr().out
    out = tmp_path / "snap"
    assert main(["snapshot", "--date", "2019-06-01", "--out", str(out), "--db", str(db)]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["places_by_controller"] == {"SDF": 1, "TURKEY": 1}
    # Manbij (a city: 10 km) for the SDF; Jarabulus (a town: 6 km) and the triangle for Turkey
    assert summary["areas_km2"]["SDF"] == pytest.approx(314.16, rel=0.02)
    assert summary["areas_km2"]["TURKEY"] > 113.1 * 0.9 + 100


def test_baseline_with_an_unknown_faction_names_the_feature(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,controller,lat,lon\nManbij,NATO,36.52806,37.95472\n",
                   encoding="utf-8")
    assert main(["baseline", "import", str(bad), "--date", "2019-01-01", "--db",
                 str(tmp_path / "b.db")]) == 2
    err = capsys.readouterr().err
    assert "feature 1" in err and "'NATO'" in err and "GOV" in err


def test_override_wins_in_the_snapshot(tmp_path: Path, capsys) -> None:
    db = tmp_path / "o.db"
    assert main(["ingest", str(SEEDS / "001_057fba380bfd3fe5.txt"), "--db", str(db)]) == 0
    assert main(["override", "Ain Issa", "--controller", "GOV", "--from", "2020-12-20",
                 "--note", "checked with a local source", "--db", str(db)]) == 0
    out = tmp_path / "snap"
    assert main(["snapshot", "--date", "2020-12-25", "--out", str(out), "--db", str(db)]) == 0
    places = json.loads((out / "places.geojson").read_text(encoding="utf-8"))
    ayn = next(f["properties"] for f in places["features"] if f["properties"]["name"] ==
               "Ayn Issa")
    assert (ayn["controller"], ayn["source"]) == ("GOV", "override")


def test_export_of_an_empty_store_says_what_to_do(tmp_path: Path, capsys) -> None:
    assert main(["export", "--out", str(tmp_path / "x"), "--db", str(tmp_path / "e.db")]) == 2
    assert "frontline ingest" in capsys.readouterr().err
