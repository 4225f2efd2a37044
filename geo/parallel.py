"""Run `geo.analysis.analyse_file` over many files: in this process, in N processes, or on Dask.

The three runners take a stream of items (a `Task`, or an `IngestFailure` found before any
reading, such as a missing path) and yield each item's results in input order, so the single
writer downstream (`geo.pipeline.ingest`) stores exactly what a serial run stores. Failures
pass through unchanged. The stream is consumed as work goes out, in chunks of files with a
bounded number of chunks in flight, so memory stays flat however large the corpus.

Workers need the gazetteer and the factions. They are pickled once (about 0.7 MB for the
Syria theater) and handed to each worker process at start-up, or scattered once to a Dask
cluster; workers never reload them from disk, so they see exactly the caller's gazetteer
(overrides and online places included).

Dask workers read the article files themselves: they must see the same paths as the caller
(one machine, or a shared filesystem).
"""

from __future__ import annotations

import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from geo.analysis import Result, Task, analyse_file
from geo.errors import FrontlineError
from geo.factions import Factions
from geo.gazetteer import Gazetteer
from geo.ingest import IngestFailure

CHUNK_FILES = 16
"""Files per unit of work sent to a worker."""
IN_FLIGHT_PER_WORKER = 4
"""Chunks queued per worker at any time (bounds the memory of a large batch)."""

_WORLD: tuple[Gazetteer, Factions] | None = None

Item = Task | IngestFailure


class ParallelError(FrontlineError):
    """Workers could not be started or reached."""


def default_workers() -> int:
    """Worker processes for ``--workers 0``: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _analyse(item: Item, gazetteer: Gazetteer, factions: Factions) -> list[Result]:
    return [item] if isinstance(item, IngestFailure) else analyse_file(item, gazetteer, factions)


def _analyse_chunk(chunk: Sequence[Item], world: tuple[Gazetteer, Factions]
                   ) -> list[list[Result]]:
    gazetteer, factions = world
    return [_analyse(item, gazetteer, factions) for item in chunk]


def _init_worker(world: bytes) -> None:
    global _WORLD
    _WORLD = pickle.loads(world)


def _analyse_chunk_here(chunk: Sequence[Item]) -> list[list[Result]]:
    if _WORLD is None:
        raise ParallelError("worker started without a gazetteer")
    return _analyse_chunk(chunk, _WORLD)


def _ordered(submit: Callable[[list[Item]], Any], items: Iterable[Item], *, window: int,
             chunk_files: int) -> Iterator[list[Result]]:
    """Submit chunks (at most ``window`` pending) and yield their results in order."""
    pending: deque[Any] = deque()
    for chunk in _chunks(items, chunk_files):
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def run_serial(items: Iterable[Item], gazetteer: Gazetteer, factions: Factions
               ) -> Iterator[list[Result]]:
    """Analyse each item in this process."""
    for item in items:
        yield _analyse(item, gazetteer, factions)


def run_processes(items: Iterable[Item], gazetteer: Gazetteer, factions: Factions, *,
                  workers: int,
                  chunk_files: int = CHUNK_FILES) -> Iterator[list[Result]]:
    """Analyse the items in ``workers`` processes of this machine (results in input order)."""
    world = pickle.dumps((gazetteer, factions), protocol=pickle.HIGHEST_PROTOCOL)
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                             initargs=(world,)) as pool:
        def submit(chunk: list[Item]) -> Future:
            return pool.submit(_analyse_chunk_here, chunk)

        yield from _ordered(submit, items, window=workers * IN_FLIGHT_PER_WORKER,
                            chunk_files=chunk_files)


def run_dask(items: Iterable[Item], gazetteer: Gazetteer, factions: Factions, *,
             address: str,
             chunk_files: int = CHUNK_FILES, timeout_s: float = 10.0
             ) -> Iterator[list[Result]]:
    """Analyse the items on the Dask distributed cluster whose scheduler is at ``address``.

    Raises
    ------
    ParallelError
        When the scheduler cannot be reached or has no workers.
    """
    from dask.distributed import Client

    try:
        client = Client(address, timeout=timeout_s, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ParallelError(
            f"cannot reach the Dask scheduler at {address!r} ({exc}). Fix: start one "
            "('dask scheduler' and 'dask worker ADDRESS' on each machine) and give its "
            "address, e.g. tcp://127.0.0.1:8786; or run without --dask.") from exc
    with client:
        try:
            client.wait_for_workers(1, timeout=timeout_s)
        except TimeoutError as exc:
            raise ParallelError(
                f"the Dask scheduler at {address!r} has no workers. Fix: start at least "
                "one with 'dask worker ADDRESS' (frontline must be installed there).") from exc
        (world,) = client.scatter([(gazetteer, factions)])
        workers = max(1, sum(client.nthreads().values()))

        def submit(chunk: list[Item]) -> Any:
            return client.submit(_analyse_chunk, chunk, world, pure=False)

        yield from _ordered(submit, items, window=workers * IN_FLIGHT_PER_WORKER,
                            chunk_files=chunk_files)


def run(items: Iterable[Item], gazetteer: Gazetteer, factions: Factions, *,
        workers: int = 1, dask: str | None = None) -> Iterator[list[Result]]:
    """The runner the options ask for: Dask when ``dask`` is an address, else N processes.

    ``workers`` 1 runs in this process; 0 means one worker per available core.
    """
    if dask:
        return run_dask(items, gazetteer, factions, address=dask)
    if workers < 0:
        raise ParallelError(f"--workers is {workers}. Fix: give 1 or more (0: one per core).")
    workers = default_workers() if workers == 0 else workers
    if workers == 1:
        return run_serial(items, gazetteer, factions)
    return run_processes(items, gazetteer, factions, workers=workers)
