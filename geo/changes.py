"""What changed between two dates: places, areas, frontlines.

`diff` compares two snapshots (with their areas and frontlines):

- places that changed hands: from, to, the date of the change (``since`` of the new state)
  and the evidence sentence; places whose controller was unknown before are listed apart,
  as first reported;
- area gained and lost per faction, in km² (equal-area CRS);
- frontline shift: distance from points every 1 km along the later frontline to the earlier
  one (and back), mean and max in km (metric CRS); None when either date has no frontline;
- places that became contested, and places that stopped being contested.

`area_series` gives the area per faction for every date with a claim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geo.theater import Theater


def _by_place(snapshot: gpd.GeoDataFrame) -> dict[str, dict[str, Any]]:
    return {row["place_id"]: row for row in snapshot.drop(columns="geometry").to_dict("records")}


def changed_hands(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame, *, first: bool = False
                  ) -> list[dict[str, Any]]:
    """Places whose controller differs between two snapshots.

    With ``first=True``: places with a controller after and none known before (first
    reported) instead of places that went from one side to another.
    """
    old, new = _by_place(before), _by_place(after)
    rows = []
    for place_id, state in new.items():
        previous = old.get(place_id, {}).get("controller")
        if (previous is None) != first:
            continue
        if state["controller"] and state["controller"] != previous:
            rows.append({"place_id": place_id, "name": state["name"], "from": previous,
                         "to": state["controller"], "date": state["since"],
                         "status": state["status"], "evidence": state["last_evidence"],
                         "file": state["last_file"], "source": state["last_source"]})
    return sorted(rows, key=lambda r: (r["date"] or "", r["name"]))


def area_change(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame) -> dict[str, dict[str, float]]:
    """Area per faction at both dates and the change, km²."""
    old = dict(zip(before["controller"], before["area_km2"], strict=True)) if len(before) else {}
    new = dict(zip(after["controller"], after["area_km2"], strict=True)) if len(after) else {}
    return {code: {"before_km2": round(float(old.get(code, 0.0)), 2),
                   "after_km2": round(float(new.get(code, 0.0)), 2),
                   "change_km2": round(float(new.get(code, 0.0)) - float(old.get(code, 0.0)), 2)}
            for code in sorted(set(old) | set(new))}


def _line(frame: gpd.GeoDataFrame, theater: Theater):
    if not len(frame):
        return None
    return shapely.union_all(np.asarray(frame.to_crs(theater.metric_crs).geometry.values))


def frontline_shift(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame, theater: Theater,
                    *, step_m: float = 1000.0) -> dict[str, float | None]:
    """Mean and max distance (km) between two frontlines, sampled both ways every ``step_m``."""
    old, new = _line(before, theater), _line(after, theater)
    if old is None or new is None or old.is_empty or new.is_empty:
        return {"mean_km": None, "max_km": None}
    distances = []
    for source, target in ((new, old), (old, new)):
        for part in shapely.get_parts(source):
            for line in shapely.get_parts(shapely.line_merge(part)) if part.geom_type \
                    == "MultiLineString" else [part]:
                count = max(2, int(line.length // step_m) + 1)
                points = shapely.line_interpolate_point(line, np.linspace(0, line.length, count))
                distances += list(shapely.distance(points, target))
    values = np.asarray(distances) / 1000.0
    return {"mean_km": round(float(values.mean()), 3), "max_km": round(float(values.max()), 3)}


def contested_changes(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame) -> dict[str, list[str]]:
    """Names of places that became contested, and of those no longer contested."""
    old = {r["place_id"]: r for r in _by_place(before).values() if r["status"] == "contested"}
    new = {r["place_id"]: r for r in _by_place(after).values() if r["status"] == "contested"}
    return {"new": sorted(new[p]["name"] for p in set(new) - set(old)),
            "removed": sorted(old[p]["name"] for p in set(old) - set(new))}


def corridor_change(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame
                    ) -> dict[str, dict[str, dict[str, float]]]:
    """Corridor km per holder and under fire, before and after (`geo.corridors` segments).

    Returns ref -> holder (a faction, ``unknown``, or ``fire_exposed``) -> ``before_km``,
    ``after_km``, ``change_km``.
    """
    def km(segments: gpd.GeoDataFrame) -> dict[tuple[str, str], float]:
        out: dict[tuple[str, str], float] = {}
        for ref, holder, exposed, length in zip(segments["ref"], segments["holder"],
                                                segments["fire_exposed"],
                                                segments["length_km"], strict=True):
            for key in ((ref, holder), (ref, "fire_exposed")) if exposed else ((ref, holder),):
                out[key] = out.get(key, 0.0) + float(length)
        return out

    old, new = km(before), km(after)
    report: dict[str, dict[str, dict[str, float]]] = {}
    for ref, holder in sorted(set(old) | set(new)):
        b, a = round(old.get((ref, holder), 0.0), 3), round(new.get((ref, holder), 0.0), 3)
        report.setdefault(ref, {})[holder] = {"before_km": b, "after_km": a,
                                              "change_km": round(a - b, 3)}
    return report


def diff(before: dict[str, gpd.GeoDataFrame], after: dict[str, gpd.GeoDataFrame],
         theater: Theater) -> dict[str, Any]:
    """Everything that changed between two snapshot bundles (places, areas, frontlines,
    and corridors when both bundles have the ``corridors`` layer)."""
    corridors = ({"corridors": corridor_change(before["corridors"], after["corridors"])}
                 if "corridors" in before and "corridors" in after else {})
    return {
        "changed_hands": changed_hands(before["places"], after["places"]),
        "first_reported": changed_hands(before["places"], after["places"], first=True),
        "areas": area_change(before["areas"], after["areas"]),
        "frontline_shift": frontline_shift(before["frontlines"], after["frontlines"], theater),
        "contested": contested_changes(before["places"], after["places"]),
        **corridors,
    }


def area_series(dates: Iterable[date],
                areas_on: Callable[[date], gpd.GeoDataFrame]) -> list[dict[str, Any]]:
    """Area per faction (km²) for every date: one row per (date, faction)."""
    rows = []
    for day in dates:
        areas = areas_on(day)
        for code, km2 in zip(areas["controller"], areas["area_km2"], strict=True):
            rows.append({"date": day.isoformat(), "controller": code, "area_km2": float(km2)})
    return rows
