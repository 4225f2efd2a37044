"""Ingest with the online geocoder: names the gazetteer lacks are found, stored and marked.

The service is a real HTTP server on 127.0.0.1 (`fake_geocoder.FakeGeocoder`). The theater
used here lacks its Anadan row, so the seed article about Anadan needs the online fallback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import SEEDS
from corpus_support import store_dump
from fake_geocoder import FakeGeocoder, status, theater_without

from geo.gazetteer import load_gazetteer
from geo.layers import layers_on, load_war
from geo.mapview import build_war_deck
from geo.online import OnlineGeocoder
from geo.pipeline import ingest
from geo.store import Store
from geo.theater import Theater, load_theater

FAST = {"min_delay_seconds": 0.05, "backoff_seconds": 0.05, "timeout": 2.0}
ANADAN_ARTICLE = SEEDS / "003_7c766ee345284464.txt"


@pytest.fixture(scope="module")
def theater(tmp_path_factory) -> Theater:
    """The Syria theater without its Anadan row."""
    return theater_without("Anadan", tmp_path_factory.mktemp("theater"))


@pytest.fixture()
def fake():
    with FakeGeocoder() as server:
        yield server


def _ingest(theater: Theater, cache: Path, db: Path, fake: FakeGeocoder, factions,
            **options):
    gazetteer = load_gazetteer(theater, online_cache=cache)
    with OnlineGeocoder("nominatim", fake.url, cache_path=cache, theater=theater,
                        **FAST) as geocoder, Store(db) as store:
        report = ingest([SEEDS], store, gazetteer, factions, geocoder=geocoder, **options)
        return report, geocoder.stats


def test_a_place_the_gazetteer_lacks_is_found_online_and_its_claim_is_kept(
        theater, fake, tmp_path, factions) -> None:
    cache, db = tmp_path / "cache.sqlite", tmp_path / "f.db"
    offline = load_gazetteer(theater, online_cache=cache)
    with Store(tmp_path / "offline.db") as store:
        without = ingest([ANADAN_ARTICLE], store, offline, factions)
    assert "Anadan" in without.unresolved

    report, stats = _ingest(theater, cache, db, fake, factions)
    place_id = report.online_found["Anadan"]
    assert place_id.startswith("online-nominatim-") and "Anadan" not in report.unresolved
    with Store(db) as store:
        anadan = [c for c in store.claims() if c["place_name"] == "Anadan"]
        mentions = [m for m in store.mentions() if m["surface"] == "Anadan"]
    assert anadan and {c["place_id"] for c in anadan} == {place_id}
    assert {c["controller"] for c in anadan} == {"GOV"}
    assert {m["place_id"] for m in mentions} == {place_id}
    # Each unresolved name was asked once; the names the service does not know are recorded.
    asked = [r.query for r in fake.requests]
    assert len(asked) == len(set(asked)) == stats.requests
    assert report.online_not_found and not report.online_failed


def test_online_places_are_marked_in_the_layers(theater, fake, tmp_path, factions) -> None:
    cache, db = tmp_path / "cache.sqlite", tmp_path / "f.db"
    report, _ = _ingest(theater, cache, db, fake, factions)
    gazetteer = load_gazetteer(theater, online_cache=cache)  # a later run, offline
    with Store(db) as store:
        war = load_war(store, gazetteer, factions, theater)
    places = layers_on(war, date(2020, 2, 17))["places"]
    row = places[places["place_id"] == report.online_found["Anadan"]].iloc[0]
    assert row["located_by"] == "online:nominatim"
    assert "found online by Nominatim" in row["location_note"]
    assert "openstreetmap.org/node/" in row["location_note"]
    assert set(places[places["place_id"] != row["place_id"]]["located_by"]) <= {
        "gazetteer", "estimate", "override", "baseline"}
    # The map's tooltip says it too.
    deck = build_war_deck(layers_on(war, date(2020, 2, 17)), theater, factions)
    [tip] = [p["tip_detail"] for layer in deck.layers if layer.id == "places"
             for p in layer.data if p["place_id"] == row["place_id"]]
    assert "located online by Nominatim" in tip


def test_a_second_run_asks_nothing_the_cache_answers(theater, fake, tmp_path,
                                                     factions) -> None:
    cache = tmp_path / "cache.sqlite"
    first, stats = _ingest(theater, cache, tmp_path / "a.db", fake, factions)
    assert stats.requests > 0
    asked = len(fake.requests)
    again, stats = _ingest(theater, cache, tmp_path / "b.db", fake, factions)
    assert len(fake.requests) == asked and stats.requests == 0
    assert "Anadan" in first.online_found
    assert not again.online_found and "Anadan" not in again.unresolved  # known from the cache
    assert store_dump(tmp_path / "a.db") == store_dump(tmp_path / "b.db")


def test_with_workers_the_online_fallback_gives_the_serial_result(theater, fake, tmp_path,
                                                                  factions) -> None:
    serial, _ = _ingest(theater, tmp_path / "c1.sqlite", tmp_path / "s.db", fake, factions)
    parallel, _ = _ingest(theater, tmp_path / "c2.sqlite", tmp_path / "p.db", fake, factions,
                          workers=2)
    assert parallel.online_found == serial.online_found
    assert store_dump(tmp_path / "p.db") == store_dump(tmp_path / "s.db")


def test_a_dead_service_slows_nothing_and_loses_nothing(theater, fake, tmp_path,
                                                        factions) -> None:
    with Store(tmp_path / "offline.db") as store:
        offline = ingest([SEEDS], store, load_gazetteer(theater, online_cache=tmp_path / "x"),
                         factions)
    for name in offline.unresolved:
        fake.script(name, *[status(500)] * 10)
    report, stats = _ingest(theater, tmp_path / "cache.sqlite", tmp_path / "f.db", fake,
                            factions)
    assert report.new == 5 and not report.failures
    assert report.online_failed and not report.online_found
    assert all("Fix:" in message or "not asked" in message
               for message in report.online_failed.values())
    # Three names fail (four tries each), then the service is taken to be down.
    assert stats.requests == 3 * 4 and len(report.online_failed) == len(offline.unresolved)
    assert report.unresolved == offline.unresolved


def test_the_cli_asks_the_service_and_the_rerun_answers_from_the_cache(fake, tmp_path) -> None:
    env = {**os.environ, "FRONTLINE_DATA": str(tmp_path / "data")}
    command = [sys.executable, "-m", "geo", "ingest", str(SEEDS), "--db", str(tmp_path / "f.db"),
               "--geocoder", "nominatim", "--geocoder-url", fake.url]
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    asked = len(fake.requests)
    assert asked >= 1
    assert f"0 found, {asked} not found, 0 failed; {asked} requests" in first.stdout
    assert (tmp_path / "data" / "geocoder_cache.sqlite").is_file()
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert again.returncode == 0, again.stderr
    assert len(fake.requests) == asked
    assert f"0 requests, {asked} answered from the cache" in again.stdout


def test_a_geocoder_url_without_a_geocoder_is_refused(tmp_path) -> None:
    done = subprocess.run([sys.executable, "-m", "geo", "ingest", str(SEEDS), "--db",
                           str(tmp_path / "f.db"), "--geocoder-url", "http://127.0.0.1:9"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "--geocoder-url needs --geocoder" in done.stderr


def test_without_a_geocoder_nothing_leaves_the_machine(tmp_path, monkeypatch, gazetteer,
                                                       factions) -> None:
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"a network connection was attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    with Store(tmp_path / "f.db") as store:
        report = ingest([SEEDS], store, gazetteer, factions)
        war = load_war(store, gazetteer, factions, load_theater())
    assert report.new == 5 and report.unresolved
    layers = layers_on(war, war.dates()[-1])
    assert set(layers["places"]["located_by"]) <= {"gazetteer", "estimate"}
