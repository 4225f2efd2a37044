"""Where unresolved places are, from what the articles say about them.

A place no gazetteer knows ("the Sharakrak silos", "the village of Jehbel") has no
coordinates, but the article often says where it is: "the silos, which are located near the
key town of Ain Issa, overlook the strategic M4 highway". `relations_for` reads those
*relations* to known places (anchors), and `estimate` combines them into a region, a point
inside it and an uncertainty radius. No coordinate is typed in: every region is computed
from gazetteer anchors (sourced points, governorate polygons, corridor lines).

Relations and their regions (in the theater's metric CRS, ``Theater.metric_crs``):

==========  ==============================================  =================================
kind        text                                            region
==========  ==============================================  =================================
near        near X, close to X, in the vicinity of X, not   disc of 10 km around X
            far from X, next to X, around X, outside X
outskirts   (northern) outskirts / suburbs / edge of X,     disc of 5 km around X (a
            on the edge of X, X's outskirts                 direction word is not used)
offset      N km (kilometres, N-km, miles) north            disc of max(2 km, 20% of N)
            (north-east, south-western, ...) of X           around the point N km from X on
                                                            that bearing (geodesic)
offset      N km from X (no direction)                      ring N ± max(2 km, 20% of N)
                                                            around X
sector      the northeastern (north, south-western, ...)    90° sector centred on the
            countryside of X, X's northern countryside,     bearing, from X out to 25 km
            the northern X countryside, northeast of X
sector      the countryside of X, the X countryside         disc of 25 km around X
between     between X and Y                                 segment X–Y buffered by 20% of
                                                            its length, at least 3 km (all
                                                            of it, no part preferred)
along       along / on / astride / near / beside / just     5 km either side of the
            off / overlooking the M4 (X a corridor)         corridor line
region      in (the northern) X countryside, X province,    the governorate polygon; a
            X governorate, the countryside of X, in X       direction word keeps the half on
            (X a governorate)                               that side of its centroid
==========  ==============================================  =================================

X is a place the pipeline resolved (`geo.places.geocode_document`), so every spelling the
gazetteer knows works (Ain Issa, Ayn Issa, Ein-Issa), and so do references to it ("near the
town"). A governorate named in a point relation ("near Raqqa" read as the governorate) is
taken as its seat city. Each relation also has a *size*, ``radius_km``: the radius of the
disc with the same area as its region (a disc's own radius).

Which place a relation describes. A relation is read in a sentence about an unresolved place:
the sentence naming it, or a later sentence of the same article, at most `WINDOW` sentences
after it was last named, that refers to it with a fitting expression: "the silos" (a place
whose name ends in that noun), "the village" / "the town" (the latest place of that kind, so
a reference to a known town in between takes it), "both villages" / "the two villages" (the
latest list of that many villages, "the villages of A and B"), "it is located" (the place
named just before). The relation describes the nearest place reference before it in the
sentence that is not itself an anchor ("The silos, which are located near ... Ain Issa,
overlook the M4": both relations describe the silos), across at most 20 words and no clause
break (";", "while", "but", "after", ...); an introductory relation ("Near Ain Issa,
militants shelled Jehbel") describes the first place after it. A list ("the villages of A
and B near X") shares the relation.

Combination (`estimate`). The region is the intersection of all the relations of a place,
from any number of articles. When the intersection is empty, the largest set of relations
whose regions still overlap is kept (among equally large sets, the one keeping the strongest,
smallest relations): the others are *dropped* and recorded. The point is the centre of the
region's minimum bounding circle, the point whose farthest region point is nearest, when it
lies inside the region (it does for convex regions); otherwise the centroid, if inside, or
the centre of the maximum inscribed circle of the largest part. The radius is the distance
from that point to the farthest point of the region, rounded up to 0.1 km.
Precision codes follow ACLED's geo-precision: 2 (approximate: any relation to a place or a
corridor was used) or 3 (region only: governorate relations alone). Precision 1 (a
gazetteer point) is never produced here.

`estimates_for` runs both over a corpus, treating spelling variants of an unresolved name as
one place, as `geo.places.collect_places` does.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo.extract import sentence_spans
from geo.gazetteer import Gazetteer
from geo.models import Document, Mention, Place
from geo.names import slug
from geo.theater import Theater

NEAR_KM = 10.0
"""Radius of "near X"."""
OUTSKIRTS_KM = 5.0
"""Radius of "the outskirts of X"."""
OFFSET_MIN_KM = 2.0
OFFSET_SHARE = 0.2
"""An "N km north of X" point is uncertain by max(`OFFSET_MIN_KM`, `OFFSET_SHARE` × N)."""
MAX_OFFSET_KM = 1000.0
"""An offset farther than this ("99999 km north of X") places nothing: no theater is so wide,
and the region would leave the globe."""
SECTOR_KM = 25.0
SECTOR_DEGREES = 90.0
""""The northeastern countryside of X": a sector this wide, out to `SECTOR_KM`."""
BETWEEN_SHARE = 0.2
BETWEEN_MIN_KM = 3.0
""""Between X and Y": the segment buffered by max(`BETWEEN_MIN_KM`, `BETWEEN_SHARE` × length)."""
CORRIDOR_KM = 5.0
""""Along the M4": this far either side of the corridor line."""
WINDOW = 6
"""A reference ("the village") counts up to this many sentences after the last naming."""
MAX_GAP_WORDS = 20
"""Words allowed between a place reference and the relation that describes it."""
MIN_AREA_M2 = 10_000.0
"""Regions smaller than this (0.01 km²) count as empty."""
MAX_SUBSET_SEARCH = 10
"""Above this many relations, the search for the largest overlapping set is greedy: the
strongest first, dropping any relation that would empty the region."""

_GEOD = Geod(ellps="WGS84")
_MILE_KM = 1.609344


@dataclass(frozen=True)
class Relation:
    """One statement of where an unresolved place is, relative to a known anchor.

    Attributes
    ----------
    kind
        ``near``, ``outskirts``, ``offset``, ``sector``, ``between``, ``along`` or ``region``.
    anchor
        Anchor place id(s) (``syria:ayn-issa``, ``corridor:M4``, ``admin1:SY-RA``),
        comma-joined for ``between``.
    anchor_name
        Gazetteer name(s) of the anchor(s), `` and ``-joined for ``between``.
    phrase
        The words matched ("northeastern countryside of Ain Issa").
    doc_id, sentence
        The article and the evidence sentence (whitespace collapsed).
    region
        Where the place can be, in the theater's metric CRS.
    radius_km
        Size of the constraint: the radius of a disc of the same area (smaller is stronger).
    path
        Where the article came from (`Document.path`), for human-readable reasons.
    """

    kind: str
    anchor: str
    anchor_name: str
    phrase: str
    doc_id: str
    sentence: str
    region: BaseGeometry
    radius_km: float
    path: str = ""


@dataclass(frozen=True)
class Estimate:
    """Estimated location of an unresolved place.

    Attributes
    ----------
    place_id, name, kind
        The unresolved place (``unresolved:jehbel``, ``Jehbel``, ``village``).
    lon, lat
        The estimated point, WGS84, 6 decimals.
    radius_km
        Distance from the point to the farthest point of the region, rounded up to 0.1 km.
    precision
        2 (approximate, from relations to places or corridors) or 3 (region only).
    region
        Where the place can be, WGS84.
    relations
        The relations used; ``dropped`` those left out as inconsistent with them.
    reason
        Human text: the relations used, by article, and the dropped ones.
    """

    place_id: str
    name: str
    kind: str
    lon: float
    lat: float
    radius_km: float
    precision: int
    region: BaseGeometry
    relations: tuple[Relation, ...]
    dropped: tuple[Relation, ...]
    reason: str


# --------------------------------------------------------------------------- text patterns

_DIR = r"(?:north|south)(?:[- ]?(?:east|west))?|east|west"
_DIR_ADJ = rf"(?:{_DIR})(?:ern)?"
_BEARINGS = {"north": 0.0, "northeast": 45.0, "east": 90.0, "southeast": 135.0,
             "south": 180.0, "southwest": 225.0, "west": 270.0, "northwest": 315.0}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50,
}
_NUMBER = r"\d+(?:[.,]\d+)?|" + "|".join(_NUMBER_WORDS)
_UNIT = r"km|kms|kilomet(?:er|re)s?|miles?"
_ADJ = (rf"(?:key|strategic|strategically\s+important|important|border|small|large|big|major|"
        rf"main|besieged|embattled|contested|frontline|nearby|central|{_DIR_ADJ}|"
        r"[\w’'-]+-(?:held|controlled|occupied|run))")
_FILL = (rf"(?:(?:the|a)\s+)?(?:{_ADJ}\s+){{0,3}}(?:(?:town|city|village|settlement|area|"
         r"region|district|hamlet)\s+of\s+(?:the\s+)?)?")
"""Words allowed between a relation word and its anchor: "near the key town of"."""
_SYRIAN = r"(?:Syria(?:n|[’']s)\s+)?"

_BETWEEN = re.compile(rf"\b(?P<p>between)\s+{_FILL}$", re.IGNORECASE)
_AND = re.compile(rf"^\s+and\s+{_FILL}", re.IGNORECASE)
_OFFSET = re.compile(
    rf"(?<![\w.,])(?P<p>(?P<n>{_NUMBER})\s*-?\s*(?P<unit>{_UNIT})\.?\s+(?:away\s+)?"
    rf"(?:to\s+the\s+)?(?P<dir>{_DIR})(?:wards?|erly)?)\s+of\s+{_FILL}$", re.IGNORECASE)
_RING = re.compile(
    rf"(?<![\w.,])(?P<p>(?P<n>{_NUMBER})\s*-?\s*(?P<unit>{_UNIT})\.?\s+(?:away\s+)?from)\s+"
    rf"{_FILL}$", re.IGNORECASE)
_COUNTRYSIDE_OF = re.compile(
    rf"\b(?P<p>(?:(?P<dir>{_DIR_ADJ})\s+)?(?:countryside|hinterland|rural\s+areas))\s+of\s+"
    rf"(?:the\s+)?{_FILL}$", re.IGNORECASE)
_DIR_BEFORE = re.compile(rf"\b(?P<dir>{_DIR_ADJ})\s+{_SYRIAN}$", re.IGNORECASE)
_COUNTRYSIDE_AFTER = re.compile(
    rf"^(?:[’']s)?\s+(?:(?P<dir>{_DIR_ADJ})\s+)?(?P<noun>countryside|hinterland)\b",
    re.IGNORECASE)
_DIRECTION_OF = re.compile(
    rf"\b(?P<p>(?:to|in)\s+the\s+(?P<dir1>{_DIR})|(?P<dir2>{_DIR}))(?:wards?|erly)?\s+of\s+"
    rf"{_FILL}$", re.IGNORECASE)
_OUTSKIRTS = re.compile(
    rf"\b(?P<p>(?:(?P<dir>{_DIR_ADJ})\s+)?(?:outskirts?|suburbs?|periphery|edges?))\s+of\s+"
    rf"{_FILL}$", re.IGNORECASE)
_OUTSKIRTS_AFTER = re.compile(
    rf"^[’']s\s+(?:{_DIR_ADJ}\s+)?(?:outskirts|suburbs|periphery|edges?)\b", re.IGNORECASE)
_NEAR = re.compile(
    r"\b(?P<p>near(?:by)?|close\s+to|in\s+the\s+(?:vicinity|surroundings?|environs)\s+of|"
    rf"not\s+far\s+from|next\s+to|adjacent\s+to|around|outside(?:\s+of)?)\s+{_FILL}$",
    re.IGNORECASE)
_IN_AREA = re.compile(
    rf"\b(?:in|inside|within|across|throughout)\s+(?:the\s+)?(?P<p>(?:(?P<dir>{_DIR_ADJ})\s+)?"
    r"(?:(?:parts?|countryside|province|governorate|region|areas?)\s+of\s+(?:the\s+)?)?)"
    rf"{_SYRIAN}$", re.IGNORECASE)
_AREA_AFTER = re.compile(
    rf"^(?:[’']s)?\s+(?:(?P<dir>{_DIR_ADJ})\s+)?(?P<noun>countryside|province|governorate|"
    r"hinterland)\b", re.IGNORECASE)
_ALONG = re.compile(
    r"\b(?P<p>along(?:side)?|on|astride|near|beside|next\s+to|close\s+to|adjacent\s+to|"
    r"overlook(?:s|ed|ing)?|just\s+off)\s+(?:(?:the|strategic|key|vital|main|important|international|"
    r"busy|major)\s+){0,3}$", re.IGNORECASE)
_NOT_ALONG = re.compile(
    r"\b(?:attacks?|assaults?|strikes?|airstrikes?|shelling|fire|control|raids?|ambush(?:es)?|"
    r"offensives?|advance|traffic|patrols?|convoys?|closure|ban)\s+$", re.IGNORECASE)
_CORRIDOR_MODIFIER = re.compile(
    r"^(?:\s*[-–/]\s*[\w-]+)?(?:\s+(?:strategic\s+|international\s+|main\s+)?"
    r"(?:highway|road|motorway)s?)?\s+(?:towns?|villages?|city|cities|junction|crossroads|"
    r"intersection|section|stretch|segment|part|portion|front|axis|area|region|countryside|"
    r"bridge|checkpoint|crossing)\b", re.IGNORECASE)
_NAMES_ROAD = re.compile(
    r"^\s*[-–]\s*[A-Z][\w’'-]*(?:\s+[a-z]{2,3}-[A-Z][\w’'-]*)?\s+(?:international\s+|"
    r"strategic\s+|main\s+)?(?:highway|motorway|road)\b")
_ROAD_AFTER = re.compile(r"^\s+(?:international\s+|strategic\s+|main\s+)?(?:highway|motorway|"
                         r"road)\b")
_LIST_JOIN = re.compile(
    r"^\s*(?:,\s*(?:and\s+)?|,?\s+(?:and|or)\s+|\s*&\s*)"
    r"(?:the\s+(?:towns?|villages?|cit(?:y|ies)|settlements?|hamlets?)\s+of\s+)?$", re.IGNORECASE)
_BARRIER = re.compile(
    r"[;:()]|\b(?:while|whilst|whereas|but|meanwhile|although|though|after|before|when)\b",
    re.IGNORECASE)
_WORDS = re.compile(r"[\w’'-]+")

_SINGULAR = re.compile(
    r"\b(?:the|this|that)\s+(?P<noun>town|village|city|hamlet|settlement|silos?|dam|"
    r"air\s?base|airport|base|camp|bridge|crossing|plant|factory|checkpoint|facility|hill|"
    r"farm|station|oil\s?field)\b(?![’']s\b)(?!\s+of\b)(?!-)", re.IGNORECASE)
_PLURAL = re.compile(
    r"\b(?P<det>both(?:\s+of)?(?:\s+the|\s+these)?|the\s+(?P<num>two|three|four)|"
    r"these(?:\s+(?P<num2>two|three|four))?|those(?:\s+(?P<num3>two|three|four))?)\s+"
    r"(?P<noun>villages|towns|cities|hamlets|settlements)\b(?!\s+of\b)", re.IGNORECASE)
_IT = re.compile(
    r"\b(?P<it>[Ii]t)\s+(?:is\s+|was\s+)?(?:located|situated|lies|lay|lays|sits|sat|stands|"
    r"stood|overlooks?|overlooked)\b")
_NOUN_KINDS = {"town": {"town", "city"}, "city": {"city", "town"}, "village": {"village"},
               "hamlet": {"village"}, "settlement": {"village", "town"}, "dam": {"dam"},
               "airbase": {"airbase"}, "air base": {"airbase"}, "airport": {"airbase"},
               "crossing": {"crossing"}}
_COUNTS = {"two": 2, "three": 3, "four": 4}
_NOT_SUBJECT_KINDS = frozenset({"governorate", "corridor"})


# --------------------------------------------------------------------------- references


@dataclass(frozen=True)
class _Entity:
    """A place as the discourse knows it: a gazetteer place or an unresolved name."""

    key: str  # place id, or "unresolved:<slug>"
    name: str
    kind: str
    place: Place | None


@dataclass(frozen=True)
class _Ref:
    """A stretch of a sentence that refers to one or more places."""

    start: int
    end: int
    entities: tuple[_Entity, ...]
    anaphor: bool = False
    modifier: bool = False
    group: int = -1  # refs of one list ("the villages of A and B") share a group number


@dataclass
class _Discourse:
    """What an article has referred to so far, and when each unresolved place was named."""

    refs: list[tuple[int, _Ref]]
    groups: list[tuple[int, tuple[_Entity, ...]]]
    named: dict[str, int]


def _kind_fits(noun: str, entity: _Entity) -> bool:
    noun = " ".join(noun.lower().split())
    kinds = _NOUN_KINDS.get(noun)
    if kinds is not None:
        return entity.kind in kinds
    stem = noun.replace(" ", "").rstrip("s")
    return entity.name.lower().replace(" ", "").rstrip("s").endswith(stem)


def _in_window(entity: _Entity, index: int, discourse: _Discourse) -> bool:
    """Unresolved places are referred to only `WINDOW` sentences after their last naming."""
    if entity.place is not None:
        return True
    return index - discourse.named.get(entity.key, -WINDOW - 1) <= WINDOW


def _singular_target(noun: str, index: int, earlier: list[_Ref], discourse: _Discourse
                     ) -> _Entity | None:
    """The latest single place of the noun's kind ("the village"), if still in the window."""
    candidates = [*reversed(earlier), *(r for _, r in reversed(discourse.refs))]
    for ref in candidates:
        if len(ref.entities) != 1 or ref.modifier:
            continue
        entity = ref.entities[0]
        if _kind_fits(noun, entity):
            return entity if _in_window(entity, index, discourse) else None
    return None


def _plural_target(noun: str, count: int | None, index: int,
                   groups: list[tuple[int, tuple[_Entity, ...]]], discourse: _Discourse
                   ) -> tuple[_Entity, ...]:
    """The latest list of places of the noun's kind ("both villages"), in the window."""
    singular = {"villages": "village", "towns": "town", "cities": "city", "hamlets": "hamlet",
                "settlements": "settlement"}[noun.lower()]
    for _, members in reversed(discourse.groups + groups):
        if count is not None and len(members) != count:
            continue
        if all(_kind_fits(singular, e) for e in members):
            return tuple(e for e in members if _in_window(e, index, discourse))
    return ()


_CONTEXT_CHARS = 200
"""How far around a name the road-modifier patterns look (they span a few words)."""


def _mention_refs(sentence: str, offset: int, mentions: list[Mention], starts: list[int],
                  gazetteer: Gazetteer) -> list[_Ref]:
    """The sentence's mentions as references, with list groups and road modifiers marked.

    ``mentions`` are sorted by start and ``starts`` are their starts, so a sentence finds its
    own by bisection (a long article naming places thousands of times stays n log n).
    """
    refs: list[_Ref] = []
    first, last = bisect_left(starts, offset), bisect_left(starts, offset + len(sentence))
    for m in mentions[first:last]:
        place = gazetteer.places.get(m.place_id) if m.place_id else None
        key = m.place_id or f"unresolved:{slug(m.surface)}"
        entity = _Entity(key, place.name if place else m.name,
                         place.kind if place else m.kind, place)
        start, end = m.start - offset, m.end - offset
        after = sentence[end:end + _CONTEXT_CHARS]
        before = sentence[max(0, start - _CONTEXT_CHARS):start]
        if entity.kind == "corridor":
            modifier = bool(_CORRIDOR_MODIFIER.match(after))
        else:
            modifier = bool(_NAMES_ROAD.match(after)) or bool(
                re.search(r"[A-Z][\w’'-]*\s*[-–]\s*$", before) and _ROAD_AFTER.match(after))
        refs.append(_Ref(start, end, (entity,), modifier=modifier))
    group = 0
    for i in range(1, len(refs)):
        if _LIST_JOIN.match(sentence[refs[i - 1].end:refs[i].start]):
            if refs[i - 1].group < 0:
                group += 1
                refs[i - 1] = _replace_group(refs[i - 1], group)
            refs[i] = _replace_group(refs[i], refs[i - 1].group)
    return refs


def _replace_group(ref: _Ref, group: int) -> _Ref:
    return _Ref(ref.start, ref.end, ref.entities, ref.anaphor, ref.modifier, group)


def _overlaps(start: int, end: int, refs: list[_Ref]) -> bool:
    return any(r.start < end and start < r.end for r in refs)


def _sentence_refs(sentence: str, index: int, named: list[_Ref], discourse: _Discourse
                   ) -> list[_Ref]:
    """Named places plus references ("the silos", "both villages", "it is located")."""
    found: list[_Ref] = []
    for match in _SINGULAR.finditer(sentence):
        if _overlaps(match.start(), match.end(), named):
            continue
        earlier = sorted((r for r in named + found if r.end <= match.start()),
                         key=lambda r: r.start)
        target = _singular_target(match.group("noun"), index, earlier, discourse)
        if target is not None:
            found.append(_Ref(match.start(), match.end(), (target,), anaphor=True))
    for match in _PLURAL.finditer(sentence):
        if _overlaps(match.start(), match.end(), named):
            continue
        number = match.group("num") or match.group("num2") or match.group("num3")
        det = match.group("det").lower()
        count = _COUNTS[number.lower()] if number else (2 if det.startswith("both") else None)
        earlier = _groups([r for r in named if r.end <= match.start()], index)
        members = _plural_target(match.group("noun"), count, index, earlier, discourse)
        if members:
            found.append(_Ref(match.start(), match.end(), members, anaphor=True))
    for match in _IT.finditer(sentence):
        earlier = sorted((r for r in named + found if r.end <= match.start()),
                         key=lambda r: r.start)
        previous = [r for i, r in discourse.refs if i >= index - 1]
        for ref in [*reversed(earlier), *reversed(previous)]:
            if len(ref.entities) == 1 and ref.entities[0].kind not in _NOT_SUBJECT_KINDS \
                    and not ref.modifier:
                found.append(_Ref(match.start("it"), match.end("it"), ref.entities,
                                  anaphor=True))
                break
    return sorted(named + found, key=lambda r: r.start)


def _groups(refs: list[_Ref], index: int) -> list[tuple[int, tuple[_Entity, ...]]]:
    by_group: dict[int, list[_Entity]] = {}
    for ref in refs:
        if ref.group >= 0:
            by_group.setdefault(ref.group, []).extend(ref.entities)
    return [(index, tuple(dict.fromkeys(members))) for members in by_group.values()]


# --------------------------------------------------------------------------- geometry


@lru_cache(maxsize=8)
def _transformers(crs: str) -> tuple[Transformer, Transformer]:
    return (Transformer.from_crs("EPSG:4326", crs, always_xy=True),
            Transformer.from_crs(crs, "EPSG:4326", always_xy=True))


def _reproject(geometry: BaseGeometry, transformer: Transformer) -> BaseGeometry:
    return shapely.transform(geometry, lambda xy: np.column_stack(
        transformer.transform(xy[:, 0], xy[:, 1])))


def _to_metric(geometry: BaseGeometry, crs: str) -> BaseGeometry:
    return _reproject(geometry, _transformers(crs)[0])


def _to_wgs84(geometry: BaseGeometry, crs: str) -> BaseGeometry:
    return _reproject(geometry, _transformers(crs)[1])


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """The polygon parts of a geometry (an intersection can add slivers of lines)."""
    if isinstance(geometry, Polygon | MultiPolygon):
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if isinstance(p, Polygon)]
    return MultiPolygon(parts) if parts else Polygon()


def _size_km(region: BaseGeometry) -> float:
    """Radius of the disc with the region's area, in km (0.1 km steps)."""
    return round(math.sqrt(region.area / math.pi) / 1000.0, 1)


def _disc(place: Place, km: float, crs: str) -> BaseGeometry:
    return _disc_at(place.lon, place.lat, km, crs)


@lru_cache(maxsize=4096)
def _disc_at(lon: float, lat: float, km: float, crs: str) -> BaseGeometry:
    """A disc in the metric CRS (cached: articles repeat "near X"; geometries are immutable)."""
    return _to_metric(Point(lon, lat), crs).buffer(km * 1000.0, quad_segs=32)


def _offset_region(place: Place, bearing: float | None, km: float, crs: str) -> BaseGeometry:
    """Around the point ``km`` from the place on ``bearing`` (a ring when no bearing)."""
    spread = max(OFFSET_MIN_KM, OFFSET_SHARE * km)
    if bearing is None:
        outer = _disc(place, km + spread, crs)
        return outer.difference(_disc(place, max(km - spread, 0.0), crs)) \
            if km > spread else outer
    lon, lat, _ = _GEOD.fwd(place.lon, place.lat, bearing, km * 1000.0)
    return _to_metric(Point(lon, lat), crs).buffer(spread * 1000.0, quad_segs=32)


def _sector(place: Place, bearing: float | None, crs: str) -> BaseGeometry:
    """A `SECTOR_DEGREES` sector out to `SECTOR_KM` (geodesic), or the full disc."""
    if bearing is None:
        return _disc(place, SECTOR_KM, crs)
    steps = 37
    half = SECTOR_DEGREES / 2
    azimuths = [bearing - half + i * SECTOR_DEGREES / (steps - 1) for i in range(steps)]
    lons, lats, _ = _GEOD.fwd([place.lon] * steps, [place.lat] * steps, azimuths,
                              [SECTOR_KM * 1000.0] * steps)
    return _to_metric(Polygon([(place.lon, place.lat), *zip(lons, lats, strict=True)]), crs)


def _between(a: Place, b: Place, crs: str) -> BaseGeometry:
    line = _to_metric(LineString([(a.lon, a.lat), (b.lon, b.lat)]), crs)
    width = max(BETWEEN_MIN_KM * 1000.0, BETWEEN_SHARE * line.length)
    return line.buffer(width, quad_segs=32)


def _along(corridor: Place, crs: str) -> BaseGeometry:
    return _to_metric(corridor.geometry, crs).buffer(CORRIDOR_KM * 1000.0, quad_segs=16)


def _governorate(area: Place, bearing: float | None, crs: str) -> BaseGeometry:
    """The governorate, or its half on the side of ``bearing`` from its centroid."""
    polygon = _to_metric(area.geometry, crs)
    if bearing is None:
        return polygon
    centre = polygon.centroid
    ux, uy = math.sin(math.radians(bearing)), math.cos(math.radians(bearing))
    px, py = uy, -ux
    far = 4_000_000.0
    half_plane = Polygon([
        (centre.x + far * px, centre.y + far * py),
        (centre.x + far * (px + ux), centre.y + far * (py + uy)),
        (centre.x + far * (ux - px), centre.y + far * (uy - py)),
        (centre.x - far * px, centre.y - far * py),
    ])
    return _polygonal(polygon.intersection(half_plane))


def _bearing(word: str) -> float:
    """Compass bearing of a direction word: north 0, north-eastern 45, southwestwards 225."""
    word = re.sub(r"(?:ern|erly|wards?)$", "", word.lower())
    return _BEARINGS[re.sub(r"[- ]", "", word)]


def _number(text: str, unit: str) -> float:
    text = text.lower()
    value = float(_NUMBER_WORDS[text]) if text in _NUMBER_WORDS else float(text.replace(",", "."))
    return value * _MILE_KM if unit.lower().startswith("mile") else value


def _plausible_km(match: re.Match[str]) -> bool:
    """Whether the distance of an offset match is one a place can be at (`MAX_OFFSET_KM`)."""
    return _number(match.group("n"), match.group("unit")) <= MAX_OFFSET_KM


# --------------------------------------------------------------------------- relations


@dataclass(frozen=True)
class _Found:
    """A relation matched in a sentence, before it is given to the place it describes."""

    kind: str
    anchors: tuple[Place, ...]
    start: int  # first character of the relation words in the sentence
    end: int
    region: BaseGeometry
    anchor_refs: tuple[int, ...]  # indexes of the anchor refs


def _seat(place: Place, gazetteer: Gazetteer) -> Place | None:
    """A point for an anchor: itself, or the seat city of a governorate."""
    if place.kind == "corridor":
        return None
    if place.kind != "governorate":
        return place
    seats = [p for p in gazetteer.lookup(place.admin1) if p.kind in ("city", "town")]
    return seats[0] if seats else None


def _area_relation(sentence: str, ref: _Ref, place: Place, crs: str
                   ) -> tuple[int, int, BaseGeometry] | None:
    """"in the northern Raqqa countryside", "Raqqa province", "countryside of Raqqa"."""
    before, after = sentence[:ref.start], sentence[ref.end:]
    suffix = _AREA_AFTER.match(after)
    inside = _IN_AREA.search(before)
    of = _COUNTRYSIDE_OF.search(before)
    if not (suffix or inside or of):
        return None
    direction = _DIR_BEFORE.search(before)
    words = [m.group("dir") for m in (suffix, inside, of, direction) if m and m.group("dir")]
    start = ref.start
    if of:
        start = of.start("p")
    elif inside and inside.group("p"):
        start = inside.start("p")
    elif direction:
        start = direction.start("dir")
    end = ref.end + suffix.end() if suffix else ref.end
    bearing = _bearing(words[0]) if words else None
    return start, end, _governorate(place, bearing, crs)


def _point_relation(sentence: str, refs: list[_Ref], i: int, point: Place, crs: str,
                    gazetteer: Gazetteer) -> _Found | None:
    """Relations to a point anchor, the most specific pattern first."""
    ref = refs[i]
    before, after = sentence[:ref.start], sentence[ref.end:]
    match = _BETWEEN.search(before)
    if match:
        joined = _AND.match(after)
        following = [j for j, r in enumerate(refs) if joined and r.start == ref.end + joined.end()]
        if following and refs[following[0]].entities[0].place is not None:
            other = _seat(refs[following[0]].entities[0].place, gazetteer)
            if other is not None and other.place_id != point.place_id:
                return _Found("between", (point, other), match.start("p"),
                              refs[following[0]].end, _between(point, other, crs),
                              (i, following[0]))
    match = _OFFSET.search(before)
    if match and _plausible_km(match):
        km = _number(match.group("n"), match.group("unit"))
        return _Found("offset", (point,), match.start("p"), ref.end,
                      _offset_region(point, _bearing(match.group("dir")), km, crs), (i,))
    match = _RING.search(before)
    if match and _plausible_km(match):
        km = _number(match.group("n"), match.group("unit"))
        return _Found("offset", (point,), match.start("p"), ref.end,
                      _offset_region(point, None, km, crs), (i,))
    match = _COUNTRYSIDE_OF.search(before)
    if match:
        bearing = _bearing(match.group("dir")) if match.group("dir") else None
        return _Found("sector", (point,), match.start("p"), ref.end,
                      _sector(point, bearing, crs), (i,))
    match = _COUNTRYSIDE_AFTER.match(after)
    if match:
        direction = match.group("dir")
        start = ref.start
        leading = _DIR_BEFORE.search(before)
        if direction is None and leading:
            direction, start = leading.group("dir"), leading.start("dir")
        return _Found("sector", (point,), start, ref.end + match.end(),
                      _sector(point, _bearing(direction) if direction else None, crs), (i,))
    match = _DIRECTION_OF.search(before)
    if match:
        word = match.group("dir1") or match.group("dir2")
        return _Found("sector", (point,), match.start("p"), ref.end,
                      _sector(point, _bearing(word), crs), (i,))
    match = _OUTSKIRTS.search(before)
    if match:
        return _Found("outskirts", (point,), match.start("p"), ref.end,
                      _disc(point, OUTSKIRTS_KM, crs), (i,))
    match = _OUTSKIRTS_AFTER.match(after)
    if match:
        return _Found("outskirts", (point,), ref.start, ref.end + match.end(),
                      _disc(point, OUTSKIRTS_KM, crs), (i,))
    match = _NEAR.search(before)
    if match:
        return _Found("near", (point,), match.start("p"), ref.end,
                      _disc(point, NEAR_KM, crs), (i,))
    return None


def _relations_in(sentence: str, refs: list[_Ref], gazetteer: Gazetteer, crs: str
                  ) -> list[_Found]:
    """Every relation of the sentence, one per anchor reference."""
    found: list[_Found] = []
    used: set[int] = set()
    for i, ref in enumerate(refs):
        if i in used or ref.modifier or len(ref.entities) != 1:
            continue
        place = ref.entities[0].place
        if place is None:
            continue
        relation = None
        if place.kind == "corridor":
            match = _ALONG.search(sentence[:ref.start])
            if match and not _NOT_ALONG.search(sentence[:match.start()]) \
                    and place.geometry is not None:
                relation = _Found("along", (place,), match.start("p"), ref.end,
                                  _along(place, crs), (i,))
        elif place.kind == "governorate":
            area = _area_relation(sentence, ref, place, crs)
            if area is not None:
                relation = _Found("region", (place,), area[0], area[1], area[2], (i,))
        if relation is None and place.kind != "corridor":
            point = _seat(place, gazetteer)
            if point is not None:
                relation = _point_relation(sentence, refs, i, point, crs, gazetteer)
        if relation is not None:
            used.update(relation.anchor_refs)
            found.append(relation)
    return found


def _clear(gap: str) -> bool:
    """Whether a place and a relation this text apart belong to one clause."""
    return not _BARRIER.search(gap) and len(_WORDS.findall(gap)) <= MAX_GAP_WORDS


def _subject(sentence: str, refs: list[_Ref], relation: _Found, anchors: set[int]
             ) -> list[_Ref]:
    """The reference(s) a relation describes (see the module docstring)."""
    candidates = [(j, r) for j, r in enumerate(refs) if j not in anchors and not r.modifier]
    before = [(j, r) for j, r in candidates if r.end <= relation.start]
    chosen: _Ref | None = None
    if before:
        _, ref = max(before, key=lambda jr: jr[1].end)
        if _clear(sentence[ref.end:relation.start]):
            chosen = ref
    elif len(_WORDS.findall(sentence[:relation.start])) <= 2 and re.match(
            r"\s*,", sentence[relation.end:]):
        after = [r for _, r in candidates if r.start >= relation.end]
        if after and _clear(sentence[relation.end:after[0].start]):
            chosen = after[0]
    if chosen is None:
        return []
    if chosen.group >= 0:
        return [r for r in refs if r.group == chosen.group and not r.anaphor]
    return [chosen]


def relations_for(document: Document, mentions: list[Mention], gazetteer: Gazetteer,
                  theater: Theater) -> dict[str, list[Relation]]:
    """Relations found in one document for each of its unresolved places.

    Parameters
    ----------
    document
        The article; only its body is read.
    mentions
        Its mentions (`geo.places.geocode_document`): resolved ones are anchors, unresolved
        ones (``place_id`` None) are the places described.
    gazetteer
        Gives the anchors' points, governorate polygons and corridor lines.
    theater
        Its ``metric_crs`` is the CRS of every relation region.

    Returns
    -------
    dict
        ``"unresolved:<slug of the surface>"`` (as `geo.claims` names them) -> relations in
        sentence order. Places without relations are absent.
    """
    body = document.body
    crs = theater.metric_crs
    discourse = _Discourse(refs=[], groups=[], named={})
    result: dict[str, list[Relation]] = {}
    seen: set[tuple] = set()  # a relation repeated word for word is one relation
    ordered = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in ordered]
    for index, (start, end) in enumerate(sentence_spans(body)):
        sentence = body[start:end]
        named = _mention_refs(sentence, start, ordered, starts, gazetteer)
        for ref in named:
            for entity in ref.entities:
                if entity.place is None:
                    discourse.named[entity.key] = index
        refs = _sentence_refs(sentence, index, named, discourse)
        found = _relations_in(sentence, refs, gazetteer, crs)
        anchors = {j for f in found for j in f.anchor_refs}
        evidence = " ".join(sentence.split())
        for relation in found:
            for ref in _subject(sentence, refs, relation, anchors):
                for entity in ref.entities:
                    if entity.place is not None:
                        continue
                    item = Relation(
                        kind=relation.kind,
                        anchor=",".join(p.place_id for p in relation.anchors),
                        anchor_name=" and ".join(p.name for p in relation.anchors),
                        phrase=" ".join(sentence[relation.start:relation.end].split()),
                        doc_id=document.doc_id, sentence=evidence, region=relation.region,
                        radius_km=_size_km(relation.region), path=document.path)
                    key = (entity.key, item.kind, item.anchor, item.phrase, item.sentence)
                    if key not in seen:
                        seen.add(key)
                        result.setdefault(entity.key, []).append(item)
        discourse.refs += [(index, r) for r in refs if not r.modifier]
        discourse.groups += _groups(named, index)
    return result


# --------------------------------------------------------------------------- estimates


def _intersection(regions: list[BaseGeometry]) -> BaseGeometry:
    region = regions[0]
    for other in regions[1:]:
        region = _polygonal(region.intersection(other))
        if region.is_empty:
            break
    return region


def _nonempty(region: BaseGeometry) -> bool:
    return not region.is_empty and region.area >= MIN_AREA_M2


def _consistent(relations: list[Relation]) -> tuple[list[int], list[int]]:
    """Indexes of the relations to keep and to drop so that their regions overlap.

    The largest overlapping set is kept; among equally large sets, the one whose kept
    relations are the strongest (smallest ``radius_km``, compared from the strongest). With
    more than `MAX_SUBSET_SEARCH` relations, the strongest are added one by one and any that
    would empty the region is dropped.
    """
    n = len(relations)
    everything = list(range(n))
    if _nonempty(_intersection([r.region for r in relations])):
        return everything, []
    if n > MAX_SUBSET_SEARCH:
        kept: list[int] = []
        for i in sorted(everything, key=lambda i: (relations[i].radius_km, i)):
            if _nonempty(_intersection([relations[j].region for j in [*kept, i]])):
                kept.append(i)
        return sorted(kept), [i for i in everything if i not in kept]
    for size in range(n - 1, 0, -1):
        options = sorted(combinations(everything, size),
                         key=lambda c: (sorted(relations[i].radius_km for i in c), c))
        for option in options:
            if _nonempty(_intersection([relations[i].region for i in option])):
                return list(option), [i for i in everything if i not in option]
    return [], everything


def _centre(region: BaseGeometry) -> Point:
    """A point inside the region that keeps the farthest region point near (module docstring)."""
    bounding = shapely.minimum_bounding_circle(region).centroid
    if region.contains(bounding):
        return bounding
    if region.contains(region.centroid):
        return region.centroid
    parts = [p for p in shapely.get_parts(region) if isinstance(p, Polygon)]
    largest = max(parts, key=lambda p: p.area)
    centre = Point(shapely.maximum_inscribed_circle(largest, tolerance=10.0).coords[0])
    return centre if largest.contains(centre) else largest.representative_point()


def _describe(relation: Relation) -> str:
    """Short normalised wording: "northeastern countryside of Ayn Issa", "along the M4"."""
    name = relation.anchor_name
    phrase = relation.phrase
    direction = re.search(rf"\b(?:{_DIR})(?:ern)?\b", phrase, re.IGNORECASE)
    word = direction.group().lower() if direction else ""
    if relation.kind == "along":
        return f"along the {name}"
    if relation.kind == "near":
        return f"near {name}"
    if relation.kind == "between":
        return f"between {name}"
    if relation.kind == "outskirts":
        return f"{word + ' ' if word else ''}outskirts of {name}"
    if relation.kind == "region":
        return f"{word + ' ' if word else ''}{name}"
    if relation.kind == "offset":
        number = re.match(rf"(?P<n>{_NUMBER})\s*-?\s*(?P<unit>{_UNIT})", phrase, re.IGNORECASE)
        km = f"{_number(number.group('n'), number.group('unit')):g} km" if number else ""
        return f"{km} {word} of {name}" if word else f"{km} from {name}"
    if "countryside" in phrase.lower() or "hinterland" in phrase.lower():
        return f"{word + ' ' if word else ''}countryside of {name}"
    return f"{word} of {name}"


def _by_document(relations: Iterable[Relation]) -> str:
    groups: dict[str, list[str]] = {}
    for relation in relations:
        source = Path(relation.path).name if relation.path else relation.doc_id
        described = groups.setdefault(source, [])
        text = _describe(relation)
        if text not in described:
            described.append(text)
    return "; ".join(f"{'; '.join(texts)} (per {source})" for source, texts in groups.items())


def estimate(place_id: str, name: str, kind: str, relations: list[Relation], theater: Theater
             ) -> Estimate | None:
    """Combine relations (from any number of documents) into one estimate.

    Parameters
    ----------
    place_id, name, kind
        The unresolved place, copied to the estimate.
    relations
        Its relations, regions in ``theater.metric_crs``.
    theater
        Gives the metric CRS.

    Returns
    -------
    Estimate or None
        None when there is no relation with a usable region.
    """
    usable = [r for r in relations if _nonempty(r.region)]
    if not usable:
        return None
    kept, dropped = _consistent(usable)
    used = [usable[i] for i in kept]
    region = _intersection([r.region for r in used])
    centre = _centre(region)
    farthest = max(centre.distance(Point(xy)) for xy in shapely.get_coordinates(region))
    crs = theater.metric_crs
    point = _to_wgs84(centre, crs)
    reason = _by_document(used)
    if dropped:
        reason += "; dropped as inconsistent: " + _by_document(usable[i] for i in dropped)
    return Estimate(
        place_id=place_id, name=name, kind=kind, lon=round(point.x, 6), lat=round(point.y, 6),
        radius_km=math.ceil(round(farthest / 100.0, 6)) / 10.0,
        precision=3 if all(r.kind == "region" for r in used) else 2,
        region=_to_wgs84(region, crs), relations=tuple(used),
        dropped=tuple(usable[i] for i in dropped), reason=reason)


def estimates_for(results: Iterable[tuple[Document, list[Mention]]], gazetteer: Gazetteer,
                  theater: Theater) -> list[Estimate]:
    """Estimates for every unresolved place of a corpus that has relations.

    Spelling variants are one place, as in `geo.places.collect_places` ("Jehbel" in one
    report and "Jahbal" in another): their relations from every document are combined, and
    the estimate takes that record's place id, name and kind.

    Returns
    -------
    list of Estimate
        Sorted by name.
    """
    from geo.places import collect_places

    results = list(results)
    _, unresolved = collect_places(results, gazetteer)
    per_document = [relations_for(document, mentions, gazetteer, theater)
                    for document, mentions in results]
    estimates = []
    for record in unresolved:
        keys = {f"unresolved:{slug(surface)}" for surface in record.surfaces}
        relations = [r for found in per_document for key in found if key in keys
                     for r in found[key]]
        made = estimate(record.place_id, record.name, record.kind, relations, theater)
        if made is not None:
            estimates.append(made)
    return sorted(estimates, key=lambda e: e.name.casefold())
