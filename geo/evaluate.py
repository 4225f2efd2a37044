"""Score the pipeline against annotated articles (the ``seeds_gold.json`` format).

Claims are scored by `score_claims` (its docstring gives the matching rules).

Matching rules for toponyms, per article:

- a gold toponym is *found* when a mention overlaps any occurrence of its surface string in
  the article body, ignoring case (so "M4" inside "M4 highway", and an ALEPPO dateline for
  "Aleppo", count);
- the place a surface was resolved to is the most frequent place among those mentions;
- *location*: a gold point is correct within 5 km (and 161 km) of the resolved point; a
  gold governorate is correct when resolved to that governorate's area; a gold highway when
  resolved to that corridor; a gold place without sourced coordinates is correct only when
  left unresolved (never presented as exact);
- *precision*: among the distinct surfaces the pipeline reports, the share that overlap a
  gold surface;
- a *comment leak* is a place of the article's ``comment_only_places`` reported for it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.claims import ACTION_CLASSES, Claim, extract_claims
from geo.errors import InputError
from geo.factions import Factions
from geo.gazetteer import Gazetteer, haversine_km
from geo.ingest import IngestFailure, read_file
from geo.models import Document, Mention
from geo.names import name_key, same_name
from geo.places import geocode_document

UNSCORED_CLASSES = frozenset({"contact", "location"})
"""Action classes the gold annotations do not code: left out of claim scoring on both sides."""


@dataclass(frozen=True)
class GoldArticle:
    """One annotated article: its document and gold annotations."""

    article_id: str
    document: Document
    toponyms: list[dict[str, Any]]
    comment_only: list[str]
    claims: list[dict[str, Any]] = field(default_factory=list)


def load_gold(path: Path) -> list[GoldArticle]:
    """Read a gold file; article paths are relative to the gold file.

    Raises
    ------
    InputError
        When the file is not valid gold JSON or names an article that cannot be read.
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        entries = raw["articles"]
    except FileNotFoundError:
        raise InputError(path, "file not found", "give the path of a gold JSON file") from None
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InputError(path, f"not a gold file ({exc})",
                         'use the seeds_gold.json format: {"articles": [...]}') from None
    articles = []
    for number, entry in enumerate(entries):
        article_path = (path.parent / entry["file"]).resolve()
        results = list(read_file(article_path))
        failure = next((r for r in results if isinstance(r, IngestFailure)), None)
        if failure is not None or not results:
            reason = failure.message if failure else "no document"
            raise InputError(path, f"article {number} ({entry['file']!r}) unreadable: {reason}",
                             "fix the article path (it is relative to the gold file)")
        document = results[0]
        if entry.get("published") and document.published is None:
            from geo.ingest import parse_date

            published = parse_date(entry["published"], path=path, field="published")
            document = Document(**{**document.__dict__, "published": published})
        articles.append(GoldArticle(
            article_id=str(entry.get("id", number)), document=document,
            toponyms=list(entry.get("toponyms", [])),
            comment_only=list(entry.get("comment_only_places", [])),
            claims=list(entry.get("claims", []))))
    return articles


def _occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    """Spans of ``surface`` in ``text``, ignoring case (a dateline writes ALEPPO)."""
    haystack, needle = text.casefold(), surface.casefold()
    spans, start = [], haystack.find(needle)
    while start >= 0:
        spans.append((start, start + len(needle)))
        start = haystack.find(needle, start + 1)
    return spans


def _location_correct(gold: dict[str, Any], mention_place: str | None, gazetteer: Gazetteer,
                      km: float) -> bool:
    if gold.get("lat") is not None:
        if mention_place is None:
            return False
        place = gazetteer[mention_place]
        if place.kind in ("governorate", "corridor"):
            return False
        return haversine_km(place.lat, place.lon, gold["lat"], gold["lon"]) <= km
    kind = gold.get("type", "")
    if kind == "governorate":
        if mention_place is None:
            return False
        place = gazetteer[mention_place]
        canonical = gold.get("canonical", "").replace(" Governorate", "")
        return place.kind == "governorate" and name_key(place.admin1) == name_key(canonical)
    if kind == "highway":
        return mention_place is not None and gazetteer[mention_place].name == gold.get("canonical")
    return mention_place is None


def score_toponyms(articles: list[GoldArticle], gazetteer: Gazetteer,
                   mentions: dict[str, list[Mention]] | None = None) -> dict[str, Any]:
    """Toponym recall, precision and location accuracy over gold articles.

    Parameters
    ----------
    mentions
        Mentions per article id; computed with `geocode_document` when omitted.
    """
    totals = Counter()
    misses, wrong, false_positives, leaks = [], [], [], []
    for article in articles:
        body = article.document.body
        found_mentions = (mentions or {}).get(article.article_id)
        if found_mentions is None:
            found_mentions = geocode_document(article.document, gazetteer)
        gold_spans: list[tuple[int, int]] = []
        for gold in article.toponyms:
            spans = _occurrences(body, gold["surface"])
            gold_spans += spans
            hits = [m for m in found_mentions
                    if any(m.start < end and start < m.end for start, end in spans)]
            totals["gold"] += 1
            has_point = gold.get("lat") is not None
            totals["gold_points"] += has_point
            if not hits:
                misses.append(f"{article.article_id}: {gold['surface']!r}")
                continue
            totals["found"] += 1
            place_id = Counter(m.place_id for m in hits).most_common(1)[0][0]
            ok5 = _location_correct(gold, place_id, gazetteer, 5.0)
            totals["correct_5km"] += ok5
            totals["correct_161km"] += _location_correct(gold, place_id, gazetteer, 161.0)
            totals["found_points"] += has_point
            if not ok5:
                got = gazetteer[place_id].name if place_id else "unresolved"
                wrong.append(f"{article.article_id}: {gold['surface']!r} -> {got} "
                             f"(gold {gold.get('canonical')})")
        reported = {}
        for m in found_mentions:
            reported.setdefault(m.surface, []).append(m)
        for surface, items in reported.items():
            totals["predicted"] += 1
            if any(m.start < end and start < m.end for m in items for start, end in gold_spans):
                totals["true_positive"] += 1
            else:
                false_positives.append(f"{article.article_id}: {surface!r}")
        gold_names = [g["surface"] for g in article.toponyms] + \
                     [g.get("canonical", "") for g in article.toponyms]
        for name in article.comment_only:
            if any(same_name(name, g) for g in gold_names if g):
                continue
            if any(same_name(name, m.surface) or same_name(name, m.name) for m in found_mentions):
                leaks.append(f"{article.article_id}: {name!r}")

    def ratio(a: str, b: str) -> float | None:
        return round(totals[a] / totals[b], 4) if totals[b] else None

    return {
        "articles": len(articles),
        "gold": totals["gold"], "found": totals["found"], "recall": ratio("found", "gold"),
        "predicted": totals["predicted"], "true_positive": totals["true_positive"],
        "precision": ratio("true_positive", "predicted"),
        "accuracy_5km": ratio("correct_5km", "found"),
        "accuracy_161km": ratio("correct_161km", "found"),
        "correct_5km": totals["correct_5km"],
        "misses": misses, "wrong": wrong, "false_positives": false_positives,
        "comment_leaks": leaks,
    }


def _same_place(gold_place: str, claim: Claim) -> bool:
    base = gold_place.split(" (")[0]
    return same_name(base, claim.place_name) or same_name(gold_place, claim.place_name)


def _date_ok(gold: dict[str, Any], claims: list[Claim]) -> bool:
    wanted = {gold.get("date"), gold.get("date_alt")} - {None}
    low, high = (gold.get("date_range") or [None, None])
    for claim in claims:
        day = claim.event_date.isoformat() if claim.event_date else None
        if day in wanted or (low and day and low <= day <= high):
            return True
    return False


def score_claims(articles: list[GoldArticle], gazetteer: Gazetteer, factions: Factions
                 ) -> dict[str, Any]:
    """Claim precision and recall on (place, controller, action class), and dates.

    A gold claim is found when some extracted claim of its article has the same place
    (spelling variants allowed), the same controller and the same action class (see
    `geo.claims.ACTION_CLASSES`). Precision counts the extracted claims that match some
    gold claim. Contact claims (shelling, attack, fire_control) and location claims (along a
    corridor) are left out on both sides (`UNSCORED_CLASSES`): they say nothing about who
    holds a place, and the gold annotations do not code them. Among found gold claims, the
    date is right when a matching claim has the gold date, its ``date_alt``, or a day inside
    its ``date_range``; negation and hedging are right when a matching claim has the same
    flag.
    """
    totals = Counter()
    misses, false_positives, wrong_dates = [], [], []
    for article in articles:
        mentions = geocode_document(article.document, gazetteer)
        extracted = [c for c in extract_claims(article.document, mentions, factions)
                     if c.action_class not in UNSCORED_CLASSES]

        def matches(gold: dict[str, Any], claim: Claim) -> bool:
            return (_same_place(gold["place"], claim) and claim.controller == gold["controller"]
                    and claim.action_class == ACTION_CLASSES.get(gold["action"], "?"))

        for gold in article.claims:
            totals["gold"] += 1
            hits = [c for c in extracted if matches(gold, c)]
            label = (f"{article.article_id}: {gold['place']} {gold['controller']} "
                     f"{gold['action']} {gold.get('date')}")
            if not hits:
                misses.append(label)
                continue
            totals["found"] += 1
            if _date_ok(gold, hits):
                totals["date_ok"] += 1
            else:
                wrong_dates.append(f"{label} -> {sorted({str(c.event_date) for c in hits})}")
            totals["negated_gold"] += bool(gold.get("negated"))
            totals["negated_ok"] += bool(gold.get("negated")) and any(c.negated for c in hits)
            totals["hedged_gold"] += bool(gold.get("hedged"))
            totals["hedged_ok"] += bool(gold.get("hedged")) and any(c.hedged for c in hits)
        for claim in extracted:
            totals["extracted"] += 1
            if any(matches(g, claim) for g in article.claims):
                totals["correct"] += 1
            else:
                false_positives.append(f"{article.article_id}: {claim.place_name} "
                                       f"{claim.controller} {claim.action} {claim.event_date}")

    def ratio(a: str, b: str) -> float | None:
        return round(totals[a] / totals[b], 4) if totals[b] else None

    return {
        "gold": totals["gold"], "found": totals["found"], "recall": ratio("found", "gold"),
        "extracted": totals["extracted"], "correct": totals["correct"],
        "precision": ratio("correct", "extracted"),
        "date_exact": ratio("date_ok", "found"),
        "negated": f"{totals['negated_ok']}/{totals['negated_gold']}",
        "hedged": f"{totals['hedged_ok']}/{totals['hedged_gold']}",
        "misses": misses, "false_positives": false_positives, "wrong_dates": wrong_dates,
    }


def evaluate(gold_path: Path, gazetteer: Gazetteer, factions: Factions | None = None
             ) -> dict[str, Any]:
    """Full evaluation report for a gold file (JSON-serialisable)."""
    from geo.factions import load_factions

    articles = load_gold(gold_path)
    return {"gold": str(gold_path), "toponyms": score_toponyms(articles, gazetteer),
            "claims": score_claims(articles, gazetteer, factions or load_factions())}
