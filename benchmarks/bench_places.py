"""Throughput benchmark of place recognition and resolution on one core.

Builds a synthetic corpus by recombining the sentences of the seed articles, then runs
`geo.places.geocode_document` over every article in a single process and reports
articles/s, MB/s, mentions, gazetteer load times and peak resident memory.

Usage
-----
::

    .venv/bin/python benchmarks/bench_places.py                  # 10,000 articles, seed 0
    .venv/bin/python benchmarks/bench_places.py --articles 20000 --seed 1
    .venv/bin/python benchmarks/bench_places.py --text corpus    # real-genre text, 5 KB articles
    .venv/bin/python benchmarks/bench_places.py --json           # one JSON line only

Method
------
Corpus
    Every sentence of every seed body (``seeds/*.txt`` read with
    `geo.ingest.read_documents`, so comments and furniture are already split off; only
    ``Document.body`` is used) goes into one pool, its whitespace collapsed so that no
    sentence spans lines (a short line such as "Tsarizm" would otherwise read as a
    commenter's name and turn a recombined article into a "comment thread"). Each
    synthetic article is a title sentence followed by 8–20 sentences drawn from the pool
    with replacement by a ``random.Random(seed)``, grouped into paragraphs of up to three
    sentences, and turned into a `Document` with `geo.ingest.make_document` (a draw it
    rejects is replaced by the next one). The corpus is built in memory before timing
    starts; its build time is reported on its own line and is not part of the throughput.
    ``--text corpus`` draws from the annotated corpus instead (``corpus/syria/articles``:
    84 page openings from 44 outlets, so a far larger vocabulary and real furniture),
    with as many sentences per article as make 5 KB on average.
Gazetteer
    *Cold* is `geo.gazetteer.load_gazetteer` in a child Python process with
    ``FRONTLINE_CACHE`` pointed at a fresh temporary folder, so the GeoNames cities500
    filter runs (it reads the worldwide table) and writes its cache; the child reports its
    load time (imports excluded) and its own peak RSS, which keeps that transient peak out
    of this process's figures. *Warm* is then measured here with the cache filled: first
    load of this process (what a new CLI run pays), then a second load (in-process caches
    of stop names and theater also filled). The rest of the configuration (theater,
    imported dumps, overrides) is the user's own.
Run
    `geo.places.geocode_document` on every article, in order, in this process, timed
    with `time.perf_counter`. Mentions are counted and dropped, so memory growth is the
    pipeline's working set, not accumulated results. MB/s is UTF-8 bytes of the bodies
    divided by the run time (MB = 10**6 bytes). The CPU time of the loop and the load
    average are printed too: when other work shares the machine, wall time exceeds CPU
    time and the throughput figures are pessimistic.
Memory
    Peak resident set size from ``resource.getrusage(RUSAGE_SELF).ru_maxrss / 1024``
    (kilobytes on Linux), read before and after the run. Peak RSS is a high-water mark,
    so the current RSS (``/proc/self/statm``, Linux only) is reported beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import current_rss_mb, peak_rss_mb

from geo.errors import InputError
from geo.extract import sentence_spans
from geo.gazetteer import Gazetteer, load_gazetteer
from geo.ingest import IngestFailure, make_document, read_documents
from geo.models import Document
from geo.places import geocode_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
MIN_SENTENCES = 8
MAX_SENTENCES = 20
CORPUS = ROOT / "corpus" / "syria" / "articles"
TEXTS = {"seeds": SEEDS, "corpus": CORPUS}
"""Where the sentences come from (``--text``): the seed articles, or the annotated corpus."""
CORPUS_ARTICLE_BYTES = 5_000
"""Mean size of an article recombined from the corpus (real reports run 2-10 KB)."""
PARAGRAPH_SENTENCES = 3


def seed_sentences(folder: Path = SEEDS) -> list[str]:
    """Every non-empty sentence of every article body in ``folder``, in file order.

    Raises
    ------
    SystemExit
        When no seed article can be read.
    """
    sentences: list[str] = []
    for item in read_documents([folder]):
        if isinstance(item, IngestFailure):
            print(f"warning: {item.message}", file=sys.stderr)
            continue
        body = item.body
        sentences += [" ".join(body[s:e].split()) for s, e in sentence_spans(body)
                      if body[s:e].strip()]
    if not sentences:
        raise SystemExit(f"no seed sentences found under {folder}")
    return sentences


def sentences_per_article(sentences: list[str], text: str) -> tuple[int, int]:
    """Fewest and most sentences drawn per article: 8-20 for the seeds; for the corpus, a
    range around the count that makes `CORPUS_ARTICLE_BYTES` on average."""
    if text == "seeds":
        return MIN_SENTENCES, MAX_SENTENCES
    mean = sum(len(s.encode("utf-8")) + 1 for s in sentences) / len(sentences)
    middle = max(2, round(CORPUS_ARTICLE_BYTES / mean))
    return middle // 2, middle + middle // 2


def synthetic_corpus(sentences: list[str], articles: int, seed: int,
                     sizes: tuple[int, int] = (MIN_SENTENCES, MAX_SENTENCES)
                     ) -> list[Document]:
    """``articles`` documents recombined from ``sentences`` (deterministic for a seed).

    Each is a title sentence, a blank line, then ``sizes`` (8–20 by default) sampled
    sentences in paragraphs of up to `PARAGRAPH_SENTENCES`. A draw that `make_document`
    rejects (no article text left once comments are split off) is replaced by the next
    draw.

    Raises
    ------
    SystemExit
        When more draws are rejected than articles asked for.
    """
    rng = random.Random(seed)
    documents: list[Document] = []
    rejected = 0
    while len(documents) < articles:
        title = rng.choice(sentences)
        picked = rng.choices(sentences, k=rng.randint(*sizes))
        paragraphs = [" ".join(picked[i:i + PARAGRAPH_SENTENCES])
                      for i in range(0, len(picked), PARAGRAPH_SENTENCES)]
        text = "\n\n".join([title, *paragraphs]) + "\n"
        try:
            documents.append(make_document(
                text=text, path=f"synthetic/{len(documents):06d}.txt", meta={"title": title},
                basis="bench"))
        except InputError:
            rejected += 1
            if rejected > articles:
                raise SystemExit("make_document rejects most synthetic articles; "
                                 "check the seed articles") from None
    return documents


_COLD_LOAD = """
import json, resource, time
from geo.gazetteer import load_gazetteer
start = time.perf_counter()
gazetteer = load_gazetteer()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "places": len(gazetteer),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@contextmanager
def fresh_cache() -> Iterator[Path]:
    """Point ``FRONTLINE_CACHE`` at an empty temporary folder, restoring it afterwards."""
    previous = os.environ.get("FRONTLINE_CACHE")
    with tempfile.TemporaryDirectory(prefix="frontline-bench-") as folder:
        os.environ["FRONTLINE_CACHE"] = folder
        try:
            yield Path(folder)
        finally:
            if previous is None:
                os.environ.pop("FRONTLINE_CACHE", None)
            else:
                os.environ["FRONTLINE_CACHE"] = previous


def cold_load() -> dict[str, float]:
    """Time a gazetteer load in a child process against the current (empty) cache.

    Returns
    -------
    dict
        ``seconds`` (load only, imports excluded), ``places`` and the child's
        ``peak_rss_mb``.
    """
    done = subprocess.run([sys.executable, "-c", _COLD_LOAD], capture_output=True,
                          text=True, check=False, cwd=os.getcwd())
    if done.returncode != 0:
        raise SystemExit(f"cold gazetteer load failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def timed_loads() -> tuple[Gazetteer, dict[str, float]]:
    """Load the gazetteer cold (child process, fresh cache folder), then warm twice here.

    Returns
    -------
    gazetteer, figures
        The last loaded gazetteer and ``cold_s``, ``cold_peak_rss_mb``, ``warm_first_s``
        (cache filled, first load of this process) and ``warm_s`` (second load).
    """
    with fresh_cache():
        cold = cold_load()
        start = time.perf_counter()
        load_gazetteer()
        warm_first = time.perf_counter() - start
        start = time.perf_counter()
        gazetteer = load_gazetteer()
        warm = time.perf_counter() - start
    if cold["places"] != len(gazetteer):
        print(f"warning: cold load gave {cold['places']} places, warm {len(gazetteer)}",
              file=sys.stderr)
    return gazetteer, {"cold_s": cold["seconds"], "cold_peak_rss_mb": cold["peak_rss_mb"],
                       "warm_first_s": warm_first, "warm_s": warm}


def run(documents: list[Document], gazetteer: Gazetteer) -> tuple[float, float, int, int]:
    """Geocode every document on this core.

    Returns
    -------
    seconds, cpu_seconds, mentions, resolved
        Wall time of the loop (`time.perf_counter`), CPU time of this process over it
        (`time.process_time`), mentions found and how many of them were resolved.
    """
    mentions = resolved = 0
    cpu_start = time.process_time()
    start = time.perf_counter()
    for document in documents:
        found = geocode_document(document, gazetteer)
        mentions += len(found)
        resolved += sum(1 for m in found if m.place_id is not None)
    seconds = time.perf_counter() - start
    return seconds, time.process_time() - cpu_start, mentions, resolved


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def benchmark(articles: int, seed: int, text: str = "seeds") -> dict[str, object]:
    """Run the whole benchmark and return its figures (see the module docstring)."""
    rss_start = peak_rss_mb()
    gazetteer, loads = timed_loads()

    start = time.perf_counter()
    sentences = seed_sentences(TEXTS[text])
    documents = synthetic_corpus(sentences, articles, seed,
                                 sentences_per_article(sentences, text))
    build = time.perf_counter() - start
    body_bytes = sum(len(d.body.encode("utf-8")) for d in documents)

    geocode_document(documents[0], gazetteer)  # first-call imports and lazy caches
    rss_before, now_before = peak_rss_mb(), current_rss_mb()
    seconds, cpu_seconds, mentions, resolved = run(documents, gazetteer)
    rss_after, now_after = peak_rss_mb(), current_rss_mb()

    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(terse=True),
        "cpu_count": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "processes": 1,
        "articles": articles,
        "seed": seed,
        "text": text,
        "seed_sentences": len(sentences),
        "mean_article_kb": round(sum(len(d.body.encode("utf-8")) for d in documents)
                                 / len(documents) / 1e3, 2),
        "corpus_build_s": round(build, 3),
        "body_mb": round(body_bytes / 1e6, 3),
        "articles_with_comments_split_off": sum(1 for d in documents if d.comments),
        "gazetteer_places": len(gazetteer),
        "gazetteer_keys": len(gazetteer.index),
        "gazetteer_cold_s": round(loads["cold_s"], 3),
        "gazetteer_cold_peak_rss_mb": round(loads["cold_peak_rss_mb"], 1),
        "gazetteer_warm_first_s": round(loads["warm_first_s"], 3),
        "gazetteer_warm_s": round(loads["warm_s"], 3),
        "run_s": round(seconds, 3),
        "run_cpu_s": round(cpu_seconds, 3),
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg")
        else None,
        "articles_per_s": round(articles / seconds, 1),
        "mb_per_s": round(body_bytes / 1e6 / seconds, 3),
        "mentions": mentions,
        "resolved": resolved,
        "mentions_per_article": round(mentions / articles, 2),
        "peak_rss_start_mb": round(rss_start, 1),
        "peak_rss_before_run_mb": round(rss_before, 1),
        "peak_rss_after_run_mb": round(rss_after, 1),
        "peak_rss_run_added_mb": round(rss_after - rss_before, 1),
        "rss_before_run_mb": _round(now_before),
        "rss_after_run_mb": _round(now_after),
    }


def _mb(value: object) -> str:
    return "n/a" if value is None else f"{value:.1f} MB"


def table(result: dict[str, object]) -> str:
    """Plain-text table of the figures."""
    rows = [
        ("Python", f"{result['python']} ({result['implementation']}), {result['platform']}"),
        ("CPU cores", f"{result['cpu_count']} (usable {result['usable_cpus']}), "
                      f"benchmark uses {result['processes']} process"),
        ("articles", f"{result['articles']:,} (seed {result['seed']}, "
                     f"{result['seed_sentences']} sentences of the {result['text']}, "
                     f"{result['mean_article_kb']:.1f} KB on average)"),
        ("corpus build", f"{result['corpus_build_s']:.3f} s (not in throughput)"),
        ("body text", f"{result['body_mb']:.3f} MB UTF-8 "
                      f"({result['articles_with_comments_split_off']} articles lost text "
                      "to comment splitting)"),
        ("gazetteer", f"{result['gazetteer_places']:,} places, "
                      f"{result['gazetteer_keys']:,} name keys"),
        ("gazetteer load cold", f"{result['gazetteer_cold_s']:.3f} s (fresh FRONTLINE_CACHE; "
                                "child process, peak RSS "
                                f"{_mb(result['gazetteer_cold_peak_rss_mb'])})"),
        ("gazetteer load warm", f"{result['gazetteer_warm_first_s']:.3f} s first in process, "
                                f"{result['gazetteer_warm_s']:.3f} s second"),
        ("geocode run", f"{result['run_s']:.3f} s wall, {result['run_cpu_s']:.3f} s CPU, "
                        f"1 process (load average after: {result['load_average']})"),
        ("throughput", f"{result['articles_per_s']:,.1f} articles/s, "
                       f"{result['mb_per_s']:.3f} MB/s"),
        ("mentions", f"{result['mentions']:,} ({result['resolved']:,} resolved), "
                     f"{result['mentions_per_article']:.2f} per article"),
        ("peak RSS at start", _mb(result["peak_rss_start_mb"])),
        ("peak RSS before run", f"{_mb(result['peak_rss_before_run_mb'])} "
                                f"(current {_mb(result['rss_before_run_mb'])})"),
        ("peak RSS after run", f"{_mb(result['peak_rss_after_run_mb'])} "
                               f"(current {_mb(result['rss_after_run_mb'])}); "
                               f"run added {_mb(result['peak_rss_run_added_mb'])} to the peak"),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000,
                        help="synthetic articles to build and geocode (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="RNG seed (default 0)")
    parser.add_argument("--text", choices=sorted(TEXTS), default="seeds",
                        help="recombine the sentences of the seed articles (default) or of "
                             "the annotated corpus (articles of 5 KB on average)")
    parser.add_argument("--json", action="store_true", help="print only the JSON summary")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    result = benchmark(args.articles, args.seed, args.text)
    if not args.json:
        print(table(result))
    print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
