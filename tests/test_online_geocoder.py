"""The online geocoding fallback (geo/online.py) against a local fake Nominatim/Photon server."""

from __future__ import annotations

import sqlite3
import time
from itertools import pairwise
from pathlib import Path

import pytest
from fake_geocoder import (
    ANADAN,
    KHAN_TUMAN,
    FakeGeocoder,
    body,
    slow,
    status,
    theater_without,
)

from geo.errors import InputError
from geo.gazetteer import load_gazetteer
from geo.online import DEFAULT_USER_AGENT, GeocoderError, OnlineGeocoder, cached_places
from geo.places import geocode_document
from geo.theater import Theater, load_theater

FAST = {"min_delay_seconds": 0.05, "backoff_seconds": 0.05, "timeout": 2.0}
"""Test pacing; only `test_default_pace_is_one_request_a_second` keeps the real 1 s."""


@pytest.fixture()
def fake():
    with FakeGeocoder() as server:
        yield server


@pytest.fixture()
def cache(tmp_path) -> Path:
    return tmp_path / "geocoder_cache.sqlite"


@pytest.fixture(scope="module")
def theater_without_anadan(tmp_path_factory) -> Theater:
    """The theater with the Anadan row taken out of its supplement: a name offline lacks."""
    return theater_without("Anadan", tmp_path_factory.mktemp("theater"))


def geocoder(fake: FakeGeocoder, cache: Path, service: str = "nominatim",
             **options) -> OnlineGeocoder:
    return OnlineGeocoder(service, fake.url, cache_path=cache, **{**FAST, **options})


def gaps(fake: FakeGeocoder) -> list[float]:
    return [b.time - a.time for a, b in pairwise(fake.requests)]


# --------------------------------------------------------------------------- resolving


def test_a_name_offline_lacks_is_resolved_online_and_marked_so(
        fake, cache, theater_without_anadan) -> None:
    offline = load_gazetteer(theater_without_anadan, online_cache=cache)
    assert offline.lookup("Anadan") == ()

    place = geocoder(fake, cache).lookup("Anadan")

    assert place is not None
    assert (place.source, place.name, place.kind) == ("nominatim", "Anadan", "town")
    assert place.place_id == f"online-nominatim-N{ANADAN.osm_id}"
    assert place.source_url == f"https://www.openstreetmap.org/node/{ANADAN.osm_id}"
    assert (place.lat, place.lon) == (ANADAN.lat, ANADAN.lon)
    assert "Anadan, test answer" in place.alt_names  # the service's display name
    (request,) = fake.requests
    assert request.path == "/search"
    assert request.params["q"] == "Anadan"
    assert request.params["countrycodes"] == "sy"
    assert request.params["bounded"] == "1"
    west, south, east, north = map(float, request.params["viewbox"].split(","))
    assert west < ANADAN.lon < east and south < ANADAN.lat < north


def test_every_request_names_frontline_in_its_user_agent(fake, cache) -> None:
    geocoder(fake, cache).lookup("Anadan")
    geocoder(fake, cache, user_agent="frontline-test/1").lookup("Khan Tuman")
    agents = [r.user_agent for r in fake.requests]
    assert agents == [DEFAULT_USER_AGENT, "frontline-test/1"]
    assert DEFAULT_USER_AGENT.startswith("frontline/")


def test_default_pace_is_one_request_a_second(fake, cache) -> None:
    online = OnlineGeocoder("nominatim", fake.url, cache_path=cache)  # default pace
    for name in ("Anadan", "Khan Tuman", "Kuweires Air Base"):
        online.lookup(name)
    assert len(fake.requests) == 3
    # Measured at the server: 0.1 s of slack for connection jitter, not a speed benchmark.
    assert all(gap >= 0.9 for gap in gaps(fake)), gaps(fake)


def test_the_best_result_inside_the_theater_is_chosen(fake, cache) -> None:
    # The fake's first answer for Khan Tuman is a synthetic point outside the theater.
    place = geocoder(fake, cache).lookup("Khan Tuman")
    assert (place.lat, place.lon) == (KHAN_TUMAN.lat, KHAN_TUMAN.lon)
    assert geocoder(fake, cache).lookup("Kuweires Air Base").kind == "airbase"


def test_an_answer_outside_the_theater_is_rejected(fake, cache) -> None:
    # The only answer is a synthetic test answer: a theater point moved 5 degrees south.
    assert geocoder(fake, cache).lookup("Maar Shamsheh") is None
    assert cached_places(cache, load_theater()) == []


def test_photon_works_and_its_results_are_filtered_by_country(fake, cache) -> None:
    online = geocoder(fake, cache, service="photon")
    place = online.lookup("Anadan")
    assert place.source == "photon"
    assert place.place_id == f"online-photon-N{ANADAN.osm_id}"
    assert (place.lat, place.lon, place.kind) == (ANADAN.lat, ANADAN.lon, "town")
    # Photon has no country filter: a result labelled TR (synthetic) is dropped afterwards.
    assert online.lookup("Zayzafun") is None
    assert [r.path for r in fake.requests] == ["/api", "/api"]
    assert "bbox" in fake.requests[0].params


# --------------------------------------------------------------------------- the cache


def test_a_cached_answer_is_never_asked_again(fake, cache) -> None:
    first = geocoder(fake, cache)
    place = first.lookup("Anadan")
    assert first.lookup("  ANADAN ").place_id == place.place_id  # the same query, normalised
    again = geocoder(fake, cache)  # a later run, same cache file
    assert again.lookup("Anadan") == place
    assert len(fake.requests) == 1
    assert (first.stats.requests, again.stats.requests, again.stats.cache_hits) == (1, 0, 1)


def test_negative_answers_are_cached(fake, cache) -> None:
    online = geocoder(fake, cache)
    assert online.lookup("Haritan") is None  # the fake knows no Haritan
    assert geocoder(fake, cache).lookup("Haritan") is None
    assert len(fake.requests) == 1
    with sqlite3.connect(cache) as conn:
        assert conn.execute("SELECT name, answer FROM answers").fetchall() == [("Haritan", "[]")]


# --------------------------------------------------------------------------- failures


def test_429_is_retried_after_the_retry_after_delay(fake, cache) -> None:
    fake.script("Anadan", status(429, retry_after="1"))
    online = geocoder(fake, cache)
    assert online.lookup("Anadan").source == "nominatim"
    assert [r.query for r in fake.requests] == ["Anadan", "Anadan"]
    assert gaps(fake)[0] >= 0.95
    assert online.stats.retries == 1


def test_a_retry_after_beyond_the_cap_fails_at_once(fake, cache) -> None:
    fake.script("Anadan", status(429, retry_after="3600"))
    with pytest.raises(GeocoderError, match="Retry-After 3600 s") as caught:
        geocoder(fake, cache, max_wait_seconds=30).lookup("Anadan")
    assert caught.value.transient
    assert len(fake.requests) == 1


def test_server_errors_are_retried_with_exponential_backoff(fake, cache) -> None:
    waits: list[float] = []
    fake.script("Anadan", status(500), status(503))
    online = geocoder(fake, cache, sleep=lambda s: (waits.append(s), time.sleep(s)))
    assert online.lookup("Anadan") is not None
    assert len(fake.requests) == 3
    assert waits == [0.05, 0.1]
    assert all(gap >= 0.05 for gap in gaps(fake))


def test_persistent_failure_raises_a_clear_error_and_caches_nothing(fake, cache) -> None:
    fake.script("Anadan", *[status(500)] * 4)
    online = geocoder(fake, cache)
    with pytest.raises(GeocoderError) as caught:
        online.lookup("Anadan")
    message = str(caught.value)
    assert fake.url in message and "'Anadan'" in message and "HTTP 500 (4 tries)" in message
    assert "Fix:" in message and "without --geocoder" in message
    assert len(fake.requests) == 4 and online.stats.failures == 1
    assert cached_places(cache, load_theater()) == []
    assert online.lookup("Anadan") is not None  # not cached: asked again, and now answered
    assert len(fake.requests) == 5


def test_a_slow_answer_times_out_and_is_retried(fake, cache) -> None:
    fake.script("Anadan", slow(1.5))
    online = geocoder(fake, cache, timeout=0.3)
    assert online.lookup("Anadan") is not None
    assert len(fake.requests) == 2 and online.stats.retries == 1


@pytest.mark.parametrize(("service", "reply", "problem"), [
    ("nominatim", body("<html>Welcome</html>", content_type="text/html"), "not JSON"),
    ("nominatim", body({"results": "none"}), "not a Nominatim answer"),
    ("nominatim", body(["Anadan"]), "not a Nominatim answer"),
    ("nominatim", body([{**ANADAN.nominatim(address=False), "lat": None}]), "lat is None"),
    ("nominatim", body([{"osm_type": "node", "osm_id": 1, "display_name": "x"}]), "no lat/lon"),
    ("photon", body([]), "not a Photon answer"),
    ("photon", body({"features": [{"properties": {}}]}), "not a Photon answer"),
])
def test_garbage_answers_raise_a_clear_error_and_are_not_cached(
        fake, cache, service, reply, problem) -> None:
    fake.script("Anadan", reply)
    online = geocoder(fake, cache, service=service)
    with pytest.raises(GeocoderError, match=problem) as caught:
        online.lookup("Anadan")
    assert "points at a" in str(caught.value)  # the fix
    assert len(fake.requests) == 1  # garbage is not retried
    assert online.lookup("Anadan") is not None  # nor cached


def test_a_batch_records_failures_and_stops_asking_a_dead_service(cache) -> None:
    with FakeGeocoder() as gone:
        url = gone.url  # nothing listens there any more
    online = OnlineGeocoder("nominatim", url, cache_path=cache, retries=1, **FAST)
    report = online.lookup_many(["Anadan", "Khan Tuman", "Kuweires Air Base"],
                                max_consecutive_failures=2)
    assert report.found == {} and report.not_found == []
    assert "could not be reached" in report.failed["Anadan"]
    assert report.failed["Kuweires Air Base"].startswith("not asked after 2 failures")
    assert online.stats.requests == 4  # two names, two tries each
    assert not cache.exists()


def test_unknown_service_lists_the_valid_ones(cache) -> None:
    with pytest.raises(InputError, match="nominatim, photon"):
        OnlineGeocoder("google", cache_path=cache)
    with pytest.raises(InputError, match="base URL"):
        OnlineGeocoder("nominatim", "127.0.0.1:8080", cache_path=cache)


# --------------------------------------------------------------------------- the gazetteer


def test_the_gazetteer_built_afterwards_knows_online_places_offline(
        fake, cache, theater_without_anadan, seed_documents) -> None:
    geocoder(fake, cache).lookup("Anadan")
    gazetteer = load_gazetteer(theater_without_anadan, online_cache=cache)
    (place,) = gazetteer.lookup("Anadan")
    assert place.source == "nominatim" and place.admin1 == "Aleppo"  # by point in polygon
    # The seed article about Anadan now puts it on the map, with no request made.
    mentions = geocode_document(seed_documents["003"], gazetteer)
    assert {m.place_id for m in mentions if m.surface == "Anadan"} == {place.place_id}
    assert len(fake.requests) == 1
    assert load_gazetteer(theater_without_anadan, online_cache=cache,
                          use_online_cache=False).lookup("Anadan") == ()


def test_offline_places_keep_a_name_they_share_with_an_online_place(fake, cache) -> None:
    geocoder(fake, cache).lookup("Anadan")
    gazetteer = load_gazetteer(online_cache=cache)
    (place,) = gazetteer.lookup("Anadan")
    assert place.source == "theater"
    assert f"online-nominatim-N{ANADAN.osm_id}" in gazetteer.places  # kept, but nameless


def test_places_found_during_a_run_join_a_loaded_gazetteer(
        fake, cache, theater_without_anadan) -> None:
    before = load_gazetteer(theater_without_anadan, online_cache=cache)
    place = geocoder(fake, cache).lookup("Anadan")
    after = before.with_places([place])
    assert after.lookup("Anadan")[0].place_id == place.place_id
    assert before.lookup("Anadan") == ()
    assert after.needs_context == before.needs_context
    full = load_gazetteer(use_online_cache=False).with_places([place])
    assert [p.source for p in full.lookup("Anadan")] == ["theater"]
