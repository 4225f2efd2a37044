"""A local stand-in for Nominatim and Photon: a real HTTP server on 127.0.0.1 for the tests.

``GET /search?q=...&format=json`` answers like Nominatim (a JSON list of results) and
``GET /api?q=...`` like Photon (a GeoJSON FeatureCollection), from `KNOWN`, a table of names.
Tests script misbehaviour per name or per request number (`FakeGeocoder.script`,
`FakeGeocoder.script_request`): a slow answer, an HTTP status (429 with Retry-After, 500,
503, ...), or any body (garbage). Every request is recorded with its path, parameters,
User-Agent and arrival time.

Where the answers come from:

- coordinates are those of rows of the theater supplement ``geo/data/syria/places.csv``
  (each row cites the page its coordinates were read from);
- OSM ids are SYNTHETIC (`SYNTHETIC_OSM_ID_BASE` + the row's line number): they name no real
  OSM object; the tests only check that they are carried into place ids and links;
- answers marked ``synthetic`` are test answers, not geography: a row's point moved by
  `OUT_OF_THEATER_SHIFT_DEG` degrees of latitude to land outside the theater, or a row's point
  labelled with another country code.
"""

from __future__ import annotations

import csv
import json
import threading
import time
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from geo.settings import PACKAGE_DATA
from geo.theater import Theater, load_theater

PLACES_CSV = PACKAGE_DATA / "syria" / "places.csv"
SYNTHETIC_OSM_ID_BASE = 990_000_000
OUT_OF_THEATER_SHIFT_DEG = -5.0
"""Latitude shift of the synthetic out-of-theater answer: south of Syria's southern border."""


@dataclass(frozen=True)
class Known:
    """One result the fake server gives for a name."""

    name: str
    lat: float
    lon: float
    osm_id: int
    osm_key: str
    osm_value: str
    country_code: str = "sy"
    importance: float = 0.5
    synthetic: str = ""
    """Why the answer is not a theater row as it stands (empty for a plain row)."""

    def nominatim(self, *, address: bool) -> dict:
        """The result as Nominatim's ``format=json`` writes it (coordinates as strings)."""
        result = {
            "place_id": self.osm_id - SYNTHETIC_OSM_ID_BASE, "licence": "test data",
            "osm_type": "node", "osm_id": self.osm_id, "lat": str(self.lat),
            "lon": str(self.lon), "class": self.osm_key, "type": self.osm_value,
            "place_rank": 16, "importance": self.importance, "addresstype": self.osm_value,
            "name": self.name, "display_name": f"{self.name}, test answer",
        }
        if address:
            result["address"] = {"village": self.name, "country_code": self.country_code}
        return result

    def photon(self) -> dict:
        """The result as a Photon GeoJSON feature."""
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": {
                "osm_type": "N", "osm_id": self.osm_id, "name": self.name,
                "countrycode": self.country_code.upper(), "type": self.osm_value,
                "osm_key": self.osm_key, "osm_value": self.osm_value,
            },
        }


def theater_row(name: str) -> tuple[int, dict[str, str]]:
    """``(line number, row)`` of the ``places.csv`` row called ``name``."""
    with PLACES_CSV.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if row["name"] == name:
                return line, row
    raise KeyError(name)


def theater_without(name: str, folder: Path) -> Theater:
    """The active theater with the row ``name`` taken out of its supplement, and the Who's
    On First villages of that name out of its localities (written to ``folder``): a name
    the offline gazetteer then lacks."""
    from geo.names import name_key
    from geo.wof import read_wof_csv

    theater = load_theater()
    line, _ = theater_row(name)
    lines = theater.path("places").read_text(encoding="utf-8").splitlines(keepends=True)
    path = folder / "places.csv"
    path.write_text("".join(lines[:line - 1] + lines[line:]), encoding="utf-8")
    named = {str(r.wof_id) for r in read_wof_csv(theater.path("wof"))
             if name_key(name) in {name_key(n) for n in r.names}}
    wof_lines = theater.path("wof").read_text(encoding="utf-8").splitlines(keepends=True)
    wof = folder / "wof_localities.csv"
    wof.write_text("".join(row for row in wof_lines if row.split(",", 1)[0] not in named),
                   encoding="utf-8")
    return replace(theater, files={**theater.files, "places": path, "wof": wof})


def from_row(name: str, osm_key: str, osm_value: str, **changes: object) -> Known:
    """A result at the coordinates of the theater row ``name``, with a synthetic OSM id."""
    line, row = theater_row(name)
    fields: dict = {"name": row["name"], "lat": float(row["lat"]), "lon": float(row["lon"]),
                    "osm_id": SYNTHETIC_OSM_ID_BASE + line, "osm_key": osm_key,
                    "osm_value": osm_value}
    fields.update(changes)
    return Known(**fields)


def _shifted(known: Known) -> Known:
    return Known(**{**known.__dict__, "lat": round(known.lat + OUT_OF_THEATER_SHIFT_DEG, 6),
                    "osm_id": known.osm_id + 1_000_000, "importance": 0.9,
                    "synthetic": f"{known.name} moved {OUT_OF_THEATER_SHIFT_DEG} degrees of "
                                 "latitude, outside the theater"})


ANADAN = from_row("Anadan", "place", "town")
KHAN_TUMAN = from_row("Khan Tuman", "place", "village")
KUWEIRES = from_row("Kuweires Air Base", "aeroway", "aerodrome")
MAAR_SHAMSHEH_OUTSIDE = _shifted(from_row("Maar Shamsheh", "place", "village"))
ZAYZAFUN_LABELLED_TR = from_row(
    "Zayzafun", "place", "village", country_code="tr",
    synthetic="Zayzafun's point labelled with country code TR, for the country filter")

KNOWN: dict[str, list[Known]] = {
    "anadan": [ANADAN],
    # The first result is the synthetic out-of-theater one (and the more "important"):
    # a client must skip it and take the in-theater result after it.
    "khan tuman": [_shifted(KHAN_TUMAN), KHAN_TUMAN],
    "kuweires air base": [KUWEIRES],
    "maar shamsheh": [MAAR_SHAMSHEH_OUTSIDE],
    "zayzafun": [ZAYZAFUN_LABELLED_TR],
}


# --------------------------------------------------------------------------- behaviours


@dataclass(frozen=True)
class Reply:
    """A scripted reply: a status, headers and a body (None: the normal answer), after a delay."""

    status: int = 200
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    content_type: str = "application/json"


def slow(seconds: float) -> Reply:
    """The normal answer, sent after ``seconds``."""
    return Reply(delay=seconds)


def status(code: int, *, retry_after: str | None = None) -> Reply:
    """An HTTP error with a short JSON body (and a Retry-After header when given)."""
    headers = (("Retry-After", retry_after),) if retry_after is not None else ()
    return Reply(status=code, body=json.dumps({"error": f"status {code}"}).encode(),
                 headers=headers)


def body(text: str | bytes | object, *, content_type: str = "application/json") -> Reply:
    """A 200 answer with this body: text as is, anything else as JSON."""
    if isinstance(text, str):
        data = text.encode()
    elif isinstance(text, bytes):
        data = text
    else:
        data = json.dumps(text).encode()
    return Reply(body=data, content_type=content_type)


@dataclass(frozen=True)
class Request:
    """One request as the server saw it."""

    number: int
    path: str
    params: dict[str, str]
    user_agent: str
    time: float
    """``time.monotonic()`` on arrival."""

    @property
    def query(self) -> str:
        """The ``q`` parameter."""
        return self.params.get("q", "")


@dataclass
class _State:
    known: dict[str, list[Known]]
    requests: list[Request] = field(default_factory=list)
    by_name: dict[str, list[Reply]] = field(default_factory=dict)
    by_number: dict[int, Reply] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    def do_GET(self) -> None:  # http.server calls it by this name
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        state = self.server.state
        with state.lock:
            number = len(state.requests) + 1
            state.requests.append(Request(number, parts.path, params,
                                          self.headers.get("User-Agent", ""), time.monotonic()))
            queue = state.by_name.get(_key(params.get("q", "")))
            reply = state.by_number.pop(number, None) or (queue.pop(0) if queue else Reply())
        if reply.delay:
            time.sleep(reply.delay)
        data = reply.body if reply.body is not None else self._answer(parts.path, params)
        if data is None:
            reply, data = status(404), b'{"error": "unknown endpoint"}'
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)

    def _answer(self, path: str, params: dict[str, str]) -> bytes | None:
        results = self.server.state.known.get(_key(params.get("q", "")), [])
        limit = int(params.get("limit", 10))
        if path.endswith("/search"):
            address = params.get("addressdetails") == "1"
            return json.dumps([k.nominatim(address=address) for k in results[:limit]]).encode()
        if path.endswith("/api"):
            features = [k.photon() for k in results[:limit]]
            return json.dumps({"type": "FeatureCollection", "features": features}).encode()
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State


class FakeGeocoder:
    """The fake Nominatim/Photon server; use it as a context manager.

    Parameters
    ----------
    known
        Normalised name -> results; default `KNOWN`.
    """

    def __init__(self, known: dict[str, list[Known]] | None = None) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = _State(known=dict(KNOWN if known is None else known))
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FakeGeocoder:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[Request]:
        """Every request so far, in arrival order."""
        with self._server.state.lock:
            return list(self._server.state.requests)

    def script(self, name: str, *replies: Reply) -> None:
        """The next requests for ``name`` get these replies, in order; then the normal answer."""
        with self._server.state.lock:
            self._server.state.by_name.setdefault(_key(name), []).extend(replies)

    def script_request(self, number: int, reply: Reply) -> None:
        """Request number ``number`` (1-based, counted over all names) gets ``reply``."""
        with self._server.state.lock:
            self._server.state.by_number[number] = reply
