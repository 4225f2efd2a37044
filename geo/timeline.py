"""Control by date: fold claims into who holds each place on any day.

Rules, per place, for a snapshot date D (each has a test):

1. Only *control* claims set a controller: capture, withdrawal, handover, holds, repelled,
   dated on or before D, with a controller, not negated, not about a place named only as a
   reference point (``near_place``), and not by a presence-only faction. Negated claims
   ("was not handed over", "failed to capture") change nothing.
2. The latest control claim at or before D wins (ties: the later-published article).
   ``since`` is the date of the first claim of the current controller's unbroken run.
3. Status: ``confirmed`` when the run has an unhedged claim or claims from two different
   articles; ``reported`` when all its claims are hedged and come from one article;
   ``contested`` when, within the contested window before D (default 3 days), articles
   disagree on the controller or report fighting for the place (a contested claim);
   ``stale`` when the last evidence is older than the staleness window (default 60 days):
   still shown, with its last date.
4. Baseline entries (``frontline baseline import``) are unhedged claims dated at their
   baseline date: news reports changes, the baseline is where the map starts.
5. Analyst overrides win: from its ``valid_from`` date on, an override sets the controller
   whatever the claims say (status ``confirmed``, ``source = override``).

`snapshot` returns one row per place with coordinates: place, geometry, controller, since,
status, confidence, last evidence (date, document, sentence, source) and the number of
claims that support the current controller.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import geopandas as gpd
from shapely.geometry import Point

from geo.claims import CONTROL_ACTIONS
from geo.factions import Factions
from geo.gazetteer import Gazetteer
from geo.theater import Theater

SNAPSHOT_COLUMNS = ["place_id", "name", "kind", "controller", "since", "status", "confidence",
                    "last_date", "last_document", "last_file", "last_source", "last_evidence",
                    "supporting_claims", "source", "geometry"]


@dataclass(frozen=True)
class Evidence:
    """A claim as the timeline sees it (from the store, a baseline or an override)."""

    place_id: str
    place_name: str
    controller: str | None
    action: str
    day: date
    hedged: bool
    negated: bool
    near_place: bool
    confidence: float
    doc_id: str
    evidence: str
    file: str = ""
    url: str = ""
    published: date | None = None
    source: str = "claim"


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def evidence_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[Evidence]:
    """Claims as stored (`geo.store.Store.claims` rows) -> `Evidence`; undated ones dropped."""
    items = []
    for row in rows:
        day = _day(row.get("event_date"))
        if day is None:
            continue
        path = str(row.get("path") or "")
        items.append(Evidence(
            place_id=row["place_id"], place_name=row["place_name"], controller=row["controller"],
            action=row["action"], day=day, hedged=bool(row["hedged"]),
            negated=bool(row["negated"]), near_place=bool(row["near_place"]),
            confidence=float(row["confidence"]), doc_id=row["doc_id"], evidence=row["evidence"],
            file=path.split(":")[0].rsplit("/", 1)[-1], url=row.get("url") or "",
            published=_day(row.get("published")), source=row.get("source", "claim")))
    return items


def is_control(item: Evidence, factions: Factions) -> bool:
    """Whether a claim can set the controller of its place (rule 1)."""
    if item.action not in CONTROL_ACTIONS or item.controller is None or item.negated:
        return False
    if item.near_place:
        return False
    faction = factions.by_code.get(item.controller)
    return faction is not None and not faction.presence_only


@dataclass(frozen=True)
class PlaceState:
    """Who holds one place on one date, and why."""

    place_id: str
    name: str
    controller: str | None
    since: date | None
    status: str
    confidence: float
    last: Evidence
    supporting: int
    source: str


def _order(item: Evidence) -> tuple:
    return (item.day, item.published or item.day, item.confidence)


def place_state(items: list[Evidence], day: date, *, factions: Factions, window_days: int,
                stale_days: int) -> PlaceState | None:
    """The state of one place on ``day`` from all its evidence (see the module rules)."""
    known = sorted((i for i in items if i.day <= day), key=_order)
    if not known:
        return None
    overrides = [i for i in known if i.source == "override"]
    control = [i for i in known if is_control(i, factions)]
    window_start = day - timedelta(days=window_days)
    recent = [i for i in known if i.day >= window_start and not i.negated]
    fighting = any(i.action == "contested" for i in recent)
    recent_control = [i for i in recent if is_control(i, factions)]
    disagree = (len({i.controller for i in recent_control}) > 1
                and len({i.doc_id for i in recent_control}) > 1)
    last = known[-1]
    if overrides:
        override = overrides[-1]
        return PlaceState(override.place_id, override.place_name, override.controller,
                          override.day, "confirmed", 1.0, override, 1, "override")
    if not control:
        if not fighting:
            return None
        return PlaceState(last.place_id, last.place_name, None, None, "contested", 0.0, last, 0,
                          "claims")
    controller = control[-1].controller
    run: list[Evidence] = []
    for item in reversed(control):
        if item.controller != controller:
            break
        run.append(item)
    run.reverse()
    confirmed = any(not i.hedged for i in run) or len({i.doc_id for i in run}) >= 2
    status = "confirmed" if confirmed else "reported"
    if fighting or disagree:
        status = "contested"
    last_control = control[-1]
    if (day - last_control.day).days > stale_days:
        status = "stale"
    confidence = 1.0 - math.prod(1.0 - min(i.confidence, 0.99) for i in run)
    source = "baseline" if all(i.source == "baseline" for i in run) else "claims"
    return PlaceState(last_control.place_id, last_control.place_name, controller, run[0].day,
                      status, round(confidence, 3), last_control, len(run), source)


def snapshot(evidence: Iterable[Evidence], day: date, *, gazetteer: Gazetteer,
             factions: Factions, theater: Theater,
             extra_places: Mapping[str, tuple[str, str, Any]] | None = None) -> gpd.GeoDataFrame:
    """Control of every placed place on ``day`` (EPSG:4326 GeoDataFrame, `SNAPSHOT_COLUMNS`).

    Parameters
    ----------
    evidence
        Claims, baseline entries and overrides (`Evidence`).
    extra_places
        Places that are not gazetteer entries (baseline points): id -> (name, kind, geometry).
    """
    by_place: dict[str, list[Evidence]] = {}
    for item in evidence:
        by_place.setdefault(item.place_id, []).append(item)
    rows = []
    for place_id, items in by_place.items():
        state = place_state(items, day, factions=factions,
                            window_days=theater.contested_window_days,
                            stale_days=theater.stale_days)
        if state is None:
            continue
        place = gazetteer.places.get(place_id)
        if place is not None:
            name, kind = place.name, place.kind
            geometry = place.geometry if place.geometry is not None else Point(place.lon,
                                                                               place.lat)
        elif extra_places and place_id in extra_places:
            name, kind, geometry = extra_places[place_id]
        else:
            continue  # unresolved: no coordinates to draw
        last = state.last
        rows.append({
            "place_id": place_id, "name": name, "kind": kind, "controller": state.controller,
            "since": state.since.isoformat() if state.since else None, "status": state.status,
            "confidence": state.confidence, "last_date": last.day.isoformat(),
            "last_document": last.doc_id, "last_file": last.file, "last_source": last.url,
            "last_evidence": last.evidence, "supporting_claims": state.supporting,
            "source": state.source, "geometry": geometry,
        })
    rows.sort(key=lambda r: (r["name"], r["place_id"]))
    return gpd.GeoDataFrame(rows, columns=SNAPSHOT_COLUMNS, geometry="geometry", crs="EPSG:4326")


def claim_dates(evidence: Iterable[Evidence]) -> list[date]:
    """Every distinct date that has evidence, in order."""
    return sorted({i.day for i in evidence})
