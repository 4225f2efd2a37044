"""The layers of the war on a date, built from the store.

`load_war` reads everything the timeline needs from the store once (claims, baseline,
overrides, documents); `layers_on` gives the four layers of a date:

- ``places``: control of every placed place (`geo.timeline.snapshot`);
- ``areas``: control areas per faction and
- ``frontlines``: shared edges of hostile areas (both `geo.areas.control_map`);
- ``claims``: every claim dated up to the date, as points at its place, with its evidence.

`summary` condenses a date into JSON: areas per faction, counts, the documents used.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import Point

from geo.areas import control_map
from geo.baseline import baseline_areas, baseline_evidence
from geo.factions import Factions
from geo.gazetteer import Gazetteer
from geo.store import Store
from geo.theater import Theater
from geo.timeline import Evidence, evidence_from_rows, snapshot

LAYERS = ("places", "areas", "frontlines", "claims")
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
    _cache: dict[date, dict[str, gpd.GeoDataFrame]] = field(default_factory=dict)

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
               store.documents())


def claims_layer(war: War, day: date) -> gpd.GeoDataFrame:
    """Claims dated on or before ``day`` with coordinates, as points at their place."""
    rows = []
    for claim in war.claims:
        if not claim["event_date"] or claim["event_date"] > day.isoformat():
            continue
        place = war.gazetteer.places.get(claim["place_id"])
        if place is None:
            continue
        rows.append({
            "date": claim["event_date"], "place_id": claim["place_id"],
            "place": claim["place_name"], "controller": claim["controller"],
            "action": claim["action"], "hedged": claim["hedged"], "negated": claim["negated"],
            "near_place": claim["near_place"], "confidence": claim["confidence"],
            "date_basis": claim["date_basis"], "evidence": claim["evidence"],
            "file": Path(str(claim["path"]).split(":")[0]).name, "source": claim["url"] or "",
            "document": claim["doc_id"], "geometry": Point(place.lon, place.lat),
        })
    return gpd.GeoDataFrame(rows, columns=CLAIM_LAYER_COLUMNS, geometry="geometry",
                            crs="EPSG:4326")


def layers_on(war: War, day: date) -> dict[str, gpd.GeoDataFrame]:
    """The four layers of ``day`` (cached per date on the `War`)."""
    if day not in war._cache:
        places = snapshot(war.evidence, day, gazetteer=war.gazetteer, factions=war.factions,
                          theater=war.theater, extra_places=war.extra_places)
        areas, fronts = control_map(places, war.theater, war.factions,
                                    baseline=baseline_areas(war.baseline_rows, day))
        war._cache[day] = {"places": places, "areas": areas, "frontlines": fronts,
                           "claims": claims_layer(war, day)}
    return war._cache[day]


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
        "claims": len([c for c in war.claims
                       if c["event_date"] and c["event_date"] <= day.isoformat()]),
        "documents": [{"doc_id": d["doc_id"], "file": Path(str(d["path"])).name,
                       "title": d["title"], "published": d["published"], "url": d["url"]}
                      for d in war.documents if d["doc_id"] in used],
    }
