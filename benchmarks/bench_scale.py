"""How ingest cost grows with corpus size, and what worker processes buy.

For each corpus size (default 1,000, 10,000 and 100,000 articles) the benchmark writes the
synthetic articles of ``bench_ingest.py`` to a folder (``NNNNNN.txt`` + ``manifest.csv``),
then runs the real command ``frontline ingest FOLDER --db NEW.db --workers W`` for each
worker count (default 1, 2 and one per core, duplicates dropped) and reports:

- wall seconds of the whole command (start-up and gazetteer load included) and articles/s;
- seconds per 1,000 articles, the figure that should stay flat if cost grows linearly;
- peak memory of the whole process tree (the command and its workers, and for Dask the
  LocalCluster's worker processes; its scheduler runs inside the benchmark and is not
  counted), sampled with psutil every 0.2 s as the sum of resident set sizes;
- the stored documents and claims, which must be equal for every worker count of a size.

With ``--dask`` each size also runs on a local Dask cluster (``LocalCluster``, one worker
process per core), through ``--dask ADDRESS``.

Usage
-----
::

    .venv/bin/python benchmarks/bench_scale.py                        # 1k, 10k, 100k
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000 10000 --workers 1 2
    .venv/bin/python benchmarks/bench_scale.py --dask --json
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from bench_ingest import seed_dates, synthetic_articles, write_files
from bench_places import seed_sentences

from geo.parallel import default_workers

SAMPLE_S = 0.2


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


def cluster_rss_mb(command_pid: int) -> float:
    """Resident memory of this process's other children (a LocalCluster's workers), in MB."""
    import psutil

    return sum(tree_rss_mb(child.pid) for child in psutil.Process().children()
               if child.pid != command_pid)


def run_ingest(folder: Path, db: Path, options: list[str], *, with_cluster: bool = False
               ) -> dict[str, float]:
    """Run ``frontline ingest`` once; wall seconds and peak process-tree MB (with the
    LocalCluster's worker processes when ``with_cluster``)."""
    command = [sys.executable, "-m", "geo", "ingest", str(folder), "--db", str(db), *options]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            total = tree_rss_mb(process.pid)
            if with_cluster:
                total += cluster_rss_mb(process.pid)
            peak = max(peak, total)
            stop.wait(SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{err[-2000:]}")
    with sqlite3.connect(db) as con:
        documents, claims = con.execute(
            "SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM claims)").fetchone()
    return {"wall_s": wall, "peak_mb": peak, "documents": documents, "claims": claims,
            "summary": out.strip().splitlines()[0] if out.strip() else ""}


@contextmanager
def local_cluster(workers: int):
    """A Dask LocalCluster with one single-threaded worker process per core."""
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def benchmark(sizes: list[int], workers: list[int], *, seed: int, dask: bool,
              tmpdir: str | None) -> list[dict[str, object]]:
    """Every (size, workers) run, in order."""
    sentences, dates = seed_sentences(), seed_dates()
    rows: list[dict[str, object]] = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-scale-", dir=tmpdir) as scratch:
            folder = Path(scratch) / "corpus"
            start = time.perf_counter()
            write_files(synthetic_articles(sentences, dates, size, seed), folder)
            print(f"# {size} articles written in {time.perf_counter() - start:.1f} s",
                  file=sys.stderr)
            runs: list[tuple[str, list[str] | None]] = [
                (f"{w} worker{'s' if w > 1 else ''}", ["--workers", str(w)]) for w in workers]
            if dask:  # the cluster runs only for its own row, so it takes no CPU from the others
                runs.append((f"dask ({default_workers()} workers)", None))
            for label, options in runs:
                db = Path(scratch) / f"{len(rows)}.db"
                if options is None:
                    with local_cluster(default_workers()) as address:
                        result = run_ingest(folder, db, ["--dask", address], with_cluster=True)
                else:
                    result = run_ingest(folder, db, options)
                row = {"articles": size, "run": label, **result,
                       "articles_per_s": size / result["wall_s"],
                       "s_per_1k": result["wall_s"] / size * 1000}
                rows.append(row)
                print(f"# {size:>7} {label:<22} {row['articles_per_s']:8.1f} articles/s "
                      f"{row['peak_mb']:8.0f} MB", file=sys.stderr)
                db.unlink()
        same = {(r["documents"], r["claims"]) for r in rows if r["articles"] == size}
        if len(same) != 1:
            raise SystemExit(f"{size} articles: runs stored different results: {same}")
    return rows


def table(rows: list[dict[str, object]]) -> str:
    """The results as a Markdown table."""
    lines = ["| articles | run | wall s | articles/s | s per 1k | peak MB (all processes) | "
             "claims |", "|---:|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['articles']:,} | {r['run']} | {r['wall_s']:.1f} | "
                     f"{r['articles_per_s']:.0f} | {r['s_per_1k']:.2f} | {r['peak_mb']:.0f} | "
                     f"{r['claims']:,} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print the table (or JSON lines)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--workers", type=int, nargs="+", default=None,
                        help="worker counts (default: 1, 2 and one per core)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dask", action="store_true", help="also run on a LocalCluster")
    parser.add_argument("--tmpdir", default=None, help="where the corpora are written")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    workers = args.workers or sorted({1, 2, default_workers()})
    rows = benchmark(args.sizes, workers, seed=args.seed, dask=args.dask, tmpdir=args.tmpdir)
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return 0
    print(f"frontline ingest at scale on {platform.machine()} with {default_workers()} "
          f"cores, Python {platform.python_version()}")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
