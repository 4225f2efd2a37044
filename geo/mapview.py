"""Build the pydeck map of a set of places (used by ``app.py`` and standalone HTML maps).

The map needs no network: ``map_style=None`` draws on a blank background and the theater
boundary is its own layer. Article text is untrusted, so every value a tooltip shows is
HTML-escaped here, before pydeck pastes it into its tooltip template.
"""

from __future__ import annotations

import html
import json
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


def escape(value: object) -> str:
    """HTML-escape any value for display (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def _tooltip_row(row: dict[str, Any]) -> dict[str, str]:
    lat, lon = row.get("lat"), row.get("lon")
    coords = f"{lat:.5f}, {lon:.5f}" if lat is not None and lon is not None else ""
    return {
        "tip_name": escape(row.get("name")), "tip_kind": escape(row.get("kind")),
        "tip_coords": escape(coords), "tip_surfaces": escape(row.get("surfaces")),
        "tip_files": escape(row.get("files")), "tip_source": escape(row.get("source_url")),
    }


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


def place_layers(places: gpd.GeoDataFrame) -> list[pdk.Layer]:
    """Layers for a places frame (see `geo.places.places_frame`): areas, lines, points."""
    records = [
        {**{k: v for k, v in row.items() if k != "geometry"}, "geometry": row["geometry"]}
        for row in places.to_dict("records")
    ]
    areas, lines, points = [], [], []
    for row in records:
        tip = _tooltip_row(row)
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
    ]


def boundary_layer(theater: Theater) -> pdk.Layer:
    """The theater outline as a layer of its own (the map works without a basemap)."""
    rings = [{"polygon": ring} for ring in _rings(_boundary(theater.path("boundary")))]
    return pdk.Layer("PolygonLayer", id="boundary", data=rings, get_polygon="polygon",
                     filled=True, stroked=True, get_fill_color=[245, 242, 235, 255],
                     get_line_color=[*BOUNDARY_COLOUR, 255], line_width_min_pixels=1.5,
                     pickable=False)


def build_deck(places: gpd.GeoDataFrame, theater: Theater, *, basemap: str | None = None
               ) -> pdk.Deck:
    """The pydeck Deck of a places frame.

    Parameters
    ----------
    places
        Frame from `geo.places.places_frame`.
    theater
        Gives the boundary and the initial view.
    basemap
        A map style URL for a tile basemap when online; None (default) draws offline.
    """
    return pdk.Deck(
        layers=[boundary_layer(theater), *place_layers(places)],
        initial_view_state=view_for(theater),
        map_style=basemap,
        map_provider="carto" if basemap else None,
        tooltip={"html": TOOLTIP_HTML,
                 "style": {"backgroundColor": "white", "color": "#222", "fontSize": "12px",
                           "maxWidth": "360px"}},
    )
