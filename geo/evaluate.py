"""Score the pipeline against gold annotations (`geo.gold`, ``docs/annotation.md``).

Toponyms, per article:

- a gold toponym is *found* when a mention overlaps any occurrence of its surface string in
  the article body, ignoring case (so "M4" inside "M4 highway", and an ALEPPO dateline for
  "Aleppo", count);
- the place a surface was resolved to is the most frequent place among those mentions; a
  name that only occurs inside a longer gold name ("Damascus" in "Aleppo-Damascus
  Highway") is also right when it resolved to the longer name's place; when the name also
  stands on its own, only those occurrences decide;
- *location*: a gold point is correct within 5 km (and 161 km) of the resolved point; a
  gold governorate (or district) is correct when resolved to that governorate's (district's)
  area, a district no gazetteer has when left unresolved; a gold highway when resolved to
  that corridor; a gold place without sourced coordinates is correct only when left
  unresolved (never presented as exact);
  *recall@5 km* is the share of gold toponyms found and correct within 5 km;
- *precision*: among the distinct surfaces the pipeline reports, the share that overlap a
  gold surface;
- a *comment leak* is a place of the article's ``comment_only_places`` reported for it;
- *unknown settlements reported*: among gold villages, towns and cities without sourced
  coordinates (no gazetteer has them, or several do), the share a mention covers (resolved,
  ambiguous, approximate or listed for review: not silently dropped);
- *false positives per 100 articles*: reported surfaces that overlap no gold surface.

Claims: see `score_claims`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from geo.claims import Claim, extract_claims
from geo.factions import Factions
from geo.gazetteer import Gazetteer, haversine_km
from geo.gold import GoldArticle, GoldClaim, GoldToponym, load_gold
from geo.models import Mention, Place
from geo.names import name_key, same_name
from geo.places import geocode_document

SCORED_CLASSES = ("change", "hold", "contested", "presence")
"""Action classes the gold codes. Contact (shelling, attack) and location (along a corridor)
say nothing about who holds a place: they are left out on both sides."""

PLACE_KM = 5.0
"""A claim's place is the gold place when its point lies this close to the gold point."""

SETTLEMENTS = frozenset({"city", "town", "village"})
"""Gold types counted as settlements: one no gazetteer has should still be reported."""


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# --- toponyms -------------------------------------------------------------------------------

def _occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    """Spans of ``surface`` in ``text``, ignoring case (a dateline writes ALEPPO)."""
    haystack, needle = text.casefold(), surface.casefold()
    spans, start = [], haystack.find(needle)
    while start >= 0:
        spans.append((start, start + len(needle)))
        start = haystack.find(needle, start + 1)
    return spans


def located(toponym: GoldToponym, place_id: str | None, gazetteer: Gazetteer, km: float) -> bool:
    """True when ``place_id`` is where the gold toponym says the place is.

    A point within ``km``; a governorate or highway by identity; a place without sourced
    coordinates only when left unresolved (``place_id`` None).
    """
    resolved = place_id is not None and place_id in gazetteer.places
    if toponym.lat is not None:
        if not resolved:
            return False
        place = gazetteer[place_id]
        return place.kind not in ("governorate", "corridor") and \
            haversine_km(place.lat, place.lon, toponym.lat, toponym.lon) <= km
    if toponym.kind == "governorate":
        if not resolved:
            return False
        place = gazetteer[place_id]
        canonical = toponym.canonical.replace(" Governorate", "")
        return place.kind == "governorate" and name_key(place.admin1) == name_key(canonical)
    if toponym.kind == "district":
        canonical = toponym.canonical.removesuffix(" district").removesuffix(" District")

        def named(place: Place) -> bool:
            return place.kind == "district" and any(
                same_name(canonical, n) for n in (place.name.removesuffix(" district"),
                                                  place.admin2, *place.alt_names))
        if not resolved:  # right only for a district no gazetteer has ("Ayn Issa district")
            return not any(named(p) for p in gazetteer.places.values() if p.kind == "district")
        return named(gazetteer[place_id])
    if toponym.kind == "highway":
        return resolved and gazetteer[place_id].name == toponym.canonical
    return place_id is None


def score_toponyms(articles: list[GoldArticle], gazetteer: Gazetteer,
                   mentions: dict[str, list[Mention]] | None = None) -> dict[str, Any]:
    """Toponym recall, precision and location accuracy over gold articles.

    Parameters
    ----------
    mentions
        Mentions per article id; computed with `geocode_document` when omitted.
    """
    totals: Counter[str] = Counter()
    misses, wrong, false_positives, leaks = [], [], [], []
    for article in articles:
        body = article.document.body
        found_mentions = (mentions or {}).get(article.article_id)
        if found_mentions is None:
            found_mentions = geocode_document(article.document, gazetteer)
        gold_spans: list[tuple[int, int]] = []
        occurrences = {gold.surface: _occurrences(body, gold.surface) for gold in article.toponyms}
        for gold in article.toponyms:
            spans = occurrences[gold.surface]
            gold_spans += spans
            # A name inside a longer name ("Damascus" in "Aleppo-Damascus Highway") is read
            # right when the longer name is.
            # Occurrences outside every longer name ("between Hama and Aleppo" beside "the
            # Hama-Aleppo road") alone decide where the name was placed.
            longer = [o for other in article.toponyms if len(other.surface) > len(gold.surface)
                      for o in occurrences[other.surface]]
            free = [(start, end) for start, end in spans
                    if not any(o_start <= start and end <= o_end for o_start, o_end in longer)]
            outer = [other for other in article.toponyms if len(other.surface) > len(
                gold.surface) and spans and all(any(o_start <= start and end <= o_end for
                                                    o_start, o_end in occurrences[other.surface])
                                                for start, end in spans)]
            hits = [m for m in found_mentions
                    if any(m.start < end and start < m.end for start, end in spans)]
            decisive = [m for m in hits if any(m.start < end and start < m.end
                                               for start, end in free)]
            totals["gold"] += 1
            unknown = gold.lat is None and gold.kind in SETTLEMENTS
            totals["unknown"] += unknown
            if not hits:
                misses.append(f"{article.article_id}: {gold.surface!r}")
                continue
            totals["found"] += 1
            totals["unknown_reported"] += unknown
            place_id = Counter(m.place_id for m in decisive or hits).most_common(1)[0][0]
            ok5, ok161 = (any(located(t, place_id, gazetteer, km) for t in (gold, *outer))
                          for km in (PLACE_KM, 161.0))
            totals["correct_5km"] += ok5
            totals["correct_161km"] += ok161
            if not ok5:
                got = gazetteer[place_id].name if place_id in gazetteer.places else "unresolved"
                wrong.append(f"{article.article_id}: {gold.surface!r} -> {got} "
                             f"(gold {gold.canonical})")
        reported: dict[str, list[Mention]] = {}
        for m in found_mentions:
            reported.setdefault(m.surface, []).append(m)
        for surface, items in reported.items():
            totals["predicted"] += 1
            if any(m.start < end and start < m.end for m in items for start, end in gold_spans):
                totals["true_positive"] += 1
            else:
                false_positives.append(f"{article.article_id}: {surface!r}")
        gold_names = [t.surface for t in article.toponyms] + [t.canonical for t in article.toponyms]
        for name in article.comment_only:
            if any(same_name(name, g) for g in gold_names if g):
                continue
            if any(same_name(name, m.surface) or same_name(name, m.name) for m in found_mentions):
                leaks.append(f"{article.article_id}: {name!r}")
    return {
        "articles": len(articles),
        "gold": totals["gold"], "found": totals["found"], "recall": _ratio(totals["found"],
                                                                           totals["gold"]),
        "recall_5km": _ratio(totals["correct_5km"], totals["gold"]),
        "predicted": totals["predicted"], "true_positive": totals["true_positive"],
        "precision": _ratio(totals["true_positive"], totals["predicted"]),
        "accuracy_5km": _ratio(totals["correct_5km"], totals["found"]),
        "accuracy_161km": _ratio(totals["correct_161km"], totals["found"]),
        "correct_5km": totals["correct_5km"],
        "unknown": totals["unknown"], "unknown_reported": totals["unknown_reported"],
        "unknown_recall": _ratio(totals["unknown_reported"], totals["unknown"]),
        "false_positives_per_100": _ratio(100 * len(false_positives), len(articles)),
        "misses": misses, "wrong": wrong, "false_positives": false_positives,
        "comment_leaks": leaks,
    }


# --- claims ---------------------------------------------------------------------------------

class _ClaimJudge:
    """Compares an article's extracted claims with its gold claims."""

    def __init__(self, article: GoldArticle, gazetteer: Gazetteer) -> None:
        self.article, self.gazetteer = article, gazetteer

    def names(self, place: str) -> list[str]:
        """Spellings of a gold place: its canonical name, with and without the bracketed
        reference place, and the article's surfaces for it."""
        return [place, place.split(" (")[0]] + [t.surface for t in self.article.aliases(place)]

    def same_place(self, place: str, claim: Claim) -> bool:
        """The claim is about the gold place: a spelling of it, or its gazetteer point."""
        if any(same_name(name, claim.place_name) for name in self.names(place)):
            return True
        if claim.place_id not in self.gazetteer.places:
            return False
        return any(located(t, claim.place_id, self.gazetteer, PLACE_KM)
                   for t in self.article.aliases(place)
                   if t.lat is not None or t.kind in ("governorate", "district", "highway"))

    def same_sides(self, gold: GoldClaim, claim: Claim) -> bool:
        """Same controller (accept lists and joint holders honoured; any for an unnamed one)."""
        return gold.controller is None or claim.controller in gold.controllers

    def states(self, gold: GoldClaim, claim: Claim, place: str | None = None) -> bool:
        """The claim states the gold fact: place, controller, action class and negation."""
        return (claim.action_class == gold.action_class and claim.negated == gold.negated
                and self.same_sides(gold, claim) and self.same_place(place or gold.place, claim))

    def near_found(self, gold: GoldClaim, claim: Claim) -> bool:
        """The claim states a near-place gold claim without making it control of the place."""
        return self.states(gold, claim) and (
            claim.near_place or claim.action_class not in ("change", "hold"))

    def on_member(self, gold: GoldClaim, claim: Claim) -> bool:
        """The claim states a group claim of one of its members."""
        return any(self.states(gold, claim, member) for member in (gold.place, *gold.group))

    def trap(self, gold: GoldClaim, claim: Claim) -> str | None:
        """Why the claim turns a negated or near-place statement into control, if it does."""
        if not overlaps(gold, claim):
            return None
        if gold.negated and not claim.negated and claim.action_class == gold.action_class \
                and self.same_sides(gold, claim) and self.same_place(gold.place, claim):
            return "negated statement made a fact"
        if gold.near_place and not claim.near_place and claim.action_class in ("change", "hold") \
                and self.same_place(gold.place, claim):
            return "near-place statement made control of the place"
        return None


def overlaps(gold: GoldClaim, claim: Claim) -> bool:
    """The claim's evidence sentence is the gold evidence (its span overlaps; when the gold
    sentence is not in the body verbatim, half of the words agree)."""
    if gold.spans:
        return any(claim.start < end and start < claim.end for start, end in gold.spans)
    ours, theirs = set(claim.evidence.casefold().split()), set(gold.evidence.casefold().split())
    return bool(ours and theirs) and len(ours & theirs) / len(ours | theirs) >= 0.5


def date_right(gold: GoldClaim, claim: Claim) -> bool:
    """The claim's date is the gold day, its alternative, or inside its range; a gold claim
    with neither day nor range wants an undated claim."""
    day = claim.event_date
    if gold.date is None and gold.date_range is None:
        return day is None
    if day is not None and day in (gold.date, gold.date_alt):
        return True
    if gold.date_range is None:
        return False
    low, high = gold.date_range
    if day is not None and low <= day <= high:
        return True
    return claim.date_from is not None and claim.date_to is not None and \
        low <= claim.date_from and claim.date_to <= high


def _answers(gold: GoldClaim, claims: list[Claim], rule: Callable[[GoldClaim, Claim], bool]
             ) -> list[int]:
    """Indices of the claims that may answer ``gold`` (the rule holds, the evidence overlaps),
    those with the right date first."""
    hits = [i for i, c in enumerate(claims) if rule(gold, c) and overlaps(gold, c)]
    return sorted(hits, key=lambda i: not date_right(gold, claims[i]))


def one_to_one(edges: dict[int, list[int]]) -> dict[int, int]:
    """A maximum matching of gold claims to extracted claims (gold index -> claim index).

    ``edges`` lists, per gold claim, the claims that may answer it, best first; augmenting
    paths (Kuhn) make the matching as large as possible while each claim answers at most
    one gold claim.
    """
    owner: dict[int, int] = {}

    def assign(gold: int, seen: set[int]) -> bool:
        for candidate in edges.get(gold, []):
            if candidate in seen:
                continue
            seen.add(candidate)
            if candidate not in owner or assign(owner[candidate], seen):
                owner[candidate] = gold
                return True
        return False

    for gold in edges:
        assign(gold, set())
    return {gold: claim for claim, gold in owner.items()}


def _gold_line(article: GoldArticle, gold: GoldClaim) -> dict[str, Any]:
    when = gold.date.isoformat() if gold.date else (
        "..".join(d.isoformat() for d in gold.date_range) if gold.date_range else None)
    return {"article": article.article_id, "place": gold.place, "controller": gold.controller,
            "action": gold.action, "date": when, "negated": gold.negated,
            "evidence": gold.evidence}


def _claim_line(article: GoldArticle, claim: Claim) -> dict[str, Any]:
    return {"article": article.article_id, "place": claim.place_name,
            "controller": claim.controller, "action": claim.action,
            "date": claim.event_date.isoformat() if claim.event_date else None,
            "negated": claim.negated, "evidence": claim.evidence}


def score_claims(articles: list[GoldArticle], extracted: dict[str, list[Claim]],
                 gazetteer: Gazetteer) -> dict[str, Any]:
    """Claim precision, recall, dates, negation, hedging and trap hits.

    Parameters
    ----------
    articles
        The gold articles.
    extracted
        The pipeline's claims per article id (contact and location claims are ignored).

    Notes
    -----
    A claim *states* a gold claim when its place is the gold place (a spelling of it, a
    surface the gold toponyms give for it, or a point within 5 km of its gold point), its
    controller is the gold controller or in its ``controller_accept`` or ``joint_with`` (any
    controller when the gold names none), its action class is the same and its negation
    flag is the same.

    - **Recall**: one-to-one. A gold claim is found when a claim states it *and* its
      evidence sentence overlaps the gold evidence; each extracted claim answers at most
      one gold claim (a maximum matching). Group and near-place gold claims are scored
      apart, and so is every figure below among found claims.
    - **Precision**: an extracted claim is correct when it states any plain gold claim of
      its article (a restatement in another sentence is fine), or a near-place gold claim
      while saying it is near the place (or when its class sets no control).
    - **Group claims** (the text says some of a list changed hands, not which): a claim on
      a member is neither credited nor counted wrong; it is reported as a group reading.
    - **Trap hits**, the worst error: a claim from the sentence of a negated gold claim that
      makes the statement a fact, or from the sentence of a near-place gold claim that makes
      it control (change or hold) of the place itself. They are false positives too.
    - **Dates**: the gold day, its ``date_alt``, or a day inside its ``date_range``; a gold
      claim with neither wants an undated claim.
    """
    totals: Counter[str] = Counter()
    by_class: dict[str, Counter[str]] = {c: Counter() for c in SCORED_CLASSES}
    misses, false_positives, wrong_dates, traps, readings = [], [], [], [], []
    unfound_evidence = []
    for article in articles:
        judge = _ClaimJudge(article, gazetteer)
        claims = [c for c in extracted.get(article.article_id, [])
                  if c.action_class in SCORED_CLASSES]
        golds = article.claims
        unfound_evidence += [f"{article.article_id}: {g.evidence!r}" for g in golds if not g.spans]

        rules: dict[str, Callable[[GoldClaim, Claim], bool]] = {
            "plain": judge.states, "near": judge.near_found, "group": judge.on_member}
        matched: dict[str, dict[int, int]] = {}
        for kind, rule in rules.items():
            edges = {i: _answers(g, claims, rule) for i, g in enumerate(golds) if g.kind == kind}
            matched[kind] = one_to_one(edges)
            totals[f"{kind}_gold"] += len(edges)
            totals[f"{kind}_found"] += len(matched[kind])
        for i, gold in enumerate(golds):
            if gold.kind != "plain":
                continue
            tally = by_class[gold.action_class]
            tally["gold"] += 1
            totals["negated_gold"] += gold.negated
            totals["hedged_gold"] += gold.hedged
            if i not in matched["plain"]:
                misses.append(_gold_line(article, gold))
                continue
            claim = claims[matched["plain"][i]]
            tally["found"] += 1
            totals["negated_found"] += gold.negated
            totals["hedged_agree"] += claim.hedged == gold.hedged
            totals["hedged_found"] += gold.hedged and claim.hedged
            if date_right(gold, claim):
                totals["date_right"] += 1
            else:
                wrong_dates.append({**_gold_line(article, gold), "extracted_date":
                                    claim.event_date.isoformat() if claim.event_date else None})
        for claim in claims:
            correct = any(judge.states(g, claim) for g in golds if g.kind == "plain") or any(
                judge.near_found(g, claim) for g in golds if g.kind == "near")
            if not correct and any(judge.on_member(g, claim) for g in golds if g.kind == "group"):
                readings.append(_claim_line(article, claim))
                continue
            tally = by_class[claim.action_class]
            tally["extracted"] += 1
            totals["extracted"] += 1
            if correct:
                tally["correct"] += 1
                totals["correct"] += 1
                continue
            false_positives.append(_claim_line(article, claim))
            why = next((w for w in (judge.trap(g, claim) for g in golds) if w), None)
            if why:
                traps.append({**_claim_line(article, claim), "trap": why})
    found = totals["plain_found"]
    return {
        "gold": totals["plain_gold"], "found": found,
        "recall": _ratio(found, totals["plain_gold"]),
        "extracted": totals["extracted"], "correct": totals["correct"],
        "precision": _ratio(totals["correct"], totals["extracted"]),
        "date_exact": _ratio(totals["date_right"], found),
        "trap_hits": len(traps),
        "negated": {"gold": totals["negated_gold"], "found": totals["negated_found"]},
        "hedged": {"gold": totals["hedged_gold"], "found_hedged": totals["hedged_found"],
                   "agreement": _ratio(totals["hedged_agree"], found)},
        "near_place": {"gold": totals["near_gold"], "found": totals["near_found"]},
        "group": {"gold": totals["group_gold"], "found": totals["group_found"],
                  "readings": len(readings)},
        "by_class": {name: {
            "gold": t["gold"], "found": t["found"], "recall": _ratio(t["found"], t["gold"]),
            "extracted": t["extracted"], "correct": t["correct"],
            "precision": _ratio(t["correct"], t["extracted"])} for name, t in by_class.items()},
        "misses": misses, "false_positives": false_positives, "traps": traps,
        "wrong_dates": wrong_dates, "group_readings": readings,
        "evidence_not_in_text": unfound_evidence,
    }


# --- the whole report -----------------------------------------------------------------------

def analyse_gold(articles: Iterable[GoldArticle], gazetteer: Gazetteer, factions: Factions,
                 engine: str = "both"
                 ) -> tuple[dict[str, list[Mention]], dict[str, list[Claim]]]:
    """Mentions and claims of each gold article, as the pipeline reads it (``engine``: see
    `geo.claims.ENGINES`)."""
    mentions: dict[str, list[Mention]] = {}
    claims: dict[str, list[Claim]] = defaultdict(list)
    for article in articles:
        mentions[article.article_id] = geocode_document(article.document, gazetteer)
        claims[article.article_id] = extract_claims(
            article.document, mentions[article.article_id], factions, engine=engine)
    return mentions, dict(claims)


def evaluate(gold_path: Path, gazetteer: Gazetteer, factions: Factions | None = None,
             engine: str = "both") -> dict[str, Any]:
    """Full evaluation report for a gold file (JSON-serialisable); ``engine`` says how claims
    are read (`geo.claims.ENGINES`)."""
    from geo.factions import load_factions

    factions = factions or load_factions()
    articles = load_gold(gold_path, factions=frozenset(f.code for f in factions))
    mentions, claims = analyse_gold(articles, gazetteer, factions, engine)
    return {"gold": str(gold_path), "toponyms": score_toponyms(articles, gazetteer, mentions),
            "claims": score_claims(articles, claims, gazetteer)}



# --- the report as text ---------------------------------------------------------------------

def _figure(value: float | None, part: int | None = None, whole: int | None = None) -> str:
    text = "-" if value is None else f"{value:.2f}"
    return text if part is None else f"{text} ({part}/{whole})"


def summary_rows(report: dict[str, Any]) -> list[tuple[str, str]]:
    """The headline figures of one report, as (label, value) rows."""
    t, c = report["toponyms"], report["claims"]
    rows = [
        ("articles", str(t["articles"])),
        ("toponym recall @5 km", _figure(t["recall_5km"], t["correct_5km"], t["gold"])),
        ("toponym found (any place)", _figure(t["recall"], t["found"], t["gold"])),
        ("toponym precision", _figure(t["precision"], t["true_positive"], t["predicted"])),
        ("accuracy @5 km of found", _figure(t["accuracy_5km"])),
        ("unknown settlements reported", _figure(t["unknown_recall"], t["unknown_reported"],
                                                 t["unknown"])),
        ("toponym FP per 100 articles", "-" if t["false_positives_per_100"] is None
         else f"{t['false_positives_per_100']:.1f}"),
        ("claim precision", _figure(c["precision"], c["correct"], c["extracted"])),
        ("claim recall", _figure(c["recall"], c["found"], c["gold"])),
    ]
    for name, figures in c["by_class"].items():
        rows.append((f"  {name} P / R",
                     f"{_figure(figures['precision'])} / {_figure(figures['recall'])} "
                     f"({figures['found']}/{figures['gold']})"))
    rows += [
        ("date exact (found claims)", _figure(c["date_exact"])),
        ("negated gold found", f"{c['negated']['found']}/{c['negated']['gold']}"),
        ("hedging agreement", _figure(c["hedged"]["agreement"])),
        ("near-place found", f"{c['near_place']['found']}/{c['near_place']['gold']}"),
        ("group claims found", f"{c['group']['found']}/{c['group']['gold']}"),
        ("TRAP HITS", str(c["trap_hits"])),
    ]
    return rows


def format_report(reports: list[dict[str, Any]], *, lists: bool = True) -> str:
    """Reports side by side, then (``lists``) each one's misses, false positives, trap hits
    and wrong dates with their sentences."""
    from geo.ingest import clean_text

    names = [Path(r["gold"]).stem for r in reports]
    columns = [summary_rows(r) for r in reports]
    label_width = max(len(label) for label, _ in columns[0])
    widths = [max(len(name), *(len(v) for _, v in column)) for name, column in
              zip(names, columns, strict=True)]
    header = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    lines = [(" " * label_width + "  " + header).rstrip()]
    for row, (label, _) in enumerate(columns[0]):
        values = [column[row][1].ljust(w) for column, w in zip(columns, widths, strict=True)]
        lines.append((label.ljust(label_width) + "  " + "  ".join(values)).rstrip())
    if not lists:
        return "\n".join(lines) + "\n"

    def claim_text(item: dict[str, Any]) -> str:
        flags = " negated" if item.get("negated") else ""
        return clean_text(f"{item['article']}: {item['place']} {item['controller']} "
                          f"{item['action']}{flags} {item['date']} | {item['evidence']}")

    for name, report in zip(names, reports, strict=True):
        t, c = report["toponyms"], report["claims"]
        lines.append(f"\n== {name}")
        for label, items in (("toponym miss", t["misses"]), ("toponym wrong", t["wrong"]),
                             ("toponym false positive", t["false_positives"]),
                             ("comment leak", t["comment_leaks"])):
            lines += [clean_text(f"  {label}: {item}") for item in items]
        for label, key in (("TRAP", "traps"), ("claim miss", "misses"),
                           ("claim false positive", "false_positives"),
                           ("group reading", "group_readings")):
            lines += [f"  {label}: {claim_text(item)}"
                      + (f" [{item['trap']}]" if "trap" in item else "") for item in c[key]]
        lines += [f"  wrong date: {claim_text(item)} -> {item['extracted_date']}"
                  for item in c["wrong_dates"]]
        lines += [clean_text(f"  gold evidence not in the text: {item}")
                  for item in c["evidence_not_in_text"]]
    return "\n".join(lines) + "\n"
