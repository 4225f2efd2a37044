"""Factions of a theater and where article text names them.

Factions are data (``[factions.CODE]`` tables of ``theater.toml``): code, label, colour,
aliases (regular expressions), allies, ``state`` for the state's forces (never what a
generic word such as "the militants" means), and ``presence_only`` for forces that deploy but
never take sole control. Adding a faction or an alias is a data change.

Matching: aliases written in capitals only (SDF, IS, US, SNA) are acronyms and match
case-sensitively, so the verb "is" is never the Islamic State; every other alias matches
in any case. Where aliases overlap, the longest match wins ("Turkish regime forces" is
TURKEY although "regime" alone is GOV; "Syrian National Army" is TURKEY, "Syrian army" GOV).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from geo.errors import TheaterError
from geo.theater import Theater, load_theater


@dataclass(frozen=True)
class Faction:
    """One side of the war."""

    code: str
    label: str
    colour: tuple[int, int, int]
    aliases: tuple[str, ...]
    allies: tuple[str, ...] = ()
    presence_only: bool = False
    state: bool = False  # the state's forces: never what "the militants" or "rebels" means


@dataclass(frozen=True)
class FactionMention:
    """A stretch of text naming a faction."""

    start: int
    end: int
    text: str
    code: str


class Factions:
    """The factions of a theater and a matcher over their aliases."""

    def __init__(self, factions: list[Faction]) -> None:
        self.by_code = {f.code: f for f in factions}
        # Each alias runs only on sentences holding its required literal word ("tahrir" for
        # "(?:Hayat|Khayyat) Tahrir al-Sham"): a substring test is far cheaper than a scan.
        self._patterns: list[tuple[re.Pattern[str], str, str | None, bool]] = []
        for faction in factions:
            for alias in faction.aliases:
                acronym = bool(re.fullmatch(r"[A-Z]{2,6}", alias))
                pattern = re.compile(rf"(?:{alias})(?![\w-])", 0 if acronym else re.IGNORECASE)
                literal = alias if acronym else _required_literal(alias)
                self._patterns.append((pattern, faction.code,
                                       literal if acronym else literal and literal.lower(),
                                       acronym))

    def __iter__(self):
        return iter(self.by_code.values())

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def find(self, text: str) -> list[FactionMention]:
        """Faction mentions in ``text``, leftmost-longest, in text order."""
        lower = text.lower()
        found = []
        for pattern, code, literal, acronym in self._patterns:
            if literal is not None and literal not in (text if acronym else lower):
                continue
            for match in pattern.finditer(text):
                start = match.start()
                if start and (text[start - 1].isalnum() or text[start - 1] in "-_"):
                    continue
                found.append(FactionMention(start, match.end(), match.group(), code))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        chosen: list[FactionMention] = []
        for mention in found:
            if chosen and mention.start < chosen[-1].end:
                continue
            chosen.append(mention)
        return chosen

    def hostile(self, a: str | None, b: str | None) -> bool:
        """True when two factions fight each other (neither the same nor allied)."""
        if a is None or b is None or a == b:
            return False
        return b not in self.by_code[a].allies and a not in self.by_code[b].allies


def _required_literal(alias: str) -> str | None:
    """The longest plain word (3+ letters) every match of ``alias`` must contain, if any."""
    plain = re.sub(r"\\.", " ", alias)
    while True:  # drop groups and character classes (innermost first)
        reduced = re.sub(r"\((?:\?:)?[^()]*\)[?*]?|\[[^\]]*\][?*+]?|.[?*]", " ", plain)
        if reduced == plain:
            break
        plain = reduced
    words = re.findall(r"[A-Za-z’']{3,}", plain)
    return max(words, key=len) if words else None


def load_factions(theater: Theater | None = None) -> Factions:
    """The factions of a theater (default: the active one)."""
    theater = theater or load_theater()
    return _load(theater.folder / "theater.toml")


@lru_cache(maxsize=8)
def _load(path) -> Factions:
    raw = tomllib.loads(path.read_text(encoding="utf-8")).get("factions", {})
    if not raw:
        raise TheaterError(f"{path}: no [factions.CODE] tables. Fix: declare the factions "
                           "with label, colour and aliases.")
    factions = []
    for code, spec in raw.items():
        try:
            factions.append(Faction(
                code=code, label=spec["label"], colour=tuple(spec["colour"]),
                aliases=tuple(spec["aliases"]), allies=tuple(spec.get("allies", ())),
                presence_only=bool(spec.get("presence_only", False)),
                state=bool(spec.get("state", False))))
        except KeyError as exc:
            raise TheaterError(f"{path}: [factions.{code}] lacks {exc}. Fix: give every faction "
                               "label, colour and aliases.") from None
    for faction in factions:
        for pattern in faction.aliases:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise TheaterError(f"{path}: alias {pattern!r} of {faction.code} is not a valid "
                                   f"regular expression ({exc}). Fix: escape it.") from None
    return Factions(factions)
