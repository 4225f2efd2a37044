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

from geo.areas import control_map
from geo.baseline import baseline_areas, baseline_evidence
from geo.corridor_lines import load_corridors
from geo.corridors import add_distances, corridor_segments, corridor_table
from geo.factions import Factions
from geo.gazetteer import Gazetteer
from geo.store import Store
from geo.theater import Theater
from geo.timeline import Evidence, evidence_from_rows, snapshot

LAYERS = ("places", "areas", "frontlines", "claims", "corridors")
CLAIM_LAYER_COLUMNS = ["date", "place_id", "place", "controller", "action", "hedged", "negated",
                       "near_place", "confidence", "date_basis", "evidence", "file", "source",
                       "document", "geometry"]


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
    _cache: dict[date, dict[str, gpd.GeoDataFrame]] = field(default_factory=dict)
    _reported: dict[date, dict[str, dict[str, Any]]] = field(default_factory=dict)
    _claims: gpd.GeoDataFrame | None = None

    def __post_init__(self) -> None:
        if self.corridors is None:
            self.corridors = load_corridors(self.theater)

    def dates(self) -> list[date]:
        """Every date with a claim, a baseline or an override, in order."""
        return sorted({e.day for e in self.evidence})


def load_war(store: Store, gazetteer: Gazetteer, factions: Factions, theater: Theater) -> War:
    """Read claims, baseline and overrides from the store."""
    claims = store.claims()
    evidence = evidence_from_rows(claims)
    baseline_rows = store.baseline()
    base, extra = baseline_evidence(baseline_rows)
    evidence += base
    for row in store.overrides():
        evidence.append(Evidence(
            place_id=row["place_id"], place_name=row["place_id"], controller=row["controller"],
            action="holds", day=date.fromisoformat(row["valid_from"]), hedged=False,
            negated=False, near_place=False, confidence=1.0, doc_id=f"override:{row['id']}",
            evidence=f"analyst override: {row['note']}".rstrip(": "), source="override"))
    return War(gazetteer, factions, theater, claims, evidence, extra, baseline_rows,
               store.documents(), load_corridors(theater))


def _all_claims(war: War) -> gpd.GeoDataFrame:
    """Every dated claim with a place, as a layer with distances to the corridors (built
    once per `War`, oldest first)."""
    if war._claims is None:
        lines = dict(zip(war.corridors["ref"], war.corridors.geometry, strict=True))
        rows = []
        for claim in war.claims:
            place = war.gazetteer.places.get(claim["place_id"])
            if not claim["event_date"] or place is None:
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
                "geometry": lines.get(place.name) if place.kind == "corridor"
                else Point(place.lon, place.lat),
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
        places = state[~on_corridor].reset_index(drop=True)
        areas, fronts = control_map(places, war.theater, war.factions,
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
    """Corridor figures of ``day`` (`geo.corridors.corridor_table`), text claims included."""
    layers = layers_on(war, day)
    return corridor_table(war.corridors, layers["corridors"], layers["frontlines"],
                          war.theater, war._reported[day])


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
