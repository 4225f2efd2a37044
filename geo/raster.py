"""Control maps as GeoTIFF rasters, and people per control area from a population raster.

Control rasters
    `control_array` burns the control areas of a date (``areas`` layer of
    `geo.layers.layers_on`) into a grid in the theater's metric CRS (``metric_crs``) over
    the bounds of the theater outline, snapped outward to multiples of the resolution.
    Pixels are ``uint8`` codes: 0 is nodata (no area: unknown or uncontrolled, or outside
    the theater), 1..n the factions that can hold ground, in the order of ``theater.toml``
    (presence-only forces never hold an area and get no code). The codes depend only on the
    theater, never on the date, so rasters of different dates compare pixel by pixel.
    `write_control_tif` writes one date; `write_series_tif` one band per date.

Pixel-centre rule
    A pixel takes the controller of the area containing its centre (GDAL's default
    rasterization, ``all_touched=False``); a pixel whose centre is in no area is 0. Every
    pixel gets at most one code (areas do not overlap), and a faction's pixel count times the
    pixel area estimates its area: the pixels an edge cuts are counted in or out depending
    on which side their centre falls, so the errors along an edge have both signs and mostly
    cancel (see ``tests/test_raster.py`` for the measured agreement with ``area_km2``). The
    pixel area is measured in the metric CRS (UTM), whose scale differs from the true one by
    under 0.15 % in area across northern Syria.

What the files say about themselves
    Single date: one band whose description maps the codes (``controller: 1=GOV Syrian
    government; 2=SDF ...; 0=nodata``) and a colour table with the faction colours (code 0
    transparent). Both kinds carry dataset tags ``CODE_k`` (faction code), ``LABEL_k``,
    ``COLOUR_k`` (``#rrggbb``), ``NODATA``, ``THEATER``, ``RESOLUTION_M``, ``RULE``, and
    ``DATE`` (single date, when given) or ``DATES`` (series, comma-separated). A series'
    bands are described by their ISO dates (band tag ``DATE`` too); each band holds from its
    date until the next band's. GDAL's GeoTIFF driver keeps no colour table in a file of
    three bands or more, so the series' colour table for band 1 is written in the sidecar
    ``<file>.tif.aux.xml``, which GDAL (rasterio, QGIS) reads with the file; the
    ``COLOUR_k`` tags keep the colours inside the TIFF.

Population
    `population` sums a population raster (people per pixel, e.g. WorldPop, any CRS) per
    control area. The areas and the theater outline are reprojected to the raster's CRS,
    never the raster to the areas': warping a count raster resamples it (nearest or
    bilinear neither keep the total nor the people in place), whereas reprojecting polygons
    moves only their vertices (edges are densified first). Each pixel's people go wholly to
    the area containing the pixel's centre (the pixel-centre rule above, in the raster's own
    grid), so no one is counted twice and the sums plus ``outside`` equal the people of the
    raster whose pixel centres lie inside the theater outline. Nodata, NaN and negative
    pixels (an undeclared nodata such as -3.4e38) count as no people; parts of the theater
    the raster does not cover count nothing.

Files are written to a temporary name in the target folder and renamed into place, so a
reader never sees half a raster.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from itertools import pairwise
from pathlib import Path
from uuid import uuid4
from xml.sax.saxutils import quoteattr

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from affine import Affine
from rasterio.crs import CRS
from rasterio.errors import RasterioError
from rasterio.features import rasterize
from rasterio.windows import Window, from_bounds
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from geo.areas import boundary
from geo.errors import FrontlineError, InputError
from geo.factions import Faction, Factions
from geo.theater import Theater

NODATA = 0
"""Raster code of pixels with no known controller."""
OUTSIDE = "outside"
"""Key of `population` for the people of the theater in no control area."""
MAX_PIXELS = 400_000_000
"""Largest control grid accepted (400 MB per band at one byte a pixel)."""
SEGMENT_DEG = 0.01
"""Longest edge (degrees, about 1 km) of the polygons reprojected to a raster's CRS."""
CHUNK_PIXELS = 4_000_000
"""Pixels of a population raster read at once (rows of the theater window)."""
RULE = "pixel-centre: a pixel takes the controller of the area containing its centre"
GTIFF_OPTIONS = {"driver": "GTiff", "dtype": "uint8", "nodata": NODATA, "compress": "deflate",
                 "tiled": True, "blockxsize": 256, "blockysize": 256, "interleave": "band",
                 "bigtiff": "IF_SAFER"}


class RasterError(FrontlineError, ValueError):
    """A control raster cannot be made as asked (resolution, controllers, dates)."""


def legend(factions: Factions) -> list[tuple[int, Faction]]:
    """Raster code of every faction that can hold ground: 1..n in theater order.

    Parameters
    ----------
    factions
        The factions of the theater (`geo.factions.load_factions`).

    Returns
    -------
    list of (int, Faction)
        Presence-only factions are left out; the codes depend on the theater only.
    """
    held = [f for f in factions if not f.presence_only]
    if len(held) > 255:
        raise RasterError(f"{len(held)} factions hold ground; a uint8 raster codes at most 255")
    return list(enumerate(held, start=1))


def faction_codes(factions: Factions) -> dict[str, int]:
    """Faction code (``GOV``) to raster code (1..n), see `legend`."""
    return {faction.code: code for code, faction in legend(factions)}


def theater_grid(theater: Theater, resolution_m: float) -> tuple[Affine, int, int]:
    """The control grid of a theater: transform, width and height.

    Parameters
    ----------
    theater
        Its outline (``[files] boundary``) in ``metric_crs`` gives the bounds.
    resolution_m
        Pixel size in metres of the metric CRS; the bounds are snapped outward to
        multiples of it, so grids of the same resolution line up.

    Raises
    ------
    RasterError
        For a resolution that is not a positive number, or a grid over `MAX_PIXELS`.
    """
    if not (math.isfinite(resolution_m) and resolution_m > 0):
        raise RasterError(f"resolution {resolution_m!r} m: give a positive number of metres "
                          "(default 500)")
    minx, miny, maxx, maxy = boundary(theater.path("boundary"), theater.metric_crs).bounds
    left = math.floor(minx / resolution_m) * resolution_m
    bottom = math.floor(miny / resolution_m) * resolution_m
    width = math.ceil(maxx / resolution_m) - math.floor(minx / resolution_m)
    height = math.ceil(maxy / resolution_m) - math.floor(miny / resolution_m)
    if width * height > MAX_PIXELS:
        raise RasterError(f"resolution {resolution_m:g} m makes a {width} x {height} grid "
                          f"(over {MAX_PIXELS:,} pixels): give a coarser resolution")
    top = bottom + height * resolution_m
    return Affine(resolution_m, 0.0, left, 0.0, -resolution_m, top), width, height


def _polygonal(geometry: BaseGeometry | None) -> BaseGeometry | None:
    """The polygons of a geometry (collections flattened); None when there are none."""
    if geometry is None or geometry.is_empty:
        return None
    parts = [p for p in shapely.get_parts(shapely.get_parts(geometry))
             if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.multipolygons(shapely.get_parts(parts)) if parts else None


def control_array(areas: gpd.GeoDataFrame, factions: Factions, theater: Theater, *,
                  resolution_m: float = 500.0) -> tuple[np.ndarray, Affine, CRS]:
    """The control areas of a date as a grid of raster codes (pixel-centre rule).

    Parameters
    ----------
    areas
        The ``areas`` layer of a date (columns ``controller`` and ``geometry``, any CRS).
    factions
        Give the codes (`legend`).
    theater
        Gives the grid (`theater_grid`) and its CRS (``metric_crs``).
    resolution_m
        Pixel size in metres.

    Returns
    -------
    array : numpy.ndarray
        ``uint8`` codes, shape (height, width); `NODATA` where no area's polygon holds the
        pixel centre.
    transform : affine.Affine
        Pixel to metric coordinates.
    crs : rasterio.crs.CRS
        The theater's metric CRS.

    Raises
    ------
    RasterError
        For a controller with no code (unknown or presence-only) or a bad resolution.
    """
    transform, width, height = theater_grid(theater, resolution_m)
    crs = CRS.from_user_input(theater.metric_crs)
    codes = faction_codes(factions)
    shapes = []
    if len(areas):
        metric = areas.to_crs(theater.metric_crs)
        for controller, geometry in zip(metric["controller"], metric.geometry, strict=True):
            if controller not in codes:
                raise RasterError(f"area controller {controller!r} has no raster code: the "
                                  f"codes are {', '.join(codes)}")
            polygons = _polygonal(geometry)
            if polygons is not None:
                shapes.append((polygons, codes[controller]))
    if not shapes:
        return np.full((height, width), NODATA, dtype=np.uint8), transform, crs
    array = rasterize(shapes, out_shape=(height, width), transform=transform, fill=NODATA,
                      all_touched=False, dtype="uint8")
    return array, transform, crs


def colour_table(factions: Factions) -> dict[int, tuple[int, int, int, int]]:
    """Colour of each raster code (RGBA): the faction colours, code 0 transparent."""
    table = {NODATA: (0, 0, 0, 0)}
    for code, faction in legend(factions):
        red, green, blue = (int(c) for c in faction.colour)
        table[code] = (red, green, blue, 255)
    return table


def description(factions: Factions) -> str:
    """Band description naming the codes: ``controller: 1=GOV Syrian government; ...``."""
    pairs = [f"{code}={faction.code} {faction.label}" for code, faction in legend(factions)]
    return "controller: " + "; ".join([*pairs, f"{NODATA}=nodata (no known controller)"])


def code_tags(factions: Factions, theater: Theater, resolution_m: float) -> dict[str, str]:
    """Dataset tags of a control raster: ``CODE_k``, ``LABEL_k``, ``COLOUR_k`` and more."""
    tags = {"THEATER": theater.code, "RESOLUTION_M": f"{resolution_m:g}", "RULE": RULE,
            "NODATA": f"{NODATA}: no known controller (no area, or outside the theater)"}
    for code, faction in legend(factions):
        tags[f"CODE_{code}"] = faction.code
        tags[f"LABEL_{code}"] = faction.label
        tags[f"COLOUR_{code}"] = "#{:02x}{:02x}{:02x}".format(*faction.colour)
    return tags


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A fresh temporary path beside ``path``, renamed onto it when the block succeeds.

    A stale GDAL sidecar ``<path>.aux.xml`` (which GDAL would apply to the new file) is
    removed; write errors become `InputError`.
    """
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid4().hex}.tmp")
        yield tmp
        path.with_name(path.name + ".aux.xml").unlink(missing_ok=True)
        tmp.replace(path)
    except (OSError, RasterioError) as exc:
        raise InputError(path, f"cannot be written ({exc})",
                         "check that the folder exists and is writable") from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + ".aux.xml").unlink(missing_ok=True)


def write_control_tif(areas: gpd.GeoDataFrame, factions: Factions, theater: Theater,
                      path: Path, *, resolution_m: float = 500.0,
                      day: date | None = None) -> Path:
    """Write the control areas of a date as a single-band GeoTIFF of raster codes.

    Parameters
    ----------
    areas
        The ``areas`` layer of the date (`geo.layers.layers_on`).
    factions, theater
        Codes, colours and grid (see `control_array`).
    path
        The file to write (replaced atomically; folders are created).
    resolution_m
        Pixel size in metres of the theater's metric CRS.
    day
        The date of the areas, written as the ``DATE`` tag when given.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    array, transform, crs = control_array(areas, factions, theater, resolution_m=resolution_m)
    tags = code_tags(factions, theater, resolution_m)
    if day is not None:
        tags["DATE"] = day.isoformat()
    with _replacing(path) as tmp, rasterio.open(
            tmp, "w", width=array.shape[1], height=array.shape[0], count=1, crs=crs,
            transform=transform, photometric="palette", **GTIFF_OPTIONS) as dst:
        dst.write_colormap(1, colour_table(factions))
        dst.write(array, 1)
        dst.set_band_description(1, description(factions))
        dst.update_tags(**tags)
    return path


def _pam_colour_table(table: dict[int, tuple[int, int, int, int]]) -> str:
    """GDAL sidecar (``.aux.xml``) giving band 1 a palette colour interpretation and table."""
    entries = "".join(
        "      <Entry c1={} c2={} c3={} c4={}/>\n".format(
            *(quoteattr(str(c)) for c in table.get(i, (0, 0, 0, 0))))
        for i in range(max(table) + 1))
    return ("<PAMDataset>\n  <PAMRasterBand band=\"1\">\n"
            "    <ColorInterp>Palette</ColorInterp>\n    <ColorTable>\n"
            f"{entries}    </ColorTable>\n  </PAMRasterBand>\n</PAMDataset>\n")


def write_series_tif(frames: list[tuple[date, gpd.GeoDataFrame]], factions: Factions,
                     theater: Theater, path: Path, *, resolution_m: float = 500.0) -> Path:
    """Write the control areas of several dates as a GeoTIFF with one band per date.

    Band k holds the codes of the k-th date (from that date until the next band's); its
    description and ``DATE`` tag are the ISO date. The codes, tags and grid are those of
    `write_control_tif`; band 1's colour table goes to the sidecar ``<path>.aux.xml``
    (GeoTIFF keeps none for three bands or more), renamed into place after the TIFF.

    Parameters
    ----------
    frames
        (date, areas layer) pairs, dates strictly increasing.
    factions, theater, resolution_m
        As for `write_control_tif`.
    path
        The file to write.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    RasterError
        For no frames, or dates not strictly increasing.
    """
    path = Path(path)
    if not frames:
        raise RasterError("no dates to write: give at least one (date, areas) pair")
    days = [day for day, _ in frames]
    if any(b <= a for a, b in pairwise(days)):
        raise RasterError("the dates of a series must strictly increase: got "
                          + ", ".join(d.isoformat() for d in days))
    transform, width, height = theater_grid(theater, resolution_m)
    tags = {**code_tags(factions, theater, resolution_m),
            "DATES": ",".join(d.isoformat() for d in days)}
    pending = path.with_name(f".{path.name}.aux.xml.{uuid4().hex}.tmp")
    try:
        with _replacing(path) as tmp:
            with rasterio.open(tmp, "w", width=width, height=height, count=len(frames),
                               crs=CRS.from_user_input(theater.metric_crs),
                               transform=transform, photometric="minisblack",
                               **GTIFF_OPTIONS) as dst:
                dst.update_tags(**tags)
                for band, (day, areas) in enumerate(frames, start=1):
                    array, _, _ = control_array(areas, factions, theater,
                                                resolution_m=resolution_m)
                    dst.write(array, band)
                    dst.set_band_description(band, day.isoformat())
                    dst.update_tags(band, DATE=day.isoformat())
            pending.write_text(_pam_colour_table(colour_table(factions)), encoding="utf-8")
        pending.replace(path.with_name(path.name + ".aux.xml"))
    finally:
        pending.unlink(missing_ok=True)
    return path


def _to_crs(geometries: list[BaseGeometry], source: object, target: object
            ) -> list[BaseGeometry]:
    """Geometries reprojected with their edges densified to `SEGMENT_DEG` (source units)."""
    if not geometries:
        return []
    series = gpd.GeoSeries(geometries, crs=source)
    if series.crs is not None and series.crs.is_geographic:
        series = series.segmentize(SEGMENT_DEG)
    return list(series.to_crs(target).values)


def _window(src: rasterio.DatasetReader, bounds: tuple[float, float, float, float]
            ) -> Window | None:
    """Pixels of ``src`` covering ``bounds`` (its CRS), within the raster; None if none."""
    window = from_bounds(*bounds, transform=src.transform)
    cols = sorted((window.col_off, window.col_off + window.width))
    rows = sorted((window.row_off, window.row_off + window.height))
    col0, col1 = max(0, math.floor(cols[0])), min(src.width, math.ceil(cols[1]))
    row0, row1 = max(0, math.floor(rows[0])), min(src.height, math.ceil(rows[1]))
    if col1 <= col0 or row1 <= row0:
        return None
    return Window(col0, row0, col1 - col0, row1 - row0)


def _chunks(window: Window) -> Iterator[Window]:
    """Row bands of ``window`` of about `CHUNK_PIXELS` pixels each."""
    rows = max(1, CHUNK_PIXELS // max(1, int(window.width)))
    for start in range(int(window.row_off), int(window.row_off + window.height), rows):
        stop = min(start + rows, int(window.row_off + window.height))
        yield Window(window.col_off, start, window.width, stop - start)


def _open(path: Path) -> rasterio.DatasetReader:
    """Open a population raster, or say why it cannot be used."""
    if not path.is_file():
        raise InputError(path, "no such file",
                         "give the path of a population GeoTIFF (e.g. WorldPop people per "
                         "pixel)")
    try:
        src = rasterio.open(path)
    except RasterioError as exc:
        raise InputError(path, f"cannot be read as a raster ({exc})",
                         "give a GeoTIFF of people per pixel (e.g. WorldPop)") from None
    if src.crs is None:
        src.close()
        raise InputError(path, "has no coordinate reference system",
                         "assign the one it was made in, e.g. gdal_edit.py -a_srs EPSG:4326 "
                         f"{path}")
    if not src.transform.is_rectilinear:
        src.close()
        raise InputError(path, "has a rotated grid",
                         f"warp it to a north-up grid first (gdalwarp {path} north_up.tif)")
    return src


def population(raster_path: Path, areas: gpd.GeoDataFrame, theater: Theater
               ) -> dict[str, float]:
    """People in each control area, and in the rest of the theater, from a raster.

    Parameters
    ----------
    raster_path
        A raster of people per pixel (band 1) in any CRS, e.g. WorldPop's
        ``syr_ppp_2020.tif``. Its nodata value, NaN and negative values count as no
        people.
    areas
        The ``areas`` layer of a date (``controller``, ``geometry``, any CRS).
    theater
        Its outline bounds the count.

    Returns
    -------
    dict of str to float
        People per controller, in the order of ``areas``, then `OUTSIDE`: the people of
        the raster inside the theater outline in no area. A pixel counts wholly for the
        area (or the outline) containing its centre; parts of the theater off the raster
        count nothing.

    Raises
    ------
    InputError
        When the file is missing, not a raster, without a CRS, rotated, or does not
        overlap the theater.
    """
    raster_path = Path(raster_path)
    with _open(raster_path) as src:
        outline = _to_crs([boundary(theater.path("boundary"), "EPSG:4326")],
                          "EPSG:4326", src.crs)[0]
        window = None
        if outline.is_valid and not outline.is_empty and math.isfinite(outline.area) and \
                outline.intersects(box(*src.bounds)):
            window = _window(src, outline.bounds)
        if window is None:
            raise InputError(raster_path, f"does not overlap the {theater.name} theater "
                             f"(raster bounds {tuple(round(b, 4) for b in src.bounds)} in "
                             f"{src.crs})",
                             "give a population raster that covers the theater")
        controllers = [str(c) for c in areas["controller"]]
        polygons = [_polygonal(g) for g in areas.geometry]
        kept = [(i, p) for i, p in enumerate(polygons, start=1) if p is not None]
        zones = list(zip(_to_crs([p for _, p in kept], areas.crs, src.crs),
                         [i for i, _ in kept], strict=True))
        sums = np.zeros(len(controllers) + 1)
        outside = 0.0
        for chunk in _chunks(window):
            shape = (int(chunk.height), int(chunk.width))
            transform = src.transform @ Affine.translation(chunk.col_off, chunk.row_off)
            values = src.read(1, window=chunk, masked=True).astype("float64")
            people = np.ma.filled(values, 0.0)
            people[~np.isfinite(people) | (people < 0)] = 0.0
            codes = (rasterize(zones, out_shape=shape, transform=transform, fill=0,
                               all_touched=False, dtype="uint16")
                     if zones else np.zeros(shape, dtype=np.uint16))
            inside = rasterize([(outline, 1)], out_shape=shape, transform=transform, fill=0,
                               all_touched=False, dtype="uint8").astype(bool)
            sums += np.bincount(codes.ravel(), weights=people.ravel(),
                                minlength=len(sums))
            outside += float(people[(codes == 0) & inside].sum())
    result: dict[str, float] = {}
    for index, controller in enumerate(controllers, start=1):
        result[controller] = result.get(controller, 0.0) + float(sums[index])
    result[OUTSIDE] = outside
    return result
