"""Online geocoding fallback: names the offline gazetteer lacks, asked of Nominatim or Photon.

Used only when the user asks for it (``--geocoder nominatim|photon``). Everything else in
frontline stays offline:

- every answer (a list of results, or none) is kept in a SQLite cache keyed by service, base
  URL, theater and normalised query, so a name is asked once: a cached answer, positive or
  negative, never causes another request, and `cached_places` gives later runs, the app and
  `geo.gazetteer.load_gazetteer` the online places without a network;
- requests go through geopy's `RateLimiter` (by default at most one a second, the
  Nominatim usage policy), carry a User-Agent naming frontline, and are retried with
  exponential backoff on 429 (honouring Retry-After, up to a cap), 5xx, timeouts and
  unreachable hosts;
- a result is accepted only inside the theater: Nominatim is asked with ``countrycodes`` and a
  bounded ``viewbox``, Photon with ``bbox``; then every result is checked against the theater's
  countries and its boundary polygon (with a slack of `BOUNDARY_SLACK_KM`, because the
  generalised outline leaves border and coast towns such as Tell Abyad or Tartus just outside);
- failures (service down after the retries, refusals, garbage answers) raise `GeocoderError`
  and are never cached, so a batch records them and goes on (`OnlineGeocoder.lookup_many`).

Online places rank below every offline source (``SOURCE_RANK`` in `geo.gazetteer`): an offline
place always keeps a name it shares with one.

The cache is one table, ``answers(service, base_url, theater, query, name, answer,
fetched_at)``: ``query`` is the normalised name (`normalise_query`), ``name`` the spelling
asked, ``answer`` the service's results as a JSON list (Nominatim result objects or Photon
features; ``[]`` when it knows no such place) and ``fetched_at`` an ISO 8601 UTC time. The
theater is part of the key because it shapes the request (country codes, viewbox).
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from geo import __version__, settings
from geo.errors import FrontlineError, GazetteerError, InputError
from geo.models import Place
from geo.theater import Theater, load_theater

log = logging.getLogger(__name__)

SERVICES = {
    "nominatim": "https://nominatim.openstreetmap.org",
    "photon": "https://photon.komoot.io",
}
"""Services frontline can ask, and their public addresses (geopy's defaults)."""

DEFAULT_USER_AGENT = f"frontline/{__version__} (geospatial war-report tracker; see its README)"
"""Sent with every request: public services ask that a client name itself."""

BOUNDARY_SLACK_KM = 3.0
"""Results this close outside the theater outline are still inside (see the module docstring)."""

CACHE_FILE = "geocoder_cache.sqlite"

_LABELS = {"nominatim": "Nominatim", "photon": "Photon"}
_ENDPOINTS = {"nominatim": "/search", "photon": "/api"}
_OSM_TYPES = {"N": "node", "W": "way", "R": "relation"}
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

_PLACE_KINDS = {
    "city": "city", "town": "town", "village": "village", "hamlet": "village",
    "isolated_dwelling": "village", "farm": "village", "suburb": "region", "quarter": "region",
    "neighbourhood": "region", "borough": "region", "locality": "region", "region": "region",
    "district": "region", "county": "region", "municipality": "region", "state": "region",
    "province": "region",
}
_OTHER_KINDS = {
    ("aeroway", "aerodrome"): "airbase", ("aeroway", "airstrip"): "airbase",
    ("military", "airfield"): "airbase", ("waterway", "dam"): "dam", ("man_made", "dam"): "dam",
    ("barrier", "border_control"): "crossing", ("landuse", "military"): "facility",
    ("boundary", "administrative"): "region", ("natural", "peak"): "region",
    ("natural", "hill"): "region", ("natural", "ridge"): "region",
    ("natural", "valley"): "region",
}
UNKNOWN_KIND = "place"
"""Kind of an online result whose OSM tag has no frontline kind (a street, a shop, ...)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    service    TEXT NOT NULL,
    base_url   TEXT NOT NULL,
    theater    TEXT NOT NULL,
    query      TEXT NOT NULL,
    name       TEXT NOT NULL,
    answer     TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (service, base_url, theater, query)
)
"""


def default_cache_path() -> Path:
    """The cache file unless told otherwise: ``settings.data_dir()/geocoder_cache.sqlite``."""
    return settings.data_dir() / CACHE_FILE


def normalise_query(name: str) -> str:
    """The cache key of a name: whitespace collapsed, case folded."""
    return " ".join(name.split()).casefold()


class GeocoderError(FrontlineError):
    """An online lookup failed: the service could not answer usefully. Nothing was cached.

    Attributes
    ----------
    service, url
        The service and the base URL asked.
    name
        The name looked up ("" for failures that concern no single name).
    problem, fix
        What went wrong and what the user can do.
    transient
        True when trying again later may succeed (rate limits, 5xx, timeouts).
    """

    def __init__(self, service: str, url: str, name: str, problem: str, fix: str, *,
                 transient: bool = False) -> None:
        asked = f" for {name!r}" if name else ""
        super().__init__(f"{_LABELS[service]} at {url}{asked}: {problem}. Fix: {fix}")
        self.service = service
        self.url = url
        self.name = name
        self.problem = problem
        self.fix = fix
        self.transient = transient



@dataclass
class GeocoderStats:
    """Counters of one `OnlineGeocoder`: HTTP requests sent (retries included), lookups
    answered from the cache, retries, and lookups that raised `GeocoderError`."""

    requests: int = 0
    cache_hits: int = 0
    retries: int = 0
    failures: int = 0


@dataclass
class LookupReport:
    """Outcome of `OnlineGeocoder.lookup_many`.

    Attributes
    ----------
    found
        Name asked -> the accepted place.
    not_found
        Names the service does not know inside the theater.
    failed
        Name -> the `GeocoderError` message (those names may be asked again later).
    """

    found: dict[str, Place] = field(default_factory=dict)
    not_found: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- theater area


@dataclass(frozen=True)
class TheaterArea:
    """Where an online result may lie: the theater's countries and its (slackened) outline."""

    countries: frozenset[str]
    outline: BaseGeometry
    bounds: tuple[float, float, float, float]
    """``(min_lon, min_lat, max_lon, max_lat)`` of the slackened outline."""

    def accepts(self, lat: float, lon: float, country: str = "") -> bool:
        """Whether a result at ``lat``/``lon`` (in ``country``, when known) is in the theater."""
        if country and self.countries and country.upper() not in self.countries:
            return False
        return bool(self.outline.covers(Point(lon, lat)))

    def box(self) -> list[tuple[float, float]]:
        """The bounds as geopy's ``[(lat1, lon1), (lat2, lon2)]``."""
        min_lon, min_lat, max_lon, max_lat = self.bounds
        down, up = (lambda v: math.floor(v * 1000) / 1000), (lambda v: math.ceil(v * 1000) / 1000)
        return [(down(min_lat), down(min_lon)), (up(max_lat), up(max_lon))]


def theater_area(theater: Theater, *, slack_km: float = BOUNDARY_SLACK_KM) -> TheaterArea:
    """The area online results must fall in (``boundary`` file of the theater, buffered)."""
    return _area(theater.path("boundary"), tuple(c.upper() for c in theater.countries), slack_km)


@lru_cache(maxsize=8)
def _area(path: Path, countries: tuple[str, ...], slack_km: float) -> TheaterArea:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        outline = shapely.union_all([shape(f["geometry"]) for f in data["features"]])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GazetteerError(f"{path}: unreadable theater boundary ({exc}). Fix: restore the "
                             "boundary GeoJSON named in theater.toml.") from exc
    # Degrees to km near the theater; a few hundred metres of error do not matter here.
    outline = shapely.make_valid(outline).buffer(slack_km / 111.0)
    shapely.prepare(outline)
    return TheaterArea(frozenset(countries), outline, tuple(outline.bounds))


# --------------------------------------------------------------------------- answers -> places


@dataclass(frozen=True)
class _Result:
    """The fields of one service result that frontline uses."""

    lat: float
    lon: float
    osm_type: str  # node, way or relation
    osm_id: int
    osm_key: str
    osm_value: str
    country: str
    label: str
    display: str


class _GarbageError(ValueError):
    """A result that no service of its kind would send."""


def _coordinate(value: Any, *, low: float, high: float, what: str) -> float:
    if isinstance(value, bool):
        raise _GarbageError(f"{what} is {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _GarbageError(f"{what} is {value!r}, not a number") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise _GarbageError(f"{what} is {number}, outside [{low}, {high}]")
    return number


def _parse_result(service: str, raw: Any) -> _Result | None:
    """One result's fields; None when it names no OSM object; `_GarbageError` when malformed."""
    if not isinstance(raw, Mapping):
        raise _GarbageError(f"a result is {type(raw).__name__}, not an object")
    if service == "photon":
        props, geometry = raw.get("properties"), raw.get("geometry")
        coords = geometry.get("coordinates") if isinstance(geometry, Mapping) else None
        if not isinstance(props, Mapping) or not isinstance(coords, list) or len(coords) < 2:
            raise _GarbageError("a feature lacks properties or point coordinates")
        lon = _coordinate(coords[0], low=-180, high=180, what="longitude")
        lat = _coordinate(coords[1], low=-90, high=90, what="latitude")
        osm_type = _OSM_TYPES.get(str(props.get("osm_type", "")).upper(), "")
        osm_id, key, value = props.get("osm_id"), props.get("osm_key"), props.get("osm_value")
        country = str(props.get("countrycode") or "")
        label = str(props.get("name") or "")
        parts = [props.get(k) for k in ("name", "city", "county", "state", "country")]
        display = ", ".join(dict.fromkeys(str(p) for p in parts if p))
    else:
        if "lat" not in raw or "lon" not in raw:
            raise _GarbageError("a result has no lat/lon")
        lat = _coordinate(raw["lat"], low=-90, high=90, what="lat")
        lon = _coordinate(raw["lon"], low=-180, high=180, what="lon")
        osm_type = str(raw.get("osm_type") or "").lower()
        osm_type = _OSM_TYPES.get(osm_type.upper(), osm_type)
        osm_id = raw.get("osm_id")
        key, value = raw.get("class") or raw.get("category"), raw.get("type")
        address = raw.get("address")
        country = str(address.get("country_code") or "") if isinstance(address, Mapping) else ""
        display = str(raw.get("display_name") or "")
        label = str(raw.get("name") or display.split(",")[0]).strip()
    if osm_type not in _OSM_TYPES.values():
        return None
    try:
        osm_id = int(osm_id)
    except (TypeError, ValueError):
        return None
    return _Result(lat=lat, lon=lon, osm_type=osm_type, osm_id=osm_id, osm_key=str(key or ""),
                   osm_value=str(value or ""), country=country.upper(), label=label,
                   display=display)


def osm_kind(osm_key: str, osm_value: str) -> str:
    """The frontline kind of an OSM ``key=value`` tag (`UNKNOWN_KIND` when there is none)."""
    if osm_key == "place":
        return _PLACE_KINDS.get(osm_value, UNKNOWN_KIND)
    if (osm_key, osm_value) in _OTHER_KINDS:
        return _OTHER_KINDS[(osm_key, osm_value)]
    return "facility" if osm_key == "military" else UNKNOWN_KIND


def _place(service: str, name: str, result: _Result) -> Place:
    letter = result.osm_type[0].upper()
    alt = [n for n in (result.label, result.display) if n and n != name]
    return Place(
        place_id=f"online-{service}-{letter}{result.osm_id}", name=name,
        kind=osm_kind(result.osm_key, result.osm_value), lat=result.lat, lon=result.lon,
        source=service,
        source_url=f"https://www.openstreetmap.org/{result.osm_type}/{result.osm_id}",
        country=result.country, alt_names=tuple(dict.fromkeys(alt)),
    )


def validate_answer(service: str, results: Any) -> list[dict]:
    """Check that an answer is a list of well-formed results of ``service``.

    Raises
    ------
    ValueError
        Saying what is wrong, when any result lacks usable coordinates.
    """
    if not isinstance(results, list):
        raise _GarbageError(f"the answer is {type(results).__name__}, not a list of results")
    for raw in results:
        _parse_result(service, raw)
    return results


def choose_place(service: str, name: str, results: Sequence[dict],
                 area: TheaterArea) -> Place | None:
    """The best result inside the theater, as a place called ``name``; None when none is.

    Settlements and other places (OSM ``place=*``) come first, then results with a frontline
    kind (air bases, dams, ...), then anything else; ties keep the service's order.
    """
    ranked = []
    for order, raw in enumerate(results):
        try:
            result = _parse_result(service, raw)
        except _GarbageError:
            continue
        if result is None or not area.accepts(result.lat, result.lon, result.country):
            continue
        tier = 0 if result.osm_key == "place" else (
            1 if osm_kind(result.osm_key, result.osm_value) != UNKNOWN_KIND else 2)
        ranked.append((tier, order, result))
    if not ranked:
        return None
    return _place(service, name, min(ranked, key=lambda r: r[:2])[2])


# --------------------------------------------------------------------------- cache


def _connect(path: Path, *, create: bool) -> sqlite3.Connection | None:
    if not create and not path.is_file():
        return None
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=30)
            conn.execute(_SCHEMA)
        else:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            conn.execute("SELECT 1 FROM answers LIMIT 1")
    except (sqlite3.Error, OSError) as exc:
        raise GazetteerError(f"{path}: not a readable geocoder cache ({exc}). Fix: delete it "
                             "(online answers are asked again when needed) or pass another "
                             "cache path.") from exc
    return conn


def cached_places(cache_path: Path | None = None, theater: Theater | None = None) -> list[Place]:
    """Every place the cache holds an accepted answer for, in the order they were fetched.

    Answers are re-checked against the theater (countries and outline), so changing the
    boundary or the slack takes effect without asking again. One OSM object asked under
    several names is one place: the first name asked, the others among ``alt_names``.

    Parameters
    ----------
    cache_path
        Default `default_cache_path`; a missing file holds no places.
    theater
        Default the active theater; only answers fetched for it are read.
    """
    path = cache_path or default_cache_path()
    theater = theater or load_theater()
    conn = _connect(path, create=False)
    if conn is None:
        return []
    area = theater_area(theater)
    try:
        with conn:
            rows = conn.execute(
                "SELECT service, name, answer FROM answers WHERE theater = ? "
                "ORDER BY fetched_at, rowid", (theater.code,)).fetchall()
    except sqlite3.Error as exc:
        raise GazetteerError(f"{path}: unreadable geocoder cache ({exc}). Fix: delete it.") \
            from exc
    finally:
        conn.close()
    places: dict[str, Place] = {}
    for service, name, answer in rows:
        if service not in SERVICES:
            continue
        try:
            results = json.loads(answer)
        except ValueError:
            continue  # written by something else; never by OnlineGeocoder
        place = choose_place(service, name, results if isinstance(results, list) else [], area)
        if place is None:
            continue
        known = places.get(place.place_id)
        places[place.place_id] = place if known is None else merge_names(known, place)
    return list(places.values())


def merge_names(known: Place, other: Place) -> Place:
    """``known`` with the names of ``other`` (the same OSM object asked under another name)."""
    names = (*known.alt_names, other.name, *other.alt_names)
    return replace(known, alt_names=tuple(dict.fromkeys(n for n in names if n != known.name)))


# --------------------------------------------------------------------------- the geocoder


def _split_url(service: str, url: str) -> tuple[str, str, str]:
    """``(scheme, domain[/path], normalised base url)`` of a service URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise InputError(url, "not a service address",
                         f"give the base URL of a {_LABELS[service]} server, e.g. "
                         f"{SERVICES[service]} or http://127.0.0.1:8080")
    path = parts.path.rstrip("/")
    if path.endswith(_ENDPOINTS[service]):  # the user gave the search endpoint itself
        path = path[: -len(_ENDPOINTS[service])]
    domain = f"{parts.netloc.lower()}{path}"
    return parts.scheme, domain, f"{parts.scheme}://{domain}"


def _http_status(exc: BaseException) -> int | None:
    cause = exc.__cause__
    status = getattr(cause, "status_code", None)
    return status if isinstance(status, int) else None


class OnlineGeocoder:
    """Look names up on a Nominatim or Photon server, politely, through a disk cache.

    Parameters
    ----------
    service
        ``"nominatim"`` or ``"photon"``.
    url
        Base URL of the server (``https://nominatim.openstreetmap.org``,
        ``http://127.0.0.1:8080``, ``https://example.org/nominatim``); default the public one.
    user_agent
        Sent with every request.
    cache_path
        SQLite file of answers; default `default_cache_path`.
    theater
        Results outside it are rejected; default the active theater.
    min_delay_seconds
        At least this long between the starts of two requests (retries included).
    timeout
        Seconds to wait for an answer.
    retries
        Further tries after a transient failure (429, 5xx, timeout, unreachable).
    backoff_seconds
        Wait before the first retry; doubled for each further one.
    max_wait_seconds
        Cap on any wait; a Retry-After longer than this fails the lookup at once.
    limit
        Results asked for per query.
    boundary_slack_km
        See `BOUNDARY_SLACK_KM`.
    sleep
        Waits between retries (a seam for tests; geopy's RateLimiter keeps its own).

    Raises
    ------
    InputError
        For an unknown service or a URL that is not a service address.
    """

    def __init__(self, service: str = "nominatim", url: str | None = None, *,
                 user_agent: str = DEFAULT_USER_AGENT, cache_path: Path | None = None,
                 theater: Theater | None = None, min_delay_seconds: float = 1.0,
                 timeout: float = 10.0, retries: int = 3, backoff_seconds: float = 1.0,
                 max_wait_seconds: float = 60.0, limit: int = 5,
                 boundary_slack_km: float = BOUNDARY_SLACK_KM,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        from geopy.extra.rate_limiter import RateLimiter

        if service not in SERVICES:
            raise InputError(service, "unknown geocoding service",
                             f"use one of {', '.join(sorted(SERVICES))}")
        if not user_agent.strip():
            raise InputError("user_agent", "empty User-Agent",
                             "name the application, e.g. the default "
                             f"{DEFAULT_USER_AGENT!r}")
        if retries < 0 or min_delay_seconds < 0 or timeout <= 0 or limit < 1:
            raise InputError(service, "retries, min_delay_seconds, timeout or limit out of range",
                             "use retries >= 0, min_delay_seconds >= 0, timeout > 0, limit >= 1")
        self.service = service
        scheme, domain, self.url = _split_url(service, url or SERVICES[service])
        self.user_agent = user_agent
        self.cache_path = cache_path or default_cache_path()
        self.theater = theater or load_theater()
        self.area = theater_area(self.theater, slack_km=boundary_slack_km)
        self.timeout = timeout
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self.max_wait_seconds = max_wait_seconds
        self.limit = limit
        self.stats = GeocoderStats()
        self._sleep = sleep
        self._geocoder = self._make_geopy(scheme, domain)
        # geopy's own retries are off (max_retries=0): they would retry every service error
        # after a fixed 5 s, ignore Retry-After and, by default, return None on failure, which
        # would be cached as "no such place". Ours are counted and classified below.
        self._limited = RateLimiter(self._geocoder.geocode, min_delay_seconds=min_delay_seconds,
                                    max_retries=0, error_wait_seconds=min_delay_seconds,
                                    swallow_exceptions=False)

    def _make_geopy(self, scheme: str, domain: str) -> Any:
        from geopy.adapters import RequestsAdapter, URLLibAdapter
        from geopy.geocoders import Nominatim, Photon

        def adapter(*, proxies: Any, ssl_context: Any) -> Any:
            # requests retries refused connections itself (max_retries=2): turned off so that
            # every attempt is ours, counted and spaced by the rate limiter.
            if RequestsAdapter.is_available:
                return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)
            return URLLibAdapter(proxies=proxies, ssl_context=ssl_context)

        # geopy ignores NO_PROXY; a local server must not be sent through a system proxy.
        local = (urlsplit(self.url).hostname or "") in _LOOPBACK
        cls = Nominatim if self.service == "nominatim" else Photon
        return cls(domain=domain, scheme=scheme, user_agent=self.user_agent,
                   timeout=self.timeout, adapter_factory=adapter,
                   **({"proxies": {}} if local else {}))

    def __enter__(self) -> OnlineGeocoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connections (the cache needs no closing)."""
        self._geocoder.adapter.__exit__(None, None, None)

    def __repr__(self) -> str:
        return f"OnlineGeocoder({self.service!r}, {self.url!r}, cache_path={self.cache_path!r})"

    # ------------------------------------------------------------------ public

    def lookup(self, name: str) -> Place | None:
        """The place the service knows as ``name`` inside the theater, or None.

        Asks the service only when the cache holds no answer for the name.

        Raises
        ------
        GeocoderError
            When the service cannot give a usable answer (after the retries for transient
            problems). Nothing is cached then.
        """
        name = " ".join(name.split())
        query = normalise_query(name)
        if not query:
            return None
        cached = self._cached_answer(query)
        if cached is not None:
            self.stats.cache_hits += 1
            return choose_place(self.service, name, cached, self.area)
        try:
            results = self._fetch(name)
        except GeocoderError:
            self.stats.failures += 1
            raise
        self._store(query, name, results)
        return choose_place(self.service, name, results, self.area)

    def lookup_many(self, names: Iterable[str], *,
                    max_consecutive_failures: int = 3) -> LookupReport:
        """Look several names up, recording failures instead of raising them.

        After ``max_consecutive_failures`` failures in a row the service is taken to be down:
        the remaining names are not asked and are recorded as failed with the last message.
        """
        report = LookupReport()
        streak, last = 0, ""
        for name in dict.fromkeys(names):
            if streak >= max_consecutive_failures:
                report.failed[name] = f"not asked after {streak} failures in a row: {last}"
                continue
            try:
                place = self.lookup(name)
            except GeocoderError as exc:
                streak, last = streak + 1, str(exc)
                report.failed[name] = last
                continue
            streak = 0
            if place is None:
                report.not_found.append(name)
            else:
                report.found[name] = place
        return report

    # ------------------------------------------------------------------ cache

    def _key(self, query: str) -> tuple[str, str, str, str]:
        return (self.service, self.url, self.theater.code, query)

    def _cached_answer(self, query: str) -> list[dict] | None:
        conn = _connect(self.cache_path, create=False)
        if conn is None:
            return None
        try:
            with conn:
                row = conn.execute(
                    "SELECT answer FROM answers WHERE service = ? AND base_url = ? "
                    "AND theater = ? AND query = ?", self._key(query)).fetchone()
        finally:
            conn.close()
        if row is None:
            return None
        try:
            return validate_answer(self.service, json.loads(row[0]))
        except ValueError:
            return None  # not written by us: ask again, and overwrite it

    def _store(self, query: str, name: str, results: list[dict]) -> None:
        conn = _connect(self.cache_path, create=True)
        assert conn is not None
        fetched = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            with conn:
                conn.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (*self._key(query), name, json.dumps(results, ensure_ascii=False),
                              fetched))
        finally:
            conn.close()

    # ------------------------------------------------------------------ network

    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"exactly_one": False, "limit": self.limit, "language": "en"}
        if self.service == "nominatim":
            params.update(country_codes=[c.lower() for c in sorted(self.area.countries)],
                          viewbox=self.area.box(), bounded=True, addressdetails=True)
        else:
            params["bbox"] = self.area.box()
        return params

    def _failure(self, name: str, problem: str, fix: str, *,
                 transient: bool = False) -> GeocoderError:
        return GeocoderError(self.service, self.url, name, problem, fix, transient=transient)

    def _fetch(self, name: str) -> list[dict]:
        """The validated results for ``name``, retrying transient failures."""
        from geopy.exc import GeopyError

        for attempt in range(self.retries + 1):
            self.stats.requests += 1
            try:
                locations = self._limited(name, **self._params())
            except GeopyError as exc:
                problem, verdict, wait = self._classify(exc, attempt)
                if verdict != "retry":
                    raise self._failure(name, problem, self._fix(verdict),
                                        transient=verdict == "pause") from exc
            except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
                # geopy's parsers assume the service's JSON shape; anything else lands here
                raise self._failure(name, self._not_an_answer(f"{type(exc).__name__}: {exc}"),
                                    self._fix("garbage")) from exc
            else:
                results = [loc.raw for loc in locations or ()]
                try:
                    return validate_answer(self.service, results)
                except _GarbageError as exc:
                    raise self._failure(name, self._not_an_answer(str(exc)),
                                        self._fix("garbage")) from None
            if attempt == self.retries:
                break
            self.stats.retries += 1
            log.info("%s: %s; retry %d/%d in %.2f s", self.url, problem, attempt + 1,
                     self.retries, wait)
            self._sleep(wait)
        tries = self.retries + 1
        raise self._failure(name, f"{problem} ({tries} {'try' if tries == 1 else 'tries'})",
                            self._fix("retry"), transient=True)

    def _not_an_answer(self, detail: str) -> str:
        return f"answered with something that is not a {_LABELS[self.service]} answer ({detail})"

    def _fix(self, verdict: str) -> str:
        without = "or run without --geocoder (the names stay unresolved)"
        if verdict == "garbage":
            return f"check that the URL points at a {_LABELS[self.service]} server, {without}"
        if verdict == "refused":
            return f"check the URL and the User-Agent ({self.user_agent!r}), {without}"
        if verdict == "pause":
            return (f"the service asks for a longer pause than {self.max_wait_seconds:g} s: "
                    f"try again later, {without}")
        return f"check the URL, try again later, {without}"

    def _classify(self, exc: Exception, attempt: int) -> tuple[str, str, float]:
        """``(problem, verdict, wait)`` for a geopy error.

        The verdict is ``retry`` (transient: wait, then try again), ``pause`` (a Retry-After
        beyond the cap), ``garbage`` (not an answer of the service) or ``refused`` (a 4xx).
        """
        from geopy.exc import (
            GeocoderParseError,
            GeocoderQueryError,
            GeocoderRateLimited,
            GeocoderTimedOut,
            GeocoderUnavailable,
        )

        status = _http_status(exc)
        backoff = min(self.backoff_seconds * 2 ** attempt, self.max_wait_seconds)
        if isinstance(exc, GeocoderRateLimited):
            after = exc.retry_after
            if after is None:
                return "answered 429 Too Many Requests", "retry", backoff
            problem = f"answered 429 Too Many Requests with Retry-After {after:g} s"
            if after > self.max_wait_seconds:
                return problem, "pause", 0.0
            return problem, "retry", float(after)
        if isinstance(exc, GeocoderParseError):
            return self._not_an_answer(f"not JSON: {_short(exc)}"), "garbage", 0.0
        if isinstance(exc, GeocoderQueryError) and status is None:  # {"error": "..."}
            return f"answered with an error ({_short(exc)})", "refused", 0.0
        if status is not None:  # geopy maps 503 and 504 to GeocoderTimedOut: the status decides
            transient = status >= 500 or status == 408
            return f"answered HTTP {status}", "retry" if transient else "refused", backoff
        if isinstance(exc, GeocoderTimedOut):
            return f"did not answer within {self.timeout:g} s", "retry", backoff
        if isinstance(exc, GeocoderUnavailable):
            return f"could not be reached ({_short(exc)})", "retry", backoff
        return f"failed ({type(exc).__name__}: {_short(exc)})", "refused", 0.0


def _short(exc: BaseException, limit: int = 120) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
