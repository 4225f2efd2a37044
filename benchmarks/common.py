"""Helpers shared by the benchmark scripts: memory figures and an optional profiler."""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import resource
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux: ru_maxrss is in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float | None:
    """Resident set size of this process now, in MB; None where ``/proc`` is missing."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@contextmanager
def profiled(top: int, label: str) -> Iterator[None]:
    """Profile the block with cProfile when ``top`` > 0; print the top functions to stderr."""
    if top <= 0:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        for key in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(key).print_stats(top)
            print(f"--- cProfile of {label}, top {top} by {key} ---\n{out.getvalue()}",
                  file=sys.stderr)
