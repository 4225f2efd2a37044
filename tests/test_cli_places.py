from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO, SEEDS, curated_row

from geo.cli import main


def test_places_table_lists_seed_places(capsys) -> None:
    assert main(["places", str(SEEDS)]) == 0
    out, err = capsys.readouterr()
    assert "Ayn Issa" in out and "Ras al-Ayn" in out and "Raqqa Governorate" in out
    assert "5 documents" in err and "2 unresolved" in err


def test_places_csv_has_offsets_and_surfaces(capsys) -> None:
    assert main(["places", str(SEEDS), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    ayn_issa = next(r for r in rows if r["name"] == "Ayn Issa")
    assert set(ayn_issa["surfaces"].split("; ")) == {"Ain Issa", "Ein-Issa"}
    assert float(ayn_issa["lat"]) == float(curated_row("Ayn Issa")["lat"])
    assert ayn_issa["offsets"].count(":") == int(ayn_issa["mentions"])


def test_places_geojson_has_points_areas_and_lines(capsys) -> None:
    assert main(["places", str(SEEDS), "--format", "geojson"]) == 0
    collection = json.loads(capsys.readouterr().out)
    kinds = {f["properties"]["name"]: f["geometry"]["type"] for f in collection["features"]}
    assert kinds["Ayn Issa"] == "Point"
    assert kinds["Idlib Governorate"] in ("Polygon", "MultiPolygon")
    assert kinds["M4"] == "LineString"


def test_unresolved_lists_the_names_no_gazetteer_knows(capsys) -> None:
    assert main(["places", str(SEEDS), "--unresolved", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["name"] for r in rows} == {"Jehbel", "Sharakrak silos"}
    jehbel = next(r for r in rows if r["name"] == "Jehbel")
    assert jehbel["lat"] == "" and jehbel["mentions"] == "2"


def test_unresolved_geojson_is_refused_with_the_fix(capsys) -> None:
    assert main(["places", str(SEEDS), "--unresolved", "--format", "geojson"]) == 2
    assert "Fix:" in capsys.readouterr().err


def test_bad_file_is_named_and_good_ones_still_listed(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.txt").write_text("Advance\n\nTroops entered Saraqib.", encoding="utf-8")
    (tmp_path / "b.pdf").write_bytes(b"%PDF")
    assert main(["places", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "Saraqib" in out
    assert "b.pdf" in err and "unknown file type" in err


def test_nothing_readable_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["places", str(tmp_path / "missing")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_out_writes_a_file(tmp_path: Path, capsys) -> None:
    target = tmp_path / "layers" / "places.geojson"
    assert main(["places", str(SEEDS), "--format", "geojson", "--out", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_python_dash_m_geo_runs_the_cli() -> None:
    result = subprocess.run([sys.executable, "-m", "geo", "places", "seeds", "--unresolved"],
                            cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "Jehbel" in result.stdout
