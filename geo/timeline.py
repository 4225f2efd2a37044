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
claims that support the current controller. It indexes the evidence once (`Timeline`: claims
per place, sorted; the last few indexes are kept by `timeline`), so that the snapshots of a
run of dates only redo the places whose known evidence, contested window or staleness
changed; `place_state` stays the one definition of the rules.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import geopandas as gpd
import numpy as np
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


def _place_columns(place_id: str, gazetteer: Gazetteer,
                   extra_places: Mapping[str, tuple[str, str, Any]]
                   ) -> tuple[str, str, Any] | None:
    """Name, kind and geometry of a place, or None when it has no coordinates."""
    place = gazetteer.places.get(place_id)
    if place is not None:
        geometry = place.geometry if place.geometry is not None else Point(place.lon, place.lat)
        return place.name, place.kind, geometry
    if place_id in extra_places:
        name, kind, geometry = extra_places[place_id]
        return name, kind, geometry
    return None  # unresolved: no coordinates to draw


class Timeline:
    """Evidence indexed once by place, for snapshots of many dates.

    Everything that does not depend on the date is done here once: claims grouped by
    place and sorted, each place's name, kind and point looked up, the places put in
    snapshot order. A snapshot then finds, for all places at once (binary searches), how
    much of each place's evidence is known on the day, where the contested window starts
    in it and whether its last control claim is stale. The state of a place depends on
    nothing else (`place_state`), so it is computed once per such triple and only for the
    places whose triple differs from the one their columns hold.

    Parameters
    ----------
    evidence
        Claims, baseline entries and overrides (`Evidence`).
    gazetteer, factions
        Where places are, and which claims can set a controller (`is_control`).
    extra_places
        Places that are not gazetteer entries (baseline points): id -> (name, kind, geometry).
    """

    def __init__(self, evidence: Iterable[Evidence], *, gazetteer: Gazetteer,
                 factions: Factions,
                 extra_places: Mapping[str, tuple[str, str, Any]] | None = None) -> None:
        self.evidence = tuple(evidence)
        self.gazetteer = gazetteer
        self.factions = factions
        self.extra_places = dict(extra_places or {})
        by_place: dict[str, list[Evidence]] = {}
        for item in self.evidence:
            by_place.setdefault(item.place_id, []).append(item)
        located = {place_id: _place_columns(place_id, gazetteer, self.extra_places)
                   for place_id in by_place}
        ids = sorted((p for p, c in located.items() if c is not None),
                     key=lambda p: (located[p][0], p))
        self._items = [sorted(by_place[p], key=_order) for p in ids]
        self._place = {"place_id": _objects(ids),
                       **{name: _objects([located[p][k] for p in ids])
                          for k, name in enumerate(("name", "kind", "geometry"))}}
        counts = np.array([len(items) for items in self._items], dtype=np.int64)
        self._start = np.cumsum(counts) - counts
        flat = [i for items in self._items for i in items]
        self._days = np.array([i.day.toordinal() for i in flat], dtype=np.int64)
        self._base = np.arange(len(ids), dtype=np.int64) * _PLACE_STRIDE
        self._keys = np.repeat(self._base, counts) + self._days
        self._last_control = _last_control(flat, self._start, counts, factions)
        self._states: dict[tuple[int, int, bool], tuple | None] = {}
        # The state columns of every place as of the last snapshot, and its triple.
        self._held = np.full((len(ids), 3), -1, dtype=np.int64)
        self._shown = np.zeros(len(ids), dtype=bool)
        self._state = {name: np.empty(len(ids), dtype=_STATE_DTYPES.get(name, object))
                       for name in _STATE_COLUMNS}
        self._lock = threading.Lock()

    def matches(self, evidence: tuple[Evidence, ...], gazetteer: Gazetteer,
                factions: Factions, extra_places: Mapping[str, tuple[str, str, Any]]) -> bool:
        """Whether this timeline was built from these inputs (same or equal evidence)."""
        return (gazetteer is self.gazetteer and factions is self.factions
                and len(evidence) == len(self.evidence) and evidence == self.evidence
                and extra_places == self.extra_places)

    def snapshot(self, day: date, theater: Theater) -> gpd.GeoDataFrame:
        """Control of every placed place on ``day`` (see `snapshot`)."""
        if not len(self._start):
            return _frame([])
        ordinal = day.toordinal()
        known = np.searchsorted(self._keys, self._base + ordinal, side="right")
        window = np.searchsorted(self._keys, self._base + ordinal
                                 - theater.contested_window_days, side="left")
        last = self._last_control[np.maximum(known - 1, 0)]
        stale = (last >= 0) & (ordinal - self._days[last] > theater.stale_days)
        triples = np.column_stack([known, window, stale])
        with self._lock:
            changed = np.flatnonzero((triples != self._held).any(axis=1))
            for index, triple in zip(changed.tolist(), triples[changed].tolist(), strict=True):
                self._update(index, tuple(triple), day, theater)
            shown = np.flatnonzero(self._shown)
            data = {name: column[shown] for name, column in self._place.items()}
            data.update({name: column[shown] for name, column in self._state.items()})
        if not len(shown):
            return _frame([])
        return gpd.GeoDataFrame(data, columns=SNAPSHOT_COLUMNS, geometry="geometry",
                                crs="EPSG:4326")

    def _update(self, index: int, triple: tuple[int, int, int], day: date,
                theater: Theater) -> None:
        """Set the state columns of one place for ``triple`` (computed once per triple)."""
        self._held[index] = triple
        start = int(self._start[index])
        if triple[0] == start:  # nothing known yet
            self._shown[index] = False
            return
        if triple not in self._states:
            self._states[triple] = _state_columns(place_state(
                self._items[index][:triple[0] - start], day, factions=self.factions,
                window_days=theater.contested_window_days, stale_days=theater.stale_days))
        state = self._states[triple]
        self._shown[index] = state is not None
        if state is not None:
            for name, value in zip(_STATE_COLUMNS, state, strict=True):
                self._state[name][index] = value


_PLACE_STRIDE = 1 << 32
"""Spacing of places in `Timeline`'s search keys (place index * stride + day ordinal)."""
_STATE_COLUMNS = SNAPSHOT_COLUMNS[3:-1]
"""The snapshot columns that come from a place's state (controller to source)."""
_STATE_DTYPES = {"confidence": np.float64, "supporting_claims": np.int64}


def _objects(values: list[Any]) -> np.ndarray:
    """A 1-D object array of ``values`` (geometries stay whole)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _last_control(flat: list[Evidence], start: np.ndarray, counts: np.ndarray,
                  factions: Factions) -> np.ndarray:
    """For each item, the index of its place's last control claim up to it (-1: none)."""
    last = np.full(len(flat), -1, dtype=np.int64)
    for first, count in zip(start.tolist(), counts.tolist(), strict=True):
        current = -1
        for index in range(first, first + count):
            if is_control(flat[index], factions):
                current = index
            last[index] = current
    return last


def _state_columns(state: PlaceState | None) -> tuple | None:
    """The `_STATE_COLUMNS` of a place's state."""
    if state is None:
        return None
    last = state.last
    return (state.controller, state.since.isoformat() if state.since else None, state.status,
            state.confidence, last.day.isoformat(), last.doc_id, last.file, last.url,
            last.evidence, state.supporting, state.source)


def _frame(rows: list[tuple]) -> gpd.GeoDataFrame:
    """A snapshot frame from rows in `SNAPSHOT_COLUMNS` order (the empty one too)."""
    return gpd.GeoDataFrame(rows, columns=SNAPSHOT_COLUMNS, geometry="geometry",
                            crs="EPSG:4326")


_TIMELINES: list[Timeline] = []
_TIMELINES_KEPT = 4
_TIMELINES_LOCK = threading.Lock()


def timeline(evidence: Iterable[Evidence], *, gazetteer: Gazetteer, factions: Factions,
             extra_places: Mapping[str, tuple[str, str, Any]] | None = None) -> Timeline:
    """The `Timeline` of these inputs, reused while they stay the same.

    The last few timelines are kept; one is reused when the evidence holds the same (or
    equal) items in the same order and the gazetteer and factions are the same objects.
    """
    items = tuple(evidence)
    extra = dict(extra_places or {})
    with _TIMELINES_LOCK:
        for index, kept in enumerate(_TIMELINES):
            if kept.matches(items, gazetteer, factions, extra):
                _TIMELINES.append(_TIMELINES.pop(index))
                return kept
    built = Timeline(items, gazetteer=gazetteer, factions=factions, extra_places=extra)
    with _TIMELINES_LOCK:
        _TIMELINES.append(built)
        del _TIMELINES[:-_TIMELINES_KEPT]
    return built


def clear_cache() -> None:
    """Forget every kept `Timeline` (the next snapshot indexes its evidence again)."""
    with _TIMELINES_LOCK:
        _TIMELINES.clear()


def snapshot(evidence: Iterable[Evidence], day: date, *, gazetteer: Gazetteer,
             factions: Factions, theater: Theater,
             extra_places: Mapping[str, tuple[str, str, Any]] | None = None) -> gpd.GeoDataFrame:
    """Control of every placed place on ``day`` (EPSG:4326 GeoDataFrame, `SNAPSHOT_COLUMNS`).

    One row per place with coordinates and a state on ``day``, ordered by name then id.
    The evidence is indexed once (`timeline`) and the index reused by later calls with the
    same evidence, so a run of dates costs little more than one.

    Parameters
    ----------
    evidence
        Claims, baseline entries and overrides (`Evidence`).
    extra_places
        Places that are not gazetteer entries (baseline points): id -> (name, kind, geometry).
    """
    return timeline(evidence, gazetteer=gazetteer, factions=factions,
                    extra_places=extra_places).snapshot(day, theater)


def claim_dates(evidence: Iterable[Evidence]) -> list[date]:
    """Every distinct date that has evidence, in order."""
    return sorted({i.day for i in evidence})
