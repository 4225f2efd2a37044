"""The view a URL carries, and the steps the player walks through."""

from __future__ import annotations

from datetime import date

from geo.mapview import WAR_LAYERS
from geo.viewstate import View, nearest, parse_view, previous_step, step, timeline, view_query

DATES = [date(2020, 1, 1), date(2020, 1, 5), date(2020, 2, 1)]


def test_claim_mode_steps_through_the_claim_dates_and_daily_mode_every_day() -> None:
    assert timeline([DATES[2], DATES[0], DATES[1], DATES[0]], "claims") == DATES
    daily = timeline(DATES, "daily")
    assert daily[0] == DATES[0] and daily[-1] == DATES[-1] and len(daily) == 32
    assert timeline([], "daily") == []


def test_steps_stop_at_the_ends_or_wrap() -> None:
    assert step(DATES, DATES[0], -1) == DATES[0]
    assert step(DATES, DATES[2], 1) == DATES[2]
    assert step(DATES, DATES[2], 1, wrap=True) == DATES[0]
    assert step(DATES, date(2020, 1, 20), 1) == DATES[2]  # from the step on or before
    assert nearest(DATES, date(2019, 1, 1)) == DATES[0]
    assert previous_step(DATES, DATES[1]) == DATES[0] and previous_step(DATES, DATES[0]) is None


def test_a_view_round_trips_through_its_query_string() -> None:
    view = View(day=DATES[1], layers=("areas", "places"), mode="claims", lat=36.38528,
                lon=38.85944, zoom=9.0)
    query = view_query(view)
    assert query == {"date": "2020-01-05", "layers": "areas,places", "mode": "claims",
                     "lat": "36.3853", "lon": "38.8594", "zoom": "9"}
    back = parse_view(query, DATES)
    assert (back.day, back.layers, back.mode, back.zoom) == (view.day, view.layers, "claims", 9)
    assert abs(back.lat - view.lat) < 1e-3


def test_an_unreadable_query_falls_back_to_the_default_view() -> None:
    view = parse_view({"date": "2020-13-45", "mode": "weekly", "lat": "91", "lon": "x",
                       "zoom": "-3", "layers": "areas,<script>"}, DATES)
    assert view.day == DATES[-1] and view.mode == "claims"
    assert view.layers == ("areas",) and view.lat is None and view.lon is None
    assert parse_view({}, DATES).layers == WAR_LAYERS


def test_a_date_between_steps_snaps_to_the_step_before_unless_daily() -> None:
    assert parse_view({"date": "2020-01-20"}, DATES).day == DATES[1]
    daily = timeline(DATES, "daily")
    assert parse_view({"date": "2020-01-20", "mode": "daily"}, daily).day == date(2020, 1, 20)
    assert parse_view({"date": "2021-01-01"}, DATES).day == DATES[-1]
