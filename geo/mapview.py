"""Build the pydeck map of a set of places (used by ``app.py`` and standalone HTML maps).

The map needs no network: ``map_style=None`` draws on a blank background and the theater
boundary is its own layer. Article text is untrusted, so every value a tooltip shows is
HTML-escaped here, before pydeck pastes it into its tooltip template (`escape`; only
Streamlit, which escapes by itself, gets plain text). Whatever the renderer, deck.gl's JSON
converter reads a string starting ``@@`` as code or a constant (``@@=``, ``@@#``), which
would stop the whole map from drawing: text that starts so is drawn with a space before it
(`_inert`).
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


_TEMPLATE_CHARS = str.maketrans({"$": "&#36;", "{": "&#123;", "}": "&#125;"})
"""Characters pydeck's tooltip (a JavaScript ``replaceAll``) reads as patterns or fields."""


def escape(value: object) -> str:
    """HTML-escape any value for display (quotes included); ``$``, ``{`` and ``}`` become
    character references too, so a value pasted into a tooltip template can neither copy
    parts of the template (``$&``, ``$'``) nor be taken for a field (``{tip_title}``)."""
    text = html.escape("" if value is None else str(value), quote=True)
    return text.translate(_TEMPLATE_CHARS)


def _inert(text: str) -> str:
    """``text`` as deck.gl's JSON converter leaves it: never starting ``@@``."""
    return f" {text}" if text.startswith("@@") else text


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
        return {k: _inert(escape(v)) for k, v in fields.items()}
    return {k: _inert("" if v is None else str(v)) for k, v in fields.items()}


def _label(name: object) -> str:
    """Map label in the ASCII glyphs deck.gl draws by default (the tooltip keeps the name)."""
    text = unicodedata.normalize("NFKD", str(name))
    return _inert("".join(ch for ch in text if ch.isascii() and ch.isprintable()))


def _rings(geometry: BaseGeometry) -> Iterable[list[list[float]]]:
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        yield [[round(x, 5), round(y, 5)] for x, y in polygon.exterior.coords]


BOUNDARY_TOLERANCE_DEG = 0.003
"""The outline drawn on the interactive map is simplified to about 300 m: the browser
re-tessellates it on every date change, and a national map shows no finer detail."""


@lru_cache(maxsize=4)
def _boundary(path: Path) -> BaseGeometry:
    data = json.loads(path.read_text(encoding="utf-8"))
    return shape(data["features"][0]["geometry"]).simplify(BOUNDARY_TOLERANCE_DEG)


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


def boundary_layer(theater: Theater, *, filled: bool = True) -> pdk.Layer:
    """The theater outline as a layer of its own (the map works without a basemap); over a
    tile basemap it is drawn as an outline only (``filled=False``)."""
    rings = [{"polygon": ring} for ring in _rings(_boundary(theater.path("boundary")))]
    return pdk.Layer("PolygonLayer", id="boundary", data=rings, get_polygon="polygon",
                     filled=filled, stroked=True, get_fill_color=[245, 242, 235, 255],
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


# ---------------------------------------------------------------- the war on a date

WAR_LAYERS = ("areas", "frontlines", "corridors", "places", "claims", "labels")
ONLINE_BASEMAP = pdk.map_styles.CARTO_LIGHT
"""The tile basemap offered when online (CARTO Positron; needs no token)."""
"""Layer names of the control map, in drawing order (the boundary is always drawn)."""
STATUS_ALPHA = {"confirmed": 255, "reported": 150, "contested": 255, "stale": 70}
"""Point opacity by control status (contested points get a hatched look: white fill)."""
UNKNOWN_COLOUR = [150, 150, 150]
FRONTLINE_COLOUR = [220, 20, 20]
FIRE_COLOUR = [255, 120, 0]
CLAIM_COLOUR = [20, 20, 20]

WAR_TOOLTIP_HTML = (
    "<b>{tip_title}</b><br/>{tip_line}<br/><small>{tip_detail}</small>"
    "<br/><small><i>{tip_evidence}</i></small><br/><small>{tip_source}</small>"
)
_TIP_KEYS = ("tip_title", "tip_line", "tip_detail", "tip_evidence", "tip_source")


def _tip(escaped: bool, **fields: object) -> dict[str, str]:
    """The tooltip fields of one feature: every key present (deck.gl leaves a missing one
    as its placeholder), article text escaped unless the renderer escapes."""
    out = {}
    for key in _TIP_KEYS:
        value = fields.get(key)
        text = "" if value is None or value != value else str(value)  # None and NaN
        out[key] = _inert(escape(text) if escaped else text)
    return out


def faction_rgb(factions: Any, code: object) -> list[int]:
    """A faction's colour as ``[r, g, b]`` (grey when the code is unknown or None)."""
    faction = factions.by_code.get(str(code)) if code else None
    return list(faction.colour) if faction is not None else list(UNKNOWN_COLOUR)


def hex_colour(factions: Any, code: object) -> str:
    """A faction's colour as ``#rrggbb`` (grey when unknown), for charts."""
    red, green, blue = faction_rgb(factions, code)[:3]
    return f"#{red:02x}{green:02x}{blue:02x}"


def faction_label(factions: Any, code: object) -> str:
    """``"label (CODE)"`` of a faction, or ``"unknown"``."""
    faction = factions.by_code.get(str(code)) if code else None
    return f"{faction.label} ({faction.code})" if faction is not None else "unknown"


def _coords(line: BaseGeometry) -> Iterable[list[list[float]]]:
    for part in getattr(line, "geoms", [line]):
        yield [[round(x, 5), round(y, 5)] for x, y in part.coords]


def _source(file: object, url: object) -> str:
    file, url = ("" if v is None or v != v else str(v) for v in (file, url))
    return " ".join(p for p in (file, url) if p)


def war_layers(layers: dict[str, gpd.GeoDataFrame], factions: Any, *,
               show: Iterable[str] = WAR_LAYERS, claims_since: str | None = None,
               escape_tooltips: bool = True, places_id: str = "places") -> list[pdk.Layer]:
    """pydeck layers of one date (`geo.layers.layers_on`): control areas, frontlines,
    corridor stretches by holder (fire-exposed ones with an orange halo), places by
    controller (opacity by status), claim markers, labels.

    Parameters
    ----------
    layers
        The layers of the date.
    factions
        Colours and labels (`geo.factions.Factions`).
    show
        Which of `WAR_LAYERS` to draw.
    claims_since
        ISO date: claim markers are the claims dated after it (up to the date), i.e. what
        happened since the previous step; None marks the claims of the date itself.
    escape_tooltips
        See `build_deck`.
    places_id
        The id of the places layer (the one clicks select from). A selection on a map is
        kept by layer id and object index, so the app gives each date its own id: a place
        clicked on one date is never taken for the place at the same index on another.
    """
    show = set(show)
    out: list[pdk.Layer] = []
    esc = escape_tooltips
    if "areas" in show:
        polygons = []
        for row in layers["areas"].itertuples():
            tip = _tip(esc, tip_title=faction_label(factions, row.controller),
                       tip_line=f"control area {row.area_km2:,.0f} km²",
                       tip_detail=f"from {row.places} places")
            for ring in _rings(row.geometry):
                polygons.append({"polygon": ring, "colour": faction_rgb(factions, row.controller),
                                 **tip})
        out.append(pdk.Layer("PolygonLayer", id="areas", data=polygons, get_polygon="polygon",
                             filled=True, stroked=True,
                             get_fill_color="[colour[0], colour[1], colour[2], 70]",
                             get_line_color="[colour[0], colour[1], colour[2], 160]",
                             line_width_min_pixels=1, pickable=True))
    if "frontlines" in show:
        paths = []
        for row in layers["frontlines"].itertuples():
            tip = _tip(esc, tip_title="frontline",
                       tip_line=f"{faction_label(factions, row.side_a)} / "
                                f"{faction_label(factions, row.side_b)}",
                       tip_detail=f"{row.length_km:,.1f} km")
            paths += [{"path": p, **tip} for p in _coords(row.geometry)]
        out.append(pdk.Layer("PathLayer", id="frontlines", data=paths, get_path="path",
                             get_color=[*FRONTLINE_COLOUR, 230], width_min_pixels=3,
                             pickable=True))
    if "corridors" in show and "corridors" in layers:
        stretches, fire = [], []
        for row in layers["corridors"].itertuples():
            holder = None if row.holder == "unknown" else row.holder
            exposed = f"under fire from {row.exposed_by}" if row.fire_exposed else \
                "out of fire range"
            tip = _tip(esc, tip_title=f"{row.ref}: km {row.from_km:,.1f}-{row.to_km:,.1f}",
                       tip_line=f"held by {faction_label(factions, holder)}",
                       tip_detail=f"{row.length_km:,.1f} km, {exposed}")
            for path in _coords(row.geometry):
                stretches.append({"path": path, "colour": faction_rgb(factions, holder), **tip})
                if row.fire_exposed:
                    fire.append({"path": path, **tip})
        out.append(pdk.Layer("PathLayer", id="fire", data=fire, get_path="path",
                             get_color=[*FIRE_COLOUR, 200], width_min_pixels=11,
                             pickable=True))
        out.append(pdk.Layer("PathLayer", id="corridors", data=stretches, get_path="path",
                             get_color="colour", width_min_pixels=4, pickable=True))
    places = layers["places"]
    points = [row for row in places.itertuples() if row.geometry is not None
              and row.geometry.geom_type == "Point"]
    if "places" in show:
        data, circles = [], []
        for row in points:
            status = str(row.status)
            colour = faction_rgb(factions, row.controller)
            precision = int(getattr(row, "precision", 1) or 1)
            approximate = precision > 1
            fill = ([255, 255, 255, 0] if approximate else [255, 255, 255, 255]
                    if status == "contested" else [*colour, STATUS_ALPHA.get(status, 255)])
            since = f" since {row.since}" if row.since is not None and row.since == row.since \
                else ""
            where = (f"approximate location, within {row.uncertainty_km:g} km: "
                     f"{row.location_note}" if approximate else f"{row.kind}")
            located = str(getattr(row, "located_by", "") or "")
            if located.startswith("online:"):  # not in the offline gazetteer: say so
                where += f", located online by {located.removeprefix('online:').title()}"
            tip = _tip(esc, tip_title=row.name,
                       tip_line=f"{faction_label(factions, row.controller)}, {status}{since}",
                       tip_detail=f"{where}; last evidence {row.last_date}; "
                                  f"{row.supporting_claims} supporting claims",
                       tip_evidence=row.last_evidence,
                       tip_source=_source(row.last_file, row.last_source))
            data.append({
                "place_id": row.place_id, "position": [row.geometry.x, row.geometry.y],
                "radius": _RADIUS_M.get(row.kind, 2000), "fill": fill,
                "line": [*colour, 255], "width": 3 if approximate else 2, **tip})
            if approximate:
                circles.append({"position": [row.geometry.x, row.geometry.y],
                                "radius": float(row.uncertainty_km) * 1000.0,
                                "colour": colour, **tip})
        out.append(pdk.Layer("ScatterplotLayer", id="uncertainty", data=circles,
                             get_position="position", get_radius="radius", filled=True,
                             stroked=True,
                             get_fill_color="[colour[0], colour[1], colour[2], 30]",
                             get_line_color="[colour[0], colour[1], colour[2], 140]",
                             line_width_min_pixels=1, pickable=False))
        out.append(pdk.Layer("ScatterplotLayer", id=places_id, data=data,
                             get_position="position", get_radius="radius",
                             radius_min_pixels=5, radius_max_pixels=30, get_fill_color="fill",
                             get_line_color="line", get_line_width="width", stroked=True,
                             line_width_units=pdk.types.String("pixels"),
                             line_width_min_pixels=2, pickable=True, auto_highlight=True))
    if "claims" in show:
        claims = layers["claims"]
        day = str(claims["date"].max()) if len(claims) else ""
        recent = claims[(claims["date"] > claims_since) if claims_since else
                        (claims["date"] == day)] if len(claims) else claims
        data = []
        for row in recent.itertuples():
            if row.geometry is None or row.geometry.geom_type != "Point":
                continue  # claims on a corridor are drawn by the corridor layer
            flags = ", ".join(f for f, on in (("hedged", row.hedged), ("negated", row.negated),
                                              ("near", row.near_place)) if on)
            data.append({
                "position": [row.geometry.x, row.geometry.y],
                "colour": faction_rgb(factions, row.controller),
                **_tip(esc, tip_title=f"claim: {row.action} {row.place}",
                       tip_line=f"{faction_label(factions, row.controller)} on {row.date}"
                                + (f" ({flags})" if flags else ""),
                       tip_detail=f"confidence {row.confidence:.2f}",
                       tip_evidence=row.evidence, tip_source=_source(row.file, row.source)),
            })
        out.append(pdk.Layer("ScatterplotLayer", id="claims", data=data,
                             get_position="position", get_radius=9000, radius_min_pixels=9,
                             radius_max_pixels=40, filled=False, stroked=True,
                             get_line_color="colour", line_width_min_pixels=2, pickable=True))
    if "labels" in show:
        labels = [{"position": [row.geometry.x, row.geometry.y], "label": _label(row.name)}
                  for row in points]
        out.append(pdk.Layer("TextLayer", id="labels", data=labels, get_position="position",
                             get_text="label", get_size=13, get_color=[30, 30, 30, 230],
                             get_pixel_offset=[0, -12],
                             get_text_anchor=pdk.types.String("middle"),
                             get_alignment_baseline=pdk.types.String("bottom"),
                             font_family=pdk.types.String("Helvetica, Arial, sans-serif"),
                             font_settings={"sdf": True}, outline_width=4,
                             outline_color=[255, 255, 255, 230], pickable=False))
    return out


def build_war_deck(layers: dict[str, gpd.GeoDataFrame], theater: Theater, factions: Any, *,
                   show: Iterable[str] = WAR_LAYERS, claims_since: str | None = None,
                   view: pdk.ViewState | None = None, basemap: str | None = None,
                   escape_tooltips: bool = True, places_id: str = "places") -> pdk.Deck:
    """The pydeck Deck of the war on one date (see `war_layers`; offline unless
    ``basemap``; ``view`` defaults to the whole theater)."""
    style = {"map_style": basemap, "map_provider": "carto"} if basemap else {"map_provider": None}
    return pdk.Deck(
        layers=[boundary_layer(theater, filled=basemap is None),
                *war_layers(layers, factions, show=show, claims_since=claims_since,
                            escape_tooltips=escape_tooltips, places_id=places_id)],
        initial_view_state=view or view_for(theater),
        **style,
        tooltip={"html": WAR_TOOLTIP_HTML,
                 "style": {"backgroundColor": "white", "color": "#222", "fontSize": "12px",
                           "maxWidth": "380px"}},
    )
