"""Find the stretches of article text that name places.

Recognition is gazetteer-driven: every word of the text is folded (`geo.names`), the folded
words form a key stream, and one Aho-Corasick pass finds every gazetteer name in it.
Leftmost-longest matches win ("Tell Tamr" over "Tamr"). Punctuation between words breaks
names, so "al-Hasakah, Raqqa" cannot match a two-word name.

Filters keep precision:

- a Latin-script name must start with a capital letter;
- an all-capitals word (SANA, NSA) matches only curated names (theater rows, governorates,
  corridors, overrides), never a GeoNames-only village;
- a single-word GeoNames-only name needs place context: a locative word before it ("in",
  "near", "village of", ...) or a place noun after it, and no capitalised word on either side
  (so "Qasim Soleimani" is a person, not the village of Qasim).

Cue phrases ("the village of X", "the villages of X and Y", "outskirts of X", "the X silos")
also find names the gazetteer does not know; those become spans without candidates and are
reported as unresolved, never guessed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from geo.gazetteer import Gazetteer, stop_keys
from geo.models import Span
from geo.names import ARTICLES, Token, name_key, tokenize

CURATED = frozenset({"theater", "admin1", "corridor", "override"})
MAX_EVIDENCE_CHARS = 600
"""Evidence longer than this is cut around the name: a page without full stops is one
"sentence", and each of its mentions would otherwise store all of it."""

_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”«»|/\n…]")
_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:in|near|from|to|at|into|towards?|around|outside|of|between|and|via|"
    r"reach(?:ed)?|enter(?:ed)?|captured?|took|seized?|liberated?|struck|hit|shelled|"
    r"attacked|bombarded|stormed|besieged)\s+)$",
    re.IGNORECASE,
)
_PLACE_NOUN_AFTER = re.compile(
    r"^\s+(?:village|town|city|area|countryside|district|region|suburbs?|outskirts)\b",
    re.IGNORECASE,
)
_UPPER = "A-Z\u00c0-\u00de\u0100-\u017f\u1e00-\u1eff\u0600-\u06ff"
_NAME = (
    rf"(?:(?:[Aa]l|[Ee]l|[Aa][dnrstz]|[Aa]sh)[-‑ ])?[{_UPPER}][\w’'‘ʿ]*"
    rf"(?:[- ](?:(?:al|el|ad|ar|as|ash|at|az|an)[-‑ ])?[{_UPPER}][\w’'‘ʿ]*){{0,2}}"
)
_CUES: tuple[tuple[re.Pattern[str], str, bool], ...] = (
    (re.compile(
        r"\b(?P<cue>(?:village|town|city|settlement|hamlet|neighbou?rhood)s?)\s+of\s+"
        rf"(?P<names>{_NAME}(?:\s*,\s*{_NAME})*(?:,?\s+and\s+{_NAME})?)"), "", False),
    (re.compile(rf"\b(?P<cue>outskirts)\s+of\s+(?:the\s+(?:town|village|city)\s+of\s+)?"
                rf"(?P<names>{_NAME})"), "", False),
    (re.compile(rf"(?P<names>{_NAME})\s+(?P<cue>village|town)\b"), "", False),
    (re.compile(
        rf"\b[Tt]he\s+(?P<names>{_NAME})\s+(?P<cue>grain\s+silos?|silos?|dam|air\s?base|airport|"
        r"bridge|crossing|camp|cement\s+plant|plant|factory|oil\s?fields?|gas\s?field|"
        r"checkpoint|prison)\b"), "facility", True),
)
_CUE_KIND = {"village": "village", "villages": "village", "town": "town", "towns": "town",
             "city": "city", "cities": "city", "settlement": "village", "hamlet": "village",
             "dam": "dam", "airbase": "airbase", "air base": "airbase", "airport": "airbase",
             "crossing": "crossing"}
_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|,?\s+and\s+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (split on .!? and blank lines)."""
    spans, start = [], 0
    for match in re.finditer(r"(?<=[.!?…])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9\u0600-\u06ff])|\n\s*\n",
                             text):
        if text[start:match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def evidence(text: str, start: int, end: int, position: int) -> str:
    """``text[start:end]`` with its whitespace collapsed, as evidence for ``position``.

    A stretch longer than `MAX_EVIDENCE_CHARS` (a page without full stops) is cut to the
    whole words around ``position``, marked with ``…`` where it was cut.
    """
    if end - start <= MAX_EVIDENCE_CHARS:
        return " ".join(text[start:end].split())
    half = MAX_EVIDENCE_CHARS // 2
    low, high = max(start, position - half), min(end, position + half)
    words = text[low:high].split()
    if low > start and words and not text[low - 1].isspace() and not text[low].isspace():
        words = words[1:]  # a word cut in half
    if high < end and words and not text[high].isspace() and not text[high - 1].isspace():
        words = words[:-1]
    return " ".join(["…"] * (low > start) + words + ["…"] * (high < end))


class SentenceIndex:
    """The sentences of one text, looked up by character position.

    Each sentence is looked up by bisection and normalised once, however many names it
    holds, so a text that repeats a name thousands of times stays linear.
    """

    def __init__(self, text: str, spans: list[tuple[int, int]] | None = None) -> None:
        self.text = text
        self.spans = spans or sentence_spans(text)
        self._starts = [start for start, _ in self.spans]
        self._normal: dict[int, str] = {}

    def at(self, position: int) -> str:
        """Evidence sentence (`evidence`) holding character ``position``; empty if none."""
        index = bisect_right(self._starts, position) - 1
        if index < 0 or position >= self.spans[index][1]:
            return ""
        start, end = self.spans[index]
        if end - start > MAX_EVIDENCE_CHARS:
            return evidence(self.text, start, end, position)
        if index not in self._normal:
            self._normal[index] = evidence(self.text, start, end, position)
        return self._normal[index]


def sentence_at(text: str, position: int, spans: list[tuple[int, int]] | None = None) -> str:
    """The sentence of ``text`` that contains character ``position`` (see `evidence`)."""
    return SentenceIndex(text, spans).at(position)


def _stream(text: str, tokens: list[Token]) -> tuple[str, dict[int, int]]:
    """Key stream of the non-article words, with ``|`` where punctuation breaks names.

    Returns the stream and a map from stream offset of each key to its token index.
    """
    parts: list[str] = []
    starts: dict[int, int] = {}
    offset = 1
    previous_end = None
    for index, token in enumerate(tokens):
        if token.article:
            continue
        if previous_end is not None and _BREAK.search(text, previous_end, token.start):
            parts.append("|")
            offset += 2
        starts[offset] = index
        parts.append(token.key)
        offset += len(token.key) + 1
        previous_end = token.end
    return " " + " ".join(parts) + " ", starts


def _capitalised(word: str) -> bool:
    first = word[0]
    return first.isupper() or (not first.isascii() and not first.islower())


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _neighbour_capitalised(text: str, tokens: list[Token], first: int, last: int) -> bool:
    before = tokens[first - 1] if first > 0 else None
    after = tokens[last + 1] if last + 1 < len(tokens) else None
    sentence_start = before is None or bool(
        re.search(r"[.!?\n]", text[before.end:tokens[first].start]))
    if before and not sentence_start and not before.article and _capitalised(before.text) \
            and not _BREAK.search(text, before.end, tokens[first].start):
        return True
    return bool(after and not after.article and _capitalised(after.text)
                and not _BREAK.search(text, tokens[last].end, after.start))


def _accept(text: str, tokens: list[Token], first: int, last: int, key: str,
            gazetteer: Gazetteer) -> bool:
    head = tokens[first].text
    if not _capitalised(head):
        return False
    places = gazetteer.candidates(key)
    curated = any(p.source in CURATED for p in places)
    if curated and key not in gazetteer.needs_context:
        return True
    if _is_acronym(head) and not curated:
        return False
    if first == last or key in gazetteer.needs_context:
        if _neighbour_capitalised(text, tokens, first, last):
            return False
        start, end = tokens[first].start, tokens[last].end
        before = text[max(0, start - 40):start]
        if before.endswith(("al-", "el-", "Al-", "El-")):
            before = before[:-3]
        return bool(_LOCATIVE_BEFORE.search(before) or _PLACE_NOUN_AFTER.match(text[end:end + 30]))
    return True


def _gazetteer_spans(text: str, tokens: list[Token], gazetteer: Gazetteer) -> list[Span]:
    stream, starts = _stream(text, tokens)
    keyed = list(starts.values())  # token indexes of the stream's words, in order
    rank = {index: n for n, index in enumerate(keyed)}
    found: list[tuple[int, int, str]] = []
    for end, key in gazetteer.iter_matches(stream):
        first_offset = end - len(key)  # stream offset of the first key character
        first = starts.get(first_offset)
        if first is None:
            continue
        found.append((first, keyed[rank[first] + key.count(" ")], key))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    spans: list[Span] = []
    taken_until = -1
    for first, last, key in found:
        if first <= taken_until or not _accept(text, tokens, first, last, key, gazetteer):
            continue
        taken_until = last
        start = tokens[first].start
        if first > 0 and tokens[first - 1].article and text[tokens[first - 1].end:start] in "-‑ ":
            start = tokens[first - 1].start
        candidates = tuple(p.place_id for p in gazetteer.candidates(key))
        spans.append(Span(start=start, end=tokens[last].end, surface=text[start:tokens[last].end],
                          key=key, candidates=candidates))
    return spans


def _cue_names(text: str) -> Iterator[tuple[int, int, str, str, str]]:
    """Yield ``(start, end, name, cue, kind)`` for names introduced by cue phrases."""
    for pattern, kind, include_noun in _CUES:
        for match in pattern.finditer(text):
            cue = " ".join(match.group("cue").lower().split())
            names_start = match.start("names")
            chunk = match.group("names")
            position = 0
            for piece in _LIST_SPLIT.split(chunk):
                offset = chunk.find(piece, position)
                position = offset + len(piece)
                start = names_start + offset
                end = match.end() if include_noun else start + len(piece)
                yield start, end, text[start:end], cue, kind or _CUE_KIND.get(cue, "")


def _plausible_unknown(name: str) -> bool:
    words = [t for t in tokenize(name) if not t.article]
    if not words or not _capitalised(words[0].text) or _is_acronym(words[0].text):
        return False
    head = name_key(words[0].text)
    return head not in stop_keys() and head not in ARTICLES and len(words[0].text) >= 3


def find_toponyms(text: str, gazetteer: Gazetteer) -> list[Span]:
    """All place-name spans of ``text``, in text order.

    Gazetteer names carry their candidate place ids; names known only from a cue phrase
    carry none and are reported as unresolved downstream. A cue phrase around a gazetteer
    name adds its cue and kind hint ("the town of Ain Issa" -> town).
    """
    tokens = tokenize(text)
    spans = _gazetteer_spans(text, tokens, gazetteer)
    span_ends = [s.end for s in spans]
    extra: list[Span] = []  # in text order, like ``spans``; neither list overlaps itself
    extra_ends: list[int] = []
    for start, end, name, cue, kind in _cue_names(text):
        i = _first_overlap(spans, span_ends, start, end)
        if i is not None:
            if not spans[i].cue:
                s = spans[i]
                spans[i] = Span(s.start, s.end, s.surface, s.key, s.candidates, cue, kind)
            continue
        if _first_overlap(extra, extra_ends, start, end) is not None:
            continue
        if not _plausible_unknown(name.split()[0] if kind == "facility" else name):
            continue
        at = bisect_right(extra_ends, start)
        extra.insert(at, Span(start=start, end=end, surface=name, key=name_key(name), cue=cue,
                              kind_hint=kind))
        extra_ends.insert(at, end)
    return sorted([*spans, *extra], key=lambda s: s.start)


def _first_overlap(spans: list[Span], ends: list[int], start: int, end: int) -> int | None:
    """Index of the first of ``spans`` (in text order, disjoint) overlapping ``start:end``."""
    index = bisect_right(ends, start)  # spans before it end by ``start``
    return index if index < len(spans) and spans[index].start < end else None
