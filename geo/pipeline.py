"""The whole ingest, one document at a time: read -> places -> claims -> store.

`ingest` never stops on a bad file: unreadable items are counted and reported, every good
document is stored in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from geo.claims import Claim, extract_claims
from geo.factions import Factions
from geo.gazetteer import Gazetteer
from geo.ingest import IngestFailure, iter_paths, read_documents
from geo.models import Document, Mention
from geo.places import geocode_document
from geo.store import Store


@dataclass
class IngestReport:
    """What one ingest did."""

    new: int = 0
    unchanged: int = 0
    replaced: int = 0
    places: set[str] = field(default_factory=set)
    unresolved: set[str] = field(default_factory=set)
    claims: int = 0
    failures: list[IngestFailure] = field(default_factory=list)
    date_errors: list[str] = field(default_factory=list)

    @property
    def documents(self) -> int:
        """Documents read successfully (new, unchanged or replaced)."""
        return self.new + self.unchanged + self.replaced


def analyse(document: Document, gazetteer: Gazetteer, factions: Factions
            ) -> tuple[list[Mention], list[Claim]]:
    """Places and claims of one document (pure: touches no store)."""
    mentions = geocode_document(document, gazetteer)
    return mentions, extract_claims(document, mentions, factions)


def ingest(paths: Iterable[Path | str], store: Store, gazetteer: Gazetteer, factions: Factions,
           *, progress: Callable[[int, int, str], None] | None = None,
           defaults: dict[str, str] | None = None) -> IngestReport:
    """Read, analyse and store every article under ``paths``.

    Parameters
    ----------
    progress
        Called as ``progress(items_done, files_total, path)`` after each document or
        failure (a ``.jsonl`` file yields several).
    defaults
        Metadata (``published``, ``source``, ...) for articles that give none of their own.
    """
    files = [p.resolve() for p in iter_paths(Path(p) for p in paths)]
    report = IngestReport()
    for done, item in enumerate(read_documents(files, defaults=defaults), start=1):
        if isinstance(item, IngestFailure):
            report.failures.append(item)
        else:
            mentions, claims = analyse(item, gazetteer, factions)
            outcome = store.add(item, mentions, claims)
            setattr(report, outcome, getattr(report, outcome) + 1)
            report.places |= {m.place_id for m in mentions if m.place_id}
            report.unresolved |= {m.surface for m in mentions if not m.place_id}
            report.claims += len(claims)
            report.date_errors += [f"{item.path}: {c.date_error} in: {c.evidence}"
                                   for c in claims if c.date_error]
        if progress:
            progress(done, len(files), item.path)
    return report
