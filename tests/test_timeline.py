"""The timeline rules, one test each, on real gazetteer places with claims written here."""

from __future__ import annotations

from datetime import date

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
