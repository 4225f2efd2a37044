"""The HTML key beside the control map: each faction's colour with its figures, and the
symbols (status opacity, rings, line styles).

The app shows the per-faction figures and the key as one block of HTML: one element to
redraw on a date change instead of a card per faction. Faction labels come from the theater
file, not from articles; every text is escaped anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from geo.mapview import (
    CLAIM_COLOUR,
    FIRE_COLOUR,
    FRONTLINE_COLOUR,
    STATUS_ALPHA,
    UNKNOWN_COLOUR,
    escape,
    faction_label,
    faction_rgb,
)

_CHANGE_STYLE = "color:#666;font-size:0.85em"


def swatch(rgb: Sequence[int], label: str, *, line: bool = False, alpha: float = 1.0,
           ring: bool = False) -> str:
    """A coloured dot (or ring, or line) followed by ``label`` (escaped)."""
    shape = "width:18px;height:4px" if line else "width:11px;height:11px;border-radius:50%"
    colour = f"rgba({rgb[0]},{rgb[1]},{rgb[2]},{alpha})"
    fill = f"border:2px solid {colour};background:white" if ring else f"background:{colour}"
    return (f'<span style="display:inline-block;{shape};{fill};'
            f'margin:0 4px 1px 10px"></span>{escape(label)}')


def symbols_html(fire_range_km: float) -> str:
    """The key to what is not a faction colour: statuses, rings and lines."""
    items = [swatch(UNKNOWN_COLOUR, "confirmed", alpha=1.0),
             swatch(UNKNOWN_COLOUR, "reported", alpha=STATUS_ALPHA["reported"] / 255),
             swatch(UNKNOWN_COLOUR, "contested", ring=True),
             swatch(UNKNOWN_COLOUR, "stale", alpha=STATUS_ALPHA["stale"] / 255),
             swatch(UNKNOWN_COLOUR, "approximate (with its uncertainty)", ring=True),
             swatch(CLAIM_COLOUR, "new claim", ring=True),
             swatch(FRONTLINE_COLOUR, "frontline", line=True),
             swatch(FIRE_COLOUR, f"corridor under fire (≤ {fire_range_km:g} km)", line=True)]
    return f'<div style="font-size:0.85em;line-height:1.9">{"".join(items)}</div>'


def war_legend_html(factions: Any, codes: Iterable[str], fire_range_km: float) -> str:
    """HTML legend of the control map: the factions ``codes`` and the symbols."""
    items = "".join(swatch(faction_rgb(factions, c), faction_label(factions, c))
                    for c in codes)
    return (f'<div style="font-size:0.85em;line-height:1.9">{items}</div>'
            + symbols_html(fire_range_km))


def _cell(value: float, change: object, digits: int) -> str:
    """``value`` with its change in brackets (none when ``change`` is None or NaN; a change
    that rounds to nothing reads ±0)."""
    text = f"{value:,.{digits}f}"
    if change is not None and not pd.isna(change):
        moved = round(float(change), digits)
        shown = f"{moved:+,.{digits}f}" if moved else f"±{0:.{digits}f}"
        text += f' <span style="{_CHANGE_STYLE}">({shown})</span>'
    return f'<td style="text-align:right">{text}</td>'


def figures_html(figures: pd.DataFrame, factions: Any, refs: Sequence[str],
                 fire_range_km: float) -> str:
    """The per-faction figures of a date as a table keyed by colour, then the symbols.

    Parameters
    ----------
    figures : pandas.DataFrame
        `geo.panels.faction_figures`: area, places and km of each corridor per faction,
        each with its ``_change`` since the previous step (None on the first date).
    factions : Factions
        The theater's factions (colours and labels).
    refs : sequence of str
        The corridors (``M4``, ``M5``), one column each.
    fire_range_km : float
        The theater's fire range, named in the key.

    Returns
    -------
    str
        HTML: one row per faction (``data-faction`` holds its code), then the symbols.
    """
    head = "".join(f'<th style="text-align:right">{escape(h)}</th>'
                   for h in ("area km²", "places", *(f"{r} km" for r in refs)))
    rows = []
    for row in figures.to_dict("records"):
        code = str(row["faction"])
        cells = [_cell(row["area_km2"], row["area_km2_change"], 0),
                 _cell(row["places"], row["places_change"], 0),
                 *(_cell(row[f"{r}_km"], row[f"{r}_km_change"], 1) for r in refs)]
        rows.append(f'<tr data-faction="{escape(code)}"><td>'
                    f'{swatch(faction_rgb(factions, code), faction_label(factions, code))}'
                    f'</td>{"".join(cells)}</tr>')
    table = (f'<table style="font-size:0.9em;margin-bottom:0.3em"><thead><tr><th>faction</th>'
             f'{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return table + symbols_html(fire_range_km)
