"""The key beside the map: per-faction figures keyed by colour, and the symbols."""

from __future__ import annotations

import pandas as pd
from figures_support import figure_rows

from geo.factions import Faction, Factions
from geo.legend import figures_html, war_legend_html

FACTIONS = Factions([
    Faction("GOV", "Syrian government", (200, 30, 45), ("Syrian army",)),
    Faction("EVIL", "<img src=x onerror=alert(1)>", (10, 20, 30), ("evil",)),
])
REFS = ["M4", "M5"]


def _figures(change: bool) -> pd.DataFrame:
    rows = [{"faction": "GOV", "label": "Syrian government", "area_km2": 1234.4,
             "places": 3.0, "M4_km": 12.25, "M5_km": 0.0},
            {"faction": "EVIL", "label": "<img src=x onerror=alert(1)>", "area_km2": 0.0,
             "places": 0.0, "M4_km": 0.0, "M5_km": 4.0}]
    for row in rows:
        for key in ("area_km2", "places", "M4_km", "M5_km"):
            row[f"{key}_change"] = (-row[key] if row["faction"] == "EVIL" else 5.0) \
                if change else None
    return pd.DataFrame(rows)


def test_each_faction_gets_a_row_with_area_places_and_corridor_km() -> None:
    table = figure_rows(figures_html(_figures(change=True), FACTIONS, REFS, 10.0))
    assert list(table.rows) == ["GOV", "EVIL"]
    label, area, places, m4, m5 = table.rows["GOV"]
    assert label == "Syrian government (GOV)"
    assert area == "1,234 (+5)" and places == "3 (+5)"
    assert m4 == "12.2 (+5.0)" and m5 == "0.0 (+5.0)"
    assert table.rows["EVIL"][1:] == ["0 (±0)", "0 (±0)", "0.0 (±0.0)", "4.0 (-4.0)"]


def test_the_first_date_shows_no_change() -> None:
    table = figure_rows(figures_html(_figures(change=False), FACTIONS, REFS, 10.0))
    assert table.rows["GOV"][1:] == ["1,234", "3", "12.2", "0.0"]


def test_a_faction_label_is_shown_as_text_not_markup() -> None:
    html = figures_html(_figures(change=True), FACTIONS, REFS, 10.0)
    table = figure_rows(html)
    assert "img" not in table.tags
    assert table.rows["EVIL"][0] == "<img src=x onerror=alert(1)> (EVIL)"


def test_the_key_names_the_statuses_lines_and_fire_range() -> None:
    html = figures_html(_figures(change=False), FACTIONS, REFS, 7.5)
    for words in ("confirmed", "reported", "contested", "stale", "new claim", "frontline",
                  "corridor under fire (≤ 7.5 km)"):
        assert words in html
    legend = war_legend_html(FACTIONS, ["GOV"], 7.5)
    assert "Syrian government (GOV)" in legend and "corridor under fire (≤ 7.5 km)" in legend
    assert "rgba(200,30,45,1.0)" in legend  # the faction's own colour
