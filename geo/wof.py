"""Who's On First: villages and districts as gazetteer places.

Who's On First (https://whosonfirst.org, licence https://whosonfirst.org/docs/licenses/)
keeps one record per place, most of them taken from GeoNames (CC BY 4.0), with the spellings
of every language it knows: for Syria the GeoNames name, the French Mandate forms
("Chéraqraq", "Kheurbet ...") and English and Arabic names. The theater ships two files made
from its Syria repository (see the theater's README): the localities as a flat CSV and the
district polygons. `read_wof` also reads a checkout of a Who's On First repository (its
``data/**/*.geojson`` records), so a user can add another country with ``frontline gazetteer
import``.

A record becomes a point place ``wof:<id>`` of source ``wof``, whose citation is its Who's
On First page and its GeoNames id. Its kind comes from the GeoNames feature code: seats of
governorates are cities, seats of districts and subdistricts towns, other populated places
villages; an airport is an airbase. Districts become area places ``district:<id>`` of kind
``district``, named like their seat town with the word district ("Ras al-Ayn district"): a
bare "Manbij", or "the Manbij countryside", is the town.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import shape

from geo.errors import InputError
from geo.models import Place
from geo.names import name_key

WOF_COLUMNS = ("wof_id", "placetype", "name", "variants", "name_ara", "lat", "lon",
               "population", "gn_id", "region", "county", "gn_feature_code")
PLACETYPES = frozenset({"locality", "neighbourhood", "localadmin", "borough", "campus",
                        "county"})
"""Placetypes kept: populated places, airports (campus) and districts (county)."""
_KIND_BY_CODE = {"PPLC": "city", "PPLA": "city", "PPLA2": "town", "PPLA3": "town",
                 "PPLA4": "town"}
_KIND_BY_PLACETYPE = {"campus": "airbase", "neighbourhood": "region", "borough": "region"}


@dataclass(frozen=True)
class WofRecord:
    """One Who's On First record, flattened."""

    wof_id: int
    placetype: str
    name: str
    variants: tuple[str, ...]
    name_ara: str
    lat: float
    lon: float
    population: int = 0
    gn_id: int | None = None
    region: str = ""
    county: str = ""
    feature_code: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling: the name, the variants and the Arabic name."""
        return tuple(dict.fromkeys(n for n in (self.name, *self.variants, self.name_ara) if n))


def _int(value: object) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _record(row: dict, *, path: Path, line: int | None) -> WofRecord:
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
        wof_id = int(row["wof_id"])
    except (KeyError, TypeError, ValueError):
        raise InputError(path, f"wof_id, lat or lon is not a number ({row.get('wof_id')!r}, "
                         f"{row.get('lat')!r}, {row.get('lon')!r})",
                         "use the columns of wof_extract.py (decimal degrees)", line=line) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(path, f"coordinates {lat}, {lon} out of range",
                         "check that lat and lon are not swapped", line=line)
    variants = row.get("variants") or ""
    if isinstance(variants, str):
        variants = [v for v in variants.split("|") if v.strip()]
    return WofRecord(
        wof_id=wof_id, placetype=str(row.get("placetype") or ""), name=str(row.get("name") or ""),
        variants=tuple(v.strip() for v in variants), name_ara=str(row.get("name_ara") or ""),
        lat=lat, lon=lon, population=_int(row.get("population")) or 0,
        gn_id=_int(row.get("gn_id")), region=str(row.get("region") or ""),
        county=str(row.get("county") or ""), feature_code=str(row.get("gn_feature_code") or ""))


def read_wof_csv(path: Path) -> list[WofRecord]:
    """Records of a flat Who's On First CSV (the columns of `WOF_COLUMNS`).

    Raises
    ------
    InputError
        Naming the file and line, when the header or a row is unusable.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("wof_id", "placetype", "name", "lat", "lon")
                   if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(path, f"missing column(s) {missing}",
                             f"use the header {','.join(WOF_COLUMNS)}")
        return [_record(row, path=path, line=line) for line, row in enumerate(reader, start=2)
                if row.get("placetype") in PLACETYPES and row.get("name")]


def _latin(text: str) -> bool:
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in text)


def _checkout_properties(folder: Path) -> Iterator[tuple[Path, dict]]:
    data = folder / "data"
    if not data.is_dir():
        raise InputError(folder, "no data/ folder of .geojson records",
                         "give the top folder of a Who's On First repository checkout")
    for path in sorted(data.rglob("*.geojson")):
        try:
            yield path, json.loads(path.read_text(encoding="utf-8"))["properties"]
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(path, f"not a Who's On First record ({exc})",
                             "remove the file or restore it from the repository") from None


def read_wof_checkout(folder: Path, countries: Iterable[str]) -> list[WofRecord]:
    """Current records of the given countries in a Who's On First repository checkout."""
    wanted = set(countries)
    everything = dict(_checkout_properties(folder))
    by_id = {p.get("wof:id"): p for p in everything.values()}
    records = []
    for path, p in everything.items():
        if p.get("mz:is_current", 1) == 0 or p.get("edtf:deprecated") \
                or p.get("wof:country") not in wanted or p.get("wof:placetype") not in PLACETYPES:
            continue
        names = [s for key, values in p.items() if key.startswith("name:")
                 and isinstance(values, list) for s in values if s and _latin(s)]
        arabic = next((s for key in ("name:ara_x_preferred", "name:arb_x_preferred")
                       for s in p.get(key, []) if not _latin(s)), "")
        hierarchy = (p.get("wof:hierarchy") or [{}])[0]
        concordances = p.get("wof:concordances") or {}
        row = {"wof_id": p.get("wof:id"), "placetype": p.get("wof:placetype"),
               "name": p.get("wof:name"), "name_ara": arabic,
               "variants": [n for n in dict.fromkeys(names) if n != p.get("wof:name")],
               "lat": p.get("geom:latitude"), "lon": p.get("geom:longitude"),
               "population": p.get("gn:population") or p.get("wof:population"),
               "gn_id": concordances.get("gn:id"), "gn_feature_code": p.get("gn:feature_code"),
               "region": by_id.get(hierarchy.get("region_id"), {}).get("wof:name", ""),
               "county": by_id.get(hierarchy.get("county_id"), {}).get("wof:name", "")}
        records.append(_record(row, path=path, line=None))
    return sorted(records, key=lambda r: r.wof_id)


def is_wof_source(path: Path) -> bool:
    """A Who's On First checkout (a folder with ``data/``) or flat CSV (a ``wof_id``
    column), rather than a GeoNames dump."""
    if path.is_dir():
        return True
    if path.suffix.lower() != ".csv" or not path.is_file():
        return False
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        return "wof_id" in handle.readline().split(",")


def read_wof(path: Path, countries: Iterable[str]) -> list[WofRecord]:
    """Records of a flat CSV, or of a repository checkout when ``path`` is a folder."""
    if path.is_dir():
        return read_wof_checkout(path, countries)
    if not path.is_file():
        raise InputError(path, "not found",
                         "give a Who's On First CSV or the folder of a repository checkout")
    return read_wof_csv(path)


def wof_kind(record: WofRecord) -> str:
    """Place kind of a locality record (see the module docstring)."""
    if record.placetype in _KIND_BY_PLACETYPE:
        return _KIND_BY_PLACETYPE[record.placetype]
    if record.feature_code in _KIND_BY_CODE:
        return _KIND_BY_CODE[record.feature_code]
    if record.population >= 100_000:
        return "city"
    return "town" if record.population >= 10_000 else "village"


def wof_place(record: WofRecord, *, country: str = "") -> Place:
    """The point place of a locality record."""
    return Place(
        place_id=f"wof:{record.wof_id}", name=record.name, kind=wof_kind(record),
        lat=record.lat, lon=record.lon, source="wof",
        source_url=f"https://spelunker.whosonfirst.org/id/{record.wof_id}/",
        country=country, alt_names=tuple(n for n in record.names if n != record.name),
        population=record.population, geonameid=record.gn_id, admin2=record.county)


def district_places(path: Path, records: Iterable[WofRecord], seats: dict[str, Place], *,
                    country: str = "") -> list[Place]:
    """District areas from a polygon file, named like their seat town.

    Parameters
    ----------
    path
        GeoJSON of the districts (properties ``wof_id``, ``name``, ``region``, ``name_ara``).
    records
        The district (``county``) records of the same source, whose spellings are added.
    seats
        Point places by folded name: a district takes the names of the place its own name
        folds to ("Menbij" -> Manbij: "Manbij", "Menbij", "Minbij", ...).
    """
    spellings = {r.wof_id: r.names for r in records if r.placetype == "county"}
    data = json.loads(path.read_text(encoding="utf-8"))
    places = []
    for feature in data["features"]:
        props = feature["properties"]
        wof_id = int(props["wof_id"])
        name = props["name"]
        names = [name, *spellings.get(wof_id, ()), props.get("name_ara") or ""]
        seat = next((seats[k] for k in (name_key(n) for n in names) if k in seats), None)
        if seat is not None:
            names += [seat.name, *seat.alt_names]
        label = seat.name if seat is not None else name
        # Only "Manbij district" names the district: a bare "Manbij" (or "the Manbij
        # countryside") is the town.
        names = list(dict.fromkeys(f"{n} district" for n in names if n and _latin(n)
                                   and not n.lower().endswith(" district")))
        geometry = shape(feature["geometry"])
        point = geometry.representative_point()
        places.append(Place(
            place_id=f"district:{wof_id}", name=f"{label} district", kind="district",
            lat=round(point.y, 6), lon=round(point.x, 6), source="wof",
            source_url=f"https://spelunker.whosonfirst.org/id/{wof_id}/", country=country,
            alt_names=tuple(names), geometry=geometry, admin2=name))
    return places
