"""How far two annotators of the same articles agree (inter-annotator agreement).

Both readers' gold files are read with `geo.gold.load_gold`; only articles both annotated
(by article id) are compared. The figures are symmetric F1 scores:

- **toponyms**: surfaces, compared ignoring case; among the surfaces both listed, the share
  located alike (both points within 5 km of each other, or both without coordinates and of
  the same type);
- **claims**: matched one-to-one (`geo.evaluate.one_to_one`) when they are about the same
  place (a surface both readers give for it, or the same folded name), their controllers
  agree (accept lists and joint holders honoured both ways), their action class and
  negation are the same and their evidence sentences overlap. Among matched claims: the
  share with the same action, the same date (same day, or overlapping ranges when neither
  gives a day), the same hedging and the same near-place flag.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from geo.evaluate import one_to_one
from geo.gazetteer import haversine_km
from geo.gold import GoldArticle, GoldClaim, GoldToponym, load_gold
from geo.names import same_name

SAME_POINT_KM = 5.0


def _f1(matched: int, first: int, second: int) -> float | None:
    return round(2 * matched / (first + second), 4) if first + second else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _same_location(a: GoldToponym, b: GoldToponym) -> bool:
    if a.lat is not None and b.lat is not None:
        return haversine_km(a.lat, a.lon, b.lat, b.lon) <= SAME_POINT_KM
    return a.lat is None and b.lat is None and a.kind == b.kind


def _surfaces(article: GoldArticle, place: str) -> set[str]:
    return {t.surface.casefold() for t in article.aliases(place)}


def _same_place(first: GoldArticle, a: GoldClaim, second: GoldArticle, b: GoldClaim) -> bool:
    return bool(_surfaces(first, a.place) & _surfaces(second, b.place)) or \
        same_name(a.place.split(" (")[0], b.place.split(" (")[0])


def _sides_agree(a: GoldClaim, b: GoldClaim) -> bool:
    if a.controller is None or b.controller is None:
        return a.controller == b.controller or a.action_class == "contested"
    return a.controller in b.controllers or b.controller in a.controllers


def _spans_overlap(a: GoldClaim, b: GoldClaim) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a.spans for s2, e2 in b.spans)


def _same_date(a: GoldClaim, b: GoldClaim) -> bool:
    days_a, days_b = {a.date, a.date_alt} - {None}, {b.date, b.date_alt} - {None}
    if days_a or days_b:
        return bool(days_a & days_b)
    if a.date_range and b.date_range:
        return a.date_range[0] <= b.date_range[1] and b.date_range[0] <= a.date_range[1]
    return a.date_range == b.date_range


def compare(first: list[GoldArticle], second: list[GoldArticle]) -> dict[str, Any]:
    """Agreement of ``second`` with ``first`` on the articles both annotated."""
    by_id = {a.article_id: a for a in first}
    shared = [(by_id[b.article_id], b) for b in second if b.article_id in by_id]
    totals: Counter[str] = Counter()
    differences: list[str] = []
    for a, b in shared:
        surfaces_a = {t.surface.casefold(): t for t in a.toponyms}
        surfaces_b = {t.surface.casefold(): t for t in b.toponyms}
        common = surfaces_a.keys() & surfaces_b.keys()
        totals["toponyms_first"] += len(surfaces_a)
        totals["toponyms_second"] += len(surfaces_b)
        totals["toponyms_both"] += len(common)
        for surface in sorted(common):
            if _same_location(surfaces_a[surface], surfaces_b[surface]):
                totals["toponyms_located_alike"] += 1
            else:
                differences.append(f"{a.article_id}: {surface!r} located differently")
        differences += [f"{a.article_id}: toponym {s!r} only in the first reading"
                        for s in sorted(surfaces_a.keys() - common)]
        differences += [f"{a.article_id}: toponym {s!r} only in the second reading"
                        for s in sorted(surfaces_b.keys() - common)]

        edges = {i: [j for j, cb in enumerate(b.claims)
                     if ca.action_class == cb.action_class and ca.negated == cb.negated
                     and _sides_agree(ca, cb) and _spans_overlap(ca, cb)
                     and _same_place(a, ca, b, cb)]
                 for i, ca in enumerate(a.claims)}
        pairs = one_to_one(edges)
        totals["claims_first"] += len(a.claims)
        totals["claims_second"] += len(b.claims)
        totals["claims_matched"] += len(pairs)
        for i, j in pairs.items():
            ca, cb = a.claims[i], b.claims[j]
            totals["same_action"] += ca.action == cb.action
            totals["same_date"] += _same_date(ca, cb)
            totals["same_hedged"] += ca.hedged == cb.hedged
            totals["same_near"] += ca.near_place == cb.near_place
        paired = set(pairs.values())
        differences += [f"{a.article_id}: claim only in the first reading: {c.place} "
                        f"{c.controller} {c.action}{' negated' if c.negated else ''}"
                        for i, c in enumerate(a.claims) if i not in pairs]
        differences += [f"{a.article_id}: claim only in the second reading: {c.place} "
                        f"{c.controller} {c.action}{' negated' if c.negated else ''}"
                        for j, c in enumerate(b.claims) if j not in paired]
    matched = totals["claims_matched"]
    return {
        "articles": len(shared),
        "toponyms": {"first": totals["toponyms_first"], "second": totals["toponyms_second"],
                     "both": totals["toponyms_both"],
                     "f1": _f1(totals["toponyms_both"], totals["toponyms_first"],
                               totals["toponyms_second"]),
                     "located_alike": _share(totals["toponyms_located_alike"],
                                             totals["toponyms_both"])},
        "claims": {"first": totals["claims_first"], "second": totals["claims_second"],
                   "matched": matched,
                   "f1": _f1(matched, totals["claims_first"], totals["claims_second"]),
                   "same_action": _share(totals["same_action"], matched),
                   "same_date": _share(totals["same_date"], matched),
                   "same_hedged": _share(totals["same_hedged"], matched),
                   "same_near_place": _share(totals["same_near"], matched)},
        "differences": differences,
    }


def agreement(first: list[Path], second: Path, *, factions: frozenset[str] | None = None
              ) -> dict[str, Any]:
    """Read the first reader's gold files and the second reader's file, and compare them."""
    articles = [a for path in first for a in load_gold(path, factions=factions)]
    return compare(articles, load_gold(second, factions=factions))
