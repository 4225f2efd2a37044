"""Gold annotations: read and check a gold file (the format of ``docs/annotation.md``).

A gold file is JSON: ``{"articles": [{"id", "file", "published", "toponyms", "claims",
"comment_only_places"}, ...]}``. Article paths are relative to the gold file. Every field is
checked when the file is read, so a typo in an annotation is an error naming the article and
the claim, not a wrong score.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from geo.claims import ACTION_CLASSES
from geo.errors import InputError
from geo.ingest import IngestFailure, parse_date, read_file
from geo.models import Document

GOLD_ACTIONS = ("capture", "withdrawal", "handover", "holds", "repelled", "contested",
                "deployment")
"""The actions an annotator codes (`docs/annotation.md`); contact and location are not coded."""


@dataclass(frozen=True)
class GoldToponym:
    """One distinct surface string naming a place, and where the place is."""

    surface: str
    canonical: str
    kind: str
    lat: float | None = None
    lon: float | None = None
    coord_source: str = ""
    note: str = ""


@dataclass(frozen=True)
class GoldClaim:
    """One statement about control, as an annotator coded it.

    ``spans`` are the character spans of the evidence in the article body (every place the
    sentence occurs: a headline repeated in the text occurs twice); empty when the evidence
    is not found verbatim (then the scorer compares words).
    """

    place: str
    controller: str | None
    previous: str | None
    action: str
    evidence: str
    date: date | None = None
    date_alt: date | None = None
    date_range: tuple[date, date] | None = None
    hedged: bool = False
    negated: bool = False
    near_place: bool = False
    background: bool = False
    group: tuple[str, ...] = ()
    controller_accept: tuple[str, ...] = ()
    previous_accept: tuple[str, ...] = ()
    joint_with: tuple[str, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()

    @property
    def action_class(self) -> str:
        """change / hold / contested / presence (`geo.claims.ACTION_CLASSES`)."""
        return ACTION_CLASSES[self.action]

    @property
    def controllers(self) -> frozenset[str]:
        """Every controller a reader could defend: the coded one, accepted and joint ones."""
        named = {self.controller} if self.controller else set()
        return frozenset(named | set(self.controller_accept) | set(self.joint_with))

    @property
    def kind(self) -> str:
        """How the claim is scored: ``group``, ``near`` or ``plain``."""
        return "group" if self.group else "near" if self.near_place else "plain"


@dataclass(frozen=True)
class GoldArticle:
    """One annotated article: its document and gold annotations."""

    article_id: str
    document: Document
    toponyms: list[GoldToponym]
    comment_only: list[str]
    claims: list[GoldClaim] = field(default_factory=list)
    file: str = ""

    def aliases(self, place: str) -> list[GoldToponym]:
        """The article's toponyms whose canonical name is ``place``."""
        return [t for t in self.toponyms if t.canonical == place]


def evidence_spans(body: str, sentence: str) -> tuple[tuple[int, int], ...]:
    """Every span of ``body`` that reads ``sentence``, whitespace and case aside."""
    words = sentence.split()
    if not words:
        return ()
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
    return tuple((m.start(), m.end()) for m in pattern.finditer(body))


class _Checker:
    """Reads one article's entries, naming the entry in every error."""

    def __init__(self, path: Path, article: str, codes: frozenset[str] | None) -> None:
        self.path, self.article, self.codes = path, article, codes

    def fail(self, where: str, problem: str, fix: str) -> InputError:
        return InputError(self.path, f"article {self.article}, {where}: {problem}", fix)

    def day(self, value: Any, where: str, name: str) -> date | None:
        if value is None:
            return None
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise self.fail(where, f"{name} is {value!r}", "write it as YYYY-MM-DD or null")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(where, f"{name} is {value!r}, not a calendar day",
                            "write a real day as YYYY-MM-DD") from None

    def code(self, value: Any, where: str, name: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or (self.codes is not None and value not in self.codes):
            known = ", ".join(sorted(self.codes or ()))
            raise self.fail(where, f"{name} is {value!r}, not a faction code",
                            f"use one of {known} (or null)")
        return value

    def codes_list(self, value: Any, where: str, name: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(where, f"{name} is {value!r}", "give a list of faction codes")
        return tuple(c for c in (self.code(v, where, name) for v in value) if c)

    def toponym(self, raw: Any, number: int) -> GoldToponym:
        where = f"toponym {number}"
        if not isinstance(raw, dict) or not isinstance(raw.get("surface"), str) \
                or not raw["surface"].strip():
            raise self.fail(where, "no surface string", 'give "surface": the text as written')
        lat, lon = raw.get("lat"), raw.get("lon")
        if (lat is None) != (lon is None) or not all(
                v is None or isinstance(v, (int, float)) for v in (lat, lon)):
            raise self.fail(where, f"lat/lon are {lat!r}/{lon!r}",
                            "give both as numbers from a sourced gazetteer row, or both null")
        if lat is not None and not raw.get("coord_source"):
            raise self.fail(where, f"{raw['surface']!r} has coordinates but no coord_source",
                            "name the gazetteer row the coordinates were copied from")
        return GoldToponym(surface=raw["surface"], canonical=raw.get("canonical") or raw["surface"],
                           kind=raw.get("type", ""), lat=lat, lon=lon,
                           coord_source=raw.get("coord_source", ""), note=raw.get("note", ""))

    def claim(self, raw: Any, number: int, body: str) -> GoldClaim:
        where = f"claim {number}"
        if not isinstance(raw, dict):
            raise self.fail(where, "not an object", "write each claim as a JSON object")
        for name in ("place", "action", "evidence"):
            if not isinstance(raw.get(name), str) or not raw[name].strip():
                raise self.fail(where, f"no {name}", f'give "{name}" (docs/annotation.md)')
        if raw["action"] not in GOLD_ACTIONS:
            raise self.fail(where, f"action is {raw['action']!r}",
                            f"use one of {', '.join(GOLD_ACTIONS)}")
        date_range = raw.get("date_range")
        if date_range is not None:
            if not isinstance(date_range, list) or len(date_range) != 2:
                raise self.fail(where, f"date_range is {date_range!r}",
                                'write it as ["YYYY-MM-DD", "YYYY-MM-DD"]')
            low = self.day(date_range[0], where, "date_range start")
            high = self.day(date_range[1], where, "date_range end")
            if low is None or high is None or low > high:
                raise self.fail(where, f"date_range is {date_range!r}",
                                "give the first day, then the last")
            date_range = (low, high)
        group = raw.get("group") or ()
        if not isinstance(group, (list, tuple)) or not all(isinstance(g, str) for g in group):
            raise self.fail(where, f"group is {group!r}", "give a list of place names")
        return GoldClaim(
            place=raw["place"], action=raw["action"], evidence=raw["evidence"],
            controller=self.code(raw.get("controller"), where, "controller"),
            previous=self.code(raw.get("previous"), where, "previous"),
            date=self.day(raw.get("date"), where, "date"),
            date_alt=self.day(raw.get("date_alt"), where, "date_alt"),
            date_range=date_range,
            hedged=bool(raw.get("hedged")), negated=bool(raw.get("negated")),
            near_place=bool(raw.get("near_place")), background=bool(raw.get("background")),
            group=tuple(group),
            controller_accept=self.codes_list(raw.get("controller_accept"), where,
                                              "controller_accept"),
            previous_accept=self.codes_list(raw.get("previous_accept"), where,
                                            "previous_accept"),
            joint_with=self.codes_list(raw.get("joint_with"), where, "joint_with"),
            spans=evidence_spans(body, raw["evidence"]))


def _document(path: Path, number: int, entry: dict[str, Any]) -> Document:
    article_path = (path.parent / entry["file"]).resolve()
    results = list(read_file(article_path))
    failure = next((r for r in results if isinstance(r, IngestFailure)), None)
    if failure is not None or not results:
        reason = failure.message if failure else "no document"
        raise InputError(path, f"article {number} ({entry['file']!r}) unreadable: {reason}",
                         "fix the article path (it is relative to the gold file)")
    document = results[0]
    if entry.get("published"):
        published = parse_date(entry["published"], path=path, field="published")
        if document.published is None:
            document = replace(document, published=published)
    return document


def load_gold(path: Path, *, factions: frozenset[str] | None = None) -> list[GoldArticle]:
    """Read and check a gold file; article paths are relative to it.

    Parameters
    ----------
    factions
        The faction codes a controller may take; any string when None.

    Raises
    ------
    InputError
        When the file is not gold JSON, names an article that cannot be read, or holds an
        entry that breaks `docs/annotation.md` (the message names the article and entry).
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        entries = raw["articles"]
        if not isinstance(entries, list):
            raise TypeError("'articles' is not a list")
    except FileNotFoundError:
        raise InputError(path, "file not found", "give the path of a gold JSON file") from None
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not a gold file ({exc})",
                         'use the format of docs/annotation.md: {"articles": [...]}') from None
    articles = []
    for number, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise InputError(path, f"article {number} has no file",
                             'give "file": the article path relative to the gold file')
        article_id = str(entry.get("id", number))
        check = _Checker(path, article_id, factions)
        document = _document(path, number, entry)
        articles.append(GoldArticle(
            article_id=article_id, document=document, file=entry["file"],
            toponyms=[check.toponym(t, n) for n, t in enumerate(entry.get("toponyms", []))],
            comment_only=list(entry.get("comment_only_places", [])),
            claims=[check.claim(c, n, document.body)
                    for n, c in enumerate(entry.get("claims", []))]))
    return articles
