"""Build the pydeck map of a set of places (used by ``app.py`` and standalone HTML maps).

The map needs no network: ``map_style=None`` draws on a blank background and the theater
boundary is its own layer. Article text is untrusted, so every value a tooltip shows is
HTML-escaped here, before pydeck pastes it into its tooltip template.
"""

from __future__ import annotations

import html
import json
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import pydeck as pdk
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.theater import Theater

KIND_COLOURS: dict[str, list[int]] = {
    "city": [200, 30, 45], "town": [232, 110, 20], "village": [240, 180, 0],
    "facility": [120, 60, 160], "airbase": [120, 60, 160], "dam": [30, 110, 200],
    "crossing": [0, 140, 120], "region": [110, 110, 110],
}
"""Point colours by place kind (RGB)."""
AREA_COLOUR = [70, 110, 190]
CORRIDOR_COLOUR = [20, 20, 20]
BOUNDARY_COLOUR = [90, 90, 90]
_RADIUS_M = {"city": 5000, "town": 3500, "village": 2500}

TOOLTIP_HTML = (
    "<b>{tip_name}</b> <i>{tip_kind}</i><br/>{tip_coords}<br/>"
    "<small>named as: {tip_surfaces}<br/>in: {tip_files}<br/>source: {tip_source}</small>"
)


def legend_html() -> str:
    """A small HTML legend of the point colours and line styles (fixed text only)."""
    def swatch(rgb: list[int], label: str, *, line: bool = False) -> str:
        shape = "width:18px;height:3px" if line else "width:10px;height:10px;border-radius:50%"
        colour = f"rgb({rgb[0]},{rgb[1]},{rgb[2]})"
        return (f'<span style="display:inline-block;{shape};background:{colour};'
                f'margin:0 4px 1px 10px"></span>{escape(label)}')

    items = [swatch(KIND_COLOURS[k], k) for k in ("city", "town", "village", "facility")]
    items.append(swatch(AREA_COLOUR, "governorate (area)"))
    items.append(swatch(CORRIDOR_COLOUR, "M4 / M5 corridor", line=True))
    return f'<div style="font-size:0.85em">{"".join(items)}</div>'


def escape(value: object) -> str:
    """HTML-escape any value for display (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def _file_names(paths: object) -> str:
    return "; ".join(Path(p.strip()).name for p in str(paths or "").split(";") if p.strip())


def _tooltip_row(row: dict[str, Any], *, escaped: bool) -> dict[str, str]:
    lat, lon = row.get("lat"), row.get("lon")
    coords = f"{lat:.5f}, {lon:.5f}" if lat is not None and lon is not None else ""
    fields = {
        "tip_name": row.get("name"), "tip_kind": row.get("kind"), "tip_coords": coords,
        "tip_surfaces": row.get("surfaces"), "tip_files": _file_names(row.get("files")),
        "tip_source": row.get("source_url"),
    }
    if escaped:
        return {k: escape(v) for k, v in fields.items()}
    return {k: "" if v is None else str(v) for k, v in fields.items()}


def _label(name: object) -> str:
    """Map label in the ASCII glyphs deck.gl draws by default (the tooltip keeps the name)."""
    text = unicodedata.normalize("NFKD", str(name))
    return "".join(ch for ch in text if ch.isascii() and ch.isprintable())


def _rings(geometry: BaseGeometry) -> Iterable[list[list[float]]]:
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        yield [[round(x, 5), round(y, 5)] for x, y in polygon.exterior.coords]


@lru_cache(maxsize=4)
def _boundary(path: Path) -> BaseGeometry:
    data = json.loads(path.read_text(encoding="utf-8"))
    return shape(data["features"][0]["geometry"])


def view_for(theater: Theater) -> pdk.ViewState:
    """Initial view centred on the theater boundary."""
    minx, miny, maxx, maxy = _boundary(theater.path("boundary")).bounds
    span = max(maxx - minx, maxy - miny)
    zoom = 6.0 if span < 8 else 5.0
    return pdk.ViewState(latitude=(miny + maxy) / 2, longitude=(minx + maxx) / 2, zoom=zoom)


def place_layers(places: gpd.GeoDataFrame, *, escape_tooltips: bool = True) -> list[pdk.Layer]:
    """Layers for a places frame (see `geo.places.places_frame`): areas, lines, points.

    ``escape_tooltips`` HTML-escapes the tooltip fields; only a renderer that escapes them
    itself (Streamlit's ``st.pydeck_chart``) may be given unescaped ones.
    """
    records = [
        {**{k: v for k, v in row.items() if k != "geometry"}, "geometry": row["geometry"]}
        for row in places.to_dict("records")
    ]
    areas, lines, points, labels = [], [], [], []
    for row in records:
        tip = _tooltip_row(row, escaped=escape_tooltips)
        geometry = row["geometry"]
        if row["kind"] == "governorate":
            areas += [{"polygon": ring, **tip} for ring in _rings(geometry)]
        elif row["kind"] == "corridor":
            lines.append({"path": [[round(x, 5), round(y, 5)] for x, y in geometry.coords],
                          **tip})
        else:
            points.append({
                "position": [row["lon"], row["lat"]], "radius": _RADIUS_M.get(row["kind"], 2000),
                "colour": KIND_COLOURS.get(row["kind"], [90, 90, 90]), **tip})
            labels.append({"position": [row["lon"], row["lat"]], "label": _label(row["name"])})
    return [
        pdk.Layer("PolygonLayer", id="areas", data=areas, get_polygon="polygon", filled=True,
                  stroked=True, get_fill_color=[*AREA_COLOUR, 50],
                  get_line_color=[*AREA_COLOUR, 200], line_width_min_pixels=1, pickable=True),
        pdk.Layer("PathLayer", id="corridors", data=lines, get_path="path",
                  get_color=[*CORRIDOR_COLOUR, 220], width_min_pixels=3, pickable=True),
        pdk.Layer("ScatterplotLayer", id="places", data=points, get_position="position",
                  get_radius="radius", radius_min_pixels=5, radius_max_pixels=30,
                  get_fill_color="colour", get_line_color=[255, 255, 255], stroked=True,
                  line_width_min_pixels=1, pickable=True),
        # deck.gl draws label text as glyphs, never as HTML, so labels need no escaping.
        pdk.Layer("TextLayer", id="labels", data=labels, get_position="position",
                  get_text="label", get_size=13, get_color=[30, 30, 30, 230],
                  get_pixel_offset=[0, -12], get_text_anchor=pdk.types.String("middle"),
                  get_alignment_baseline=pdk.types.String("bottom"),
                  font_family=pdk.types.String("Helvetica, Arial, sans-serif"),
                  font_settings={"sdf": True}, outline_width=4,
                  outline_color=[255, 255, 255, 230], pickable=False),
    ]


def boundary_layer(theater: Theater) -> pdk.Layer:
    """The theater outline as a layer of its own (the map works without a basemap)."""
    rings = [{"polygon": ring} for ring in _rings(_boundary(theater.path("boundary")))]
    return pdk.Layer("PolygonLayer", id="boundary", data=rings, get_polygon="polygon",
                     filled=True, stroked=True, get_fill_color=[245, 242, 235, 255],
                     get_line_color=[*BOUNDARY_COLOUR, 255], line_width_min_pixels=1.5,
                     pickable=False)


def build_deck(places: gpd.GeoDataFrame, theater: Theater, *, basemap: str | None = None,
               escape_tooltips: bool = True) -> pdk.Deck:
    """The pydeck Deck of a places frame.

    Parameters
    ----------
    places
        Frame from `geo.places.places_frame`.
    theater
        Gives the boundary and the initial view.
    basemap
        A map style URL for a tile basemap when online; None (default) draws offline.
    escape_tooltips
        HTML-escape the article text shown in tooltips (default). ``st.pydeck_chart``
        escapes tooltip values itself, so ``app.py`` passes False to avoid showing
        ``&amp;`` and ``&#x27;``; every other renderer must keep the default.

    Notes
    -----
    With no basemap the style is left at pydeck's placeholder (no ``map_style`` given):
    Streamlit fills an explicit ``None`` with its own tile basemap, fetched from the web.
    """
    style = {"map_style": basemap, "map_provider": "carto"} if basemap else {"map_provider": None}
    return pdk.Deck(
        layers=[boundary_layer(theater), *place_layers(places, escape_tooltips=escape_tooltips)],
        initial_view_state=view_for(theater),
        **style,
        tooltip={"html": TOOLTIP_HTML,
                 "style": {"backgroundColor": "white", "color": "#222", "fontSize": "12px",
                           "maxWidth": "360px"}},
    )
