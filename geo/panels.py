"""The tables and figures beside the map, as plain DataFrames (pure functions of a `War`).

`app.py` only lays these out; the command line and tests use them the same way. The
``source`` column of a table is shown as a link, so it holds only web URLs
(`geo.safe_text.web_link`): an article that gives ``javascript:...`` as its URL gets none.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from geo.changes import area_series, changed_hands
from geo.layers import War, corridor_report, layers_on
from geo.safe_text import web_link
from geo.timeline import place_state

CLAIM_STATUSES = ("confirmed", "hedged", "negated", "near place")
"""How a claim is put in its article (the claims table filter)."""
CLAIM_TABLE_COLUMNS = ["date", "place", "controller", "action", "status", "confidence",
                       "evidence", "file", "source"]
HISTORY_COLUMNS = ["date", "controller", "action", "status", "holder after", "state after",
                   "evidence", "file", "source"]


def claim_status(claim: dict[str, Any]) -> str:
    """One of `CLAIM_STATUSES` for a stored claim (negation wins over hedging)."""
    if claim.get("negated"):
        return "negated"
    if claim.get("near_place"):
        return "near place"
    return "hedged" if claim.get("hedged") else "confirmed"


def _file(path: object) -> str:
    return Path(str(path or "").split(":")[0]).name


def faction_figures(war: War, day: date, previous: date | None) -> pd.DataFrame:
    """Per faction on ``day``: area, places, km of each corridor, and the change since
    ``previous`` (the step before; None on the first date: no change shown)."""
    now = layers_on(war, day)
    before = layers_on(war, previous) if previous else None

    def figures(layers: dict, when: date) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for code, km2 in zip(layers["areas"]["controller"], layers["areas"]["area_km2"],
                             strict=True):
            out.setdefault(code, {})["area_km2"] = float(km2)
        for code in layers["places"]["controller"].dropna():
            row = out.setdefault(code, {})
            row["places"] = row.get("places", 0) + 1
        for corridor in corridor_report(war, when):
            for code, km in corridor["held_km"].items():
                out.setdefault(code, {})[f"{corridor['ref']}_km"] = km
        return out

    current = figures(now, day)
    old = figures(before, previous) if before is not None and previous else {}
    refs = [str(r) for r in war.corridors["ref"]]
    keys = ("area_km2", "places", *(f"{r}_km" for r in refs))
    columns = ["faction", "label", *(c for k in keys for c in (k, f"{k}_change"))]
    rows = []
    for code in sorted(set(current) | set(old)):
        faction = war.factions.by_code.get(code)
        row: dict[str, Any] = {"faction": code, "label": faction.label if faction else code}
        for key in keys:
            value = current.get(code, {}).get(key, 0.0)
            row[key] = value
            row[f"{key}_change"] = (value - old.get(code, {}).get(key, 0.0)
                                    if previous else None)
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def area_history(war: War) -> pd.DataFrame:
    """Area per faction (km²) for every date: one row per date, one column per faction."""
    rows = area_series(war.dates(), lambda d: layers_on(war, d)["areas"])
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["date"])
    wide = frame.pivot_table(index="date", columns="controller", values="area_km2",
                             aggfunc="sum", fill_value=0.0)
    return wide.reindex(pd.to_datetime(war.dates()), fill_value=0.0).rename_axis("date")


def changes_between(war: War, previous: date | None, day: date) -> pd.DataFrame:
    """Places that changed hands or were first reported after ``previous`` up to ``day``."""
    columns = ["date", "place", "from", "to", "status", "evidence", "file", "source"]
    if previous is None:
        return pd.DataFrame(columns=columns)
    before, after = layers_on(war, previous)["places"], layers_on(war, day)["places"]
    rows = changed_hands(before, after) + changed_hands(before, after, first=True)
    return pd.DataFrame([{"date": r["date"], "place": r["name"], "from": r["from"] or "-",
                          "to": r["to"], "status": r["status"], "evidence": r["evidence"],
                          "file": r["file"], "source": web_link(r["source"])} for r in rows],
                        columns=columns).sort_values(["date", "place"], kind="stable")


def claims_table(war: War, day: date, *, place: str = "", factions: list[str] | None = None,
                 statuses: list[str] | None = None) -> pd.DataFrame:
    """Claims dated up to ``day``, newest first, filtered by place name (part of any of its
    spellings, any case), controller faction and claim status (`CLAIM_STATUSES`)."""
    needle = place.strip().casefold()
    rows = []
    for claim in war.claims:
        if not claim["event_date"] or claim["event_date"] > day.isoformat():
            continue
        status = claim_status(claim)
        if needle and not any(needle in name.casefold()
                              for name in _spellings(war, claim)):
            continue
        if factions and claim["controller"] not in factions:
            continue
        if statuses and status not in statuses:
            continue
        rows.append({"date": claim["event_date"], "place": claim["place_name"],
                     "controller": claim["controller"] or "", "action": claim["action"],
                     "status": status, "confidence": round(float(claim["confidence"]), 2),
                     "evidence": claim["evidence"], "file": _file(claim["path"]),
                     "source": web_link(claim["url"])})
    frame = pd.DataFrame(rows, columns=CLAIM_TABLE_COLUMNS)
    return frame.iloc[::-1].reset_index(drop=True)


def _spellings(war: War, claim: dict[str, Any]) -> list[str]:
    place = war.gazetteer.places.get(claim["place_id"])
    return [str(claim["place_name"]), *((place.name, *place.alt_names) if place else ())]


def place_history(war: War, place_id: str) -> pd.DataFrame:
    """Every piece of evidence on one place, oldest first, with the place's state after it."""
    items = sorted((e for e in war.evidence if e.place_id == place_id),
                   key=lambda e: (e.day, e.doc_id))
    rows = []
    for item in items:
        state = place_state(items, item.day, factions=war.factions,
                            window_days=war.theater.contested_window_days,
                            stale_days=war.theater.stale_days)
        flags = claim_status({"negated": item.negated, "near_place": item.near_place,
                              "hedged": item.hedged})
        rows.append({"date": item.day.isoformat(), "controller": item.controller or "",
                     "action": item.action, "status": flags,
                     "holder after": (state.controller or "-") if state else "-",
                     "state after": state.status if state else "-",
                     "evidence": item.evidence, "file": item.file or item.source,
                     "source": web_link(item.url)})
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def corridor_figures(war: War, day: date) -> pd.DataFrame:
    """Km of each corridor per holder on ``day``, with the km under fire."""
    rows = []
    for corridor in corridor_report(war, day):
        for holder, km in {**corridor["held_km"], "unknown": corridor["unknown_km"]}.items():
            rows.append({"corridor": corridor["ref"], "holder": holder, "km": km,
                         "share": km / corridor["length_km"] if corridor["length_km"] else 0.0,
                         "under fire km": corridor["fire_exposed_by_holder"].get(holder, 0.0)})
    return pd.DataFrame(rows, columns=["corridor", "holder", "km", "share", "under fire km"])
