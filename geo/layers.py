"""The layers of the war on a date, built from the store.

`load_war` reads everything the timeline needs from the store once (claims, baseline,
overrides, documents) and the corridor lines; `layers_on` gives the five layers of a date:

- ``places``: control of every placed place (`geo.timeline.snapshot`), corridors excepted;
- ``areas``: control areas per faction and
- ``frontlines``: shared edges of hostile areas (both `geo.areas.control_map`);
- ``claims``: every claim dated up to the date, with its evidence: a point at its place, or
  the whole line for a claim on a corridor;
- ``corridors``: the corridors cut by holder and fire exposure (`geo.corridors`).

Places, claims and frontlines carry their distance to every corridor (``to_M4_km``).
`corridor_report` gives the corridor figures of a date and `summary` condenses a date into
JSON: areas per faction, corridor km, counts, the documents used.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.approximate import (
    PRECISION_APPROXIMATE,
    PRECISION_EXACT,
    PRECISION_REGION,
    Unplaced,
    estimates,
    resolutions,
)
from geo.areas import control_map
from geo.baseline import baseline_areas, baseline_evidence
from geo.corridor_lines import load_corridors
from geo.corridors import add_distances, corridor_segments, corridor_table
from geo.factions import Factions
from geo.gazetteer import ONLINE_SOURCES, Gazetteer
from geo.relative import Estimate
from geo.store import Store
from geo.theater import Theater
from geo.timeline import Evidence, evidence_from_rows, snapshot

LAYERS = ("places", "areas", "frontlines", "claims", "corridors")
CLAIM_LAYER_COLUMNS = ["date", "place_id", "place", "controller", "action", "hedged", "negated",
                       "near_place", "confidence", "date_basis", "evidence", "file", "source",
                       "document", "precision", "uncertainty_km", "geometry"]
APPROXIMATE_INFLUENCE = 0.5
"""An approximate place's influence radius, as a share of its kind's (`[areas.influence_km]`)."""


@dataclass
class War:
    """Everything the layers of any date are made from."""

    gazetteer: Gazetteer
    factions: Factions
    theater: Theater
    claims: list[dict[str, Any]]
    evidence: list[Evidence]
    extra_places: dict[str, tuple]
    baseline_rows: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    corridors: gpd.GeoDataFrame | None = None
    estimates: dict[str, Estimate] = field(default_factory=dict)
    unplaced: dict[str, Unplaced] = field(default_factory=dict)
    _cache: dict[date, dict[str, gpd.GeoDataFrame]] = field(default_factory=dict)
    _reported: dict[date, dict[str, dict[str, Any]]] = field(default_factory=dict)
    _claims: gpd.GeoDataFrame | None = None
    _corridor_tables: dict[date, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.corridors is None:
            self.corridors = load_corridors(self.theater)

    def dates(self) -> list[date]:
        """Every date with a claim, a baseline or an override, in order."""
        return sorted({e.day for e in self.evidence})


def load_war(store: Store, gazetteer: Gazetteer, factions: Factions, theater: Theater) -> War:
    """Read claims, baseline and overrides from the store, and place what the text places.

    Unresolved names the articles describe ("near Ain Issa, along the M4") become
    approximate places (`geo.approximate`); a name the analyst has since placed in the
    overrides CSV takes the override's exact place everywhere.
    """
    with store.reading():  # one consistent state, even while an ingest writes
        unplaced, found, aliases = estimates(store, gazetteer, theater)
        stored_claims = store.claims()
        baseline_rows = store.baseline()
        override_rows = store.overrides()
        documents = store.documents()
    moved = resolutions(unplaced, gazetteer)
    moved |= {alias: moved.get(same, same) for alias, same in aliases.items()}
    claims = [{**c, "place_id": moved[c["place_id"]]} if c["place_id"] in moved else c
              for c in stored_claims]
    evidence = evidence_from_rows(claims)
    base, extra = baseline_evidence(baseline_rows)
    evidence += base
    for row in override_rows:
        evidence.append(Evidence(
            place_id=row["place_id"], place_name=row["place_id"], controller=row["controller"],
            action="holds", day=date.fromisoformat(row["valid_from"]), hedged=False,
            negated=False, near_place=False, confidence=1.0, doc_id=f"override:{row['id']}",
            evidence=f"analyst override: {row['note']}".rstrip(": "), source="override"))
    approximate = {pid: e for pid, e in found.items() if pid not in moved}
    for place_id, guess in approximate.items():
        extra[place_id] = (guess.name, guess.kind, Point(guess.lon, guess.lat))
    return War(gazetteer, factions, theater, claims, evidence, extra, baseline_rows,
               documents, load_corridors(theater), approximate,
               {pid: u for pid, u in unplaced.items() if pid not in moved})


def locate(war: War, place_id: str) -> tuple[BaseGeometry | None, int, float, str]:
    """Where a place id is drawn: geometry, precision code, uncertainty (km), and why.

    Gazetteer points and lines are exact (1), governorates region-only (3); estimates from
    the text carry their own precision (2 or 3) and reason; baseline points are exact. A
    place found online (`geo.online`) says so in the reason.
    """
    place = war.gazetteer.places.get(place_id)
    if place is not None:
        if place.kind == "corridor":
            lines = dict(zip(war.corridors["ref"], war.corridors.geometry, strict=True))
            return lines.get(place.name), PRECISION_EXACT, 0.0, ""
        precision = PRECISION_REGION if place.is_area else PRECISION_EXACT
        note = (f"found online by {place.source.title()}, not in the offline gazetteer: "
                f"{place.source_url}" if place.source in ONLINE_SOURCES else "")
        return Point(place.lon, place.lat), precision, 0.0, note
    guess = war.estimates.get(place_id)
    if guess is not None:
        return Point(guess.lon, guess.lat), guess.precision, guess.radius_km, guess.reason
    if place_id in war.extra_places:
        return war.extra_places[place_id][2], PRECISION_EXACT, 0.0, "baseline"
    return None, 0, 0.0, ""


def _all_claims(war: War) -> gpd.GeoDataFrame:
    """Every dated claim with a place, as a layer with distances to the corridors (built
    once per `War`, oldest first)."""
    if war._claims is None:
        rows = []
        for claim in war.claims:
            geometry, precision, uncertainty, _ = locate(war, claim["place_id"])
            if not claim["event_date"] or geometry is None:
                continue
            rows.append({
                "date": claim["event_date"], "place_id": claim["place_id"],
                "place": claim["place_name"], "controller": claim["controller"],
                "action": claim["action"], "hedged": claim["hedged"],
                "negated": claim["negated"], "near_place": claim["near_place"],
                "confidence": claim["confidence"], "date_basis": claim["date_basis"],
                "evidence": claim["evidence"],
                "file": Path(str(claim["path"]).split(":")[0]).name,
                "source": claim["url"] or "", "document": claim["doc_id"],
                "precision": precision, "uncertainty_km": uncertainty, "geometry": geometry,
            })
        frame = gpd.GeoDataFrame(rows, columns=CLAIM_LAYER_COLUMNS, geometry="geometry",
                                 crs="EPSG:4326")
        frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
        war._claims = add_distances(frame, war.corridors, war.theater.metric_crs)
    return war._claims


def claims_layer(war: War, day: date) -> gpd.GeoDataFrame:
    """Claims dated on or before ``day`` with coordinates: points, or a corridor's line;
    with their distance to each corridor."""
    frame = _all_claims(war)
    end = int(np.searchsorted(frame["date"].to_numpy(dtype=str), day.isoformat(),
                              side="right"))
    return frame.iloc[:end].reset_index(drop=True)


def layers_on(war: War, day: date) -> dict[str, gpd.GeoDataFrame]:
    """The five layers of ``day`` (cached per date on the `War`)."""
    if day not in war._cache:
        state = snapshot(war.evidence, day, gazetteer=war.gazetteer, factions=war.factions,
                         theater=war.theater, extra_places=war.extra_places)
        on_corridor = (state["kind"] == "corridor").to_numpy()
        places = _with_precision(war, state[~on_corridor].reset_index(drop=True))
        # Exact places first: where an estimate falls on a gazetteer point, the exact place
        # keeps the cell (areas count each point once, the first).
        counted = places[places["precision"] != PRECISION_REGION].sort_values(
            "precision", kind="stable")
        areas, fronts = control_map(counted, war.theater, war.factions,
                                    baseline=baseline_areas(war.baseline_rows, day))
        segments = corridor_segments(war.corridors, areas, places, fronts, war.factions,
                                     war.theater)
        metric = war.theater.metric_crs
        war._cache[day] = {
            "places": add_distances(places, war.corridors, metric),
            "areas": areas,
            "frontlines": add_distances(fronts, war.corridors, metric),
            "claims": claims_layer(war, day),
            "corridors": segments,
        }
        war._reported[day] = _reported(war, state[on_corridor], day)
    return war._cache[day]


def located_by(war: War, place_id: str) -> str:
    """What put a place where it is drawn: ``gazetteer``, ``override`` (an analyst),
    ``online:nominatim`` / ``online:photon``, ``estimate`` (the text) or ``baseline``."""
    place = war.gazetteer.places.get(place_id)
    if place is not None:
        if place.source in ONLINE_SOURCES:
            return f"online:{place.source}"
        return "override" if place.source == "override" else "gazetteer"
    if place_id in war.estimates:
        return "estimate"
    return "baseline" if place_id in war.extra_places else ""


def _with_precision(war: War, places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``precision``, ``uncertainty_km``, ``location_note``, ``located_by`` and, for
    approximate places, a reduced ``influence_km`` (`APPROXIMATE_INFLUENCE` of their kind's
    radius)."""
    located = [locate(war, pid)[1:] for pid in places["place_id"]]
    places = places.copy()
    geometry = places.pop("geometry")
    places["precision"] = [p for p, _, _ in located]
    places["uncertainty_km"] = [u for _, u, _ in located]
    places["location_note"] = [n for _, _, n in located]
    places["located_by"] = [located_by(war, pid) for pid in places["place_id"]]
    places["influence_km"] = [
        war.theater.radius_km(kind) * APPROXIMATE_INFLUENCE if p == PRECISION_APPROXIMATE
        else None for kind, (p, _, _) in zip(places["kind"], located, strict=True)]
    return gpd.GeoDataFrame(places, geometry=geometry, crs="EPSG:4326")


def _reported(war: War, state: gpd.GeoDataFrame, day: date) -> dict[str, dict[str, Any]]:
    """What the articles say about each corridor as a whole up to ``day``."""
    out: dict[str, dict[str, Any]] = {}
    for ref in war.corridors["ref"]:
        claims = [c for c in war.claims if c["place_id"] == f"corridor:{ref}"
                  and c["event_date"] and c["event_date"] <= day.isoformat()]
        if not claims:
            continue
        row = state[state["name"] == ref]
        held = row.iloc[0] if len(row) else None
        out[ref] = {
            "controller": held["controller"] if held is not None else None,
            "since": str(held["since"]) if held is not None and held["since"] else None,
            "status": held["status"] if held is not None else None,
            "claims": [{"date": c["event_date"], "action": c["action"],
                        "controller": c["controller"], "hedged": bool(c["hedged"]),
                        "negated": bool(c["negated"]), "evidence": c["evidence"],
                        "file": Path(str(c["path"]).split(":")[0]).name,
                        "source": c["url"] or ""} for c in claims],
        }
    return out


def corridor_report(war: War, day: date) -> list[dict[str, Any]]:
    """Corridor figures of ``day`` (`geo.corridors.corridor_table`), text claims included
    (cached per date on the `War`, like the layers)."""
    if day not in war._corridor_tables:
        layers = layers_on(war, day)
        war._corridor_tables[day] = corridor_table(war.corridors, layers["corridors"],
                                                   layers["frontlines"], war.theater,
                                                   war._reported[day])
    return war._corridor_tables[day]


def summary(war: War, layers: dict[str, gpd.GeoDataFrame], day: date) -> dict[str, Any]:
    """JSON summary of a date: areas per faction, counts by status, documents used."""
    used = {d for d in layers["claims"]["document"]} | {
        c["doc_id"] for c in war.claims if c["event_date"] and c["event_date"] <= day.isoformat()}
    places = layers["places"]
    return {
        "date": day.isoformat(),
        "theater": war.theater.name,
        "areas_km2": {c: float(a) for c, a in zip(layers["areas"]["controller"],
                                                   layers["areas"]["area_km2"], strict=True)},
        "frontline_km": round(float(layers["frontlines"]["length_km"].sum()), 3)
        if len(layers["frontlines"]) else 0.0,
        "places": len(places),
        "places_by_controller": dict(Counter(c for c in places["controller"] if c)),
        "places_by_status": dict(Counter(places["status"])),
        "corridors": corridor_report(war, day),
        "claims": len([c for c in war.claims
                       if c["event_date"] and c["event_date"] <= day.isoformat()]),
        "documents": [{"doc_id": d["doc_id"], "file": Path(str(d["path"])).name,
                       "title": d["title"], "published": d["published"], "url": d["url"]}
                      for d in war.documents if d["doc_id"] in used],
    }
