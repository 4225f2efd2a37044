"""Separate article text from reader comments and site furniture.

Pages copied from news sites carry more than the article: donation widgets, "Support
SouthFront", "Related articles", and whole comment threads whose place names are not the
article's. `split_comments` keeps the article and sets the rest aside:

- a *trailer marker* line ("Leave a Comment", "Notify of", "Do you like this content?",
  "Related articles", ...) starts the trailer: it and everything after it is not article text;
- a *furniture* line ("Support SouthFront", "Click to see full-size image", "Source: ...")
  is dropped wherever it stands;
- an unmarked comment thread is recognised by its shape: short commenter-name lines, each
  followed by a paragraph, running to the end of the page, with a name that comes back
  (people answer each other) or at least `MIN_THREAD_NAMES` names. Comments follow an
  article: a thread starts after the page's first line of prose, so share buttons, tags
  and a date line above the article ("Tweet", "Share", "Send") are never a thread.

The marker lists are data (``geo/data/boilerplate.toml``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from geo import settings

MIN_THREAD_NAMES = 5
"""Name lines that make a thread even when no commenter name repeats."""

_NAME_LINE = re.compile(r"^(?:[•·*-]\s*)?[^\W\d_][\w’'.()-]*(?:\s+[\w’'.()-]+){0,3}$")
_SENTENCE_END = re.compile(r"[.!?:;,\"”’)…]$")
PROSE_WORDS = 10
"""Words a line ending like a sentence needs to count as prose (the article has begun)."""


@dataclass(frozen=True)
class Split:
    """Article text, the trailer set aside, and furniture lines dropped from the body."""

    body: str
    comments: str
    furniture: tuple[str, ...]


@lru_cache(maxsize=1)
def _markers() -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    raw = tomllib.loads((settings.PACKAGE_DATA / "boilerplate.toml").read_text(encoding="utf-8"))
    trailer = tuple(re.compile(p, re.IGNORECASE) for p in raw["trailer"])
    furniture = tuple(re.compile(p, re.IGNORECASE) for p in raw["furniture"])
    return trailer, furniture


def _is_name_line(line: str) -> bool:
    text = line.strip()
    return (
        0 < len(text) <= 40
        and bool(_NAME_LINE.match(text))
        and not _SENTENCE_END.search(text)
    )


def _is_prose(line: str) -> bool:
    text = line.strip()
    return len(text.split()) >= PROSE_WORDS and bool(_SENTENCE_END.search(text))


def _thread_start(lines: list[str]) -> int | None:
    """Index of the first commenter-name line of a thread that runs to the end, if any."""
    article = next((i for i, line in enumerate(lines) if _is_prose(line)), -1)
    candidates = [
        i for i, line in enumerate(lines)
        if i > article and _is_name_line(line) and i + 1 < len(lines)
        and any(s.strip() for s in lines[i + 1 : i + 3])
    ]
    if len(candidates) < 3 or len(lines) - candidates[-1] > 40:
        return None
    # What each suffix of the candidates holds, computed once from the end (a page of
    # thousands of short lines must not cost thousands squared): its widest gap between
    # name lines, and whether a name comes back in it.
    widest = [0] * len(candidates)
    repeats = [False] * len(candidates)
    seen: set[str] = set()
    for pos in range(len(candidates) - 1, -1, -1):
        name = lines[candidates[pos]].strip().lstrip("•·*- ").lower()
        following = pos + 1 < len(candidates)
        widest[pos] = max(candidates[pos + 1] - candidates[pos], widest[pos + 1]) \
            if following else 0
        repeats[pos] = name in seen or (following and repeats[pos + 1])
        seen.add(name)
    for pos, start in enumerate(candidates[:-2]):  # a thread has at least three names
        if widest[pos] > 25:  # a thread is dense; an article with a few headings is not
            continue
        if repeats[pos] or len(candidates) - pos >= MIN_THREAD_NAMES:
            return start
    return None


def split_comments(text: str) -> Split:
    """Split page text into article body and the comments/trailer.

    Parameters
    ----------
    text
        Plain text of one page (line structure preserved).

    Returns
    -------
    Split
        ``body`` keeps the article's lines in order (furniture removed); ``comments``
        holds everything from the first trailer marker or comment thread on.
    """
    trailer, furniture = _markers()
    lines = text.split("\n")
    cut = len(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped and any(p.fullmatch(stripped) for p in trailer):
            cut = i
            break
    kept: list[str] = []
    dropped: list[str] = []
    for line in lines[:cut]:
        stripped = line.strip()
        if stripped and any(p.match(stripped) for p in furniture):
            dropped.append(stripped)
            kept.append("")
        else:
            kept.append(line)
    thread = _thread_start(kept)
    comments = lines[cut:]
    if thread is not None:
        comments = kept[thread:] + comments
        kept = kept[:thread]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return Split(body=body, comments="\n".join(comments).strip(), furniture=tuple(dropped))
