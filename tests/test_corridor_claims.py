"""Claims on strategic corridors (the M4 and M5 highways) as a whole.

A corridor claim is about the road (``corridor:M4``), never a point and never a reference point:
control of it (capture / holds), who can hit traffic on it (``fire_control``, a contact claim)
and what lies along it (``along``, a location claim with no controller).

Made-up texts are published on Monday 2020-02-17, so "on Sunday" is 2020-02-16 and "last week"
the week of Monday 2020-02-10.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import SEEDS, TEST_DATA

from geo.claims import ACTION_CLASSES, CONTROL_ACTIONS, Claim, extract_claims
from geo.evaluate import evaluate
from geo.pipeline import ingest
from geo.places import geocode_document
from geo.store import Store
from geo.timeline import evidence_from_rows, is_control

PUBLISHED = date(2020, 2, 17)


@pytest.fixture(scope="module")
def seed_claims(seed_documents, gazetteer, factions) -> dict[str, list[Claim]]:
    """Claims of the five seed articles, keyed by their file-name prefix."""
    return {key: extract_claims(doc, geocode_document(doc, gazetteer), factions)
            for key, doc in seed_documents.items()}


def _summary(claims: list[Claim]) -> list[tuple]:
    """(place, controller, action, negated) of every claim, for readable failures."""
    return [(c.place_id, c.controller, c.action, c.negated) for c in claims]


def _on(claims: list[Claim], corridor: str, action: str | None = None) -> list[Claim]:
    """Claims on ``corridor`` ("M4"), optionally with one action."""
    return [c for c in claims if c.place_id == f"corridor:{corridor}"
            and (action is None or c.action == action)]


def _one(claims: list[Claim], corridor: str, action: str) -> Claim:
    found = _on(claims, corridor, action)
    assert len(found) == 1, f"expected one {action} of {corridor}, got {_summary(claims)}"
    return found[0]


# -- the seed articles ---------------------------------------------------------------------

def test_seed_government_control_of_the_m5_along_its_length_is_a_capture_last_week(
        seed_claims) -> None:
    (m5,) = _on(seed_claims["003"], "M5")
    assert (m5.action, m5.controller, m5.negated, m5.near_place) == ("capture", "GOV", False,
                                                                      False)
    assert (m5.date_from, m5.date_to, m5.date_text) == (date(2020, 2, 10), date(2020, 2, 16),
                                                        "last week")
    assert m5.evidence.startswith("Military experts attribute the successes of the Syrian army")


def test_seed_turkish_fire_control_of_the_m4_follows_the_capture_of_the_silos(
        seed_claims) -> None:
    fire = _one(seed_claims["000"], "M4", "fire_control")
    assert (fire.controller, fire.negated, fire.action_class) == ("TURKEY", False, "contact")
    assert fire.evidence == ("This allowed Turkish forces to impose fire control of the M4 "
                             "highway.")
    # "This allowed": the day the article told about, the capture "three days ago"
    assert (fire.event_date, fire.date_basis) == (date(2019, 11, 17), "narrative")


def test_seed_silos_overlooking_the_m4_lie_along_it(seed_claims) -> None:
    along = _one(seed_claims["000"], "M4", "along")
    assert (along.controller, along.action_class) == (None, "location")
    assert along.evidence.startswith("The silos, which are located near the key town of Ain Issa")
    assert (along.event_date, along.date_basis) == (date(2019, 11, 20), "published")


def test_seed_villages_and_town_on_the_m4_lie_along_it(seed_claims) -> None:
    along = _on(seed_claims["001"], "M4", "along")
    assert [c.evidence[:30] for c in along] == ["Both villages are located in t",
                                                "It lays on the M4 highway that"]
    assert all(c.controller is None and c.event_date == date(2020, 12, 25) for c in along)


def test_seed_corridor_claims_are_exactly_these(seed_claims) -> None:
    found = sorted((key, c.place_id, c.action, c.controller) for key, claims in
                   seed_claims.items() for c in claims if c.place_id.startswith("corridor:"))
    assert found == [("000", "corridor:M4", "along", None),
                     ("000", "corridor:M4", "fire_control", "TURKEY"),
                     ("001", "corridor:M4", "along", None),
                     ("001", "corridor:M4", "along", None),
                     ("003", "corridor:M5", "capture", "GOV")]


def test_seed_highway_linking_governorates_says_nothing_about_them(seed_claims) -> None:
    # "The highway links the governorates of al-Hasakah, Raqqa and Aleppo."
    # "It lays on the M4 highway that links al-Hasakah, Raqqa and Aleppo."
    for claims in seed_claims.values():
        assert not [c for c in claims if c.place_id.startswith("admin1:")], _summary(claims)


def test_seed_comment_about_the_m4_gives_no_claim(seed_documents, seed_claims) -> None:
    assert "Withdraw from M4 highway?" in seed_documents["000"].comments
    assert not [c for c in seed_claims["000"] if "Withdraw from M4" in c.evidence]


def test_seed_claims_on_corridors_are_never_near_a_place(seed_claims) -> None:
    for claims in seed_claims.values():
        assert not [c for c in claims if c.place_id.startswith("corridor:") and c.near_place]


# -- control of the whole corridor ---------------------------------------------------------

@pytest.mark.parametrize(("text", "corridor", "action", "controller"), [
    pytest.param("Government forces took control of the M4 highway.", "M4", "capture", "GOV",
                 id="took-control-of"),
    pytest.param("The Syrian army took full control of the M-5 highway.", "M5", "capture",
                 "GOV", id="took-full-control-of-M-5"),
    pytest.param("The SAA regained control of the entire M5.", "M5", "capture", "GOV",
                 id="regained-control-of-the-entire"),
    pytest.param("The M5 was captured by government forces.", "M5", "capture", "GOV",
                 id="passive"),
    pytest.param("The SAA secured the entire M5 highway.", "M5", "capture", "GOV",
                 id="secured"),
    pytest.param("Government forces took control of the M5 highway along its entire length.",
                 "M5", "capture", "GOV", id="along-its-entire-length"),
    pytest.param("The M5 is now fully under government control.", "M5", "holds", "GOV",
                 id="now-fully-under-control"),
    pytest.param("The M4 highway remains under the control of the SDF.", "M4", "holds", "SDF",
                 id="remains-under-the-control-of"),
    pytest.param("Government forces now control the entire M5.", "M5", "holds", "GOV",
                 id="now-control"),
    pytest.param("The Syrian army has reopened the M5 highway to traffic.", "M5", "holds",
                 "GOV", id="reopened-to-traffic"),
])
def test_control_of_a_corridor_is_a_claim_on_the_whole_road(claims_of, text, corridor,
                                                             action, controller) -> None:
    claims = claims_of(text)
    claim = _one(claims, corridor, action)
    assert (claim.controller, claim.negated, claim.near_place) == (controller, False, False)
    assert claim.place_name == corridor
    assert [c for c in claims if not c.place_id.startswith("corridor:")] == []


def test_reopened_after_capturing_it_is_a_capture_and_a_hold(claims_of) -> None:
    claims = claims_of("Syrian government forces reopened the M5 after capturing it.")
    assert sorted(_summary(claims)) == [("corridor:M5", "GOV", "capture", False),
                                        ("corridor:M5", "GOV", "holds", False)]


def test_corridor_control_takes_the_date_of_the_sentence(claims_of) -> None:
    claim = _one(claims_of("The Syrian army took control of the M5 on Sunday."), "M5",
                 "capture")
    assert (claim.event_date, claim.date_text) == (date(2020, 2, 16), "on Sunday")
    claim = _one(claims_of("The SAA secured the entire M5 highway last week."), "M5", "capture")
    assert (claim.date_from, claim.date_to) == (date(2020, 2, 10), date(2020, 2, 16))


def test_the_highway_refers_to_the_corridor_named_before(claims_of) -> None:
    claims = claims_of("The SAA reached the M5 on Saturday. On Sunday, the SAA took control "
                       "of the highway.")
    claim = _one(claims, "M5", "capture")
    assert claim.event_date == date(2020, 2, 16)


@pytest.mark.parametrize("text", [
    pytest.param("Russia and Turkey agreed to reopen the M4.", id="agreed-to-reopen"),
    pytest.param("Turkish-backed militants hold the M4 near Ain Issa.", id="stretch-near"),
    pytest.param("Government forces took control of the M5 highway south of Saraqib.",
                 id="stretch-south-of"),
    pytest.param("The M4 highway between Tell Tamr and Ain Issa is under SNA control.",
                 id="stretch-between"),
    pytest.param("Government forces captured a 20-km section of the M5.", id="section-of"),
    pytest.param("The SNA took the M4 under fire.", id="took-under-fire"),
    pytest.param("The SDF lost control of the M4.", id="lost-control"),
])
def test_no_control_of_the_whole_corridor(claims_of, text) -> None:
    claims = claims_of(text)
    assert [c for c in claims if c.action in CONTROL_ACTIONS] == [], _summary(claims)


def test_a_failed_attempt_on_a_corridor_is_negated(claims_of) -> None:
    claim = _one(claims_of("Government forces failed to take control of the M4."), "M4",
                 "capture")
    assert claim.negated and claim.controller == "GOV"


# -- fire control ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "corridor", "controller"), [
    pytest.param("Turkish forces imposed fire control over the M4 highway.", "M4", "TURKEY",
                 id="imposed-fire-control-over"),
    pytest.param("The capture of the village gave the SNA fire control over the M4.", "M4",
                 "TURKEY", id="gave-fire-control"),
    pytest.param("Turkish-backed factions put the M4 highway under fire control.", "M4",
                 "TURKEY", id="put-under-fire-control"),
    pytest.param("The SNA took the M4 under fire.", "M4", "TURKEY", id="took-under-fire"),
    pytest.param("Turkish forces cut the M4 highway near Tell Tamr.", "M4", "TURKEY",
                 id="cut"),
    pytest.param("HTS cut off the M5 north of Hama.", "M5", "HTS", id="cut-off"),
    pytest.param("The M4 is within range of the SNA's artillery.", "M4", "TURKEY",
                 id="within-range-of"),
    pytest.param("The M4 is now within the SNA's artillery range.", "M4", "TURKEY",
                 id="within-artillery-range"),
    pytest.param("The M4 highway came under fire from Turkish-backed militants.", "M4",
                 "TURKEY", id="came-under-fire-from"),
    pytest.param("The M4 is under SNA fire.", "M4", "TURKEY", id="under-faction-fire"),
    pytest.param("Turkish forces shelled the M4 highway.", "M4", "TURKEY", id="shelled"),
    pytest.param("HTS fighters targeted the M5 with rockets.", "M5", "HTS", id="targeted"),
])
def test_fire_on_a_corridor_is_fire_control_by_the_shooter(claims_of, text, corridor,
                                                           controller) -> None:
    claims = claims_of(text)
    claim = _one(claims, corridor, "fire_control")
    assert (claim.controller, claim.negated, claim.near_place) == (controller, False, False)
    assert claim.action_class == "contact"
    assert [c for c in claims if c.action in CONTROL_ACTIONS] == [], _summary(claims)


def test_fire_control_does_not_change_who_holds_the_road() -> None:
    assert ACTION_CLASSES["fire_control"] == "contact"
    assert "fire_control" not in CONTROL_ACTIONS


@pytest.mark.parametrize("text", [
    pytest.param("The SNA failed to cut the M4.", id="failed-to"),
    pytest.param("The SDF could not cut the M4 highway.", id="could-not"),
    pytest.param("The SNA aims to cut the M4.", id="aims-to"),
])
def test_fire_control_that_did_not_happen_is_negated(claims_of, text) -> None:
    assert _one(claims_of(text), "M4", "fire_control").negated


def test_shelling_a_town_on_the_corridor_stays_shelling_of_the_town(claims_of) -> None:
    claims = claims_of("Turkish-backed militants shelled Tell Tamr.")
    assert _summary(claims) == [("syria:tell-tamr", "TURKEY", "shelling", False)]


# -- places along a corridor ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "corridors"), [
    pytest.param("The town lies on the M4 highway.", ["M4"], id="lies-on"),
    pytest.param("It lays on the M4 highway that links al-Hasakah, Raqqa and Aleppo.", ["M4"],
                 id="lays-on-that-links"),
    pytest.param("Tell Tamr is located near the M4 highway.", ["M4"], id="located-near"),
    pytest.param("The village is situated in the western countryside of Ain Issa, along the "
                 "M4.", ["M4"], id="situated-in-along"),
    pytest.param("The hills overlook the strategic M4 highway.", ["M4"], id="overlook"),
    pytest.param("Saraqib lies at the junction of the M4 and M5 highways.", ["M4", "M5"],
                 id="junction-of-two"),
])
def test_a_place_on_a_corridor_is_an_along_claim_without_controller(claims_of, text,
                                                                   corridors) -> None:
    claims = claims_of(text)
    along = [c for c in claims if c.action == "along"]
    assert [c.place_name for c in along] == corridors, _summary(claims)
    assert all(c.controller is None and c.action_class == "location" for c in along)
    assert all((c.event_date, c.date_basis) == (PUBLISHED, "published") for c in along)
    assert all(c.place_id.startswith("corridor:") for c in claims), _summary(claims)


def test_a_town_captured_on_the_corridor_is_captured_not_the_corridor(claims_of) -> None:
    claims = claims_of("Saraqib, which lies on the strategic M5 highway, was captured by the "
                       "Syrian army on Sunday.")
    assert sorted(_summary(claims)) == [("corridor:M5", None, "along", False),
                                        ("syria:saraqib", "GOV", "capture", False)]
    claims = claims_of("Saraqib, on the M5 highway, was captured by the Syrian army.")
    assert [c.place_id for c in claims if c.action == "capture"] == ["syria:saraqib"]


def test_a_place_off_the_corridor_is_not_along_it(claims_of) -> None:
    assert claims_of("Tell Tamr is located 5 km south of the M4.") == []


def test_a_place_said_not_to_lie_on_the_corridor_is_negated(claims_of) -> None:
    assert _one(claims_of("The village is not located on the M4."), "M4", "along").negated


# -- corridors never become points or reference points ---------------------------------------

@pytest.mark.parametrize("text", [
    pytest.param("The M4 links Aleppo and Latakia.", id="links"),
    pytest.param("The highway links the governorates of al-Hasakah, Raqqa and Aleppo.",
                 id="the-highway-links"),
    pytest.param("The army advanced along the M5.", id="advanced-along"),
    pytest.param("Turkish-backed militants shelled villages near the M4.",
                 id="villages-near-the-corridor"),
    pytest.param("Turkish forces deployed near the M4.", id="deployed-near-the-corridor"),
    pytest.param("HTS targeted the area near the M5.", id="targeted-the-area-near"),
    pytest.param("Government forces captured villages near the M4.",
                 id="captured-villages-near"),
])
def test_mentions_that_say_nothing_about_a_corridor_give_no_claim(claims_of, text) -> None:
    assert claims_of(text) == []


def test_a_road_named_by_two_towns_on_a_corridor_is_that_corridor(claims_of) -> None:
    (claim,) = claims_of("The Syrian army took control of the Aleppo-Damascus highway.")
    assert (claim.place_id, claim.controller, claim.action) == ("corridor:M5", "GOV", "capture")
    (claim,) = claims_of("The Syrian army took control of the Lattakia-Aleppo highway.")
    assert claim.place_id == "corridor:M4"


def test_a_corridor_as_an_adjective_gives_the_claim_to_the_town(claims_of) -> None:
    claims = claims_of("The SAA captured the M5 town of Saraqib.")
    assert _summary(claims) == [("syria:saraqib", "GOV", "capture", False)]


# -- what the rest of the tool sees ----------------------------------------------------------

def test_seed_claim_scores_stay_perfect_with_corridor_claims(gazetteer) -> None:
    report = evaluate(TEST_DATA / "seeds_gold.json", gazetteer)["claims"]
    assert (report["recall"], report["precision"]) == (1.0, 1.0), report
    assert not [f for f in report["false_positives"] if "M4" in f]


def test_stored_corridor_claims_keep_their_action_and_never_set_control(tmp_path, gazetteer,
                                                                       factions) -> None:
    with Store(tmp_path / "f.db") as store:
        ingest([SEEDS], store, gazetteer, factions)
        rows = store.claims(place_ids=["corridor:M4"])
    assert sorted((r["action"], r["controller"]) for r in rows) == [
        ("along", None), ("along", None), ("along", None), ("fire_control", "TURKEY")]
    assert not [e for e in evidence_from_rows(rows) if is_control(e, factions)]
