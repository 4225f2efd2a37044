from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import SEEDS

from geo.pipeline import analyse, ingest
from geo.store import SCHEMA_VERSION, Store, StoreError


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_ingesting_the_seeds_stores_documents_mentions_and_claims(tmp_path, gazetteer,
                                                                  factions) -> None:
    with Store(tmp_path / "f.db") as store:
        report = ingest([SEEDS], store, gazetteer, factions)
        counts = store.counts()
    assert (report.new, report.failures) == (5, [])
    assert counts["documents"] == 5 and counts["claims"] == report.claims > 20
    assert counts["mentions"] > 50


def test_reingesting_the_same_articles_changes_nothing(tmp_path, gazetteer, factions) -> None:
    db = tmp_path / "f.db"
    with Store(db) as store:
        ingest([SEEDS], store, gazetteer, factions)
    before = _rows(db, "SELECT * FROM claims ORDER BY id")
    with Store(db) as store:
        again = ingest([SEEDS], store, gazetteer, factions)
    assert (again.new, again.unchanged) == (0, 5)
    assert _rows(db, "SELECT * FROM claims ORDER BY id") == before


def test_a_changed_article_replaces_its_old_claims(tmp_path, gazetteer, factions) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    article = folder / "a.txt"
    article.write_text("Advance\n\nThe Syrian army captured Saraqib on February 6.",
                       encoding="utf-8")
    db = tmp_path / "f.db"
    with Store(db) as store:
        ingest([folder], store, gazetteer, factions)
    article.write_text("Advance\n\nThe Syrian army captured Kafr Nabl on February 6.",
                       encoding="utf-8")
    with Store(db) as store:
        report = ingest([folder], store, gazetteer, factions)
        claims = store.claims()
    assert report.replaced == 1
    assert [c["place_name"] for c in claims] == ["Kafr Nabl"]
    assert _rows(db, "SELECT COUNT(*) FROM documents") == [(1,)]
    assert _rows(db, "SELECT COUNT(*) FROM mentions WHERE surface='Saraqib'") == [(0,)]


def test_a_failed_write_leaves_nothing_half_written(tmp_path, gazetteer, factions,
                                                   seed_documents) -> None:
    doc = seed_documents["004"]
    mentions, claims = analyse(doc, gazetteer, factions)
    broken = [*claims[:2], "not a claim"]
    db = tmp_path / "f.db"
    with Store(db) as store, pytest.raises(AttributeError):
        store.add(doc, mentions, broken)
    assert _rows(db, "SELECT COUNT(*) FROM documents") == [(0,)]
    assert _rows(db, "SELECT COUNT(*) FROM mentions") == [(0,)]
    assert _rows(db, "SELECT COUNT(*) FROM claims") == [(0,)]


def test_store_is_wal_with_a_schema_version(tmp_path) -> None:
    db = tmp_path / "f.db"
    with Store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
    assert _rows(db, "PRAGMA journal_mode") == [("wal",)]


def test_claims_filter_by_faction_and_dates(tmp_path, gazetteer, factions) -> None:
    from datetime import date

    with Store(tmp_path / "f.db") as store:
        ingest([SEEDS], store, gazetteer, factions)
        sdf = store.claims(faction="SDF")
        window = store.claims(date_from=date(2019, 10, 1), date_to=date(2019, 10, 31))
    assert sdf and {c["controller"] for c in sdf} == {"SDF"}
    assert window and {c["place_name"] for c in window} == {"Ras al-Ayn"}
    assert all(isinstance(c["negated"], bool) for c in sdf)


def test_a_file_that_is_not_a_store_is_refused_with_the_fix(tmp_path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 100, encoding="utf-8")
    with pytest.raises(StoreError, match="Fix:"):
        Store(bogus)


def test_newer_schema_is_refused(tmp_path) -> None:
    db = tmp_path / "f.db"
    Store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    with pytest.raises(StoreError, match="upgrade"):
        Store(db)


def test_paths_are_one_file_however_they_are_written(tmp_path, gazetteer, factions,
                                                     monkeypatch) -> None:
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    monkeypatch.chdir(tmp_path)
    with Store(tmp_path / "f.db") as store:
        ingest([Path("corpus")], store, gazetteer, factions)
        again = ingest([folder], store, gazetteer, factions)
    assert again.unchanged == 5


def test_an_older_store_is_migrated_when_opened(tmp_path) -> None:
    db = tmp_path / "old.db"
    Store(db).close()
    with sqlite3.connect(db) as conn:  # make it look like a version-1 file
        conn.execute("DROP TABLE baseline")
        conn.execute("ALTER TABLE mentions DROP COLUMN candidates")
        conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    with Store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.baseline() == []


def test_a_version_2_store_keeps_its_mentions_and_gains_the_candidates_of_ambiguous_names(
        tmp_path, seed_documents, gazetteer) -> None:
    from geo.places import geocode_document

    db = tmp_path / "v2.db"
    document = seed_documents["001"]
    with Store(db) as store:
        store.add(document, geocode_document(document, gazetteer), [])
        stored = len(store.mentions())
    with sqlite3.connect(db) as conn:
        conn.execute("ALTER TABLE mentions DROP COLUMN candidates")
        conn.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
    with Store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        mentions = store.mentions()
        assert len(mentions) == stored and all(m["candidates"] == "" for m in mentions)
