from __future__ import annotations

import os
from pathlib import Path

from conftest import TEST_DATA, curated_row

from geo.cli import main


def test_gazetteer_import_reports_counts(capsys) -> None:
    assert main(["gazetteer", "import", str(TEST_DATA / "geonames_SY_sample.txt")]) == 0
    out, err = capsys.readouterr()
    assert "imported 2 places" in out and "1 outside the theater" in out
    assert "line 3" in err
    imported = Path(os.environ["FRONTLINE_DATA"]) / "geonames" / "geonames_SY_sample.json"
    assert imported.is_file()
    imported.unlink()  # keep the shared test data folder as it was


def test_gazetteer_import_of_a_missing_file_says_so(tmp_path: Path, capsys) -> None:
    assert main(["gazetteer", "import", str(tmp_path / "SY.txt")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_gazetteer_lookup_shows_place_and_source(capsys) -> None:
    assert main(["gazetteer", "lookup", "Ein-Issa"]) == 0
    out = capsys.readouterr().out
    row = curated_row("Ayn Issa")
    assert "Ayn Issa" in out and row["lat"] in out and row["source_url"] in out


def test_gazetteer_lookup_of_an_unknown_name_suggests_an_override(capsys) -> None:
    assert main(["gazetteer", "lookup", "Jehbel"]) == 1
    assert "overrides CSV" in capsys.readouterr().err
