"""What the map shows: the date, the layers, the viewport, and the time steps to play.

A `View` round-trips through a URL query string (``?date=2020-12-25&layers=areas,places
&lat=36.4&lon=38.9&zoom=8&mode=claims``) so a view can be shared; anything unreadable in
a query falls back to the default, never to an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from geo.mapview import WAR_LAYERS

MODES = ("claims", "daily")
"""Time steps: every date with a claim, or every day between the first and the last."""
SPEEDS = {"slow": 2.0, "normal": 1.0, "fast": 0.5}
"""Seconds per step when playing."""


@dataclass(frozen=True)
class View:
    """The state of the map that a URL carries."""

    day: date
    layers: tuple[str, ...] = WAR_LAYERS
    mode: str = "claims"
    lat: float | None = None
    lon: float | None = None
    zoom: float | None = None


def timeline(dates: Sequence[date], mode: str) -> list[date]:
    """The dates to step through: the claim dates, or every day from first to last."""
    if not dates:
        return []
    if mode != "daily":
        return sorted(set(dates))
    first, last = min(dates), max(dates)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def nearest(steps: Sequence[date], day: date) -> date:
    """The step on or before ``day`` (the first step when ``day`` is earlier)."""
    earlier = [d for d in steps if d <= day]
    return earlier[-1] if earlier else steps[0]


def step(steps: Sequence[date], day: date, offset: int, *, wrap: bool = False) -> date:
    """The step ``offset`` places from ``day``; stops at the ends, or wraps round."""
    index = list(steps).index(nearest(steps, day)) + offset
    if wrap:
        return steps[index % len(steps)]
    return steps[max(0, min(len(steps) - 1, index))]


def previous_step(steps: Sequence[date], day: date) -> date | None:
    """The step before ``day``, or None on the first."""
    earlier = [d for d in steps if d < day]
    return earlier[-1] if earlier else None


def _first(value: str | Sequence[str] | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value[0] if value else None


def _number(value: str | None, low: float, high: float) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and low <= number <= high else None


def parse_view(query: Mapping[str, str | Sequence[str]], steps: Sequence[date]) -> View:
    """The `View` a query string asks for, on one of ``steps`` (default: the last one)."""
    default = View(day=steps[-1] if steps else date.today())
    mode = _first(query.get("mode"))
    view = replace(default, mode=mode if mode in MODES else default.mode)
    raw_day = _first(query.get("date"))
    try:
        asked = date.fromisoformat(raw_day) if raw_day else None
    except ValueError:
        asked = None
    if asked is not None and steps:
        view = replace(view, day=asked if view.mode == "daily" and steps[0] <= asked <= steps[-1]
                       else nearest(steps, asked))
    raw_layers = _first(query.get("layers"))
    if raw_layers is not None:
        view = replace(view, layers=tuple(n for n in WAR_LAYERS if n in raw_layers.split(",")))
    lat = _number(_first(query.get("lat")), -90, 90)
    lon = _number(_first(query.get("lon")), -180, 180)
    zoom = _number(_first(query.get("zoom")), 0, 20)
    if lat is not None and lon is not None:
        view = replace(view, lat=lat, lon=lon, zoom=zoom)
    return view


def view_query(view: View) -> dict[str, str]:
    """The query string of a `View` (only what differs from nothing)."""
    query = {"date": view.day.isoformat(), "layers": ",".join(view.layers), "mode": view.mode}
    if view.lat is not None and view.lon is not None:
        query |= {"lat": f"{view.lat:.4f}", "lon": f"{view.lon:.4f}"}
        if view.zoom is not None:
            query["zoom"] = f"{view.zoom:g}"
    return query
