"""The SQLite store: documents, their place mentions and control claims, analyst overrides.

One file (``--db``, env ``FRONTLINE_DB``, default ``data/frontline.db``), in WAL mode so the
app can read while an ingest writes. Each document is written in one transaction: the store
holds all of a document or none of it. Re-ingesting the same content (same content hash) changes
nothing; a file whose content changed replaces its old document, mentions and claims.

The schema carries a version (table ``meta``); `MIGRATIONS` brings an older file up to date
when it is opened.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from geo import settings
from geo.claims import Claim
from geo.errors import FrontlineError
from geo.models import Document, Mention

SCHEMA_VERSION = 3
MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE documents (
        doc_id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        published TEXT,
        source TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '',
        meta_basis TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL,
        comments TEXT NOT NULL DEFAULT '',
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX documents_path ON documents(path);
    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        start INTEGER NOT NULL, end INTEGER NOT NULL, surface TEXT NOT NULL,
        place_id TEXT, name TEXT NOT NULL, kind TEXT NOT NULL, lat REAL, lon REAL,
        score REAL NOT NULL, method TEXT NOT NULL, sentence TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX mentions_doc ON mentions(doc_id);
    CREATE INDEX mentions_place ON mentions(place_id);
    CREATE TABLE claims (
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        place_id TEXT NOT NULL, place_name TEXT NOT NULL,
        controller TEXT, previous TEXT, action TEXT NOT NULL,
        event_date TEXT, date_basis TEXT NOT NULL, date_text TEXT NOT NULL DEFAULT '',
        date_from TEXT, date_to TEXT,
        hedged INTEGER NOT NULL, negated INTEGER NOT NULL, near_place INTEGER NOT NULL,
        confidence REAL NOT NULL, evidence TEXT NOT NULL, start INTEGER NOT NULL,
        end INTEGER NOT NULL, modality TEXT NOT NULL DEFAULT '',
        date_error TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX claims_doc ON claims(doc_id);
    CREATE INDEX claims_place ON claims(place_id);
    CREATE INDEX claims_date ON claims(event_date);
    CREATE TABLE overrides (
        id INTEGER PRIMARY KEY,
        place_id TEXT NOT NULL,
        controller TEXT,
        valid_from TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        author TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    );
    """,
    2: """
    CREATE TABLE baseline (
        id INTEGER PRIMARY KEY,
        source_file TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        place_id TEXT,
        controller TEXT NOT NULL,
        valid_from TEXT NOT NULL,
        geometry_wkt TEXT NOT NULL,
        imported_at TEXT NOT NULL
    );
    CREATE INDEX baseline_source ON baseline(source_file);
    """,
    3: """
    ALTER TABLE mentions ADD COLUMN candidates TEXT NOT NULL DEFAULT ''
    """,
}
CLAIM_COLUMNS = ("doc_id", "place_id", "place_name", "controller", "previous", "action",
                 "event_date", "date_basis", "date_text", "date_from", "date_to", "hedged",
                 "negated", "near_place", "confidence", "evidence", "start", "end", "modality",
                 "date_error")
MENTION_COLUMNS = ("doc_id", "start", "end", "surface", "place_id", "name", "kind", "lat",
                   "lon", "score", "method", "sentence", "candidates")


class StoreError(FrontlineError):
    """The store file cannot be used."""


def default_path() -> Path:
    """``FRONTLINE_DB`` or ``data/frontline.db`` (under ``FRONTLINE_DATA``)."""
    value = os.environ.get("FRONTLINE_DB")
    return Path(value) if value else settings.data_dir() / "frontline.db"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class Store:
    """A connection to the store file (created and migrated on first open)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable frontline store ({exc}). Fix: point "
                             "--db (or FRONTLINE_DB) at another file, or move this one away.") \
                from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back on any exception."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query inside sees the same state of the store.

        In WAL mode a reader never waits for a writer and never sees part of a document:
        an ingest running meanwhile commits whole documents, which readers see only in
        their next read transaction.
        """
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN DEFERRED")
        try:
            yield self.db
        finally:
            self.db.execute("COMMIT")

    def schema_version(self) -> int:
        """Version of the schema in the file."""
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema version {current} is newer than this "
                             f"frontline ({SCHEMA_VERSION}). Fix: upgrade frontline.")
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction() as db:
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                           (str(version),))

    # ------------------------------------------------------------------ writing

    def add(self, document: Document, mentions: Iterable[Mention], claims: Iterable[Claim]
            ) -> str:
        """Store one document with its mentions and claims, atomically.

        Returns
        -------
        str
            ``"new"``, ``"unchanged"`` (same content already stored) or ``"replaced"``
            (the same path held different content, which is removed).
        """
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM documents WHERE doc_id=?",
                          (document.doc_id,)).fetchone():
                return "unchanged"
            old = [r[0] for r in db.execute("SELECT doc_id FROM documents WHERE path=?",
                                            (document.path,))]
            for doc_id in old:
                db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
            db.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)",
                (document.doc_id, document.path, document.title, _iso(document.published),
                 document.source, document.url, document.meta_basis, document.body,
                 document.comments, datetime.now(UTC).isoformat(timespec="seconds")))
            db.executemany(
                f"INSERT INTO mentions ({','.join(MENTION_COLUMNS)}) VALUES "
                f"({','.join('?' * len(MENTION_COLUMNS))})",
                [tuple(getattr(m, c) for c in MENTION_COLUMNS) for m in mentions])
            rows = []
            for claim in claims:
                values = [getattr(claim, c) for c in CLAIM_COLUMNS]
                rows.append(tuple(
                    v.isoformat() if isinstance(v, date) else int(v) if isinstance(v, bool)
                    else v for v in values))
            db.executemany(
                f"INSERT INTO claims ({','.join(CLAIM_COLUMNS)}) VALUES "
                f"({','.join('?' * len(CLAIM_COLUMNS))})", rows)
            return "replaced" if old else "new"

    def add_override(self, *, place_id: str, controller: str | None, valid_from: date,
                     note: str = "", author: str = "") -> int:
        """Record an analyst's control override; returns its id."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO overrides (place_id, controller, valid_from, note, author, "
                "created_at) VALUES (?,?,?,?,?,?)",
                (place_id, controller, valid_from.isoformat(), note, author,
                 datetime.now(UTC).isoformat(timespec="seconds")))
            return int(cursor.lastrowid)

    def replace_baseline(self, source_file: str, entries: Iterable[dict[str, Any]]) -> int:
        """Replace the baseline entries of one imported file; returns how many were stored.

        Each entry has ``name``, ``place_id`` (or None), ``controller``, ``valid_from`` (a
        date) and ``geometry_wkt``.
        """
        rows = [(source_file, e.get("name") or "", e.get("place_id"), e["controller"],
                 e["valid_from"].isoformat(), e["geometry_wkt"],
                 datetime.now(UTC).isoformat(timespec="seconds")) for e in entries]
        with self.transaction() as db:
            db.execute("DELETE FROM baseline WHERE source_file=?", (source_file,))
            db.executemany("INSERT INTO baseline (source_file, name, place_id, controller, "
                           "valid_from, geometry_wkt, imported_at) VALUES (?,?,?,?,?,?,?)",
                           rows)
        return len(rows)

    # ------------------------------------------------------------------ reading

    def overrides(self) -> list[dict[str, Any]]:
        """Analyst overrides, oldest first."""
        return [dict(r) for r in self.db.execute("SELECT * FROM overrides ORDER BY id")]

    def baseline(self) -> list[dict[str, Any]]:
        """Baseline entries of every imported file."""
        return [dict(r) for r in self.db.execute("SELECT * FROM baseline ORDER BY id")]

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {table: self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("documents", "mentions", "claims", "overrides", "baseline")}

    def stamp(self) -> tuple:
        """Changes whenever the store's content does (a cache key for readers)."""
        row = self.db.execute(
            "SELECT (SELECT COUNT(*) FROM documents), (SELECT MAX(ingested_at) FROM documents), "
            "(SELECT COUNT(*) FROM claims), (SELECT MAX(id) FROM claims), "
            "(SELECT MAX(id) FROM overrides), (SELECT MAX(id) FROM baseline), "
            "(SELECT COUNT(*) FROM baseline)").fetchone()
        return tuple(row)

    def documents(self) -> list[dict[str, Any]]:
        """Stored documents (without their text), oldest publication first."""
        rows = self.db.execute(
            "SELECT doc_id, path, title, published, source, url, meta_basis, ingested_at "
            "FROM documents ORDER BY published, path")
        return [dict(r) for r in rows]

    def claims(self, *, faction: str | None = None, date_from: date | None = None,
               date_to: date | None = None, place_ids: Iterable[str] | None = None
               ) -> list[dict[str, Any]]:
        """Stored claims with their document's path, title and URL, by event date.

        Parameters
        ----------
        faction
            Only claims whose controller is this faction code.
        date_from, date_to
            Only claims whose event date lies in this closed interval.
        place_ids
            Only claims about these places.
        """
        where, args = [], []
        if faction:
            where.append("c.controller = ?")
            args.append(faction)
        if date_from:
            where.append("c.event_date >= ?")
            args.append(date_from.isoformat())
        if date_to:
            where.append("c.event_date <= ?")
            args.append(date_to.isoformat())
        if place_ids is not None:
            ids = list(place_ids)
            where.append(f"c.place_id IN ({','.join('?' * len(ids))})")
            args += ids
        sql = ("SELECT c.*, d.path, d.title, d.url, d.published FROM claims c "
               "JOIN documents d USING (doc_id)"
               + (f" WHERE {' AND '.join(where)}" if where else "")
               + " ORDER BY c.event_date, d.path, c.start, c.id")
        rows = []
        for row in self.db.execute(sql, args):
            item = dict(row)
            for flag in ("hedged", "negated", "near_place"):
                item[flag] = bool(item[flag])
            rows.append(item)
        return rows

    def documents_with_unresolved(self) -> list[tuple[Document, list[Mention]]]:
        """Every document that names a place no gazetteer knows, with all its mentions."""
        rows = self.db.execute(
            "SELECT * FROM documents WHERE doc_id IN "
            "(SELECT DISTINCT doc_id FROM mentions WHERE place_id IS NULL) "
            "ORDER BY published, path")
        out = []
        for row in rows:
            document = Document(
                doc_id=row["doc_id"], path=row["path"], title=row["title"], body=row["body"],
                comments=row["comments"], published=date.fromisoformat(row["published"])
                if row["published"] else None, source=row["source"], url=row["url"],
                meta_basis=row["meta_basis"])
            mentions = [Mention(**{c: m[c] for c in MENTION_COLUMNS})
                        for m in self.mentions(row["doc_id"])]
            out.append((document, mentions))
        return out

    def mentions(self, doc_id: str | None = None) -> list[dict[str, Any]]:
        """Stored mentions, of one document or all."""
        if doc_id:
            rows = self.db.execute("SELECT * FROM mentions WHERE doc_id=? ORDER BY start",
                                   (doc_id,))
        else:
            rows = self.db.execute("SELECT * FROM mentions ORDER BY doc_id, start")
        return [dict(r) for r in rows]
