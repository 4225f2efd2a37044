from __future__ import annotations

from pathlib import Path

from conftest import SEEDS

from geo.cli import main


def test_ingest_prints_a_summary(tmp_path: Path, capsys) -> None:
    db = tmp_path / "f.db"
    assert main(["ingest", str(SEEDS), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "documents: 5 (5 new, 0 unchanged, 0 replaced)" in out
    assert "unresolved: 2" in out and "errors: 0" in out


def test_ingest_reports_bad_files_and_keeps_the_good(tmp_path: Path, capsys) -> None:
    (tmp_path / "good.txt").write_text("Advance\n\nThe Syrian army captured Saraqib.",
                                       encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x00binary")
    db = tmp_path / "f.db"
    assert main(["ingest", str(tmp_path / "good.txt"), str(tmp_path / "bad.txt"), "--db",
                 str(db)]) == 1
    out, err = capsys.readouterr()
    assert "bad.txt" in err and "binary data" in err
    assert "1 new" in out


def test_ingest_uses_frontline_db(tmp_path: Path, monkeypatch, capsys) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("FRONTLINE_DB", str(db))
    assert main(["ingest", str(SEEDS / "004_e1ae8b833ab4ea5e.txt")]) == 0
    assert db.is_file()
