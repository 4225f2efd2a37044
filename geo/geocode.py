"""Resolve each toponym span to one gazetteer place, or leave it unresolved or ambiguous.

Area or point. A governorate shares its name with its seat city ("Idlib", "Aleppo"). A
mention means the governorate when the text marks it ("Idlib province", "the province of
Idlib", "the Raqqa countryside", "southern Idlib", "Syria's Idlib", "the Idlib region",
"the governorates of al-Hasakah, Raqqa and Aleppo") and the city when the text marks that
("the city of Idlib", "near Aleppo", "west of Aleppo", an ALEPPO dateline,
"Aleppo-Damascus"). Unmarked mentions follow the article: if it marks the governorate and
never the city, or names towns of the governorate (Saraqib, Nayrab), they mean the
governorate (one sense per discourse). Places listed together ("al-Hasakah, Raqqa and
Aleppo") are of one type. Otherwise a bare name is the city. A district is only ever named
with the word ("the Ras al-Ayn district").

Among same-named points (15 villages are called Mushayrifah) the score prefers: analyst
overrides and the theater supplement; cities before towns before villages; the kind a cue
names ("the village of X"; "the city of X" is never a village, "the village of X" never a
city); larger places; and, most strongly, places near the article's
*sure* places. Sure places come in two passes: spans with one candidate (not a village of a
worldwide source, not a dateline), then the points those place clearly (a lone village near
them in its paragraph, a namesake that wins by a clear margin). A governorate or district
the article names counts as a sure place about 30 km away. Then:

- when the best namesake is not clearly better than the next (`AMBIGUITY_MARGIN`), the
  mention stays **ambiguous**, with its candidates; namesakes within 3 km of each other are
  one village recorded twice, not an ambiguity;
- a village of a worldwide source more than `FAR_KM` from every sure place of its
  paragraph is not trusted: its candidates are kept, the mention stays unresolved (**far**);
- a direction phrase ("Buwaydah, east of Tell Tamr"; "including A, B and C west of the
  town of Ras al-Ayn") keeps, among namesakes, those within `DIRECTION_KM` of the place it
  names and in that direction, or right beside it (`BESIDE_KM`: a reporter's compass is
  loose); when no namesake is near, none is meant and the mention stays unresolved
  (**direction**);
- a village from a worldwide source more than `NEAR_KM` from the sure places of its
  paragraph gives way to a place of the same consonants three times nearer ("Qamhana"
  southeast of Saraqib is the Qumhanah 10 km away, not the Qumhanah spelled that way 40 km
  beyond the article's places);
- a name the gazetteer has in no spelling is looked up by its consonants
  (`geo.names.loose_key`: Inqrati / Inqirat) among places near the sure places
  (**gazetteer+spelling**), and nowhere else.

Names found only by a cue phrase, and not placed that way, stay unresolved (method ``cue``),
with no coordinates. Nothing is guessed.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import replace

from geo.extract import TENTATIVE_CUES, SentenceIndex
from geo.gazetteer import SOURCE_RANK, Gazetteer, haversine_km
from geo.models import Document, Mention, Place, Span
from geo.names import headed_loose_key, loose_key

_COMPASS = r"(?:north|south|east|west)(?:ern|-?(?:east|west)(?:ern)?)?"
_GOV_AFTER = re.compile(
    rf"^(?:['’]s)?\s+(?:{_COMPASS}\s+)?(?:provinces?|governorates?|countrysides?|region)\b",
    re.IGNORECASE)
_GOV_BEFORE = re.compile(
    rf"(?:\b(?:provinces?|governorates?|countryside|regions?)\s+of\s+(?:the\s+)?|"
    rf"\b{_COMPASS}\s+|\bSyria['’]s\s+(?:{_COMPASS}\s+)?)$", re.IGNORECASE)
_CITY_BEFORE = re.compile(
    r"(?:\b(?:city|town|outskirts|cent(?:er|re)|suburbs?|streets?|neighbou?rhoods?|districts?|"
    r"gates|heart)\s+of\s+(?:the\s+)?|\b(?:near|outside|around)\s+|"
    r"\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s+)$",
    re.IGNORECASE,
)
_CITY_AFTER = re.compile(r"^\s+(?:city|town)\b", re.IGNORECASE)
_DATELINE_AFTER = re.compile(r"^\s*(?:[–—-]|,\s*[A-Z])")
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s+and|,?\s+or|&)\s*$")
_DISTRICT_AFTER = re.compile(r"\s+(?:sub-?)?(?:districts?|nahiyas?|nahiyahs?)\b", re.IGNORECASE)
_KIND_BONUS = {"city": 1.2, "town": 0.6, "airbase": 0.5, "dam": 0.5, "crossing": 0.5,
               "facility": 0.5, "village": 0.3, "region": 0.3, "corridor": 0.5}
"""What a bare name most likely means: a city before a town, a town before a village (a
city 60 km from the article's places still beats a namesake village 10 km from them)."""


def _is_dateline(text: str, span: Span) -> bool:
    """"DAMASCUS, Nov. 9 (Xinhua) --", "ALEPPO –": where the reporter files from, which
    says nothing of where the story's villages are."""
    line_start = text.rfind("\n", 0, span.start) + 1
    return span.surface.isupper() and not text[line_start:span.start].strip() \
        and bool(_DATELINE_AFTER.match(text[span.end:span.end + 30]))


def _explicit_sense(text: str, span: Span, spans: list[Span], index: int) -> str | None:
    """``"area"``, ``"point"`` or None when the text around the span does not say."""
    before = text[max(0, span.start - 40):span.start]
    after = text[span.end:span.end + 30]
    if _GOV_AFTER.match(after) or _GOV_BEFORE.search(before):
        return "area"
    if span.cue in ("city", "cities", "town", "towns", "village", "villages", "outskirts") \
            or _CITY_BEFORE.search(before) \
            or _CITY_AFTER.match(after):
        return "point"
    if _is_dateline(text, span):
        return "point"
    neighbours = [spans[i] for i in (index - 1, index + 1) if 0 <= i < len(spans)]
    for other in neighbours:
        gap = text[min(span.end, other.end):max(span.start, other.start)]
        if gap in ("-", "–", "‑"):  # "Aleppo-Damascus": the ends of a road
            return "point"
    return None


def _lists(text: str, spans: list[Span]) -> list[list[int]]:
    """Groups of span indexes that stand in one coordinated list."""
    groups: list[list[int]] = []
    current = [0] if spans else []
    for i in range(1, len(spans)):
        if _LIST_GAP.match(text[spans[i - 1].end:spans[i].start]):
            current.append(i)
        else:
            if len(current) > 1:
                groups.append(current)
            current = [i]
    if len(current) > 1:
        groups.append(current)
    return groups


def _names_other_places(spans: list[Span], members: list[int], province: str,
                        gazetteer: Gazetteer) -> bool:
    """The article names a place of ``province`` that is not its seat city (a span all of
    whose candidates are points of that province, none sharing the province's name)."""
    own = set(members)
    return any(
        i not in own and s.candidates and all(
            not gazetteer[c].is_area and gazetteer[c].kind != "corridor"
            and gazetteer[c].admin1 == province for c in s.candidates)
        for i, s in enumerate(spans))


def area_senses(text: str, spans: list[Span], gazetteer: Gazetteer,
                groups: list[list[int]] | None = None) -> list[bool]:
    """For each span, whether it means an area (governorate, district) rather than a point.

    One sense per discourse and one type per list hold for governorates only: an article
    that says "Idlib province" means the province by a bare "Idlib", but one that says "the
    Manbij countryside" still means the city by "Manbij".
    """
    has_area = [any(gazetteer[c].is_area for c in s.candidates) for s in spans]
    has_point = [any(not gazetteer[c].is_area for c in s.candidates) for s in spans]
    has_province = [any(gazetteer[c].kind == "governorate" for c in s.candidates)
                    for s in spans]
    explicit = [
        _explicit_sense(text, s, spans, i) if has_area[i] and has_point[i] else None
        for i, s in enumerate(spans)
    ]
    area = [has_area[i] and (not has_point[i] or explicit[i] == "area") for i in range(len(spans))]
    by_area: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(spans):
        for c in s.candidates:
            if gazetteer[c].kind == "governorate":
                by_area[c].append(i)
    # An unmarked "Idlib" in an article that marks only the province, or that names the
    # province's towns (Saraqib, Nayrab), is the province.
    for area_id, members in by_area.items():
        senses = {explicit[i] for i in members}
        if ("area" in senses and "point" not in senses) or _names_other_places(
                spans, members, gazetteer[area_id].admin1, gazetteer):
            for i in members:
                if explicit[i] is None:
                    area[i] = True
    for group in _lists(text, spans) if groups is None else groups:
        marked_area = any(has_province[i] and (explicit[i] == "area" or not has_point[i])
                          for i in group)
        marked_city = any(explicit[i] == "point" or (not has_area[i] and any(
            gazetteer[c].kind == "city" for c in spans[i].candidates)) for i in group)
        if marked_city and not marked_area:
            # "in Qamishli and Hasaka": listed with a city, a governorate's name is its city
            for i in group:
                if explicit[i] is None:
                    area[i] = False
        elif any(area[i] and has_province[i] for i in group):
            for i in group:
                if has_province[i] and explicit[i] is None:
                    area[i] = True
    return area


_BEARINGS = {"north": 0.0, "northeast": 45.0, "east": 90.0, "southeast": 135.0,
             "south": 180.0, "southwest": 225.0, "west": 270.0, "northwest": 315.0}
_DIRECTION_BEFORE = re.compile(
    r"\b(?P<dir>(?:north|south)[- ]?(?:east|west)|north|south|east|west)(?:ern|wards?)?\s+"
    r"(?:of|from)\s+(?:the\s+(?:town|city|village)\s+of\s+)?$", re.IGNORECASE)
_DIRECTION_GAP = re.compile(r"[^.;:!?\n]{0,40}")
DIRECTION_KM = 60.0
"""A place said to lie north (west, ...) of another lies within this distance of it."""
DIRECTION_DEGREES = 67.5
"""... and within this angle of the direction (a reporter's "west" is loose)."""
BESIDE_KM = 15.0
"""A namesake this close to the place a direction is measured from stays a candidate
whatever the direction: "Nayrab, to the north of Saraqib" is the Nayrab 8 km west of it, not
the one 51 km north-east."""


def _directions(text: str, spans: list[Span]) -> dict[int, tuple[int, float]]:
    """The spans a direction phrase places from another span: "including A, B and C west of
    the town of X", "Mushayrifah lies further to the east and is north of Tel Tamer".

    Returns ``{span index: (index of the span it is measured from, bearing in degrees)}``;
    the phrase applies to the name just before it (up to 40 characters back, no sentence
    break) and to the names listed with that one.
    """
    found: dict[int, tuple[int, float]] = {}
    for j in range(1, len(spans)):
        phrase = _DIRECTION_BEFORE.search(text, max(0, spans[j].start - 50), spans[j].start)
        if phrase is None:
            continue
        bearing = _BEARINGS[re.sub(r"[- ]", "", phrase.group("dir").lower())]
        i = j - 1
        if spans[i].end > phrase.start() or not _DIRECTION_GAP.fullmatch(
                text, spans[i].end, phrase.start()):
            continue
        found[i] = (j, bearing)
        while i > 0 and _LIST_GAP.match(text[spans[i - 1].end:spans[i].start]):
            i -= 1
            found[i] = (j, bearing)
    return found


def _lies(place: Place, origin: Place, bearing: float) -> bool:
    """``place`` lies from ``origin`` in the direction ``bearing`` (within
    `DIRECTION_DEGREES`)."""
    lat1, lat2 = math.radians(origin.lat), math.radians(place.lat)
    dlon = math.radians(place.lon - origin.lon)
    actual = math.degrees(math.atan2(
        math.sin(dlon) * math.cos(lat2),
        math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon)))
    return abs((actual - bearing + 180.0) % 360.0 - 180.0) <= DIRECTION_DEGREES


def _distance_penalty(km: float) -> float:
    """Points a candidate loses for lying ``km`` from the article's nearest sure place: a
    linear part (about 1.4 points per 100 km) and a logarithmic one, so that 4 km against
    30 km matters as much as 100 against 170 (at most 4.4 points, from 200 km on)."""
    km = min(km, FAR_DISTANCE_KM)
    return km / 70.0 + 0.4 * math.log1p(km / 5.0)


def _score(place: Place, *, span: Span, anchors: list[Place], admin_context: set[str],
           ambiguous: bool) -> float:
    score = 0.5 * SOURCE_RANK.get(place.source, 0) + _KIND_BONUS.get(place.kind, 0.2)
    score += 0.05 * math.log10(place.population + 1)
    if place.source in CURATED_SOURCES:
        score += CURATED_BONUS
    if span.kind_hint and place.kind in _HINTED.get(span.kind_hint, {span.kind_hint}):
        score += 0.3
    # A governorate or district the article names is as good as a place 30 km away.
    if ambiguous and (anchors or admin_context):
        nearest = _nearest_km(place, anchors) if anchors else FAR_DISTANCE_KM
        if _in_context(place, admin_context):
            nearest = min(nearest, NEAR_KM)
        score -= _distance_penalty(nearest)
    return score


_HINTED = {"city": {"city", "town"}, "town": {"city", "town"}}
"""Kinds a cue word fits: news calls a town a city and a city a town."""
CURATED_BONUS = 0.3
"""The theater's own rows are the places its news is about (Ras al-Ayn the town, not one of
the villages of the same name)."""
FAR_DISTANCE_KM = 200.0
"""Distances to the article's places count up to this far."""
FAR_KM = 50.0
"""A village candidate this far from every sure place of the article is not trusted: the
article's village is likely one no gazetteer has (the mention stays unresolved, with the
far namesakes as candidates)."""
NEAR_KM = 30.0
"""A lone village this close to the article's sure places is sure too (the villages of one
report lie within about 30 km of each other)."""
LIST_MATES = 2
"""A name listed with this many sure places ("Ma'ar Shoreen, al-Za'lanah, Babeela, al-Dana")
is placed by them, not by the rest of the article: the villages of one list lie together."""
SAME_PLACE_KM = 3.0
"""Namesakes this close are one village recorded twice (GeoNames and Who's On First keep
near-duplicates): choosing between them is no guess."""
AMBIGUITY_MARGIN = 0.6
"""A namesake is chosen only when it scores this much above the next one (about 30 km nearer
the article's other places); otherwise the mention stays ambiguous, with its candidates."""
CURATED_SOURCES = frozenset({"theater", "override"})


_UNLIKE = {"city": "village", "village": "city"}
"""A namesake the text's own word rules out: news may call a town a city or a village, but
never a village a city or a city a village."""


def _pools(spans: list[Span], senses: list[bool], gazetteer: Gazetteer) -> list[list[Place]]:
    """The candidates of each span that fit what the text says of it."""
    pools = []
    for span, is_area in zip(spans, senses, strict=True):
        pool = [gazetteer[c] for c in span.candidates if gazetteer[c].is_area == is_area]
        if is_area and any(p.kind == "governorate" for p in pool):
            pool = [p for p in pool if p.kind == "governorate"]  # "Idlib countryside"
        if any(p.source == "override" for p in pool):
            pool = [p for p in pool if p.source == "override"]
        unlike = _UNLIKE.get(span.kind_hint, "")
        if unlike and any(p.kind != unlike for p in pool):
            pool = [p for p in pool if p.kind != unlike]  # "the border city of Ras al-Ain"
        pools.append(pool)
    return pools


SPELLING_KM = 40.0
"""A name the gazetteer knows only in another spelling is placed at a gazetteer place of the
same consonants this close to one of the article's sure places, and nowhere else (a third of
it for a name of three consonants, which many villages share, a quarter for two: Lawf /
Luf)."""


def _near_spelling(span: Span, anchors: list[Place], gazetteer: Gazetteer,
                   admin_context: set[str] = frozenset()) -> list[Place]:
    """Gazetteer places spelled with the span's consonants near the article's sure places
    (`geo.names.loose_key`), nearest first; those in a governorate or district the article
    names first; several only when they are equally near and not one place recorded
    twice."""
    headed = headed_loose_key(span.surface)
    if headed is not None:  # "Abu Rasin" is spelled among names that start with Abu
        key = headed.split(" ", 1)[1]
        ids = gazetteer.loose_headed.get(headed, ())
    else:
        key = loose_key(span.surface)
        ids = gazetteer.loose.get(key, ())
    if not ids or not anchors:
        return []
    # (a head word that must match counts as one more consonant: "Tal Al-Tawqan" and "Tall
    # at Tukan" agree on more than t-k-n)
    telling = len(key.replace(" ", "")) + (headed is not None)
    reach = SPELLING_KM / {2: 4, 3: 3}.get(telling, 1)
    near = []
    for place in (gazetteer[i] for i in ids):
        distance = min(haversine_km(place.lat, place.lon, a.lat, a.lon) for a in anchors)
        if distance <= reach:
            near.append((distance, place))
    near.sort(key=lambda dp: dp[0])
    named = [dp for dp in near if _in_context(dp[1], admin_context)]
    near = named or near
    if len(near) > 1 and near[1][0] - near[0][0] > reach / 2:
        return [near[0][1]]
    first = near[0][1] if near else None
    if first is not None and all(haversine_km(first.lat, first.lon, p.lat, p.lon)
                                 <= SAME_PLACE_KM for _, p in near):
        return [first]
    return [p for _, p in near]


def _anchor(pool: list[Place]) -> Place | None:
    """The place a span surely names: its only candidate point, unless that is a village
    from a worldwide source (a namesake far away is as likely as the village meant)."""
    if len(pool) == 1 and not pool[0].is_area and pool[0].kind != "corridor" \
            and (pool[0].kind != "village" or pool[0].source in CURATED_SOURCES):
        return pool[0]
    return None


SURE_MARGIN = 0.8
"""A namesake chosen by this margin is sure enough to guide the others (second pass)."""


def _ranked(span: Span, pool: list[Place], anchors: list[Place], admin_context: set[str]
            ) -> list[tuple[float, Place]]:
    scores = [(_score(p, span=span, anchors=anchors, admin_context=admin_context,
                      ambiguous=len(pool) > 1), p) for p in pool]
    return sorted(scores, key=lambda sp: -sp[0])


def _nearest_km(place: Place, anchors: list[Place]) -> float:
    return min((haversine_km(place.lat, place.lon, a.lat, a.lon) for a in anchors),
               default=0.0)


def _in_context(place: Place, admin_context: set[str]) -> bool:
    return bool({place.admin1, place.admin2} & admin_context - {""})


def _paragraphs(text: str, spans: list[Span]) -> list[int]:
    """The paragraph (blank-line separated) each span stands in: the items of a daily digest
    are about different fronts."""
    breaks = [m.start() for m in re.finditer(r"\n\s*\n", text)]
    return [bisect_right(breaks, span.start) for span in spans]


class _Anchors:
    """The sure places of an article, each counted once, for the other spans to lean on.

    A span is no anchor for itself; a place named many times is one anchor (a page that
    repeats a name ten thousand times costs no more than one that names it once).
    """

    def __init__(self, places: list[Place | None], paragraphs: list[int]) -> None:
        self.places, self.paragraphs = places, paragraphs
        self.unique = {p.place_id: p for p in places if p is not None}
        self.count: Counter[tuple[int | None, str]] = Counter()
        for place, paragraph in zip(places, paragraphs, strict=True):
            if place is not None:
                self.count[(None, place.place_id)] += 1
                self.count[(paragraph, place.place_id)] += 1
        self._memo: dict[tuple[int | None, str | None], list[Place]] = {}

    def _around(self, paragraph: int | None, own: Place | None) -> list[Place]:
        key = (paragraph, own.place_id if own is not None else None)
        if key not in self._memo:
            self._memo[key] = [
                place for place_id, place in self.unique.items()
                if self.count[(paragraph, place_id)] > (1 if own is not None
                                                        and own.place_id == place_id else 0)]
        return self._memo[key]

    def others(self, index: int) -> list[Place]:
        """The sure places of the other spans of the article."""
        return self._around(None, self.places[index])

    def beside(self, index: int) -> list[Place]:
        """The sure places of the other spans of the same paragraph."""
        return self._around(self.paragraphs[index], self.places[index])


def _sure_places(spans: list[Span], pools: list[list[Place]], anchors: list[Place | None],
                 admin_context: set[str], paragraphs: list[int]) -> list[Place | None]:
    """The anchors, plus the point each other span names clearly given them: a lone village
    near the anchors of its paragraph (or in a paragraph without any), or the namesake that
    wins by `SURE_MARGIN`."""
    sure = list(anchors)
    known = _Anchors(anchors, paragraphs)
    ranked_memo: dict[tuple, list[tuple[float, Place]]] = {}
    lone = []
    for index, (span, pool) in enumerate(zip(spans, pools, strict=True)):
        points = [p for p in pool if not p.is_area and p.kind != "corridor"]
        if sure[index] is not None or not points or len(points) < len(pool):
            continue
        if len(points) == 1:
            lone.append(index)
            continue
        key = (span.key, span.kind_hint, tuple(p.place_id for p in pool))
        if key not in ranked_memo:
            ranked_memo[key] = _ranked(span, pool, known.others(index), admin_context)
        ranked = ranked_memo[key]
        best, others = ranked[0][1], known.others(index)
        if ranked[0][0] - ranked[1][0] >= SURE_MARGIN and (
                best.kind != "village" or best.source in CURATED_SOURCES or not others
                or _nearest_km(best, others) <= FAR_KM):
            sure[index] = best  # (a village far from every sure place guides nothing)
    # Lone villages last, against every place made sure above: in "the villages of
    # Sharakrak, Mushayrifah and Dardarah near Tell Tamr", Tell Tamr (a town with far
    # namesake villages) is sure before Sharakrak is judged near it or not.
    known = _Anchors(sure, paragraphs)
    for index in lone:
        (point,) = pools[index]
        near = known.beside(index)
        if not near or _nearest_km(point, near) <= NEAR_KM:
            sure[index] = point
    return sure


def _at(place: Place, span: Span, document: Document, sentence: str, method: str,
        score: float = 0.5) -> Mention:
    return Mention(doc_id=document.doc_id, start=span.start, end=span.end, surface=span.surface,
                   place_id=place.place_id, name=place.name, kind=place.kind, lat=place.lat,
                   lon=place.lon, score=score, method=method, sentence=sentence)


def resolve(document: Document, spans: list[Span], gazetteer: Gazetteer) -> list[Mention]:
    """Turn the spans of one document into mentions (see the module docstring)."""
    text = document.body
    groups = _lists(text, spans)  # the lists of the text, found once for every rule
    senses = area_senses(text, spans, gazetteer, groups)
    sentences = SentenceIndex(text)
    pools = _pools(spans, senses, gazetteer)
    admin_context = {
        area for pool, is_area in zip(pools, senses, strict=True) if is_area and len(pool) == 1
        for area in (pool[0].admin1, pool[0].admin2) if area
    }
    # Two passes: the spans with one candidate place the others; those placed by a clear
    # margin then help place the rest. A dateline is where the reporter files from.
    paragraphs = _paragraphs(text, spans)
    anchors = _Anchors(_sure_places(spans, pools, [
        None if _is_dateline(text, span) else _anchor(pool)
        for span, pool in zip(spans, pools, strict=True)], admin_context, paragraphs),
        paragraphs)
    ranked_memo: dict[tuple, list[tuple[float, Place]]] = {}
    spelled_memo: dict[tuple[str, int], list[Place]] = {}
    directions = _directions(text, spans)

    def spelled(span: Span, near: list[Place]) -> list[Place]:
        key = (loose_key(span.surface), id(near))
        if key not in spelled_memo:
            spelled_memo[key] = _near_spelling(span, near, gazetteer, admin_context)
        return spelled_memo[key]

    listed_with: dict[int, list[Place]] = {}
    for group in groups:
        for i in group:
            mates = {p.place_id: p for j in group if j != i and spans[j].key != spans[i].key
                     for p in [anchors.places[j]] if p is not None}
            listed_with[i] = list(mates.values())
    by_paragraph: dict[int, list[int]] = defaultdict(list)
    for index, paragraph in enumerate(paragraphs):
        by_paragraph[paragraph].append(index)

    def _unless_near_mates(best: Place, index: int, others: list[Place]) -> list[Place]:
        """The article's sure places, to judge a candidate in a paragraph that has none,
        unless a candidate of another name of its paragraph lies near it ("the Al-Shuhail
        and Busairah areas": two namesakes that agree place each other)."""
        mates = [p for j in by_paragraph[paragraphs[index]] if spans[j].key != spans[index].key
                 for p in pools[j] if not p.is_area and p.kind != "corridor"]
        return [] if mates and _nearest_km(best, mates) <= NEAR_KM else others

    mentions = []
    for index, (span, pool) in enumerate(zip(spans, pools, strict=True)):
        sentence = sentences.at(span.start)
        unresolved = {"doc_id": document.doc_id, "start": span.start, "end": span.end,
                      "surface": span.surface, "place_id": None, "name": span.surface,
                      "lat": None, "lon": None, "sentence": sentence}
        listed = listed_with.get(index, [])
        others = listed if len(listed) >= LIST_MATES else anchors.others(index)
        origin = anchors.places[directions[index][0]] if index in directions else None
        points = [p for p in pool if not p.is_area and p.kind != "corridor"]
        directed = origin is not None and len(points) > 1
        if directed:
            # "north of Tel Tamer": among namesakes, those that lie there (or, the reporter's
            # compass being loose, at least near there); none near, none of them is meant
            km = {p.place_id: haversine_km(origin.lat, origin.lon, p.lat, p.lon) for p in points}
            near = [p for p in points if km[p.place_id] <= DIRECTION_KM]
            fitting = [p for p in near if km[p.place_id] <= BESIDE_KM
                       or _lies(p, origin, directions[index][1])] or near
            if not fitting:
                mentions.append(Mention(
                    **unresolved, kind=points[0].kind, score=0.0, method="direction",
                    candidates=" ".join(p.place_id for p in points)))
                continue
            pool = [p for p in pool if p not in points] + fitting
        if _DISTRICT_AFTER.match(text, span.end) and not any(p.is_area for p in pool):
            # "the ‘Ayn ‘Issa District": an area no gazetteer has, not the town of its name
            mentions.append(Mention(
                **unresolved, kind="district", score=0.0, method="unknown area",
                candidates=" ".join(p.place_id for p in points)))
            continue
        if not pool and not span.candidates and (
                span.kind_hint != "facility" or span.cue.endswith(("post", "point"))):
            # (a post or point is named after the village it stands in, "the Tal Al-Tawqan
            # point"; silos, dams and bases are not). The places of its own paragraph first
            # (a digest's paragraphs are about different fronts), then the article's.
            here = anchors.beside(index)
            near = spelled(span, here) if here else []
            if len(near) != 1:
                near = spelled(span, others)
            if len(near) == 1:
                mentions.append(_at(near[0], span, document, sentence, "gazetteer+spelling"))
                continue
            if near and span.cue not in TENTATIVE_CUES:
                mentions.append(Mention(
                    **unresolved, kind=span.kind_hint or "unknown", score=0.0,
                    method="ambiguous", candidates=" ".join(p.place_id for p in near)))
                continue
        if not span.candidates and span.cue in TENTATIVE_CUES:
            continue  # "in Geneva": not a place of the theater's gazetteer near the others
        if not pool:
            mentions.append(Mention(
                **unresolved, kind=span.kind_hint or "unknown", score=0.0,
                method=f"cue:{span.cue}" if span.cue else "unmatched"))
            continue
        memo_key = (span.key, span.kind_hint, tuple(p.place_id for p in pool),
                     id(others))
        if memo_key not in ranked_memo:
            ranked_memo[memo_key] = _ranked(span, pool, others, admin_context)
        scores = ranked_memo[memo_key]
        best_score, best = scores[0]
        if len(listed) >= LIST_MATES and best.kind != "city" \
                and _nearest_km(best, listed) > FAR_KM:
            # "Ma'ar Shoreen, Babeela, al-Dana, al-Hamidiah": the al-Dana among them, not
            # the town of al-Dana 60 km away
            among = [p for _, p in scores if _nearest_km(p, listed) <= NEAR_KM]
            if among and all(haversine_km(among[0].lat, among[0].lon, p.lat, p.lon)
                             <= SAME_PLACE_KM for p in among):
                mentions.append(_at(among[0], span, document, sentence, "gazetteer+list"))
                continue
        beside = (others if len(listed) >= LIST_MATES else anchors.beside(index)) \
            or _unless_near_mates(best, index, others)
        if best.kind == "village" and best.source not in CURATED_SOURCES and beside \
                and not directed and _nearest_km(best, beside) > FAR_KM \
                and (len(listed) >= LIST_MATES or not _in_context(best, admin_context)):
            # The gazetteer's villages of that name are all far from the article's places:
            # the one meant is likely spelled another way near them, or not in a gazetteer.
            near = spelled(span, beside)
            if len(near) == 1:
                mentions.append(_at(near[0], span, document, sentence, "gazetteer+spelling"))
            else:
                mentions.append(Mention(
                    **unresolved, kind=best.kind, score=0.0, method="far",
                    candidates=" ".join(p.place_id for _, p in scores)))
            continue
        if best.kind == "village" and best.source not in CURATED_SOURCES and beside \
                and not directed and _nearest_km(best, beside) > NEAR_KM:
            # An exact namesake 40 km off, and the same consonants 10 km off: the nearer
            # one is meant (Qamhana "southeast of Saraqib" is the Qumhanah beside it).
            near = [p for p in spelled(span, beside) if p.place_id != best.place_id]
            if len(near) == 1 and _nearest_km(near[0], beside) * 3 < _nearest_km(best, beside):
                mentions.append(_at(near[0], span, document, sentence, "gazetteer+spelling"))
                continue
        if len(scores) > 1 and best.source not in CURATED_SOURCES \
                and best_score - scores[1][0] < AMBIGUITY_MARGIN and any(
                    haversine_km(best.lat, best.lon, p.lat, p.lon) > SAME_PLACE_KM
                    for s, p in scores[1:] if best_score - s < AMBIGUITY_MARGIN):
            close = [p for s, p in scores if best_score - s < AMBIGUITY_MARGIN]
            mentions.append(Mention(
                **unresolved, kind=best.kind, score=0.0, method="ambiguous",
                candidates=" ".join(p.place_id for p in close)))
            continue
        if len(scores) > 1:
            weights = [math.exp(s - best_score) for s, _ in scores]
            confidence = 1.0 / sum(weights)
            method = "gazetteer+context"
        elif len(pool) < len(span.candidates):  # the text chose between area and point
            confidence, method = 1.0, "gazetteer+sense"
        else:
            confidence, method = 1.0, "gazetteer"
        mentions.append(_at(best, span, document, sentence, method, round(confidence, 3)))
    mentions = _spelled_beside_list_mates(document, spans, groups, mentions, gazetteer,
                                          admin_context, sentences)
    return _aliases(spans, mentions, gazetteer)


def _aliases(spans: list[Span], mentions: list[Mention], gazetteer: Gazetteer
             ) -> list[Mention]:
    """"Ras al-Ain, known to Kurds as Sari Kani": the other name is the place before it;
    after anything else ("the offensive, known as Operation Peace Spring") it is no place."""
    by_start = {m.start: k for k, m in enumerate(mentions)}
    dropped: set[int] = set()
    for i, span in enumerate(spans):
        k = by_start.get(span.start)
        if span.kind_hint != "alias" or k is None:
            continue
        before = by_start.get(spans[i - 1].start) if i else None
        if before is None or span.start - spans[i - 1].end > ALIAS_GAP:
            dropped.add(k)
            continue
        if mentions[k].place_id or mentions[before].place_id is None:
            continue
        place = gazetteer[mentions[before].place_id]
        mentions[k] = replace(mentions[k], place_id=place.place_id, name=place.name,
                              kind=place.kind, lat=place.lat, lon=place.lon, score=0.9,
                              method="alias", candidates="")
    return [m for k, m in enumerate(mentions) if k not in dropped]


ALIAS_GAP = 40
"""Characters between a place and ", known to Kurds as" its other name."""


def _spelled_beside_list_mates(document: Document, spans: list[Span], groups: list[list[int]],
                               mentions: list[Mention], gazetteer: Gazetteer,
                               admin_context: set[str], sentences: SentenceIndex
                               ) -> list[Mention]:
    """Names no gazetteer spells, placed by their consonants beside the places of their own
    list: in "targeted locations in al-Ftera and Sfuhen", Sfuhen placed (Safuhun) places
    al-Ftera at the Fatirah 2 km from it, though both lie beyond the reach of the article's
    other places."""
    by_start = {m.start: k for k, m in enumerate(mentions)}
    added: list[Mention] = []
    for group in groups:
        mates = [gazetteer[mentions[by_start[spans[i].start]].place_id] for i in group
                 if spans[i].start in by_start and mentions[by_start[spans[i].start]].place_id]
        mates = [p for p in mates if not p.is_area and p.kind != "corridor"]
        if not mates:
            continue
        for i in group:
            span, k = spans[i], by_start.get(spans[i].start)
            if span.candidates or span.kind_hint == "facility" or (
                    k is not None and (mentions[k].place_id or mentions[k].candidates)):
                continue
            if k is None and span.cue not in TENTATIVE_CUES:
                continue
            near = _near_spelling(span, mates, gazetteer, admin_context)
            if len(near) != 1:
                continue
            found = _at(near[0], span, document, sentences.at(span.start), "gazetteer+spelling")
            if k is None:
                added.append(found)
            else:
                mentions[k] = found
    return sorted([*mentions, *added], key=lambda m: m.start) if added else mentions
