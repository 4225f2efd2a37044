"""Parallel ingest: N processes or a Dask cluster store exactly what a serial run stores."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS
from corpus_support import store_dump, write_corpus

from geo.analysis import Task
from geo.parallel import ParallelError, run, run_dask
from geo.pipeline import ingest
from geo.store import Store


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """120 generated articles, the seeds, a .jsonl of two articles and two bad files."""
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root / "generated", 120, seed=3)
    shutil.copytree(SEEDS, root / "seeds")
    (root / "mixed").mkdir()
    (root / "mixed" / "wire.jsonl").write_text(
        '{"text": "Turkish-backed forces captured Tal Abyad on Sunday.", '
        '"published": "2019-10-14"}\n{broken\n'
        '{"text": "Syrian government forces entered Manbij.", "published": "2019-10-15"}\n',
        encoding="utf-8")
    (root / "mixed" / "empty.txt").write_text("", encoding="utf-8")
    (root / "mixed" / "scan.pdf").write_bytes(b"%PDF-1.4")
    return root


def _paths(corpus: Path) -> list[Path]:
    """The corpus, with a path that does not exist between its folders."""
    return [corpus / "generated", corpus / "gone.txt", corpus / "mixed", corpus / "seeds"]


@pytest.fixture(scope="module")
def serial(corpus: Path, tmp_path_factory, gazetteer, factions) -> tuple[dict, object]:
    db = tmp_path_factory.mktemp("serial") / "serial.db"
    with Store(db) as store:
        report = ingest(_paths(corpus), store, gazetteer, factions)
    return store_dump(db), report


def _same_report(a, b) -> None:
    assert (a.new, a.unchanged, a.replaced, a.claims) == (b.new, b.unchanged, b.replaced, b.claims)
    assert [f.message for f in a.failures] == [f.message for f in b.failures]
    assert a.places == b.places and a.unresolved == b.unresolved


def test_two_worker_processes_store_exactly_what_a_serial_run_stores(
        corpus, serial, tmp_path, gazetteer, factions) -> None:
    dump, report = serial
    assert report.new == 127 and len(report.failures) == 4 and report.claims > 100
    assert "gone.txt: no such file" in report.failures[0].message
    db = tmp_path / "two.db"
    with Store(db) as store:
        parallel = ingest(_paths(corpus), store, gazetteer, factions, workers=2)
    _same_report(parallel, report)
    assert store_dump(db) == dump


def test_a_dask_cluster_stores_exactly_what_a_serial_run_stores(
        corpus, serial, tmp_path, gazetteer, factions) -> None:
    from dask.distributed import LocalCluster

    dump, report = serial
    db = tmp_path / "dask.db"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Store(db) as store:
        on_dask = ingest(_paths(corpus), store, gazetteer, factions,
                         dask=cluster.scheduler_address)
    _same_report(on_dask, report)
    assert store_dump(db) == dump


def test_the_cli_takes_workers_and_reports_like_a_serial_run(corpus, serial, tmp_path) -> None:
    db = tmp_path / "cli.db"
    done = subprocess.run([sys.executable, "-m", "geo", "ingest", *map(str, _paths(corpus)),
                           "--db", str(db), "--workers", "2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr  # the four bad items
    assert "documents: 127 (127 new, 0 unchanged, 0 replaced)" in done.stdout
    assert done.stderr.count("error: ") == 4
    assert store_dump(db) == serial[0]


def test_progress_counts_every_document_and_failure_in_order(corpus, tmp_path, gazetteer,
                                                             factions) -> None:
    seen: list[tuple[int, int]] = []
    with Store(tmp_path / "p.db") as store:
        ingest([corpus / "mixed"], store, gazetteer, factions, workers=2,
               progress=lambda done, total, path: seen.append((done, total)))
    # wire.jsonl gives three items (two articles, one broken line), the other files one each.
    assert seen == [(1, 3), (2, 3), (3, 3), (4, 3), (5, 3)]


def test_an_unreachable_dask_scheduler_is_a_clear_error(gazetteer, factions) -> None:
    runner = run_dask([Task(str(SEEDS / "manifest.csv"))], gazetteer, factions,
                      address="tcp://127.0.0.1:9", timeout_s=1)
    with pytest.raises(ParallelError, match=r"cannot reach the Dask scheduler.*Fix: start"):
        next(iter(runner))


def test_a_negative_worker_count_is_refused_with_the_fix(gazetteer, factions) -> None:
    with pytest.raises(ParallelError, match=r"--workers is -1\. Fix"):
        run([], gazetteer, factions, workers=-1)
