"""Corpora on disk for batch tests: many articles made of the seed articles' paragraphs.

`write_corpus` writes ``n`` text files and a ``manifest.csv`` with publication dates taken
from the seeds' own manifest, so every claim is dated as in real use. The same ``seed``
gives the same files.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from conftest import SEEDS


def seed_paragraphs() -> list[str]:
    """Every paragraph of the seed article files with at least 60 characters."""
    paragraphs = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paragraphs += [" ".join(p.split()) for p in text.split("\n\n") if len(p.strip()) >= 60]
    return paragraphs


def seed_dates() -> list[str]:
    """Publication dates of the seed articles (``seeds/manifest.csv``)."""
    with (SEEDS / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return [row["published"] for row in csv.DictReader(handle) if row["published"]]


def write_corpus(folder: Path, n: int, *, seed: int = 0) -> list[Path]:
    """Write ``n`` articles (3 to 7 seed paragraphs each) and their manifest to ``folder``."""
    rng = random.Random(seed)
    paragraphs, dates = seed_paragraphs(), seed_dates()
    folder.mkdir(parents=True, exist_ok=True)
    paths, rows = [], []
    for i in range(n):
        path = folder / f"{i:05d}.txt"
        body = "\n\n".join(rng.sample(paragraphs, rng.randint(3, 7)))
        path.write_text(f"Report number {i} from the front\n\n{body}\n", encoding="utf-8")
        paths.append(path)
        rows.append({"file": path.name, "published": rng.choice(dates),
                     "source": "test corpus", "url": "", "title": f"Report number {i}"})
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["file", "published", "source", "url",
                                                    "title"])
        writer.writeheader()
        writer.writerows(rows)
    return paths


def store_dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of the store's content tables, without row ids and ingest times, in order."""
    import sqlite3

    queries = {
        "documents": "SELECT doc_id, path, title, published, source, url, meta_basis, body, "
                     "comments FROM documents ORDER BY rowid",
        "mentions": "SELECT doc_id, start, end, surface, place_id, name, kind, lat, lon, "
                    "score, method, sentence FROM mentions ORDER BY id",
        "claims": "SELECT * FROM claims ORDER BY id",
    }
    with sqlite3.connect(db) as con:
        dump = {name: [tuple(r) for r in con.execute(sql)] for name, sql in queries.items()}
    dump["claims"] = [row[1:] for row in dump["claims"]]  # drop the row id
    return dump
