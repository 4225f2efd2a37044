"""Throughput benchmark of the full ingest on one core: places, claims and the SQLite store.

Builds the same synthetic corpus as ``bench_places.py`` (the seed articles' sentences
recombined), gives every article a publication date, and ingests it into a fresh SQLite
store in a single process: `geo.pipeline.analyse` (place mentions and control claims) then
`geo.store.Store.add` (one transaction per document). Then ingests the same articles again,
which must change nothing. Reports articles/s for analysis alone and with the store
writes, the store's share, claims per article, the store file size and peak memory.

Usage
-----
::

    .venv/bin/python benchmarks/bench_ingest.py                  # 10,000 articles, seed 0
    .venv/bin/python benchmarks/bench_ingest.py --articles 20000 --seed 1
    .venv/bin/python benchmarks/bench_ingest.py --from-files     # the CLI path, from disk
    .venv/bin/python benchmarks/bench_ingest.py --text corpus    # real-genre text, 5 KB articles
    .venv/bin/python benchmarks/bench_ingest.py --json           # one JSON line only
    .venv/bin/python benchmarks/bench_ingest.py --profile 25     # cProfile the first pass

Method
------
Corpus
    `bench_places.seed_sentences` (every seed body sentence, whitespace collapsed), then
    the same draws as `bench_places.synthetic_corpus` from ``random.Random(seed)``, so a
    seed gives the same article texts in both benchmarks. Each article also gets a
    publication date drawn from the seed articles' own dates (``seeds/manifest.csv``) by
    a second generator, ``random.Random(f"dates-{seed}")``, so that claims are dated
    (relative dates, narrative dates, date errors) as in real use. ``--text corpus``
    recombines the annotated corpus instead (`bench_places.TEXTS`), 5 KB per article on
    average, dated from the corpus manifest. Built before timing
    starts; the build time is reported on its own line.
Default mode: documents in memory
    Each article is a `Document` from `geo.ingest.make_document` (meta ``title``,
    ``published``, ``source``). First pass: for each document, in order,
    ``analyse(document, gazetteer, factions)`` then ``store.add(document, mentions,
    claims)`` into a fresh store file in a temporary folder (``--tmpdir``). Both calls are
    timed per document with `time.perf_counter`, so one pass gives *analyse only*
    (articles / analyse time), *store* (time in ``add``) and *analyse + store* (articles /
    wall time of the whole loop). Second pass (re-ingest): ``store.add`` of every
    document again; each must return ``"unchanged"`` and the row counts must be equal
    after both passes, or the benchmark fails. ``add`` checks the content hash before it
    reads mentions or claims, so by default the second pass hands it empty ones and times
    the store's unchanged path alone; ``--full-reingest`` re-analyses every document
    first, as ``frontline ingest`` does (the analysis is pure, so that costs the first
    pass's analyse time again).
``--from-files``: the CLI path
    Writes every article to ``NNNNNN.txt`` in a temporary folder with a ``manifest.csv``
    (``file,published,source,url,title``), times one read-only pass
    (`geo.ingest.read_documents`: file reading, decoding, comment splitting, hashing),
    then `geo.pipeline.ingest` twice on the folder into a fresh store, end to end. The
    second call re-reads and re-analyses everything and must find every document
    unchanged. Inside ``ingest`` the store time is measured by a `Store` subclass that
    times ``add``, and the analyse time by wrapping ``geo.pipeline.analyse`` for the
    duration of the call; the rest is reading plus ``ingest``'s own bookkeeping.
Store
    `geo.store.Store` as the CLI opens it (WAL, ``synchronous=NORMAL``). Its size is that
    of the database file after the store is closed (closing checkpoints the WAL into it);
    the WAL size just before closing is printed beside it. The filesystem type of the
    temporary folder is printed: on a tmpfs the writes never touch a disk.
Memory
    Peak resident set size, ``resource.getrusage(RUSAGE_SELF).ru_maxrss / 1024``, at
    start, before the first pass and after each pass, with the current RSS beside it.
    Results are counted and dropped as the run goes, so growth is the working set.
Target
    200 articles/s on one core for analyse + store; the table says whether it is met.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_places import (
    MAX_SENTENCES,
    MIN_SENTENCES,
    PARAGRAPH_SENTENCES,
    TEXTS,
    seed_sentences,
    sentences_per_article,
)
from common import current_rss_mb, peak_rss_mb, profiled

import geo.pipeline
from geo.claims import Claim
from geo.errors import InputError
from geo.factions import Factions, load_factions
from geo.gazetteer import Gazetteer, load_gazetteer
from geo.ingest import MANIFEST, make_document, read_documents
from geo.models import Document, Mention
from geo.store import Store

TARGET_ARTICLES_PER_S = 200.0
SOURCE = "synthetic"


@dataclass(frozen=True)
class Article:
    """One synthetic article: its page text, its metadata and the document made of it."""

    text: str
    title: str
    published: str
    document: Document


def seed_dates(folder: Path = TEXTS["seeds"]) -> list[str]:
    """Distinct publication dates of the articles in ``folder``, oldest first (ISO strings).

    Raises
    ------
    SystemExit
        When no seed article has a publication date.
    """
    dates = sorted({item.published.isoformat() for item in read_documents([folder])
                    if isinstance(item, Document) and item.published})
    if not dates:
        raise SystemExit(f"no seed article under {folder} has a publication date "
                         f"(see {folder / MANIFEST})")
    return dates


def synthetic_articles(sentences: list[str], dates: list[str], articles: int, seed: int,
                       sizes: tuple[int, int] = (MIN_SENTENCES, MAX_SENTENCES)
                       ) -> Iterator[Article]:
    """``articles`` articles recombined from ``sentences``, each dated from ``dates``.

    The texts are those of `bench_places.synthetic_corpus` for the same seed (same draws,
    same rejection rule); dates come from a separate generator so they do not change them.

    Raises
    ------
    SystemExit
        When more draws are rejected than articles asked for.
    """
    rng = random.Random(seed)
    date_rng = random.Random(f"dates-{seed}")
    made = rejected = 0
    while made < articles:
        title = rng.choice(sentences)
        picked = rng.choices(sentences, k=rng.randint(*sizes))
        paragraphs = [" ".join(picked[i:i + PARAGRAPH_SENTENCES])
                      for i in range(0, len(picked), PARAGRAPH_SENTENCES)]
        text = "\n\n".join([title, *paragraphs]) + "\n"
        published = date_rng.choice(dates)
        try:
            document = make_document(
                text=text, path=f"synthetic/{made:06d}.txt",
                meta={"title": title, "published": published, "source": SOURCE},
                basis="bench")
        except InputError:
            rejected += 1
            if rejected > articles:
                raise SystemExit("make_document rejects most synthetic articles; "
                                 "check the seed articles") from None
            continue
        yield Article(text, title, published, document)
        made += 1


def write_files(articles: Iterable[Article], folder: Path) -> tuple[Document, int, int]:
    """Write each article as ``NNNNNN.txt`` plus a ``manifest.csv`` into ``folder``.

    Returns
    -------
    first, file_bytes, body_bytes
        The first article's in-memory document (for the warm-up call), bytes written to
        the article files and UTF-8 bytes of the bodies.
    """
    folder.mkdir(parents=True, exist_ok=True)
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\n")
    writer.writerow(["file", "published", "source", "url", "title"])
    first: Document | None = None
    file_bytes = body_bytes = 0
    for number, article in enumerate(articles):
        name = f"{number:06d}.txt"
        data = article.text.encode("utf-8")
        (folder / name).write_bytes(data)
        writer.writerow([name, article.published, SOURCE, "", article.title])
        first = first or article.document
        file_bytes += len(data)
        body_bytes += len(article.document.body.encode("utf-8"))
    (folder / MANIFEST).write_text(manifest.getvalue(), encoding="utf-8")
    if first is None:
        raise SystemExit("no synthetic article was written")
    return first, file_bytes, body_bytes


def filesystem(path: Path) -> str:
    """Type of the filesystem holding ``path`` (``/proc/mounts``), or ``"unknown"``."""
    try:
        mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "unknown"
    resolved = str(path.resolve())
    best, kind = "", "unknown"
    for point, fstype in mounts:
        inside = resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, fstype
    return kind


class TimedStore(Store):
    """A `Store` that adds up the wall time spent in `add`."""

    seconds = 0.0

    def add(self, document: Document, mentions: Iterable[Mention], claims: Iterable[Claim]
            ) -> str:
        start = time.perf_counter()
        try:
            return super().add(document, mentions, claims)
        finally:
            self.seconds += time.perf_counter() - start


@contextmanager
def timed_analyse() -> Iterator[list[float]]:
    """Wrap ``geo.pipeline.analyse`` (which `ingest` calls) to add up its wall time.

    Yields a one-item list holding the seconds so far; the original is restored on exit.
    """
    original = geo.pipeline.analyse
    total = [0.0]

    def wrapper(document: Document, gazetteer: Gazetteer, factions: Factions
                ) -> tuple[list[Mention], list[Claim]]:
        start = time.perf_counter()
        try:
            return original(document, gazetteer, factions)
        finally:
            total[0] += time.perf_counter() - start

    geo.pipeline.analyse = wrapper
    try:
        yield total
    finally:
        geo.pipeline.analyse = original


def store_rows(store: Store) -> dict[str, int]:
    """`Store.counts` plus claims with an event date and claims with a date error."""
    counts = store.counts()
    counts["dated_claims"] = store.db.execute(
        "SELECT COUNT(*) FROM claims WHERE event_date IS NOT NULL").fetchone()[0]
    counts["date_error_claims"] = store.db.execute(
        "SELECT COUNT(*) FROM claims WHERE date_error != ''").fetchone()[0]
    return counts


def _file_mb(path: Path) -> float:
    return path.stat().st_size / 1e6 if path.exists() else 0.0


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def _check_reingest(first: dict[str, int], second: dict[str, int], outcomes: Counter,
                    expected: int) -> None:
    if outcomes["unchanged"] != expected or first != second:
        raise SystemExit(f"re-ingest changed the store: outcomes {dict(outcomes)}, "
                         f"counts {first} then {second}")


def run_memory(documents: list[Document], gazetteer: Gazetteer, factions: Factions,
               store: Store, *, full_reingest: bool, profile: int) -> dict[str, object]:
    """Both passes over in-memory documents (see the module docstring)."""
    analyse = geo.pipeline.analyse
    figures: dict[str, object] = {}
    outcomes: Counter = Counter()
    analyse_s = store_s = 0.0
    with profiled(profile, "the first pass"):
        start = _clock()
        for document in documents:
            t0 = time.perf_counter()
            mentions, claims = analyse(document, gazetteer, factions)
            t1 = time.perf_counter()
            outcomes[store.add(document, mentions, claims)] += 1
            store_s += time.perf_counter() - t1
            analyse_s += t1 - t0
        wall, cpu = _since(start)
    figures.update(first_s=wall, first_cpu_s=cpu, first_analyse_s=analyse_s,
                   first_store_s=store_s, first_outcomes=dict(outcomes),
                   peak_rss_after_first_mb=peak_rss_mb(), rss_after_first_mb=current_rss_mb(),
                   counts_first=store_rows(store))

    outcomes = Counter()
    analyse_s = store_s = 0.0
    start = _clock()
    for document in documents:
        t0 = time.perf_counter()
        mentions, claims = analyse(document, gazetteer, factions) if full_reingest else ([], [])
        t1 = time.perf_counter()
        outcomes[store.add(document, mentions, claims)] += 1
        store_s += time.perf_counter() - t1
        analyse_s += t1 - t0
    wall, cpu = _since(start)
    figures.update(second_s=wall, second_cpu_s=cpu, second_analyse_s=analyse_s,
                   second_store_s=store_s, second_outcomes=dict(outcomes),
                   counts_second=store_rows(store))
    _check_reingest(figures["counts_first"], figures["counts_second"], outcomes,
                    len(documents))
    return figures


def run_files(folder: Path, store: TimedStore, gazetteer: Gazetteer, factions: Factions,
              *, articles: int, profile: int) -> dict[str, object]:
    """Read-only pass, then `geo.pipeline.ingest` twice on ``folder``."""
    figures: dict[str, object] = {}
    start = _clock()
    read = Counter(type(item).__name__ for item in read_documents([folder]))
    figures["read_s"], figures["read_cpu_s"] = _since(start)
    if read["IngestFailure"] or read["Document"] != articles:
        raise SystemExit(f"reading the synthetic files gave {dict(read)}")

    def one_pass(label: str, top: int) -> None:
        store.seconds = 0.0
        with profiled(top, "the first pass"), timed_analyse() as analyse_s:
            start = _clock()
            report = geo.pipeline.ingest([folder], store, gazetteer, factions)
            wall, cpu = _since(start)
        if report.failures:
            raise SystemExit(f"ingest failed on {report.failures[0].message}")
        figures.update({
            f"{label}_s": wall, f"{label}_cpu_s": cpu, f"{label}_analyse_s": analyse_s[0],
            f"{label}_store_s": store.seconds,
            f"{label}_outcomes": {k: getattr(report, k) for k in ("new", "unchanged",
                                                                    "replaced")
                                  if getattr(report, k)},
            f"counts_{label}": store_rows(store)})

    one_pass("first", profile)
    figures.update(peak_rss_after_first_mb=peak_rss_mb(), rss_after_first_mb=current_rss_mb())
    one_pass("second", 0)
    _check_reingest(figures["counts_first"], figures["counts_second"],
                    Counter(figures["second_outcomes"]), articles)
    return figures


def _r(value: object, digits: int = 3) -> object:
    return round(value, digits) if isinstance(value, float) else value


def benchmark(articles: int, seed: int, *, from_files: bool = False,
              full_reingest: bool = False, tmpdir: str | None = None, profile: int = 0,
              text: str = "seeds") -> dict[str, object]:
    """Run the whole benchmark and return its figures (see the module docstring)."""
    rss_start = peak_rss_mb()
    start = time.perf_counter()
    gazetteer = load_gazetteer()
    factions = load_factions()
    load_s = time.perf_counter() - start

    start = time.perf_counter()
    sentences = seed_sentences(TEXTS[text])
    dates = seed_dates(TEXTS[text])
    corpus = synthetic_articles(sentences, dates, articles, seed,
                                sentences_per_article(sentences, text))
    with tempfile.TemporaryDirectory(prefix="frontline-bench-ingest-", dir=tmpdir) as tmp:
        folder = Path(tmp)
        files_mb = None
        documents: list[Document] = []
        if from_files:
            warm, file_bytes, body_bytes = write_files(corpus, folder / "articles")
            files_mb = file_bytes / 1e6
        else:
            documents = [article.document for article in corpus]
            warm = documents[0]
            body_bytes = sum(len(d.body.encode("utf-8")) for d in documents)
        build_s = time.perf_counter() - start

        geo.pipeline.analyse(warm, gazetteer, factions)  # first-call imports and lazy caches
        rss_before, now_before = peak_rss_mb(), current_rss_mb()
        db_path = folder / "frontline.db"
        store = TimedStore(db_path) if from_files else Store(db_path)
        try:
            if from_files:
                figures = run_files(folder / "articles", store, gazetteer, factions,
                                    articles=articles, profile=profile)
            else:
                figures = run_memory(documents, gazetteer, factions, store,
                                     full_reingest=full_reingest, profile=profile)
            wal_mb = _file_mb(db_path.with_name(db_path.name + "-wal"))
        finally:
            store.close()
        store_mb = _file_mb(db_path)
        fstype = filesystem(folder)
    rss_after, now_after = peak_rss_mb(), current_rss_mb()

    counts = figures["counts_first"]
    first_s = figures["first_s"]
    stored = counts["documents"] or 1
    result: dict[str, object] = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(terse=True),
        "cpu_count": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "processes": 1,
        "mode": "files" if from_files else "memory",
        "articles": articles,
        "seed": seed,
        "text": text,
        "seed_sentences": len(sentences),
        "seed_dates": dates,
        "mean_article_kb": body_bytes / articles / 1e3,
        "gazetteer_places": len(gazetteer),
        "factions": len(factions.by_code),
        "load_s": load_s,
        "corpus_build_s": build_s,
        "body_mb": body_bytes / 1e6,
        "files_mb": files_mb,
        "tmp_filesystem": fstype,
        "profiled": profile > 0,
        "read_s": figures.get("read_s"),
        "first_s": first_s,
        "first_cpu_s": figures["first_cpu_s"],
        "analyse_s": figures["first_analyse_s"],
        "store_s": figures["first_store_s"],
        "other_s": first_s - figures["first_analyse_s"] - figures["first_store_s"],
        "analyse_articles_per_s": articles / figures["first_analyse_s"],
        "ingest_articles_per_s": articles / first_s,
        "store_ms_per_article": 1000 * figures["first_store_s"] / articles,
        "store_share": figures["first_store_s"] / first_s,
        "target_articles_per_s": TARGET_ARTICLES_PER_S,
        "meets_target": articles / first_s >= TARGET_ARTICLES_PER_S,
        "first_outcomes": figures["first_outcomes"],
        "counts_first": counts,
        "mentions_per_article": counts["mentions"] / stored,
        "claims_per_article": counts["claims"] / stored,
        "full_reingest": from_files or full_reingest,
        "reingest_s": figures["second_s"],
        "reingest_cpu_s": figures["second_cpu_s"],
        "reingest_analyse_s": figures["second_analyse_s"],
        "reingest_store_s": figures["second_store_s"],
        "reingest_articles_per_s": articles / figures["second_s"],
        "reingest_store_ms_per_article": 1000 * figures["second_store_s"] / articles,
        "reingest_outcomes": figures["second_outcomes"],
        "counts_reingest": figures["counts_second"],
        "counts_equal": figures["counts_first"] == figures["counts_second"],
        "store_mb": store_mb,
        "wal_mb_before_close": wal_mb,
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg")
        else None,
        "peak_rss_start_mb": rss_start,
        "peak_rss_before_mb": rss_before,
        "rss_before_mb": now_before,
        "peak_rss_after_first_mb": figures["peak_rss_after_first_mb"],
        "rss_after_first_mb": figures["rss_after_first_mb"],
        "peak_rss_after_mb": rss_after,
        "rss_after_mb": now_after,
    }
    digits = {"mb": 1, "per_s": 1, "per_article": 2, "share": 3}
    return {key: _r(value, next((d for suffix, d in digits.items() if key.endswith(suffix)),
                                3))
            for key, value in result.items()}


def _mb(value: object) -> str:
    return "n/a" if value is None else f"{value:.1f} MB"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{value:,} {key.replace('_', ' ')}" for key, value in counts.items())


def table(result: dict[str, object]) -> str:
    """Plain-text table of the figures."""
    files = result["mode"] == "files"
    first = "ingest() from files" if files else "analyse + store.add"
    rows: list[tuple[str, str]] = [
        ("Python", f"{result['python']} ({result['implementation']}), {result['platform']}"),
        ("CPU cores", f"{result['cpu_count']} (usable {result['usable_cpus']}), "
                      f"benchmark uses {result['processes']} process"),
        ("mode", "files: geo.pipeline.ingest on .txt files + manifest.csv" if files else
                 "memory: Document objects, analyse + Store.add"),
        ("articles", f"{result['articles']:,} (seed {result['seed']}, "
                     f"{result['seed_sentences']} sentences of the {result['text']}, "
                     f"{result['mean_article_kb']:.1f} KB on average, dates from "
                     f"{len(result['seed_dates'])} of its dates)"),
        ("gazetteer + factions", f"{result['gazetteer_places']:,} places, "
                                 f"{result['factions']} factions, loaded in "
                                 f"{result['load_s']:.3f} s"),
        ("corpus build", f"{result['corpus_build_s']:.3f} s (not in throughput)"
                         + (f", {result['files_mb']:.1f} MB of files written" if files else "")
                         + f", {result['body_mb']:.1f} MB of body text"),
        ("temp folder", f"{result['tmp_filesystem']} filesystem"),
    ]
    if files:
        rows.append(("read-only pass", f"{result['read_s']:.3f} s "
                                       "(read_documents: read, decode, split, hash)"))
    rows += [
        (f"first pass ({first})",
         f"{result['first_s']:.3f} s wall, {result['first_cpu_s']:.3f} s CPU"
         + (" [under cProfile: slower than normal]" if result["profiled"] else "")),
        ("  analyse", f"{result['analyse_s']:.3f} s -> "
                      f"{result['analyse_articles_per_s']:,.1f} articles/s (analyse only)"),
        ("  store.add", f"{result['store_s']:.3f} s ({result['store_ms_per_article']:.2f} ms "
                        f"per article, {result['store_share']:.1%} of the pass)"),
        ("  other", f"{result['other_s']:.3f} s"
                    + (" (file reading, ingest bookkeeping)" if files else " (loop)")),
        ("throughput", f"{result['ingest_articles_per_s']:,.1f} articles/s analyse + store"
                       + (" + reading" if files else "")
                       + f"; target {result['target_articles_per_s']:.0f}: "
                       + ("met" if result["meets_target"] else "NOT met")),
        ("outcomes", ", ".join(f"{v:,} {k}" for k, v in result["first_outcomes"].items())),
        ("store rows", _counts(result["counts_first"])),
        ("per article", f"{result['mentions_per_article']:.2f} mentions, "
                        f"{result['claims_per_article']:.2f} claims"),
        ("store file", f"{result['store_mb']:.1f} MB after close "
                       f"(WAL before close {result['wal_mb_before_close']:.1f} MB)"),
        ("re-ingest (unchanged)",
         f"{result['reingest_s']:.3f} s wall, {result['reingest_cpu_s']:.3f} s CPU, "
         f"{result['reingest_articles_per_s']:,.1f} articles/s; store.add "
         f"{result['reingest_store_s']:.3f} s ({result['reingest_store_ms_per_article']:.3f}"
         " ms per article)"
         + (f", analyse {result['reingest_analyse_s']:.3f} s" if result["full_reingest"]
            else ", not re-analysed (--full-reingest to)")),
        ("  outcomes", ", ".join(f"{v:,} {k}" for k, v in result["reingest_outcomes"].items())),
        ("  store rows", _counts(result["counts_reingest"])
         + ("  == first pass" if result["counts_equal"] else "  != FIRST PASS")),
        ("load average after", str(result["load_average"])),
        ("peak RSS at start", _mb(result["peak_rss_start_mb"])),
        ("peak RSS before run", f"{_mb(result['peak_rss_before_mb'])} "
                                f"(current {_mb(result['rss_before_mb'])})"),
        ("peak RSS after pass 1", f"{_mb(result['peak_rss_after_first_mb'])} "
                                  f"(current {_mb(result['rss_after_first_mb'])})"),
        ("peak RSS at end", f"{_mb(result['peak_rss_after_mb'])} "
                            f"(current {_mb(result['rss_after_mb'])})"),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000,
                        help="synthetic articles to build and ingest (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="RNG seed (default 0)")
    parser.add_argument("--from-files", action="store_true",
                        help="write the corpus as .txt files + manifest.csv and time "
                             "geo.pipeline.ingest on them (the CLI path)")
    parser.add_argument("--full-reingest", action="store_true",
                        help="re-analyse every document on the re-ingest pass, as "
                             "`frontline ingest` does (always so with --from-files)")
    parser.add_argument("--tmpdir", default=None,
                        help="where the temporary store (and files) go (default: the "
                             "system temporary folder)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="cProfile the first pass and print its top N functions to "
                             "stderr (slows the pass down)")
    parser.add_argument("--text", choices=sorted(TEXTS), default="seeds",
                        help="recombine the sentences of the seed articles (default) or of "
                             "the annotated corpus (articles of 5 KB on average)")
    parser.add_argument("--json", action="store_true", help="print only the JSON summary")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    result = benchmark(args.articles, args.seed, from_files=args.from_files,
                       full_reingest=args.full_reingest, tmpdir=args.tmpdir,
                       profile=args.profile, text=args.text)
    if not args.json:
        print(table(result))
    print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
