"""The whole ingest: read -> places -> claims (`geo.analysis`, maybe in parallel) -> store.

`ingest` never stops on a bad file: unreadable items are counted and reported, every good
document is stored in its own transaction, by this process alone and in input order, so a
run with ``workers`` or ``dask`` stores exactly what a serial run stores.

With an online geocoder (`geo.online`, off by default) the names a document leaves
unresolved are asked of the service here, in the writing process (so the rate limit holds
however many workers analyse); a document that names a place found online is analysed again
with the enlarged gazetteer before it is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from geo.analysis import Analysed, Task, analyse, analyse_document
from geo.factions import Factions
from geo.gazetteer import Gazetteer
from geo.ingest import IngestFailure, iter_paths, max_article_bytes, with_manifests
from geo.names import name_key
from geo.online import OnlineGeocoder
from geo.parallel import run
from geo.store import Store

__all__ = ["IngestReport", "analyse", "ingest"]


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
    online_found: dict[str, str] = field(default_factory=dict)
    online_not_found: set[str] = field(default_factory=set)
    online_failed: dict[str, str] = field(default_factory=dict)

    @property
    def documents(self) -> int:
        """Documents read successfully (new, unchanged or replaced)."""
        return self.new + self.unchanged + self.replaced


def ingest(paths: Iterable[Path | str], store: Store, gazetteer: Gazetteer, factions: Factions,
           *, progress: Callable[[int, int, str], None] | None = None,
           defaults: dict[str, str] | None = None, max_bytes: int | None = None,
           workers: int = 1, dask: str | None = None, geocoder: OnlineGeocoder | None = None
           ) -> IngestReport:
    """Read, analyse and store every article under ``paths``.

    Parameters
    ----------
    progress
        Called as ``progress(items_done, files_total, path)`` after each document or
        failure (a ``.jsonl`` file yields several).
    defaults
        Metadata (``published``, ``source``, ...) for articles that give none of their own.
    max_bytes
        Size limit of one article (default: `geo.ingest.max_article_bytes`).
    workers
        Processes that read and analyse files (1: this process; 0: one per core).
    dask
        Address of a Dask scheduler to analyse on instead (``workers`` is then ignored).
    geocoder
        Asked for the names no offline gazetteer knows (see the module docstring); its
        failures are recorded in the report, never raised.
    """
    # Kept as strings (a Path costs ~5x more), so a batch of 100,000 files stays small.
    files = [str(p.resolve()) for p in iter_paths(Path(p) for p in paths)]
    max_bytes = max_article_bytes() if max_bytes is None else max_bytes  # same in every worker
    items = (item if isinstance(item, IngestFailure) else
             Task(str(item[0]), item[1], defaults, max_bytes)
             for item in with_manifests(map(Path, files)))
    report = IngestReport()
    online = _OnlineFallback(geocoder, gazetteer, factions, report) if geocoder else None
    done = 0
    for results in run(items, gazetteer, factions, workers=workers, dask=dask):
        for result in results:
            if online and isinstance(result, Analysed):
                result = online.revise(result)
            if isinstance(result, Analysed):
                _store(result, store, report)
            else:
                report.failures.append(result)
            done += 1
            if progress:
                progress(done, len(files), result.path if isinstance(result, IngestFailure)
                         else result.document.path)
    return report


def _store(result: Analysed, store: Store, report: IngestReport) -> None:
    document, mentions, claims = result.document, result.mentions, result.claims
    outcome = store.add(document, mentions, claims)
    setattr(report, outcome, getattr(report, outcome) + 1)
    report.places |= {m.place_id for m in mentions if m.place_id}
    report.unresolved |= {m.surface for m in mentions if not m.place_id}
    report.claims += len(claims)
    report.date_errors += [f"{document.path}: {c.date_error} in: {c.evidence}"
                           for c in claims if c.date_error]


class _OnlineFallback:
    """Asks the online geocoder for unresolved names and re-analyses what it finds.

    Each name is asked at most once per batch (a failed one is asked again by a later run,
    failures are never cached). After `GIVE_UP_AFTER` failures in a row the service is taken
    to be down and the rest of the batch is not slowed by it.
    """

    GIVE_UP_AFTER = 3

    def __init__(self, geocoder: OnlineGeocoder, gazetteer: Gazetteer, factions: Factions,
                 report: IngestReport) -> None:
        self.geocoder, self.gazetteer, self.factions = geocoder, gazetteer, factions
        self.report = report
        self.asked: set[str] = set()
        self.found: set[str] = set()  # name keys of the names found online
        self.failures_in_a_row = 0
        self.down = ""

    def _ask(self, names: list[str]) -> None:
        if self.down:
            self.report.online_failed |= {n: f"not asked: {self.down}" for n in names}
            return
        looked = self.geocoder.lookup_many(
            names, max_consecutive_failures=self.GIVE_UP_AFTER - self.failures_in_a_row)
        self.report.online_not_found |= set(looked.not_found)
        self.report.online_failed |= looked.failed
        if looked.found or looked.not_found:
            self.failures_in_a_row = 0
        self.failures_in_a_row += len(looked.failed)
        if self.failures_in_a_row >= self.GIVE_UP_AFTER:
            self.down = (f"{self.failures_in_a_row} lookups failed in a row; the last: "
                         f"{next(reversed(looked.failed.values()))}")
        if looked.found:
            self.gazetteer = self.gazetteer.with_places(looked.found.values())
            self.found |= {name_key(s) for s in looked.found}
            self.report.online_found |= {s: p.place_id for s, p in looked.found.items()}

    def revise(self, result: Analysed) -> Analysed | IngestFailure:
        """The result, analysed again if a name it left unresolved is now found online."""
        surfaces = list(dict.fromkeys(m.surface for m in result.mentions if not m.place_id))
        new = list({name_key(s): s for s in surfaces if name_key(s) not in self.asked}.values())
        if new:
            self.asked |= {name_key(s) for s in new}
            self._ask(new)
        if not any(name_key(s) in self.found for s in surfaces):
            return result
        return analyse_document(result.document, self.gazetteer, self.factions)
