"""The timeline rules, one test each, on real gazetteer places with claims written here."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from geo.factions import load_factions
from geo.theater import load_theater
from geo.timeline import Evidence, snapshot


@pytest.fixture(scope="module")
def world(gazetteer):
    return {"gazetteer": gazetteer, "factions": load_factions(), "theater": load_theater()}


def claim(place_id: str, controller: str | None, day: str, *, action: str = "capture",
          doc: str = "d1", hedged: bool = False, negated: bool = False,
          near: bool = False, source: str = "claim") -> Evidence:
    return Evidence(place_id=place_id, place_name=place_id.split(":")[-1],
                    controller=controller, action=action, day=date.fromisoformat(day),
                    hedged=hedged, negated=negated, near_place=near, confidence=0.9,
                    doc_id=doc, evidence=f"{controller} {action} {place_id}", source=source)


def state(items, day: str, world) -> dict:
    frame = snapshot(items, date.fromisoformat(day), **world)
    rows = frame.drop(columns="geometry").to_dict("records")
    return rows[0] if rows else {}


SARAQIB = "syria:saraqib"


def test_latest_claim_at_or_before_the_date_wins(world) -> None:
    items = [claim(SARAQIB, "HTS", "2020-01-10"), claim(SARAQIB, "GOV", "2020-02-06")]
    assert state(items, "2020-02-01", world)["controller"] == "HTS"
    assert state(items, "2020-02-06", world)["controller"] == "GOV"
    assert state(items, "2020-02-06", world)["since"] == "2020-02-06"
    assert state(items, "2020-01-01", world) == {}  # nothing known yet


def test_since_is_the_start_of_the_current_run(world) -> None:
    items = [claim(SARAQIB, "GOV", "2020-02-06"),
             claim(SARAQIB, "GOV", "2020-02-20", action="holds", doc="d2")]
    got = state(items, "2020-02-25", world)
    assert (got["controller"], got["since"], got["supporting_claims"]) == ("GOV", "2020-02-06",
                                                                          2)


def test_a_hedged_claim_alone_is_only_reported(world) -> None:
    items = [claim(SARAQIB, "GOV", "2020-02-06", hedged=True)]
    assert state(items, "2020-02-07", world)["status"] == "reported"


def test_corroboration_by_a_second_article_confirms(world) -> None:
    items = [claim(SARAQIB, "GOV", "2020-02-06", hedged=True, doc="a"),
             claim(SARAQIB, "GOV", "2020-02-06", hedged=True, doc="b")]
    assert state(items, "2020-02-07", world)["status"] == "confirmed"


def test_an_unhedged_claim_confirms(world) -> None:
    assert state([claim(SARAQIB, "GOV", "2020-02-06")], "2020-02-07",
                 world)["status"] == "confirmed"


def test_conflicting_articles_within_three_days_make_it_contested(world) -> None:
    items = [claim(SARAQIB, "GOV", "2020-02-06", doc="a"),
             claim(SARAQIB, "HTS", "2020-02-08", doc="b")]
    got = state(items, "2020-02-08", world)
    assert (got["controller"], got["status"]) == ("HTS", "contested")
    assert state(items, "2020-02-12", world)["status"] == "confirmed"  # window passed


def test_fighting_reported_in_the_window_makes_it_contested(world) -> None:
    items = [claim(SARAQIB, "GOV", "2020-02-06"),
             claim(SARAQIB, None, "2020-02-20", action="contested", doc="b")]
    assert state(items, "2020-02-21", world)["status"] == "contested"
    assert state(items, "2020-02-21", world)["controller"] == "GOV"


def test_no_evidence_for_sixty_days_is_stale_but_shown(world) -> None:
    items = [claim(SARAQIB, "GOV", "2020-02-06")]
    got = state(items, "2020-06-01", world)
    assert (got["controller"], got["status"], got["last_date"]) == ("GOV", "stale",
                                                                    "2020-02-06")


def test_negated_claims_change_nothing(world) -> None:
    items = [claim(SARAQIB, "GOV", "2020-02-06"),
             claim(SARAQIB, "HTS", "2020-02-10", negated=True, doc="b")]
    assert state(items, "2020-02-11", world)["controller"] == "GOV"


def test_reference_point_and_presence_claims_change_nothing(world) -> None:
    items = [claim(SARAQIB, "GOV", "2020-02-06"),
             claim(SARAQIB, "HTS", "2020-02-10", near=True, doc="b"),
             claim(SARAQIB, "RUSSIA", "2020-02-11", action="deployment", doc="c")]
    assert state(items, "2020-02-12", world)["controller"] == "GOV"


def test_analyst_override_wins_over_later_claims(world) -> None:
    items = [claim(SARAQIB, "GOV", "2020-02-06"),
             claim(SARAQIB, "HTS", "2020-02-01", source="override", doc="override:1"),
             claim(SARAQIB, "GOV", "2020-02-20", doc="b")]
    got = state(items, "2020-02-25", world)
    assert (got["controller"], got["source"]) == ("HTS", "override")


def test_unresolved_places_are_not_drawn(world) -> None:
    items = [claim("unresolved:jehbel", "SDF", "2020-12-24")]
    assert len(snapshot(items, date(2020, 12, 25), **world)) == 0


def test_seed_store_state_on_christmas_2020(tmp_path, world) -> None:
    from conftest import SEEDS

    from geo.pipeline import ingest
    from geo.store import Store
    from geo.timeline import evidence_from_rows

    with Store(tmp_path / "f.db") as store:
        ingest([SEEDS], store, world["gazetteer"], world["factions"])
        items = evidence_from_rows(store.claims())
    frame = snapshot(items, date(2020, 12, 25), **world)
    rows = {r["name"]: r for r in frame.drop(columns="geometry").to_dict("records")}
    assert rows["Ayn Issa"]["controller"] == "SDF"  # the handover was not made
    assert rows["Ayn Issa"]["status"] == "confirmed"
    assert rows["Ras al-Ayn"]["controller"] == "TURKEY" and rows["Ras al-Ayn"]["status"] == \
        "stale"
    assert rows["Ayn Issa"]["last_date"] == "2020-12-25"
    assert "remains under the SDF control" in rows["Ayn Issa"]["last_evidence"]


PLACES = ["syria:saraqib", "syria:sarmin", "syria:binnish", "syria:taftanaz-air-base",
          "syria:manbij", "syria:azaz", "unresolved:nowhere"]


def random_evidence(seed: int, count: int) -> list[Evidence]:
    """Claims of every kind on a few places over four months (drawn, not real)."""
    import random

    rng = random.Random(seed)
    items = []
    for k in range(count):
        day = date(2020, 1, 1).toordinal() + rng.randrange(120)
        items.append(claim(
            rng.choice(PLACES), rng.choice(["GOV", "HTS", "SDF", "TURKEY", "RUSSIA", None]),
            date.fromordinal(day).isoformat(),
            action=rng.choice(["capture", "withdrawal", "handover", "holds", "repelled",
                               "contested", "deployment"]),
            doc=f"d{rng.randrange(12)}", hedged=rng.random() < 0.3,
            negated=rng.random() < 0.1, near=rng.random() < 0.1,
            source=rng.choice(["claim"] * 12 + ["baseline", "override"])))
        if rng.random() < 0.2:  # same day, other article
            items.append(claim(items[-1].place_id, items[-1].controller,
                               items[-1].day.isoformat(), doc=f"e{k}"))
    return items


def from_scratch(items: list[Evidence], day: date, world) -> list[dict]:
    """`place_state` of every place on ``day``, without any index (the reference)."""
    from geo.timeline import place_state

    theater = world["theater"]
    rows = []
    for place_id in sorted({i.place_id for i in items}):
        place = world["gazetteer"].places.get(place_id)
        state = place_state([i for i in items if i.place_id == place_id], day,
                            factions=world["factions"],
                            window_days=theater.contested_window_days,
                            stale_days=theater.stale_days)
        if state is None or place is None:
            continue
        rows.append({"name": place.name, "place_id": place_id,
                     "controller": state.controller,
                     "since": state.since.isoformat() if state.since else None,
                     "status": state.status, "confidence": state.confidence,
                     "last_date": state.last.day.isoformat(),
                     "last_document": state.last.doc_id,
                     "supporting_claims": state.supporting, "source": state.source})
    return sorted(rows, key=lambda r: (r["name"], r["place_id"]))


def test_indexed_snapshots_equal_states_from_scratch_on_every_date(world) -> None:
    import random

    items = random_evidence(7, 160)
    days = [date(2019, 12, 30) + timedelta(days=k) for k in range(200)]
    random.Random(3).shuffle(days)  # any order: the index keeps no notion of "last date"
    columns = ["name", "place_id", "controller", "since", "status", "confidence",
               "last_date", "last_document", "supporting_claims", "source"]
    for day in days:
        frame = snapshot(items, day, **world)
        got = frame[columns].astype(object).where(frame[columns].notna(), None)
        assert got.to_dict("records") == from_scratch(items, day, world), day
        assert frame.crs == "EPSG:4326"


def test_the_index_follows_changes_to_the_evidence(world) -> None:
    from geo.timeline import timeline

    items = [claim(SARAQIB, "GOV", "2020-02-06")]
    assert state(items, "2020-02-10", world)["controller"] == "GOV"
    items.append(claim(SARAQIB, "HTS", "2020-02-08", doc="b"))  # the same list, grown
    assert state(items, "2020-02-10", world)["controller"] == "HTS"
    again = [claim(SARAQIB, "GOV", "2020-02-06"), claim(SARAQIB, "HTS", "2020-02-08", doc="b")]
    kept = timeline(items, gazetteer=world["gazetteer"], factions=world["factions"])
    assert timeline(again, gazetteer=world["gazetteer"], factions=world["factions"]) is kept


def test_a_timeline_answers_like_snapshot(world) -> None:
    from pandas.testing import assert_frame_equal

    from geo.timeline import Timeline

    items = random_evidence(11, 60)
    built = Timeline(items, gazetteer=world["gazetteer"], factions=world["factions"])
    for day in (date(2020, 1, 15), date(2020, 3, 1), date(2020, 2, 1), date(2021, 1, 1)):
        assert_frame_equal(built.snapshot(day, world["theater"]), snapshot(items, day, **world))
