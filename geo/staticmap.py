"""The static map of a date, for reports: a PNG drawn with matplotlib on the Agg canvas.

`render_figure` draws the layers of a date (`geo.layers.layers_on`) into a matplotlib
``Figure`` (for tests and for animations that render many frames); `render_png` writes it
atomically. The styling follows the interactive map (`geo.mapview.war_layers`): control
areas in translucent faction colours, frontlines red, places coloured by controller with
their opacity by status (contested ones white, approximate ones hollow inside their
uncertainty circle), new claims ringed, the M4/M5 stretches in their holder's colour with
an orange halo where they are under fire.

The map works offline: no basemap tiles, the theater boundary is drawn from its GeoJSON
and the font is matplotlib's bundled DejaVu Sans. It is drawn in the theater's metric CRS
(``theater.metric_crs``) at equal aspect, so the scale bar is true; the north arrow points
to true north (grid north of a UTM zone differs from it by a degree or two).

Names come from article text. Matplotlib draws text as glyphs, never as markup, but it
reads ``$...$`` as mathtext and may hand text to LaTeX: every text artist of the figure is
set to plain text (no mathtext, no usetex), so a place called ``$x$`` is drawn as written.
"""

from __future__ import annotations

import math
import os
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar
from pyproj import Transformer
from shapely import line_merge, unary_union
from shapely.geometry import MultiPoint, Point, box
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from geo.factions import Factions
from geo.mapview import (
    BOUNDARY_COLOUR,
    CLAIM_COLOUR,
    FIRE_COLOUR,
    FRONTLINE_COLOUR,
    STATUS_ALPHA,
    UNKNOWN_COLOUR,
)
from geo.theater import Theater

Extent = tuple[float, float, float, float]
"""A bounding box ``(min_x, min_y, max_x, max_y)``."""

WIDTH_IN = 10.0
"""Figure width in inches: the dpi is ``width_px / WIDTH_IN``, so the layout is the same
at any pixel width and text is drawn at 160 dpi on the default 1600 px map."""
DEFAULT_WIDTH_PX = 1600
LEFT_IN, MAP_W_IN, PANEL_X_IN = 0.25, 7.0, 7.45
"""Left margin, map width and the left edge of the legend panel (inches)."""
TOP_IN, BOTTOM_IN = 0.8, 0.55
"""Title band above the map and source band below it (inches)."""
ASPECT_RANGE = (0.62, 1.4)
"""Map height / width: a wider or taller extent is padded to fit (the legend must fit)."""

AREA_FILL_ALPHA, AREA_EDGE_ALPHA = 70 / 255, 160 / 255
UNCERTAINTY_FILL_ALPHA, UNCERTAINTY_EDGE_ALPHA = 30 / 255, 140 / 255
FRONTLINE_ALPHA, FIRE_ALPHA = 230 / 255, 200 / 255
BOUNDARY_FILL = (245, 242, 235)
OUTSIDE_FILL = (226, 230, 234)
"""Background outside the theater boundary."""
TEXT_COLOUR = (30, 30, 30)
MARKER_PT = {"city": 8.5, "town": 7.0, "village": 5.5}
"""Place marker diameter by kind (points); other kinds get `MARKER_PT_DEFAULT`."""
MARKER_PT_DEFAULT = 5.5
CLAIM_RING_PT = 15.0
LABEL_KINDS = ("city", "town")
"""Kinds labelled on every map; other places are labelled on the dates they have claims."""
KIND_RANK = {"city": 0, "town": 1, "village": 2}
LABEL_MAX_CHARS = 32
FILE_MAX_CHARS = 36
SOURCE_LINE_CHARS, SOURCE_LINES = 150, 2
FONT = "DejaVu Sans"


# ------------------------------------------------------------------------ pure helpers

def dpi_for(width_px: int) -> float:
    """The dpi that makes a `WIDTH_IN` wide figure ``width_px`` pixels wide."""
    if width_px < 200:
        raise ValueError(f"width_px={width_px}: too small for a readable map (200 or more)")
    return width_px / WIDTH_IN


def fit_aspect(bounds: Extent, low: float = ASPECT_RANGE[0],
               high: float = ASPECT_RANGE[1]) -> Extent:
    """Pad ``bounds`` (centred) so that height / width lies in ``[low, high]``.

    Examples
    --------
    >>> fit_aspect((0, 0, 100, 10), 0.5, 2.0)
    (0.0, -20.0, 100.0, 30.0)
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    width, height = max(maxx - minx, 1e-9), max(maxy - miny, 1e-9)
    if height / width < low:
        grow = (width * low - height) / 2
        miny, maxy = miny - grow, maxy + grow
    elif height / width > high:
        grow = (height / high - width) / 2
        minx, maxx = minx - grow, maxx + grow
    return minx, miny, maxx, maxy


def with_margin(bounds: Extent, share: float, minimum: float) -> Extent:
    """Grow ``bounds`` on every side by ``share`` of its larger span, at least ``minimum``."""
    minx, miny, maxx, maxy = bounds
    pad = max(share * max(maxx - minx, maxy - miny), minimum)
    return minx - pad, miny - pad, maxx + pad, maxy + pad


def scale_km(span_km: float) -> float:
    """A round scale-bar length (1, 2 or 5 times a power of ten) near a fifth of the span.

    Examples
    --------
    >>> scale_km(830.0), scale_km(60.0), scale_km(3.0)
    (100.0, 10.0, 0.5)
    """
    target = max(span_km / 5.0, 1e-6)
    power = 10.0 ** math.floor(math.log10(target))
    return max(step * power for step in (1.0, 2.0, 5.0) if step * power <= target)


def label_text(name: object, limit: int = LABEL_MAX_CHARS) -> str:
    """A name as a one-line label: control characters dropped, whitespace collapsed,
    cut to ``limit`` characters with an ellipsis. ``$`` and backslashes are kept (the
    figure draws them literally)."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " "
                   for ch in unicodedata.normalize("NFC", str(name or "")))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def short_file_name(name: object, limit: int = FILE_MAX_CHARS) -> str:
    """A document's file name (no folders), its middle cut out when longer than ``limit``
    so that the start and the extension stay readable."""
    text = label_text(Path(str(name)).name, limit=10_000)
    if len(text) <= limit:
        return text
    tail = max(limit // 3, 4)
    return f"{text[:limit - tail - 1]}…{text[-tail:]}"


def source_line(documents: Sequence[str], *, width: int = SOURCE_LINE_CHARS,
                lines: int = SOURCE_LINES) -> str:
    """The source line under the map: the file names of the documents used, wrapped to at
    most ``lines`` lines of ``width`` characters, the rest counted ("… and 12 more")."""
    names = list(dict.fromkeys(short_file_name(d) for d in documents if str(d).strip()))
    if not names:
        return "Sources: no documents up to this date"
    head = f"Sources ({len(names)} document{'s' if len(names) != 1 else ''}): "
    for shown in range(len(names), 0, -1):
        rest = len(names) - shown
        text = head + ", ".join(names[:shown]) + (f" … and {rest} more" if rest else "")
        wrapped = textwrap.wrap(text, width=width, break_long_words=True,
                                break_on_hyphens=False)
        if len(wrapped) <= lines:
            return "\n".join(wrapped)
    return head + f"{len(names)} files"


def thin_labels(boxes: Sequence[Extent], *, obstacles: Iterable[Extent] = (),
                pad: float = 0.0) -> list[int]:
    """Indices of the label boxes to keep, in priority order: a box that would overlap an
    earlier kept box or an obstacle (grown by ``pad``) is left out.

    Examples
    --------
    >>> thin_labels([(0, 0, 10, 4), (5, 2, 15, 6), (20, 0, 30, 4)])
    [0, 2]
    """
    taken = [tuple(b) for b in obstacles]
    kept = []
    for index, (x0, y0, x1, y1) in enumerate(boxes):
        clash = any(x0 - pad < bx1 and bx0 < x1 + pad and y0 - pad < by1 and by0 < y1 + pad
                    for bx0, by0, bx1, by1 in taken)
        if not clash:
            taken.append((x0, y0, x1, y1))
            kept.append(index)
    return kept


def label_spot(line: BaseGeometry, occupied: BaseGeometry, clearance: float,
               fractions: Sequence[float] = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)) -> Point:
    """Where along ``line`` to put its name: the first of ``fractions`` (of its length) at
    least ``clearance`` from ``occupied`` (the places), else the farthest from them.

    Examples
    --------
    >>> from shapely.geometry import LineString, MultiPoint
    >>> label_spot(LineString([(0, 0), (100, 0)]), MultiPoint([(50, 0)]), 15.0).x
    30.0
    """
    spots = [line.interpolate(f, normalized=True) for f in fractions]
    if occupied.is_empty:
        return spots[0]
    for spot in spots:
        if spot.distance(occupied) >= clearance:
            return spot
    return max(spots, key=lambda p: p.distance(occupied))


def present_factions(layers: dict[str, gpd.GeoDataFrame], factions: Factions) -> list[str]:
    """Codes of the factions drawn in colour on the map (areas, places, corridor holders),
    in the theater file's order."""
    used: set[str] = set()
    for name, column in (("areas", "controller"), ("places", "controller"),
                         ("corridors", "holder")):
        frame = layers.get(name)
        if frame is not None and column in frame.columns:
            used |= {str(c) for c in frame[column] if _known(c)}
    return [f.code for f in factions if f.code in used]


def title_text(theater: Theater, day: date) -> str:
    """The map title: theater and ISO date."""
    return f"{theater.name}: control on {day.isoformat()}"


def _known(code: object) -> bool:
    return isinstance(code, str) and code not in ("", "unknown")


def _rgb(factions: Factions, code: object) -> tuple[float, float, float]:
    faction = factions.by_code.get(str(code)) if _known(code) else None
    red, green, blue = faction.colour[:3] if faction is not None else UNKNOWN_COLOUR[:3]
    return red / 255, green / 255, blue / 255


def _unit(rgb: Sequence[int]) -> tuple[float, float, float]:
    return rgb[0] / 255, rgb[1] / 255, rgb[2] / 255


def _number(value: object, default: float) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return default if math.isnan(number) else number


# ------------------------------------------------------------------------- geometry

@lru_cache(maxsize=8)
def _boundary(path: Path, crs: str) -> BaseGeometry:
    """The theater outline in ``crs`` (read once per file)."""
    frame = gpd.read_file(path)
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    return unary_union(list(frame.to_crs(crs).geometry))


def _metric(frame: gpd.GeoDataFrame | None, crs: str) -> gpd.GeoDataFrame | None:
    """``frame`` in ``crs`` without empty geometries (None when there is nothing to draw)."""
    if frame is None or len(frame) == 0 or "geometry" not in frame.columns:
        return None
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if len(frame) == 0:
        return None
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    return frame.to_crs(crs)


def _polygon_path(geometry: BaseGeometry) -> MplPath | None:
    """A matplotlib path of a (multi)polygon, holes included (exteriors counter-clockwise,
    holes clockwise, as the non-zero fill rule needs)."""
    vertices, codes = [], []
    for polygon in getattr(geometry, "geoms", [geometry]):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        polygon = orient(polygon, 1.0)
        for ring in (polygon.exterior, *polygon.interiors):
            coords = np.asarray(ring.coords)[:, :2]
            vertices.append(coords)
            codes.append([MplPath.MOVETO] + [MplPath.LINETO] * (len(coords) - 2)
                         + [MplPath.CLOSEPOLY])
    if not vertices:
        return None
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def _lines(geometry: BaseGeometry) -> list[np.ndarray]:
    """Vertex arrays of the lines in a (multi)line geometry."""
    parts = getattr(geometry, "geoms", [geometry])
    return [np.asarray(p.coords)[:, :2] for p in parts
            if p.geom_type in ("LineString", "LinearRing") and len(p.coords) > 1]


def _points(frame: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    if frame is None:
        return None
    frame = frame[frame.geometry.geom_type == "Point"]
    return frame if len(frame) else None


def map_extent(layers: dict[str, gpd.GeoDataFrame], theater: Theater,
               extent: str | Extent = "theater") -> Extent:
    """The map's bounds in the theater's metric CRS.

    Parameters
    ----------
    layers
        The layers of the date.
    theater
        Gives the boundary and the metric CRS.
    extent
        ``"theater"``: the whole boundary; ``"data"``: the control areas and places (with
        their uncertainty circles) plus a margin, or the theater when there are none; a
        tuple ``(min_lon, min_lat, max_lon, max_lat)`` in degrees (EPSG:4326).

    Returns
    -------
    tuple
        ``(min_x, min_y, max_x, max_y)`` in metres, padded to an aspect the layout takes.
    """
    crs = theater.metric_crs
    outline = _boundary(theater.path("boundary"), crs).bounds
    if isinstance(extent, str):
        if extent == "theater":
            bounds = with_margin(outline, 0.03, 5_000.0)
        elif extent == "data":
            shapes = []
            areas = _metric(layers.get("areas"), crs)
            if areas is not None:
                shapes += list(areas.geometry)
            places = _points(_metric(layers.get("places"), crs))
            if places is not None:
                radii = [_number(u, 0.0) * 1000.0 for u in places.get(
                    "uncertainty_km", [0.0] * len(places))]
                shapes += [p.buffer(r) if r > 0 else p
                           for p, r in zip(places.geometry, radii, strict=True)]
            if not shapes:
                return map_extent(layers, theater, "theater")
            bounds = with_margin(unary_union(shapes).bounds, 0.12, 15_000.0)
        else:
            raise ValueError(f"extent={extent!r}: use 'theater', 'data' or a tuple "
                             "(min_lon, min_lat, max_lon, max_lat)")
    else:
        if len(extent) != 4 or not (extent[0] < extent[2] and extent[1] < extent[3]):
            raise ValueError(f"extent={extent!r}: expected (min_lon, min_lat, max_lon, "
                             "max_lat) with min < max")
        to_metric = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        bounds = to_metric.transform_bounds(*extent, densify_pts=21)
    minx, miny, maxx, maxy = bounds
    if maxx - minx < 20_000.0:  # a single point: at least 20 km across
        minx, maxx = (minx + maxx) / 2 - 10_000.0, (minx + maxx) / 2 + 10_000.0
    if maxy - miny < 20_000.0:
        miny, maxy = (miny + maxy) / 2 - 10_000.0, (miny + maxy) / 2 + 10_000.0
    return fit_aspect((minx, miny, maxx, maxy))


def quiet_corners(bounds: Extent, busy: BaseGeometry, theater_shape: BaseGeometry,
                  share: tuple[float, float] = (0.24, 0.14)) -> list[str]:
    """The four corners of the map (``"lower right"``, ...) from the emptiest: least drawn
    data in a corner box of ``share`` of the map, then least of the theater."""
    minx, miny, maxx, maxy = bounds
    width, height = (maxx - minx) * share[0], (maxy - miny) * share[1]
    boxes = {
        "lower right": box(maxx - width, miny, maxx, miny + height),
        "lower left": box(minx, miny, minx + width, miny + height),
        "upper right": box(maxx - width, maxy - height, maxx, maxy),
        "upper left": box(minx, maxy - height, minx + width, maxy),
    }
    order = list(boxes)
    return sorted(order, key=lambda c: (round(boxes[c].intersection(busy).area, 3),
                                        round(boxes[c].intersection(theater_shape).area, 3),
                                        order.index(c)))


def true_north_degrees(bounds: Extent, crs: str) -> float:
    """Angle of true north from the map's up direction at the map centre (degrees,
    clockwise positive): the meridian convergence of the metric CRS there."""
    to_geo = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    to_metric = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lon, lat = to_geo.transform((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)
    x0, y0 = to_metric.transform(lon, lat)
    x1, y1 = to_metric.transform(lon, lat + 0.05)
    return math.degrees(math.atan2(x1 - x0, y1 - y0))


# -------------------------------------------------------------------------- drawing

def _draw_areas(ax, areas: gpd.GeoDataFrame | None, factions: Factions) -> None:
    if areas is None:
        return
    for row in areas.itertuples():
        path = _polygon_path(row.geometry)
        if path is None:
            continue
        rgb = _rgb(factions, row.controller)
        ax.add_patch(PathPatch(path, facecolor=(*rgb, AREA_FILL_ALPHA),
                               edgecolor=(*rgb, AREA_EDGE_ALPHA), linewidth=0.8, zorder=2,
                               gid="area"))


def _draw_frontlines(ax, fronts: gpd.GeoDataFrame | None) -> None:
    if fronts is None:
        return
    segments = [part for geometry in fronts.geometry for part in _lines(geometry)]
    ax.add_collection(LineCollection(segments, colors=[(*_unit(FRONTLINE_COLOUR),
                                                        FRONTLINE_ALPHA)],
                                     linewidths=2.0, capstyle="round", joinstyle="round",
                                     zorder=4, gid="frontlines"))


def _draw_corridors(ax, corridors: gpd.GeoDataFrame | None, factions: Factions) -> None:
    if corridors is None:
        return
    halo, stretches, colours = [], [], []
    for row in corridors.itertuples():
        parts = _lines(row.geometry)
        stretches += parts
        colours += [_rgb(factions, row.holder)] * len(parts)
        if bool(getattr(row, "fire_exposed", False)):
            halo += parts
    ax.add_collection(LineCollection(halo, colors=[(*_unit(FIRE_COLOUR), FIRE_ALPHA)],
                                     linewidths=6.0, capstyle="round", zorder=5,
                                     gid="fire"))
    ax.add_collection(LineCollection(stretches, colors=colours, linewidths=2.4,
                                     capstyle="round", joinstyle="round", zorder=6,
                                     gid="corridors"))


def _draw_places(ax, places: gpd.GeoDataFrame | None, factions: Factions) -> None:
    if places is None:
        return
    xs, ys, sizes, fills, edges, widths = [], [], [], [], [], []
    for row in places.itertuples():
        rgb = _rgb(factions, row.controller)
        status = str(getattr(row, "status", ""))
        approximate = int(_number(getattr(row, "precision", 1), 1.0)) > 1
        uncertainty_m = _number(getattr(row, "uncertainty_km", 0.0), 0.0) * 1000.0
        if approximate and uncertainty_m > 0:
            circle = _polygon_path(row.geometry.buffer(uncertainty_m, quad_segs=32))
            ax.add_patch(PathPatch(circle, facecolor=(*rgb, UNCERTAINTY_FILL_ALPHA),
                                   edgecolor=(*rgb, UNCERTAINTY_EDGE_ALPHA), linewidth=0.8,
                                   zorder=3, gid="uncertainty"))
        if approximate:
            fill = (1.0, 1.0, 1.0, 0.0)
        elif status == "contested":
            fill = (1.0, 1.0, 1.0, 1.0)
        else:
            fill = (*rgb, STATUS_ALPHA.get(status, 255) / 255)
        xs.append(row.geometry.x)
        ys.append(row.geometry.y)
        sizes.append(MARKER_PT.get(str(row.kind), MARKER_PT_DEFAULT) ** 2)
        fills.append(fill)
        edges.append((*rgb, 1.0))
        widths.append(1.6 if approximate else 1.1)
    ax.scatter(xs, ys, s=sizes, c=fills, edgecolors=edges, linewidths=widths, zorder=7,
               gid="places")


def _recent_claims(claims: gpd.GeoDataFrame | None, day: date,
                   claims_since: str | None) -> gpd.GeoDataFrame | None:
    """Claims of ``day``, or those dated after ``claims_since`` up to ``day``."""
    if claims is None or "date" not in claims.columns:
        return None
    dates = claims["date"].astype(str)
    recent = claims[(dates > claims_since) & (dates <= day.isoformat()) if claims_since
                    else dates == day.isoformat()]
    return recent if len(recent) else None


def _draw_claims(ax, recent: gpd.GeoDataFrame | None) -> None:
    points = _points(recent)
    if points is None:
        return
    ax.scatter(points.geometry.x, points.geometry.y, s=CLAIM_RING_PT ** 2,
               facecolors="none", edgecolors=[(*_unit(CLAIM_COLOUR), 1.0)], linewidths=1.3,
               zorder=8, gid="claims")


def _label_candidates(places: gpd.GeoDataFrame | None, corridors: gpd.GeoDataFrame | None,
                      recent: gpd.GeoDataFrame | None, bounds: Extent
                      ) -> list[tuple[str, float, float, str]]:
    """(text, x, y, role) of the labels to try, most important first: corridor refs, places
    with claims in the window, then cities and towns."""
    window = box(*bounds)
    out: list[tuple[str, float, float, str]] = []
    occupied = MultiPoint(list(places.geometry)) if places is not None else MultiPoint()
    if corridors is not None:
        for ref, group in corridors.groupby("ref", sort=True):
            inside = line_merge(unary_union(list(group.geometry))).intersection(window)
            pieces = [g for g in getattr(inside, "geoms", [inside])
                      if g.geom_type == "LineString" and g.length > 0]
            if pieces:
                spot = label_spot(max(pieces, key=lambda g: g.length), occupied,
                                  0.06 * max(bounds[2] - bounds[0], bounds[3] - bounds[1]))
                out.append((label_text(ref), spot.x, spot.y, "corridor"))
    if places is None:
        return out
    claimed = set(recent["place_id"]) if recent is not None and "place_id" in recent else set()
    rows = [r for r in places.itertuples() if window.contains(r.geometry)]
    rows.sort(key=lambda r: (r.place_id not in claimed, KIND_RANK.get(str(r.kind), 9),
                             -_number(getattr(r, "supporting_claims", 0), 0.0), str(r.name)))
    for row in rows:
        if row.place_id in claimed or str(row.kind) in LABEL_KINDS:
            role = "claimed" if row.place_id in claimed else "place"
            out.append((label_text(row.name), row.geometry.x, row.geometry.y, role))
    return out


def _draw_labels(fig: Figure, ax, candidates: list[tuple[str, float, float, str]],
                 obstacles: list[Extent]) -> None:
    """Draw the labels that fit: each is tried in order and removed if it would overlap a
    label kept before it, an obstacle (scale bar, north arrow) or the map's edge."""
    halo = [patheffects.withStroke(linewidth=2.6, foreground="white")]
    texts = []
    for text, x, y, role in candidates:
        if role == "corridor":
            artist = ax.text(x, y, text, fontsize=7.5, fontweight="bold", ha="center",
                             va="center", color=_unit(TEXT_COLOUR), zorder=9,
                             bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                                   "edgecolor": (0.3, 0.3, 0.3), "linewidth": 0.6})
        else:
            artist = ax.annotate(text, xy=(x, y), xytext=(0, 8.0 if role == "claimed" else 5.5),
                                 textcoords="offset points",
                                 ha="center", va="bottom", fontsize=8,
                                 fontweight="bold" if role == "claimed" else "normal",
                                 color=_unit(TEXT_COLOUR), zorder=9, path_effects=halo)
        artist.set_gid("label")
        _plain(artist)
        texts.append(artist)
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    boxes = []
    for artist in texts:
        extent = artist.get_window_extent(renderer)
        boxes.append((extent.x0, extent.y0, extent.x1, extent.y1))
    inside = [i for i, (x0, y0, x1, y1) in enumerate(boxes)
              if x0 >= frame.x0 + 2 and y0 >= frame.y0 + 2 and x1 <= frame.x1 - 2
              and y1 <= frame.y1 - 2]
    kept = {inside[i] for i in thin_labels([boxes[i] for i in inside], obstacles=obstacles,
                                           pad=2.0)}
    for index, artist in enumerate(texts):
        if index not in kept:
            artist.remove()


def _draw_scale_bar(ax, bounds: Extent, corner: str, fontsize: float) -> AnchoredSizeBar:
    length_km = scale_km((bounds[2] - bounds[0]) / 1000.0)
    bar = AnchoredSizeBar(ax.transData, length_km * 1000.0, f"{length_km:g} km", corner,
                          pad=0.45, borderpad=0.6, sep=3, frameon=True,
                          size_vertical=(bounds[3] - bounds[1]) * 0.006, color="black",
                          label_top=True, fontproperties={"size": fontsize, "family": FONT})
    bar.patch.set_facecolor("white")
    bar.patch.set_alpha(0.85)
    bar.patch.set_edgecolor((0.6, 0.6, 0.6))
    bar.set_zorder(10)
    bar.set_gid("scalebar")
    ax.add_artist(bar)
    return bar


def _draw_north_arrow(ax, corner: str, angle_deg: float, size_in: tuple[float, float]
                      ) -> list:
    """A north arrow in ``corner`` (axes fraction), turned to true north."""
    length = 0.42  # inches
    dx = length * math.sin(math.radians(angle_deg)) / size_in[0]
    dy = length * math.cos(math.radians(angle_deg)) / size_in[1]
    cx = 0.045 if "left" in corner else 0.955
    cy = 0.9 if "upper" in corner else 0.1
    base, tip = (cx - dx / 2, cy - dy / 2 - 0.02), (cx + dx / 2, cy + dy / 2 - 0.02)
    arrow = ax.annotate("", xy=tip, xytext=base, xycoords="axes fraction",
                        arrowprops={"arrowstyle": "-|>,head_width=0.35,head_length=0.7",
                                    "linewidth": 1.6, "color": "black",
                                    "mutation_scale": 14}, zorder=10)
    letter = ax.text(tip[0], tip[1] + 0.012, "N", transform=ax.transAxes, ha="center",
                     va="bottom", fontsize=10, fontweight="bold", zorder=10,
                     path_effects=[patheffects.withStroke(linewidth=2.6, foreground="white")])
    arrow.set_gid("north")
    letter.set_gid("north")
    return [arrow, letter]


def _legend(fig: Figure, layers: dict[str, gpd.GeoDataFrame], factions: Factions,
            theater: Theater, anchor: tuple[float, float]):
    """The legend beside the map: factions present, place statuses, line symbols."""
    grey = _unit(UNKNOWN_COLOUR)
    header = Line2D([], [], linestyle="none")
    handles: list = [header]
    labels = ["Control"]
    for code in present_factions(layers, factions):
        faction = factions.by_code[code]
        rgb = _unit(faction.colour)
        handles.append(Patch(facecolor=rgb, edgecolor=rgb, linewidth=0.8))
        labels.append(textwrap.fill(f"{faction.label} ({code})", 30))
    corridors = layers.get("corridors")
    if corridors is not None and "holder" in corridors.columns and any(
            not _known(h) for h in corridors["holder"]):
        handles.append(Patch(facecolor=grey, edgecolor=grey, linewidth=0.8))
        labels.append("not known (corridor)")

    def dot(fill, edge=grey, width=1.1, size=7.0) -> Line2D:
        return Line2D([], [], linestyle="none", marker="o", markersize=size,
                      markerfacecolor=fill, markeredgecolor=edge, markeredgewidth=width)

    handles += [header,
                dot((*grey, STATUS_ALPHA["confirmed"] / 255)),
                dot((*grey, STATUS_ALPHA["reported"] / 255)),
                dot((1.0, 1.0, 1.0, 1.0)),
                dot((*grey, STATUS_ALPHA["stale"] / 255)),
                (dot((*grey, UNCERTAINTY_FILL_ALPHA), (*grey, UNCERTAINTY_EDGE_ALPHA), 0.8, 15),
                 dot("none", grey, 1.6)),
                dot("none", _unit(CLAIM_COLOUR), 1.3, 12),
                header,
                Line2D([], [], color=_unit(FRONTLINE_COLOUR), linewidth=2.0),
                Line2D([], [], color=grey, linewidth=2.4),
                (Line2D([], [], color=(*_unit(FIRE_COLOUR), FIRE_ALPHA), linewidth=6.0),
                 Line2D([], [], color=grey, linewidth=2.4)),
                ]
    labels += ["Places (colour: controller)", "confirmed", "reported", "contested", "stale",
               "approximate, with its\nuncertainty circle", "claim on this date",
               "Lines", "frontline", "M4 / M5 (colour: holder)",
               textwrap.fill(f"under fire (within {theater.fire_range_km:g} km "
                             "of the enemy)", 30)]
    legend = fig.legend(handles, labels, loc="upper left", bbox_to_anchor=anchor,
                        frameon=False, fontsize=8.5, handlelength=2.2, handleheight=1.0,
                        labelspacing=0.6, borderaxespad=0.0,
                        handler_map={tuple: HandlerTuple(ndivide=1, pad=0.0)})
    for text, label in zip(legend.get_texts(), labels, strict=True):
        if label in ("Control", "Places (colour: controller)", "Lines"):
            text.set_fontweight("bold")
    legend.set_gid("legend")
    return legend


def _plain(text: Text) -> None:
    """Draw ``text`` as written: no mathtext, no LaTeX."""
    text.set_parse_math(False)
    text.set_usetex(False)


def _subtitle(layers: dict[str, gpd.GeoDataFrame]) -> str:
    places = layers.get("places")
    count = 0 if places is None else len(places)
    parts = [f"{count} place{'s' if count != 1 else ''}"]
    if places is not None and "status" in places.columns and count:
        statuses = places["status"].astype(str).value_counts()
        parts[0] += " (" + ", ".join(f"{int(statuses[s])} {s}" for s in
                                     ("confirmed", "reported", "contested", "stale")
                                     if s in statuses) + ")"
    areas = layers.get("areas")
    parts.append(f"{0 if areas is None else len(areas)} control areas")
    fronts = layers.get("frontlines")
    km = float(fronts["length_km"].sum()) if fronts is not None and len(fronts) and \
        "length_km" in fronts.columns else 0.0
    parts.append(f"frontline {km:,.0f} km")
    return " · ".join(parts)


def render_figure(layers: dict[str, gpd.GeoDataFrame], theater: Theater, factions: Factions,
                  day: date, *, documents: Sequence[str] = (),
                  width_px: int = DEFAULT_WIDTH_PX, extent: str | Extent = "theater",
                  claims_since: str | None = None, title: str | None = None) -> Figure:
    """The static map of a date as a matplotlib Figure on an Agg canvas (no pyplot).

    Parameters
    ----------
    layers
        The layers of the date (`geo.layers.layers_on`), in EPSG:4326; missing or empty
        layers are left out.
    theater
        Boundary, metric CRS and fire range.
    factions
        Colours and labels.
    day
        The date (title, and which claims are ringed and labelled).
    documents
        File names (or paths) of the documents used, for the source line.
    width_px
        Width of the image in pixels; the height follows the extent's shape.
    extent
        ``"theater"`` (default), ``"data"`` or ``(min_lon, min_lat, max_lon, max_lat)``;
        see `map_extent`.
    claims_since
        ISO date: ring and label the claims dated after it up to ``day`` (an animation's
        previous frame); None: the claims of ``day``.
    title
        Replaces the default title (theater and date).

    Returns
    -------
    matplotlib.figure.Figure
        With a ``FigureCanvasAgg``; text artists carry gids (``title``, ``subtitle``,
        ``sources``, ``label``), as do the legend (``legend``) and the map (``map``).
    """
    crs = theater.metric_crs
    bounds = map_extent(layers, theater, extent)
    aspect = (bounds[3] - bounds[1]) / (bounds[2] - bounds[0])
    map_h = MAP_W_IN * aspect
    height = TOP_IN + map_h + BOTTOM_IN
    with matplotlib.rc_context({"text.usetex": False, "font.family": FONT,
                                "axes.unicode_minus": False, "path.simplify": True}):
        fig = Figure(figsize=(WIDTH_IN, height), dpi=dpi_for(width_px), facecolor="white")
        FigureCanvasAgg(fig)
        ax = fig.add_axes((LEFT_IN / WIDTH_IN, BOTTOM_IN / height, MAP_W_IN / WIDTH_IN,
                           map_h / height), gid="map")
        ax.set_xlim(bounds[0], bounds[2])
        ax.set_ylim(bounds[1], bounds[3])
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor(_unit(OUTSIDE_FILL))
        for spine in ax.spines.values():
            spine.set_edgecolor((0.55, 0.55, 0.55))
            spine.set_linewidth(0.8)

        outline = _boundary(theater.path("boundary"), crs)
        ax.add_patch(PathPatch(_polygon_path(outline), facecolor=_unit(BOUNDARY_FILL),
                               edgecolor=_unit(BOUNDARY_COLOUR), linewidth=1.2, zorder=1,
                               gid="boundary"))
        areas = _metric(layers.get("areas"), crs)
        places = _points(_metric(layers.get("places"), crs))
        corridors = _metric(layers.get("corridors"), crs)
        fronts = _metric(layers.get("frontlines"), crs)
        recent = _recent_claims(_metric(layers.get("claims"), crs), day, claims_since)
        _draw_areas(ax, areas, factions)
        _draw_frontlines(ax, fronts)
        _draw_corridors(ax, corridors, factions)
        _draw_places(ax, places, factions)
        _draw_claims(ax, recent)

        span = max(bounds[2] - bounds[0], bounds[3] - bounds[1])
        busy = [g for frame in (areas, fronts) if frame is not None for g in frame.geometry]
        busy += [p.buffer(span * 0.02) for p in (() if places is None else places.geometry)]
        corners = quiet_corners(bounds, unary_union(busy) if busy else box(0, 0, 0, 0),
                                outline)
        bar = _draw_scale_bar(ax, bounds, corners[0], 8.0)
        arrow = _draw_north_arrow(ax, corners[1], true_north_degrees(bounds, crs),
                                  (MAP_W_IN, map_h))

        title_artist = fig.text(LEFT_IN / WIDTH_IN, 1 - 0.18 / height,
                                title or title_text(theater, day), fontsize=15,
                                fontweight="bold", va="top", ha="left",
                                color=_unit(TEXT_COLOUR), gid="title")
        fig.text(LEFT_IN / WIDTH_IN, 1 - 0.52 / height, _subtitle(layers), fontsize=9,
                 va="top", ha="left", color=(0.3, 0.3, 0.3), gid="subtitle")
        fig.text(LEFT_IN / WIDTH_IN, 0.1 / height, source_line(documents), fontsize=7.5,
                 va="bottom", ha="left", color=(0.25, 0.25, 0.25), linespacing=1.35,
                 gid="sources")
        _legend(fig, layers, factions, theater,
                (PANEL_X_IN / WIDTH_IN, (BOTTOM_IN + map_h) / height))
        title_artist.set_zorder(11)

        for text in fig.findobj(Text):
            _plain(text)
        ax.apply_aspect()
        renderer = fig.canvas.get_renderer()
        obstacles = [(b.x0, b.y0, b.x1, b.y1) for b in
                     (bar.get_window_extent(renderer),
                      Bbox.union([a.get_window_extent(renderer) for a in arrow]))]
        _draw_labels(fig, ax, _label_candidates(places, corridors, recent, bounds),
                     obstacles)
    return fig


def png_metadata(theater: Theater, day: date, documents: Sequence[str],
                 title: str | None = None) -> dict[str, str]:
    """PNG text chunks: Title, Description (with the date and the documents), Software."""
    names = [short_file_name(d) for d in documents if str(d).strip()]
    described = f"Control map of {theater.name} on {day.isoformat()}, drawn in " \
                f"{theater.metric_crs}; documents: {', '.join(names) or 'none'}"
    return {"Title": title or title_text(theater, day), "Description": described,
            "Software": "frontline (geo.staticmap)"}


def render_png(layers: dict[str, gpd.GeoDataFrame], theater: Theater, factions: Factions,
               day: date, path: Path, *, documents: Sequence[str] = (),
               width_px: int = DEFAULT_WIDTH_PX, extent: str | Extent = "theater",
               claims_since: str | None = None, title: str | None = None) -> Path:
    """Write the static map of a date as a PNG (atomically: a temporary file in the same
    folder, then a rename).

    Parameters are those of `render_figure`, plus ``path``, the PNG to write (its folder
    is created). The PNG's Title and Description text chunks carry the date and the
    documents (`png_metadata`).

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    fig = render_figure(layers, theater, factions, day, documents=documents,
                        width_px=width_px, extent=extent, claims_since=claims_since,
                        title=title)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fig.savefig(tmp, format="png", dpi=fig.dpi,
                    metadata=png_metadata(theater, day, documents, title))
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def png_bytes(layers: dict[str, gpd.GeoDataFrame], theater: Theater, factions: Factions,
              day: date, *, documents: Sequence[str] = (), width_px: int = DEFAULT_WIDTH_PX,
              extent: str | Extent = "theater") -> bytes:
    """The PNG of `render_png` as bytes (for downloads), with the same metadata."""
    import io

    fig = render_figure(layers, theater, factions, day, documents=documents,
                        width_px=width_px, extent=extent)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi,
                metadata=png_metadata(theater, day, documents, None))
    return buffer.getvalue()
