"""Shared types passed between pipeline stages (plain, immutable dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from shapely.geometry.base import BaseGeometry

PlaceKind = Literal[
    "city", "town", "village", "facility", "crossing", "dam", "airbase", "region",
    "governorate", "district", "corridor",
]
"""Kinds of gazetteer entries. ``governorate`` and ``district`` are areas, ``corridor`` a
line."""
AREA_KINDS = frozenset({"governorate", "district"})


@dataclass(frozen=True)
class Document:
    """One article, split into the text we analyse and the text we keep aside.

    Attributes
    ----------
    doc_id
        Stable content hash (16 hex digits of SHA-256 over body and comments).
    path
        Where it came from; ``file.jsonl:3`` for line 3 of a JSON-lines file.
    title
        Headline, from metadata or the first line of the text.
    body
        The article text that is analysed (title included). Character offsets of
        mentions refer to this string.
    comments
        Reader comments and trailing page furniture. Kept, flagged, never analysed.
    published
        Publication date, or None when no metadata gives one.
    source, url
        Publisher and address, empty when unknown.
    meta_basis
        Where the metadata came from: ``manifest``, ``front matter``, ``jsonl``, ``html``
        or ``none``.
    boilerplate
        Lines of site furniture removed from inside the body ("Support SouthFront").
    """

    doc_id: str
    path: str
    title: str
    body: str
    comments: str = ""
    published: date | None = None
    source: str = ""
    url: str = ""
    meta_basis: str = "none"
    boilerplate: tuple[str, ...] = ()


@dataclass(frozen=True)
class Place:
    """A gazetteer entry.

    ``lat``/``lon`` is the sourced point (a representative point for areas and lines);
    ``geometry`` is set for areas (governorates, districts) and lines (corridors) only.
    ``admin2`` is the district, where the source gives it.
    """

    place_id: str
    name: str
    kind: str
    lat: float
    lon: float
    source: str
    source_url: str
    admin1: str = ""
    country: str = ""
    alt_names: tuple[str, ...] = ()
    population: int = 0
    geonameid: int | None = None
    geometry: BaseGeometry | None = field(default=None, compare=False, repr=False)
    admin2: str = ""

    @property
    def is_area(self) -> bool:
        """True for entries that stand for an area rather than a point."""
        return self.kind in AREA_KINDS


@dataclass(frozen=True)
class Span:
    """A stretch of article text that names a place (or looks like it does).

    ``candidates`` holds gazetteer place ids whose names fold to ``key``; it is empty
    for names found only by a cue phrase ("the village of X"), which stay unresolved.
    """

    start: int
    end: int
    surface: str
    key: str
    candidates: tuple[str, ...] = ()
    cue: str = ""
    kind_hint: str = ""


@dataclass(frozen=True)
class Mention:
    """A span after resolution: one place, or unresolved."""

    doc_id: str
    start: int
    end: int
    surface: str
    place_id: str | None
    name: str
    kind: str
    lat: float | None
    lon: float | None
    score: float
    method: str
    sentence: str = ""
    candidates: str = ""
    """For an ambiguous mention (``method`` ``ambiguous``): the place ids the text does not
    tell apart, space-separated."""

    @property
    def resolved(self) -> bool:
        """True when the mention was tied to a gazetteer place."""
        return self.place_id is not None
