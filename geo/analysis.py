"""One article file in, its documents with their place mentions and claims out (pure).

`analyse_file` is the unit of work of an ingest: it reads one file (several documents for a
``.jsonl``), finds and resolves the place names of each document and extracts its control
claims. It touches no store, so it can run in any process (`geo.parallel`); the caller
writes the results.

A document whose analysis raises is reported as a failure of that document; the other
documents of the batch go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from geo.claims import Claim, extract_claims
from geo.factions import Factions
from geo.gazetteer import Gazetteer
from geo.ingest import IngestFailure, read_file
from geo.models import Document, Mention
from geo.places import geocode_document


@dataclass(frozen=True)
class Task:
    """One file to analyse, with how to read it.

    Attributes
    ----------
    path
        The article file.
    manifest_row
        Its row of the folder's manifest (empty when none).
    defaults
        Metadata for articles that give none of their own (see `geo.ingest.read_file`).
    max_bytes
        Size limit of one article (None: `geo.ingest.max_article_bytes`).
    """

    path: str
    manifest_row: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] | None = None
    max_bytes: int | None = None


@dataclass(frozen=True)
class Analysed:
    """A document with the place mentions and claims found in it."""

    document: Document
    mentions: list[Mention]
    claims: list[Claim]


Result = Analysed | IngestFailure


def analyse(document: Document, gazetteer: Gazetteer, factions: Factions
            ) -> tuple[list[Mention], list[Claim]]:
    """Places and claims of one document (pure: touches no store)."""
    mentions = geocode_document(document, gazetteer)
    return mentions, extract_claims(document, mentions, factions)


def analyse_document(document: Document, gazetteer: Gazetteer, factions: Factions) -> Result:
    """`analyse`, with an unexpected error turned into a failure of this document."""
    try:
        mentions, claims = analyse(document, gazetteer, factions)
    except Exception as exc:  # one bad article never stops a batch
        return IngestFailure(document.path, (
            f"{document.path}: the analysis of this article failed ({type(exc).__name__}: "
            f"{exc}). Fix: check the article's text; if it looks normal, report the file "
            "with this message."))
    return Analysed(document, mentions, claims)


def analyse_file(task: Task, gazetteer: Gazetteer, factions: Factions) -> list[Result]:
    """Read one file and analyse each of its documents, in file order.

    Parameters
    ----------
    task
        The file and how to read it.
    gazetteer, factions
        What names are places and who the sides are.
    """
    path = Path(task.path)
    manifest = {path.name: task.manifest_row} if task.manifest_row else {}
    out: list[Result] = []
    for item in read_file(path, manifest=manifest, defaults=task.defaults,
                          max_bytes=task.max_bytes):
        out.append(item if isinstance(item, IngestFailure)
                   else analyse_document(item, gazetteer, factions))
    return out
