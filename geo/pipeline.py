"""The whole ingest: read -> places -> claims (`geo.analysis`, maybe in parallel) -> store.

`ingest` never stops on a bad file: unreadable items are counted and reported, every good
document is stored in its own transaction, by this process alone and in input order, so a
run with ``workers`` or ``dask`` stores exactly what a serial run stores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from geo.analysis import Analysed, Task, analyse
from geo.errors import InputError
from geo.factions import Factions
from geo.gazetteer import Gazetteer
from geo.ingest import MANIFEST, IngestFailure, iter_paths, read_manifest
from geo.parallel import run
from geo.store import Store

__all__ = ["IngestReport", "analyse", "ingest", "plan"]


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


def plan(files: Iterable[Path]) -> Iterator[Task | IngestFailure]:
    """Tasks for the files, each with its folder's manifest row; failures for what is missing.

    A folder's ``manifest.csv`` is read once. One that cannot be read is reported as a
    failure and its folder's files are read without it.
    """
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    for path in files:
        if not path.exists():
            yield IngestFailure(str(path), f"{path}: no such file or folder. "
                                           "Fix: check the path.")
            continue
        folder = path.parent
        if folder not in manifests:
            try:
                manifests[folder] = read_manifest(folder)
            except InputError as exc:
                manifests[folder] = {}
                yield IngestFailure(str(folder / MANIFEST), str(exc))
        yield Task(str(path), manifests[folder].get(path.name, {}))


def ingest(paths: Iterable[Path | str], store: Store, gazetteer: Gazetteer, factions: Factions,
           *, progress: Callable[[int, int, str], None] | None = None,
           defaults: dict[str, str] | None = None, workers: int = 1,
           dask: str | None = None) -> IngestReport:
    """Read, analyse and store every article under ``paths``.

    Parameters
    ----------
    progress
        Called as ``progress(items_done, files_total, path)`` after each document or
        failure (a ``.jsonl`` file yields several).
    defaults
        Metadata (``published``, ``source``, ...) for articles that give none of their own.
    workers
        Processes that read and analyse files (1: this process; 0: one per core).
    dask
        Address of a Dask scheduler to analyse on instead (``workers`` is then ignored).
    """
    files = [p.resolve() for p in iter_paths(Path(p) for p in paths)]
    items = list(plan(files))
    results = run((i for i in items if isinstance(i, Task)), gazetteer, factions, defaults,
                  workers=workers, dask=dask)
    report = IngestReport()
    done = 0
    for item in items:
        for result in [item] if isinstance(item, IngestFailure) else next(results):
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
