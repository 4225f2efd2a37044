"""Resolve each toponym span to one gazetteer place, or leave it unresolved.

Area or point. A governorate shares its name with its seat city ("Idlib", "Aleppo"). A
mention means the governorate when the text marks it ("Idlib province", "the province of
Idlib", "the Raqqa countryside", "the governorates of al-Hasakah, Raqqa and Aleppo") and
the city when the text marks that ("the city of Idlib", "near Aleppo", "west of Aleppo",
an ALEPPO dateline, "Aleppo-Damascus"). Unmarked mentions follow the article: if it marks
the governorate and never the city, they mean the governorate (one sense per discourse).
Places listed together ("al-Hasakah, Raqqa and Aleppo") are of one type. Otherwise a bare
name is the city.

Among same-named points the score prefers: analyst overrides and the theater supplement
over GeoNames; the kind a cue names ("the village of X"); larger places; places in a
governorate the article names; and, most strongly, places near the article's unambiguous
places (up to -4 points at 200 km, so an article about Azaz and Mare' puts "Suran" at the
Suran near Azaz, not the larger Suran in Hama).

Names found only by a cue phrase have no candidates: they come out unresolved (method
``cue``), with no coordinates. Nothing is guessed.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from geo.extract import SentenceIndex
from geo.gazetteer import SOURCE_RANK, Gazetteer, haversine_km
from geo.models import Document, Mention, Place, Span

_GOV_AFTER = re.compile(r"^(?:['’]s)?\s+(?:province|governorate|countryside|countrysides)\b",
                        re.IGNORECASE)
_GOV_BEFORE = re.compile(
    r"\b(?:provinces?|governorates?|countryside)\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_CITY_BEFORE = re.compile(
    r"(?:\b(?:city|town|outskirts|cent(?:er|re)|suburbs?|streets?|neighbou?rhoods?|districts?|"
    r"gates|heart)\s+of\s+(?:the\s+)?|\b(?:near|outside|around)\s+|"
    r"\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s+)$",
    re.IGNORECASE,
)
_CITY_AFTER = re.compile(r"^\s+(?:city|town)\b", re.IGNORECASE)
_DATELINE_AFTER = re.compile(r"^\s*(?:[–—-]|,\s*[A-Z])")
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s+and|,?\s+or|&)\s*$")
FACILITY_KINDS = frozenset({"facility", "dam", "airbase", "crossing"})
_KIND_BONUS = {"city": 0.6, "town": 0.5, "airbase": 0.4, "dam": 0.4, "crossing": 0.4,
               "facility": 0.4, "village": 0.3, "region": 0.3, "corridor": 0.5}


def _explicit_sense(text: str, span: Span, spans: list[Span], index: int) -> str | None:
    """``"area"``, ``"point"`` or None when the text around the span does not say."""
    before = text[max(0, span.start - 40):span.start]
    after = text[span.end:span.end + 30]
    if _GOV_AFTER.match(after) or _GOV_BEFORE.search(before):
        return "area"
    if span.cue in ("city", "town", "village", "outskirts") or _CITY_BEFORE.search(before) \
            or _CITY_AFTER.match(after):
        return "point"
    line_start = text.rfind("\n", 0, span.start) + 1
    if span.surface.isupper() and not text[line_start:span.start].strip() \
            and _DATELINE_AFTER.match(after):
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


def area_senses(text: str, spans: list[Span], gazetteer: Gazetteer) -> list[bool]:
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
    for members in by_area.values():
        senses = {explicit[i] for i in members}
        if "area" in senses and "point" not in senses:
            for i in members:
                area[i] = True
    for group in _lists(text, spans):
        if any(area[i] and has_province[i] for i in group):
            for i in group:
                if has_province[i] and explicit[i] is None:
                    area[i] = True
    return area


def _score(place: Place, *, span: Span, anchors: list[Place], admin_context: set[str],
           ambiguous: bool) -> float:
    score = 0.5 * SOURCE_RANK.get(place.source, 0) + _KIND_BONUS.get(place.kind, 0.2)
    score += 0.05 * math.log10(place.population + 1)
    if span.kind_hint and span.kind_hint == place.kind:
        score += 0.3
    if ambiguous:
        if place.admin1 and place.admin1 in admin_context:
            score += 0.5
        others = [a for a in anchors if a.place_id != place.place_id]
        if others:
            nearest = min(haversine_km(place.lat, place.lon, a.lat, a.lon) for a in others)
            score -= min(nearest, 200.0) / 50.0
    return score


def resolve(document: Document, spans: list[Span], gazetteer: Gazetteer) -> list[Mention]:
    """Turn the spans of one document into mentions (see the module docstring)."""
    text = document.body
    senses = area_senses(text, spans, gazetteer)
    sentences = SentenceIndex(text)
    anchors = [
        gazetteer[s.candidates[0]] for s in spans
        if len(s.candidates) == 1 and gazetteer[s.candidates[0]].kind not in ("governorate",
                                                                               "corridor")
    ]
    admin_context = {
        gazetteer[c].admin1 for s, is_area in zip(spans, senses, strict=True) if is_area
        for c in s.candidates if gazetteer[c].is_area
    }
    mentions = []
    for span, is_area in zip(spans, senses, strict=True):
        sentence = sentences.at(span.start)
        pool = [gazetteer[c] for c in span.candidates if gazetteer[c].is_area == is_area]
        if is_area and any(p.kind == "governorate" for p in pool):
            pool = [p for p in pool if p.kind == "governorate"]  # "Idlib countryside"
        if any(p.source == "override" for p in pool):
            pool = [p for p in pool if p.source == "override"]
        if span.kind_hint == "facility" and not any(p.kind in FACILITY_KINDS for p in pool):
            pool = []  # "the Sharakrak silos" are not the village of Sharakrak
        if not pool:
            mentions.append(Mention(
                doc_id=document.doc_id, start=span.start, end=span.end, surface=span.surface,
                place_id=None, name=span.surface, kind=span.kind_hint or "unknown", lat=None,
                lon=None, score=0.0, method=f"cue:{span.cue}" if span.cue else "unmatched",
                sentence=sentence))
            continue
        scores = [(_score(p, span=span, anchors=anchors, admin_context=admin_context,
                          ambiguous=len(pool) > 1), p) for p in pool]
        scores.sort(key=lambda sp: -sp[0])
        best_score, best = scores[0]
        if len(scores) > 1:
            weights = [math.exp(s - best_score) for s, _ in scores]
            confidence = 1.0 / sum(weights)
            method = "gazetteer+context"
        elif len(pool) < len(span.candidates):  # the text chose between area and point
            confidence, method = 1.0, "gazetteer+sense"
        else:
            confidence, method = 1.0, "gazetteer"
        mentions.append(Mention(
            doc_id=document.doc_id, start=span.start, end=span.end, surface=span.surface,
            place_id=best.place_id, name=best.name, kind=best.kind, lat=best.lat, lon=best.lon,
            score=round(confidence, 3), method=method, sentence=sentence))
    return mentions
