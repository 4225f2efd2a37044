"""A standalone interactive map of a snapshot: one HTML file that opens from disk offline.

pydeck's own ``to_html(offline=True)`` embeds deck.gl but still links stylesheets and a map
library on CDNs; this page embeds pydeck's deck.gl bundle and the deck's JSON and links
nothing. Article text is untrusted: tooltip values are HTML-escaped (`geo.mapview`), and the
JSON is embedded with every ``<`` written as ``\\u003c`` so no text can close the script.
"""

from __future__ import annotations

import html
import json
from datetime import date
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pydeck

from geo.factions import Factions
from geo.legend import war_legend_html
from geo.mapview import build_war_deck
from geo.theater import Theater

_BUNDLE = Path(pydeck.__file__).resolve().parent / "nbextension" / "static" / "index.js"


@lru_cache(maxsize=1)
def _bundle() -> str:
    """pydeck's deck.gl bundle (the script pydeck embeds for offline use)."""
    return _BUNDLE.read_text(encoding="utf-8")


def _script_json(value: object) -> str:
    """JSON safe inside a ``<script>`` element."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def snapshot_html(layers: dict[str, gpd.GeoDataFrame], theater: Theater, factions: Factions,
                  day: date, *, documents: list[str] | None = None) -> str:
    """The page: title, legend, the map (tooltips escaped), the documents used."""
    deck = build_war_deck(layers, theater, factions, escape_tooltips=True)
    codes = sorted(set(layers["areas"]["controller"])
                   | set(layers["places"]["controller"].dropna()))
    title = f"frontline: {theater.name}, {day.isoformat()}"
    sources = ", ".join(documents or []) or "none"
    legend = war_legend_html(factions, codes, theater.fire_range_km)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
  html, body {{ margin: 0; height: 100%; font-family: Helvetica, Arial, sans-serif; }}
  header {{ position: absolute; z-index: 2; top: 0; left: 0; right: 0; padding: 6px 12px;
            background: rgba(255, 255, 255, 0.9); font-size: 14px; }}
  footer {{ position: absolute; z-index: 2; bottom: 0; left: 0; right: 0; padding: 4px 12px;
            background: rgba(255, 255, 255, 0.9); font-size: 11px; color: #444; }}
  #deck-container {{ position: absolute; top: 0; bottom: 0; left: 0; right: 0; }}
</style>
<script>{_bundle()}</script>
</head>
<body>
<header><b>{html.escape(title)}</b>{legend}</header>
<div id="deck-container"></div>
<footer>Sources: {html.escape(sources)}. Hover a feature for its evidence.
{html.escape(theater.credit)}</footer>
<script>
  createDeck({{
    container: document.getElementById("deck-container"),
    jsonInput: {_script_json(deck.to_json())},
    tooltip: {_script_json(deck._tooltip)},
    customLibraries: null,
    configuration: null,
  }});
</script>
</body>
</html>
"""


def write_html(layers: dict[str, gpd.GeoDataFrame], theater: Theater, factions: Factions,
               day: date, path: Path, *, documents: list[str] | None = None) -> Path:
    """Write `snapshot_html` to ``path`` (atomically); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(snapshot_html(layers, theater, factions, day, documents=documents),
                   encoding="utf-8")
    tmp.replace(path)
    return path
