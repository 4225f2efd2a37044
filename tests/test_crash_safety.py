"""A killed ingest loses nothing and half-writes nothing; readers see whole documents only.

The ingest runs as a real ``frontline ingest`` subprocess over 400 generated articles and is
killed with SIGKILL in the middle of the batch.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from corpus_support import store_dump, write_corpus

from geo.layers import load_war
from geo.pipeline import ingest
from geo.store import Store
from geo.theater import load_theater

ARTICLES = 400


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "corpus"
    write_corpus(folder, ARTICLES, seed=7)
    return folder


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory, gazetteer, factions) -> dict[str, list[tuple]]:
    """The store of an uninterrupted run."""
    db = tmp_path_factory.mktemp("reference") / "reference.db"
    with Store(db) as store:
        report = ingest([corpus], store, gazetteer, factions)
    assert report.new == ARTICLES and not report.failures
    return store_dump(db)


def _start_ingest(corpus: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "geo", "ingest", str(corpus), "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stored_documents(db: Path) -> int:
    """Documents committed so far (0 while the file or its tables do not exist yet)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def _rows_per_document(rows: list[tuple]) -> Counter:
    return Counter(row[0] for row in rows)


def test_an_ingest_killed_mid_batch_and_rerun_stores_every_article_once(
        corpus, reference, tmp_path) -> None:
    db = tmp_path / "killed.db"
    process = _start_ingest(corpus, db)
    deadline = time.monotonic() + 120
    while _stored_documents(db) < 40:
        assert process.poll() is None, f"ingest ended before it could be killed: {process.stderr}"
        assert time.monotonic() < deadline, "ingest stored nothing in two minutes"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL

    # What the killed run left: whole documents only, nothing orphaned, a sound file.
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    left = store_dump(db)
    kept = {row[0] for row in left["documents"]}
    assert 40 <= len(kept) < ARTICLES, "the kill did not land in the middle of the batch"
    for table in ("mentions", "claims"):
        assert {row[0] for row in left[table]} <= kept, f"orphan {table}"
        wanted = _rows_per_document(reference[table])
        assert _rows_per_document(left[table]) == Counter(
            {doc: wanted[doc] for doc in kept if wanted[doc]}), f"a document lost {table}"

    rerun = subprocess.run([sys.executable, "-m", "geo", "ingest", str(corpus), "--db", str(db)],
                           capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert (f"documents: {ARTICLES} ({ARTICLES - len(kept)} new, {len(kept)} unchanged"
            in rerun.stdout)
    final = store_dump(db)
    assert len({row[1] for row in final["documents"]}) == ARTICLES  # each file exactly once
    assert final == reference  # same documents, mentions and claims, in the same order


def test_a_reader_sees_whole_documents_while_an_ingest_writes(
        corpus, reference, tmp_path, gazetteer, factions) -> None:
    db = tmp_path / "busy.db"
    claims_per_document = _rows_per_document(reference["claims"])
    process = _start_ingest(corpus, db)
    states: list[int] = []
    wars = 0
    try:
        while process.poll() is None:
            if _stored_documents(db) == 0:
                time.sleep(0.01)
                continue
            with Store(db) as store, store.reading() as con:
                docs = [r[0] for r in con.execute("SELECT doc_id FROM documents")]
                claims = Counter(r[0] for r in con.execute("SELECT doc_id FROM claims"))
            assert claims == Counter({d: claims_per_document[d] for d in docs
                                      if claims_per_document[d]})
            states.append(len(docs))
            if wars < 3 and len(docs) > 50 * (wars + 1):  # the app's read path, meanwhile
                with Store(db) as store:
                    war = load_war(store, gazetteer, factions, load_theater())
                seen = {d["doc_id"] for d in war.documents}
                assert Counter(c["doc_id"] for c in war.claims) == Counter(
                    {d: claims_per_document[d] for d in seen if claims_per_document[d]})
                wars += 1
    finally:
        _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    partial = [n for n in states if 0 < n < ARTICLES]
    assert len(partial) >= 5, f"the reader saw too few states mid-ingest: {states[:20]}"
    assert wars >= 1
    assert states == sorted(states)  # documents only ever appear, whole
    assert store_dump(db) == reference
