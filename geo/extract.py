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
import tomllib
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from geo import settings
from geo.gazetteer import Gazetteer, country_keys, stop_keys
from geo.models import Span
from geo.names import ARTICLES, NAME_HEADS, Token, head_spellings, name_key, tokenize

CURATED = frozenset({"theater", "admin1", "corridor", "override"})
PLACE_HEADS = frozenset({"tal", "khirba", "kafr", "dayr", "ayn", "um"})
"""Words that start place names far more often than anything else (Tal, Khirbet, Kafr, Deir,
Ain, Umm; not Abu or Sheikh, which start people's names too)."""
FACILITY_KINDS = frozenset({"facility", "dam", "airbase", "crossing"})
MAX_EVIDENCE_CHARS = 600
"""Evidence longer than this is cut around the name: a page without full stops is one
"sentence", and each of its mentions would otherwise store all of it."""

_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”«»|/\n…]")
_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:in|near|from|to|at|into|towards?|around|outside|of|between|and|via|"
    r"reach(?:ed)?|enter(?:ed)?|(?:re)?captured?|(?:re)?took|seized?|liberated?|regained|"
    r"struck|hit|shelled|"
    r"attacked|bombarded|stormed|besieged)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
_PLACE_NOUN_AFTER = re.compile(
    r"^\s+(?:village|town|city|area|countryside|district|region|suburbs?|outskirts|"
    r"(?:observation\s+|military\s+)?(?:post|point|base)|checkpoint|crossing|airport|"
    r"front|axis|silos?|dam|camp|hills?|junction)\b"
    # "Mushayrifah lies further to the east": what lies somewhere is a place
    r"|^\s+(?:lies|lay|sits|is\s+(?:located|situated))\b",
    re.IGNORECASE,
)
_UPPER = "A-Z\u00c0-\u00de\u0100-\u017f\u1e00-\u1eff\u0600-\u06ff"
_NAME = (
    rf"(?:(?:[Aa]l|[Ee]l|A[dnrstz]|Ash)[-‑ ]|(?:a[dnrstz]|ash)[-‑])?[{_UPPER}][\w’'‘ʿ]*"
    rf"(?:[- ](?:(?:al|el|ad|ar|as|ash|at|az|an)[-‑ ])?[{_UPPER}][\w’'‘ʿ]*){{0,2}}"
)
_QNAME = rf"[“\"]?{_NAME}[”\"]?"  # a name in quotes: "the towns of “Dadekh” and “Kafr Batikh”"
# an item of a list may end in a lower-case place word ("Qazal square") or, after a word that
# starts place names, be written in lower case ("Kafr avid"): the list goes on past it
_ITEM = (rf"(?:{_QNAME}(?:\s+(?:square|roundabout|junction|hill|farm|camp|crossing|bridge|"
         r"silos|dam))?|(?:Kafr|Kfar|Tal|Tell|Khirbet|Khirbat|Deir|Ain|Ayn|Umm)\s+[a-z]{3,})")
_LIST = rf"{_ITEM}(?:\s*,\s*{_ITEM})*(?:,?\s+and\s+{_ITEM})?"


@dataclass(frozen=True)
class _Cue:
    """A phrase that marks names as places.

    ``kind`` is the kind hint it gives ("" when the cue word says it); ``with_noun`` keeps
    the noun in the name ("the Sharakrak silos"); ``whole`` makes the cued name win over
    gazetteer names inside it ("Jabal al-Zawiya" is not the village of Zawiya); ``listed``
    lets a common word be a name ("the villages of Hass, ..."); ``named`` says the cue
    itself makes the words a name, lower case included ("an area known as the “cow
    farm”"). A cue whose names come
    first ("Tal Nar village") gives its cue word as ``ends``: the pattern is only tried in
    the few hundred characters before each occurrence of that word (a pattern that starts
    with a name would otherwise be tried at every word of the text).
    """

    pattern: re.Pattern[str]
    kind: str = ""
    with_noun: bool = False
    whole: bool = False
    listed: bool = False
    named: bool = False
    ends: re.Pattern[str] | None = None


_CUES: tuple[_Cue, ...] = (
    _Cue(re.compile(
        r"\b(?P<cue>(?:village|town|settlement|hamlet|neighbou?rhood)s?|city|cities)\s+of\s+"
        rf"(?P<names>{_LIST})"), listed=True),
    _Cue(re.compile(rf"\b(?P<cue>outskirts)\s+of\s+(?:the\s+(?:town|village|city)\s+of\s+)?"
                    rf"(?P<names>{_NAME})")),
    _Cue(re.compile(rf"(?P<names>{_NAME}(?:\s*\({_NAME}\))?)\s+(?P<cue>village|town|city)\b"),
         ends=re.compile(r"\b(?:village|town|city)\b")),
    _Cue(re.compile(rf"(?P<names>{_LIST})\s+(?P<cue>villages|towns|regions|areas|settlements|"
                    r"localities|hamlets)\b"),
         ends=re.compile(r"\b(?:villages|towns|regions|areas|settlements|localities|hamlets)\b")),
    # "captured Al-Sahariyah, Ma'arat Muqs, Qursa' and Tarmala", "targeted locations in
    # al-Ftera and Sfuhen": what a force takes or strikes is a place
    _Cue(re.compile(
        r"\b(?P<cue>captured|liberated|recaptured|retook|regained|seized|stormed|entered|reached|"
        r"shelled|bombarded|targeted\s+(?:locations|positions|areas)\s+in|"
        r"took\s+(?:control\s+(?:of|over)|over))\s+(?:(?:also|nearby|then)\s+)?"
        r"(?:the\s+(?:villages?|towns?)\s+of\s+)?"
        rf"(?P<names>{_LIST})")),
    _Cue(re.compile(
        r"\b(?P<cue>villages|towns)\b[^.;:]{0,40}?\b(?:are|were|include|including|namely)\s+"
        r"(?:(?:identified|named|listed)\s+as\s+)?"
        rf"(?P<names>{_LIST})"), listed=True),
    _Cue(re.compile(rf"\b(?:[Tt]he\s+)?(?P<names>{_NAME})\s+(?P<cue>area|region|axis|sector)\b"),
         kind="region", ends=re.compile(r"\b(?:area|region|axis|sector)\b")),
    _Cue(re.compile(rf"\b(?:[Tt]he\s+)?(?P<names>{_NAME})\s+"
                    r"(?P<cue>(?:military\s+|observation\s+)?(?:post|point))\b"),
         kind="facility", ends=re.compile(r"\b(?:post|point)\b")),
    _Cue(re.compile(
        r"\b(?P<names>(?:Jabal|Jebel|Jabel|Djebel|Mount)\s+"
        rf"(?:(?:[Aa]l|[Ee]l|[Aa][dnrstz]|[Aa]sh)[-‑ ])?[{_UPPER}][\w’'‘ʿ]*)(?P<cue>)"),
        kind="region", whole=True),
    _Cue(re.compile(rf"(?P<names>{_NAME}\s+(?P<cue>[Mm]ountains?|[Hh]eights|Hills?))\b"),
         kind="region", whole=True, ends=re.compile(r"\b(?:[Mm]ountains?|[Hh]eights|Hills?)\b")),
    _Cue(re.compile(
        rf"\b[Tt]he\s+(?P<names>{_NAME})\s+(?P<cue>grain\s+silos?|silos?|dam|air\s?base|airport|"
        r"bridge|crossing|camp|cement\s+plant|plant|factory|(?:oil\s?|gas\s?)?fields?|"
        r"checkpoint|prison|(?:military\s+)?base)\b"), kind="facility", with_noun=True),
    _Cue(re.compile(rf"(?P<names>{_NAME})\s+(?P<cue>camp|(?:oil\s?|gas\s?)?field)\b"),
         kind="facility", with_noun=True, ends=re.compile(r"\b(?:camp|field)\b")),
    # "Tal Halab", "Khirbet Ghazal", "Kafr Weid": a name that starts with a word of place
    # names is a place by its form
    _Cue(re.compile(
        r"\b(?P<names>(?:" + "|".join(w.capitalize() for w in head_spellings(PLACE_HEADS)
                                       if w not in ("der", "om"))  # Der Spiegel
        + rf")[-‑ ](?:(?:al|el|ad|ar|as|ash|at|az|an)[-‑ ])?[{_UPPER}][\w’'‘ʿ]*)(?P<cue>)"),
        kind="village"),
    # "Ras al-Ain, known to Kurds as Sari Kani": another name of the place before it
    _Cue(re.compile(
        r",\s+(?P<cue>(?:also\s+)?known\s+(?:to\s+(?:the\s+)?\w+\s+|locally\s+|in\s+\w+\s+)?as)"
        rf"\s+(?P<names>{_NAME})"), kind="alias", whole=True, named=True),
    # "an area known as the “cow farm”", "a hill called Tal Nasri": a place noun says that
    # what it is called is a place's name, quoted words of any case included
    _Cue(re.compile(
        r"\b(?:area|place|site|spot|hill|position|locality|farm|village|town)s?,?\s+"
        r"(?:which\s+is\s+|that\s+is\s+)?(?P<cue>known\s+as|called|named|dubbed)\s+"
        rf"(?:the\s+)?(?:[“\"‘](?P<quoted>[^”\"’\n]{{3,40}})[”\"’]|(?P<names>{_NAME}))"),
        whole=True, named=True),
    # "clashes in Umm Shaifa", "a post near Tal Nar": a name after a place word is a place
    # only if a gazetteer place of its consonants lies near the article's places
    # (`TENTATIVE_CUES`; geo.geocode drops it otherwise)
    _Cue(re.compile(rf"\b(?P<cue>in|near|at|outside|around)\s+(?P<names>{_LIST})")),
)
_CUE_KIND = {"village": "village", "villages": "village", "town": "town", "towns": "town",
             "city": "city", "cities": "city", "settlement": "village", "hamlet": "village",
             "dam": "dam", "airbase": "airbase", "air base": "airbase", "airport": "airbase",
             "crossing": "crossing"}
_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|,?\s+and\s+|\s*[()]\s*")  # "Timar (Umm al-Kayf)"
_LIST_GAP = re.compile(r"\s*(?:,|,?\s+and|,?\s+or|&)\s*(?:(?:al|el|ad|ar|as|ash|at|az|an)[-‑ ])?")
TENTATIVE_CUES = frozenset({"in", "near", "at", "outside", "around"})
"""Cue words too common to make a place of a name the gazetteer cannot place."""
FOREIGN_CUE_CITY = 100_000
"""A name only a cue finds is a city abroad (Sochi) when a city this big abroad has it."""
BIG_FOREIGN_CITY = 1_000_000
"""A non-curated name of a city abroad this big is never matched (Ankara, Moscow)."""


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


def _neighbour_capitalised(text: str, tokens: list[Token], first: int, last: int,
                           gazetteer: Gazetteer) -> bool:
    """A capitalised word joins the name on either side: it is part of a longer proper name
    ("Qasim Soleimani", "Bashar al-Assad", "General Ismet Sheikh Hasan"). Article words are
    looked through; a sentence start, punctuation, a weekday or month ("Sunday") break it."""
    def joined(a: int, b: int) -> bool:
        return not _BREAK.search(text, tokens[a].end, tokens[b].start)

    before = first - 1
    while before >= 0 and tokens[before].article and joined(before, before + 1):
        before -= 1
    if before >= 0 and joined(before, before + 1) and not tokens[before].article \
            and _capitalised(tokens[before].text) and tokens[before].key not in stop_keys():
        gap = text[tokens[before].end:tokens[before + 1].start]
        if not re.search(r"[.!?\n]", gap):
            return True
    after = last + 1
    while after < len(tokens) and tokens[after].article and joined(after - 1, after):
        after += 1
    return after < len(tokens) and joined(after - 1, after) and not tokens[after].article \
        and _capitalised(tokens[after].text) and tokens[after].key not in stop_keys()


def _after_person(text: str, tokens: list[Token], first: int, gazetteer: Gazetteer) -> bool:
    """The word just before the name is a given name or a title, joined to it."""
    before = first - 1
    return before >= 0 and tokens[before].key in gazetteer.persons \
        and _capitalised(tokens[before].text) \
        and not _BREAK.search(text, tokens[before].end, tokens[first].start)


def _has_context(text: str, tokens: list[Token], first: int, last: int) -> bool:
    """A locative word before the name ("in", "near", "captured") or a place noun after it."""
    start, end = tokens[first].start, tokens[last].end
    before = text[max(0, start - 40):start]
    if before.endswith(("al-", "el-", "Al-", "El-")):
        before = before[:-3]
    return bool(_LOCATIVE_BEFORE.search(before) or _PLACE_NOUN_AFTER.match(text[end:end + 30]))


def _decide(text: str, tokens: list[Token], first: int, last: int, key: str,
            gazetteer: Gazetteer) -> str:
    """``"yes"``, ``"no"`` or ``"context"`` (a place only with place context) for a match."""
    head = tokens[first].text
    if not _capitalised(head):
        return "no"
    places = gazetteer.candidates(key)
    curated = any(p.source in CURATED for p in places)
    if _after_person(text, tokens, first, gazetteer):
        return "no"  # "General Mazloum Kobani": a surname, even when a city has it
    if _after_head_word(text, tokens, first):
        return "no"  # "Tal Halab" is a place of its own, not Halab (Aleppo)
    if curated and key not in gazetteer.needs_context:
        return "yes"
    if _is_acronym(head) and not curated:
        return "no"
    if not curated and gazetteer.foreign.get(key, 0) >= BIG_FOREIGN_CITY:
        return "no"  # "Ankara": a capital abroad before it is a village at home
    if not curated and _neighbour_capitalised(text, tokens, first, last, gazetteer):
        return "no"
    words = key.split()
    if first == last or key in gazetteer.needs_context or key in gazetteer.foreign \
            or (not curated and all(w in gazetteer.persons for w in words)):
        return "context"
    return "yes"


def _after_head_word(text: str, tokens: list[Token], first: int) -> bool:
    """The capitalised word just before the name, joined to it, starts place names (Tal,
    Khirbet, Kafr, Deir, Ain, Umm, Abu, Jabal, Sheikh): the two are one longer name."""
    before = first - 1
    while before >= 0 and tokens[before].article and tokens[before].end <= tokens[first].start \
            and not _BREAK.search(text, tokens[before].end, tokens[before + 1].start):
        before -= 1
    if before < 0 or _BREAK.search(text, tokens[before].end, tokens[before + 1].start):
        return False
    word = tokens[before]
    return word.key in NAME_HEADS and _capitalised(word.text) and \
        not re.search(r"[.!?\n]", text[word.end:tokens[first].start])


def _list_groups(text: str, found: list[tuple[int, int, str]], tokens: list[Token]
                 ) -> list[list[int]]:
    """Runs of matches that stand in one list ("A, B and C")."""
    groups: list[list[int]] = []
    for i in range(len(found)):
        if groups and _LIST_GAP.fullmatch(text[tokens[found[groups[-1][-1]][1]].end:
                                               tokens[found[i][0]].start]):
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _joined_article(text: str, token: Token, name_start: int) -> bool:
    """An Arabic article that belongs to the name after it: "al-Bab", "Al Bab", "As Safirah";
    not the English "at" or "an" before a name ("the crossing at Tel Abyad")."""
    gap = text[token.end:name_start]
    return token.article and (gap in ("-", "‑") or (gap == " " and (
        token.key in ("al", "el") or token.text[:1].isupper())))


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
    chosen: list[tuple[int, int, str]] = []
    decisions: list[str] = []
    taken_until = -1
    for first, last, key in found:
        if first <= taken_until:
            continue
        decision = _decide(text, tokens, first, last, key, gazetteer)
        if decision == "no":
            continue
        taken_until = last
        chosen.append((first, last, key))
        decisions.append(decision)
    # A name that needs place context has it when a member of its list has it: "captured
    # Joubas, Mardikh and Ma'ardibseh" places all three.
    keep = [False] * len(chosen)
    for group in _list_groups(text, chosen, tokens):
        placed = any(decisions[i] == "yes" or _has_context(text, tokens, *chosen[i][:2])
                     for i in group) if len(group) > 1 else (
            decisions[group[0]] == "yes" or _has_context(text, tokens, *chosen[group[0]][:2]))
        for i in group:
            keep[i] = placed or decisions[i] == "yes"
    spans: list[Span] = []
    for (first, last, key), kept in zip(chosen, keep, strict=True):
        if not kept:
            continue
        start = tokens[first].start
        if first > 0 and _joined_article(text, tokens[first - 1], start):
            start = tokens[first - 1].start
        candidates = tuple(p.place_id for p in gazetteer.candidates(key))
        spans.append(Span(start=start, end=tokens[last].end, surface=text[start:tokens[last].end],
                          key=key, candidates=candidates))
    return spans


_CUE_REACH = 200
"""Characters before a cue word within which its names must start (`_Cue.ends`)."""


def _matches(rule: _Cue, text: str) -> Iterator[re.Match[str]]:
    """The matches of a cue's pattern, in text order; for a cue that ends with its cue word,
    found only in the windows that end at an occurrence of the word."""
    if rule.ends is None:
        yield from rule.pattern.finditer(text)
        return
    windows: list[list[int]] = []
    for word in rule.ends.finditer(text):
        start = max(0, word.start() - _CUE_REACH)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = word.end()
        else:
            windows.append([start, word.end()])
    for start, end in windows:
        yield from rule.pattern.finditer(text, start, end)


def _cue_names(text: str, foreign_before: re.Pattern[str] | None = None
               ) -> Iterator[tuple[int, int, str, str, _Cue]]:
    """Yield ``(start, end, name, cue word, cue)`` for names introduced by cue phrases.

    A cue phrase after a foreign adjective ("the Turkish border town of Akcakale") names a
    place abroad: it yields nothing.
    """
    for rule in _CUES:
        for match in _matches(rule, text):
            if foreign_before is not None and foreign_before.search(
                    text, max(0, match.start() - 40), match.start()):
                continue
            cue = " ".join(match.group("cue").lower().split()) or rule.kind
            group = "quoted" if "quoted" in rule.pattern.groupindex \
                and match.group("quoted") else "names"
            names_start = match.start(group)
            chunk = match.group(group)
            position = 0
            for piece in _LIST_SPLIT.split(chunk) if not rule.whole else [chunk]:
                piece = piece.strip("“”\"")
                if not piece:
                    continue
                offset = chunk.find(piece, position)
                position = offset + len(piece)
                start = names_start + offset
                end = match.end() if rule.with_noun else start + len(piece)
                yield start, end, text[start:end], cue, rule


def _plausible_unknown(name: str, gazetteer: Gazetteer, *, listed: bool = False) -> bool:
    """A capitalised name of three letters or more, not an acronym, not a person's name,
    not made of common words ("The Syrian"; "Sheikh Jort" is a village), not a country
    ("the city of Kazakhstan"); names a cue lists outright ("the villages are Hass,
    Al-Said, ...": ``listed``) may be common words."""
    words = [t for t in tokenize(name) if not t.article]
    if not words or not _capitalised(words[0].text) or _is_acronym(words[0].text):
        return False
    keys = [w.key for w in words]
    if not listed and all(k in gazetteer.persons for k in keys):
        return False
    if " ".join(keys) in country_keys():
        return False
    common = stop_keys()
    return (listed or not all(k in common for k in keys)) and keys[0] not in ARTICLES \
        and sum(len(w.text) for w in words) >= 3


def find_toponyms(text: str, gazetteer: Gazetteer) -> list[Span]:
    """All place-name spans of ``text``, in text order.

    Gazetteer names carry their candidate place ids; names known only from a cue phrase
    carry none and are reported as unresolved downstream. A cue phrase around a gazetteer
    name adds its cue and kind hint ("the town of Ain Issa" -> town).
    """
    tokens = tokenize(text)
    spans = _roads_by_their_ends(text, _gazetteer_spans(text, tokens, gazetteer), gazetteer)
    span_ends = [s.end for s in spans]
    extra: list[Span] = []  # in text order, like ``spans``; neither list overlaps itself
    extra_ends: list[int] = []
    plausible: dict[tuple[str, bool], bool] = {}  # a page may repeat one name 10,000 times
    for start, end, name, cue, rule in _cue_names(text, gazetteer.foreign_before):
        kind = rule.kind or _CUE_KIND.get(cue, "")
        if rule.whole and name_key(name) not in gazetteer.index:
            # "Jabal al-Zawiya": the whole name is the place, not the village inside it
            outside = [k for k, sp in enumerate(spans) if not start <= sp.start < sp.end <= end]
            spans, span_ends = [spans[k] for k in outside], [span_ends[k] for k in outside]
        i = _first_overlap(spans, span_ends, start, end)
        if i is not None:
            s = spans[i]
            if kind == "facility" and not s.cue and s.start == start and end > s.end:
                # "the Sharakrak silos" name the silos, not the village of Sharakrak: only a
                # facility of that name is a candidate.
                facilities = tuple(c for c in s.candidates
                                   if gazetteer[c].kind in FACILITY_KINDS)
                spans[i] = Span(s.start, end, text[s.start:end], s.key, facilities, cue, kind)
                span_ends[i] = end
            elif not s.cue:
                spans[i] = Span(s.start, s.end, s.surface, s.key, s.candidates, cue, kind)
            continue
        if _first_overlap(extra, extra_ends, start, end) is not None:
            continue
        head = name.split()[0] if rule.with_noun else name
        if (head, rule.listed) not in plausible:
            plausible[(head, rule.listed)] = _plausible_unknown(head, gazetteer,
                                                                listed=rule.listed)
        if not plausible[(head, rule.listed)] and not rule.named:
            continue
        key = name_key(name)
        abroad = gazetteer.foreign.get(key, 0)
        if abroad >= FOREIGN_CUE_CITY and key not in gazetteer.common and (
                key not in gazetteer.index or abroad >= BIG_FOREIGN_CITY):
            continue  # "the Black Sea resort town of Sochi": a town, not of the theater
        at = bisect_right(extra_ends, start)
        extra.insert(at, Span(start=start, end=end, surface=name, key=name_key(name), cue=cue,
                              kind_hint=kind))
        extra_ends.insert(at, end)
    return [s for s in sorted([*spans, *extra], key=lambda s: s.start)
            if not _inside_an_organisation(text, s)]


@lru_cache(maxsize=1)
def _organisation_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Words that make a name part of an organisation's name (``geo/data/not_places.toml``)."""
    data = tomllib.loads((settings.PACKAGE_DATA / "not_places.toml").read_text(encoding="utf-8"))
    after = re.compile(r"\s+(?:" + "|".join(data["after"]) + r")\b", re.IGNORECASE)
    before = re.compile(r"\b(?:" + "|".join(data["before"]) + r")\s+(?:the\s+)?$",
                        re.IGNORECASE)
    return after, before


def _inside_an_organisation(text: str, span: Span) -> bool:
    """"The Manbij Military Council", "the broadcaster al-Mayadeen": not a place here."""
    after, before = _organisation_words()
    return bool(after.match(text, span.end) or before.search(text, max(0, span.start - 30),
                                                             span.start))


_ROAD_NOUN = r"(?:international\s+|strategic\s+|main\s+)?(?:highway|road|motorway|route)"
_ROAD = rf"{_ROAD_NOUN}s?"
_ROAD_AFTER = re.compile(rf"\s*{_ROAD_NOUN}\b", re.IGNORECASE)  # one road: "A-B highway"
_DASHES = frozenset({"-", "–", "—", "‑"})
_ROAD_BEFORE = re.compile(rf"\b(?P<road>{_ROAD})\s+of\s+$", re.IGNORECASE)
_ROAD_LINKING = re.compile(
    rf"\b(?P<road>{_ROAD})\s+(?:that\s+|which\s+)?(?:links?|linking|connects?|connecting|"
    r"between|from)\s+(?:the\s+(?:cities|towns)\s+of\s+)?$", re.IGNORECASE)
_ROAD_AND = re.compile(r"\s+(?:with|and|to)\s+(?:the\s+(?:city|town)\s+of\s+)?$",
                       re.IGNORECASE)


def _shared_corridors(a: Span, b: Span, gazetteer: Gazetteer) -> tuple[str, ...]:
    """The corridors whose route runs through a place of each span."""
    shared = set.union(set(), *(gazetteer.road_ends.get(c, set()) for c in a.candidates))
    shared &= set.union(set(), *(gazetteer.road_ends.get(c, set()) for c in b.candidates))
    return tuple(sorted(shared))


def _roads_by_their_ends(text: str, spans: list[Span], gazetteer: Gazetteer) -> list[Span]:
    """A road named by two towns on one corridor's route is that corridor.

    "Aleppo-Damascus highway", "the highway of Lattakia-Aleppo": the name is the corridor,
    not the two towns. "The highway linking Damascus with Aleppo", "the road between Hama
    and Aleppo": the towns stay towns and the road word is the corridor.
    """
    out: list[Span] = []
    i = 0
    while i < len(spans):
        a = spans[i]
        b = spans[i + 1] if i + 1 < len(spans) else None
        if b is None:
            out.append(a)
            break
        between = text[a.end:b.start]
        road = _ROAD_AFTER.match(text, b.end)
        named = between in _DASHES and (road or _ROAD_BEFORE.search(
            text, max(0, a.start - 60), a.start))
        shared = _shared_corridors(a, b, gazetteer) if named or _ROAD_AND.fullmatch(
            between) else ()
        if shared and named:
            end = road.end() if road else b.end
            out.append(Span(start=a.start, end=end, surface=text[a.start:end],
                            key=name_key(text[a.start:end]), candidates=shared))
            i += 2
            continue
        linking = _ROAD_LINKING.search(text, max(0, a.start - 80), a.start) if shared else None
        if linking:
            word = linking.span("road")
            out.append(Span(start=word[0], end=word[1], surface=text[word[0]:word[1]],
                            key=name_key(text[word[0]:word[1]]), candidates=shared))
        out.append(a)
        i += 1
    return out


def _first_overlap(spans: list[Span], ends: list[int], start: int, end: int) -> int | None:
    """Index of the first of ``spans`` (in text order, disjoint) overlapping ``start:end``."""
    index = bisect_right(ends, start)  # spans before it end by ``start``
    return index if index < len(spans) and spans[index].start < end else None
