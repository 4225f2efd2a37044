"""Control claims from short news sentences: the phrasings a reader expects to be understood.

Every text is published on Monday 2020-02-17 unless a test says otherwise, so "on Sunday" is
2020-02-16, "yesterday" 2020-02-16 and "last week" the week of Monday 2020-02-10.
"""

from __future__ import annotations

from datetime import date

import pytest

from geo.claims import CONTROL_ACTIONS, Claim

PUBLISHED = date(2020, 2, 17)


def _summary(claims: list[Claim]) -> list[tuple]:
    """(place, controller, action, negated) of every claim, for readable failures."""
    return [(c.place_name, c.controller, c.action, c.negated) for c in claims]


def _only(claims: list[Claim], place: str, action: str) -> Claim:
    """The one claim about ``place`` with ``action``; fails with all claims shown."""
    found = [c for c in claims if c.place_name == place and c.action == action]
    assert len(found) == 1, f"expected one {action} of {place}, got {_summary(claims)}"
    return found[0]


def _asserted_changes(claims: list[Claim], place: str) -> list[Claim]:
    """Claims that would change or confirm control of ``place`` on the map."""
    return [c for c in claims if c.place_name == place and c.action in CONTROL_ACTIONS
            and not c.negated]


# -- active voice ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "place", "controller"), [
    pytest.param("Syrian government forces seized Maarat al-Numan after weeks of heavy fighting.",
                 "Maarat al-Numan", "GOV", id="seized-government-forces"),
    pytest.param("Turkish-backed factions took control of Tell Abyad, a monitoring group said.",
                 "Tell Abyad", "TURKEY", id="took-control-of-turkish-backed"),
    pytest.param("The SNA took over Ras al-Ayn after the last Kurdish fighters left.",
                 "Ras al-Ayn", "TURKEY", id="took-over-SNA"),
    pytest.param("SDF fighters liberated Raqqa from ISIS.", "Raqqa", "SDF",
                 id="liberated-SDF"),
    pytest.param("HTS recaptured Kafr Nabl after a counter-attack.", "Kafr Nabl", "HTS",
                 id="recaptured-HTS"),
    pytest.param("ISIS fighters seized Palmyra in a surprise assault.", "Palmyra", "ISIS",
                 id="seized-ISIS"),
    pytest.param("Government forces regained control of Khan Shaykhun.", "Khan Shaykhun", "GOV",
                 id="regained-control-of"),
    pytest.param("Government troops entered Manbij.", "Manbij", "GOV", id="entered"),
    pytest.param("The YPG took control of Tabqa.", "Tabqa", "SDF", id="YPG-is-SDF"),
    pytest.param("The SAA captured Jisr al-Shughur.", "Jisr al-Shughur", "GOV", id="SAA"),
    pytest.param("The Syrian army took Saraqib.", "Saraqib", "GOV", id="took-bare"),
    pytest.param("Government forces seized control of Saraqib.", "Saraqib", "GOV",
                 id="seized-control-of"),
])
def test_active_captures_give_the_town_to_the_subject(claims_of, text, place, controller):
    claims = claims_of(text)
    claim = _only(claims, place, "capture")
    assert (claim.controller, claim.negated, claim.hedged) == (controller, False, False)


def test_a_town_falling_to_a_faction_is_a_capture(claims_of):
    claims = claims_of("Saraqib fell to government forces on February 6.")
    claim = _only(claims, "Saraqib", "capture")
    assert (claim.controller, claim.event_date) == ("GOV", date(2020, 2, 6))


def test_backing_force_between_subject_and_verb_does_not_take_the_town(claims_of):
    claims = claims_of("HTS fighters, backed by Turkish forces, recaptured Saraqib on Monday.")
    assert _only(claims, "Saraqib", "capture").controller == "HTS"


def test_russian_support_does_not_turn_a_syrian_capture_into_a_russian_deployment(claims_of):
    claims = claims_of("Syrian troops, supported by Russian forces, captured Kafr Nabl.")
    assert _only(claims, "Kafr Nabl", "capture").controller == "GOV"


def test_enemy_named_in_an_aside_does_not_become_the_capturer(claims_of):
    claims = claims_of("Turkish-backed factions, after heavy clashes with the SDF, captured the "
                       "village of Arbaeen.")
    assert _only(claims, "Arbaeen", "capture").controller == "TURKEY"


def test_russian_military_police_entering_a_town_is_a_deployment_not_a_capture(claims_of):
    claims = claims_of("Russian military police entered Kobani.")
    assert _only(claims, "Kobani", "deployment").controller == "RUSSIA"
    assert not [c for c in claims if c.action == "capture"]


# -- passive voice -----------------------------------------------------------------------

def test_passive_capture_by_the_syrian_army(claims_of):
    claims = claims_of("Saraqib was captured by the Syrian army.")
    claim = _only(claims, "Saraqib", "capture")
    assert (claim.controller, claim.negated) == ("GOV", False)


def test_passive_reportedly_retaken_is_a_hedged_capture(claims_of):
    claims = claims_of("Ariha was reportedly retaken by HTS.")
    claim = _only(claims, "Ariha", "capture")
    assert (claim.controller, claim.hedged, claim.negated) == ("HTS", True, False)


def test_relative_clause_which_was_then_seized(claims_of):
    claims = claims_of("The rebels pushed towards Jisr al-Shughur, which was then seized by "
                       "government forces.")
    assert _only(claims, "Jisr al-Shughur", "capture").controller == "GOV"


def test_passive_with_a_day_between_verb_and_agent(claims_of):
    claims = claims_of("Saraqib was captured on Thursday by the Syrian army.")
    claim = _only(claims, "Saraqib", "capture")
    assert (claim.controller, claim.event_date) == ("GOV", date(2020, 2, 13))


def test_passive_list_of_villages_gives_every_village(claims_of):
    claims = claims_of("The villages of Arbaeen and Dardara were captured by Turkish-backed "
                       "factions.")
    assert _only(claims, "Arbaeen", "capture").controller == "TURKEY"
    assert _only(claims, "Dardara", "capture").controller == "TURKEY"


def test_reduced_relative_captured_by_is_a_capture_with_its_date(claims_of):
    claims = claims_of("The town of Saraqib, captured by government forces on February 6, lies "
                       "on the M5 highway.")
    claim = _only(claims, "Saraqib", "capture")
    assert (claim.controller, claim.event_date) == ("GOV", date(2020, 2, 6))


# -- lists -------------------------------------------------------------------------------

def test_list_of_towns_gives_one_capture_each(claims_of):
    claims = claims_of("The Syrian army captured the towns of Kafr Nabl, Ariha and Saraqib.")
    for place in ("Kafr Nabl", "Ariha", "Saraqib"):
        assert _only(claims, place, "capture").controller == "GOV"


def test_unknown_villages_in_a_list_are_captured_as_unresolved_places(claims_of):
    claims = claims_of("Turkish-backed factions seized the villages of Arbaeen and Dardara.")
    arbaeen = _only(claims, "Arbaeen", "capture")
    dardara = _only(claims, "Dardara", "capture")
    assert (arbaeen.controller, dardara.controller) == ("TURKEY", "TURKEY")
    assert arbaeen.place_id.startswith("unresolved:")


def test_mixed_list_of_town_and_the_town_of(claims_of):
    claims = claims_of("The Syrian army captured Kafr Nabl and the town of Ariha.")
    assert _only(claims, "Kafr Nabl", "capture").controller == "GOV"
    assert _only(claims, "Ariha", "capture").controller == "GOV"


def test_list_followed_by_a_reference_town_does_not_capture_the_reference(claims_of):
    claims = claims_of("Turkish-backed factions captured the villages of Arbaeen and Dardara "
                       "near Tell Tamr.")
    # Dardara is the Who's On First village Dardarah near Tell Tamr
    assert {c.place_name for c in claims if c.action == "capture"} == {"Arbaeen", "Dardarah"}


# -- withdrawal and handover -------------------------------------------------------------

def test_withdrawal_after_an_entry_gives_the_town_to_the_entering_side(claims_of):
    claims = claims_of("After government forces entered Saraqib on Monday, HTS withdrew from "
                       "Saraqib.")
    claim = _only(claims, "Saraqib", "withdrawal")
    assert (claim.controller, claim.previous, claim.negated) == ("GOV", "HTS", False)


def test_withdrawal_by_named_fighters_records_who_withdrew(claims_of):
    claims = claims_of("HTS fighters withdrew from Saraqib after government forces entered the "
                       "town.")
    claim = _only(claims, "Saraqib", "withdrawal")
    assert (claim.controller, claim.previous) == ("GOV", "HTS")


def test_withdrawing_side_never_becomes_the_controller(claims_of):
    claims = claims_of("Government forces entered Saraqib on February 6. HTS recaptured the town "
                       "on February 15. On February 16, HTS fighters withdrew from Saraqib.")
    withdrawals = [c for c in claims if c.action == "withdrawal"]
    assert all(c.controller != "HTS" for c in withdrawals), _summary(claims)


def test_defenders_withdrawing_after_an_assault_leave_the_town_to_the_attacker(claims_of):
    claims = claims_of("Turkish-backed factions launched an assault on Ras al-Ayn on Wednesday. "
                       "On Sunday, Kurdish fighters withdrew from Ras al-Ayn.")
    claim = _only(claims, "Ras al-Ayn", "withdrawal")
    assert (claim.controller, claim.previous, claim.event_date) == (
        "TURKEY", "SDF", date(2020, 2, 16))


def test_handover_gives_the_town_to_the_receiver(claims_of):
    claims = claims_of("The SDF handed over Manbij to the Syrian army.")
    claim = _only(claims, "Manbij", "handover")
    assert (claim.controller, claim.previous, claim.negated) == ("GOV", "SDF", False)


def test_handover_with_the_town_between_handed_and_over(claims_of):
    claims = claims_of("The SDF handed Manbij over to government forces.")
    claim = _only(claims, "Manbij", "handover")
    assert (claim.controller, claim.previous) == ("GOV", "SDF")


def test_passive_handover(claims_of):
    claims = claims_of("Manbij was handed over to the Syrian army.")
    claim = _only(claims, "Manbij", "handover")
    assert (claim.controller, claim.negated) == ("GOV", False)


# -- holds -------------------------------------------------------------------------------

def test_remains_under_control_is_a_hold_dated_on_publication(claims_of):
    claims = claims_of("Kobani remains under SDF control.")
    claim = _only(claims, "Kobani", "holds")
    assert (claim.controller, claim.event_date, claim.date_basis) == (
        "SDF", PUBLISHED, "published")


def test_is_under_the_control_of(claims_of):
    claims = claims_of("Tell Tamr is under the control of the SDF.")
    assert _only(claims, "Tell Tamr", "holds").controller == "SDF"


def test_faction_controls_town(claims_of):
    claims = claims_of("The SDF controls Tell Tamr.")
    claim = _only(claims, "Tell Tamr", "holds")
    assert (claim.controller, claim.event_date) == ("SDF", PUBLISHED)


def test_is_still_held_by(claims_of):
    claims = claims_of("Kobani is still held by the SDF.")
    claim = _only(claims, "Kobani", "holds")
    assert (claim.controller, claim.event_date) == ("SDF", PUBLISHED)


def test_remains_in_the_hands_of(claims_of):
    claims = claims_of("Kobani remains in the hands of the SDF.")
    assert _only(claims, "Kobani", "holds").controller == "SDF"


# -- negation ----------------------------------------------------------------------------

def test_failed_to_capture_is_negated(claims_of):
    claims = claims_of("Government forces failed to capture Saraqib.")
    assert _only(claims, "Saraqib", "capture").negated
    assert not _asserted_changes(claims, "Saraqib")


def test_did_not_enter_is_a_negated_capture(claims_of):
    claims = claims_of("Turkish troops did not enter Manbij.")
    claim = _only(claims, "Manbij", "capture")
    assert (claim.controller, claim.negated) == ("TURKEY", True)
    assert not _asserted_changes(claims, "Manbij")


def test_was_not_handed_over_is_a_negated_handover(claims_of):
    claims = claims_of("Manbij was not handed over to the Syrian army.")
    assert _only(claims, "Manbij", "handover").negated
    assert not _asserted_changes(claims, "Manbij")


def test_preventing_a_faction_from_capturing_is_negated(claims_of):
    claims = claims_of("Russian pressure is preventing Turkish-backed factions from capturing "
                       "Tell Tamr.")
    claim = _only(claims, "Tell Tamr", "capture")
    assert (claim.negated, claim.modality) == (True, "prevented")
    assert not _asserted_changes(claims, "Tell Tamr")


def test_denied_capture_is_not_an_asserted_capture(claims_of):
    claims = claims_of("The SDF denied reports that Turkish-backed factions had captured Tell "
                       "Tamr.")
    assert not [c for c in _asserted_changes(claims, "Tell Tamr") if not c.hedged], \
        _summary(claims)


def test_would_not_allow_to_capture_is_not_a_capture(claims_of):
    claims = claims_of("Ankara warned it would not allow government forces to capture Saraqib.")
    assert not _asserted_changes(claims, "Saraqib"), _summary(claims)


# -- modality ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "place"), [
    pytest.param("Turkey plans to capture Manbij.", "Manbij", id="plans-to"),
    pytest.param("Turkey threatened to seize Kobani.", "Kobani", id="threatened-to"),
    pytest.param("The Syrian army is preparing to attack Ariha.", "Ariha", id="preparing-to"),
    pytest.param("Government forces are expected to capture Saraqib within days.", "Saraqib",
                 id="expected-to"),
    pytest.param("HTS vowed to recapture Saraqib.", "Saraqib", id="vowed-to"),
    pytest.param("Government forces are poised to capture Saraqib.", "Saraqib", id="poised-to"),
])
def test_intended_captures_do_not_change_control(claims_of, text, place):
    claims = claims_of(text)
    assert not _asserted_changes(claims, place), _summary(claims)
    assert all(c.negated for c in claims if c.action == "capture"), _summary(claims)


# -- hedging -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "place", "action", "controller"), [
    pytest.param("Turkish-backed factions reportedly captured Tell Tamr.", "Tell Tamr", "capture",
                 "TURKEY", id="reportedly"),
    pytest.param("HTS allegedly recaptured Saraqib.", "Saraqib", "capture", "HTS",
                 id="allegedly"),
    pytest.param("According to activists, government forces entered Kafr Nabl.", "Kafr Nabl",
                 "capture", "GOV", id="according-to"),
    pytest.param("The SNA claimed it had taken control of Ras al-Ayn.", "Ras al-Ayn", "capture",
                 "TURKEY", id="claimed"),
    pytest.param("Kobani reportedly remains under SDF control.", "Kobani", "holds", "SDF",
                 id="reportedly-holds"),
])
def test_hedged_reports_are_flagged(claims_of, text, place, action, controller):
    claim = _only(claims_of(text), place, action)
    assert (claim.controller, claim.hedged, claim.negated) == (controller, True, False)


# -- dates -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "place", "day", "basis"), [
    pytest.param("The Syrian army captured Saraqib on February 12.", "Saraqib",
                 date(2020, 2, 12), "explicit", id="on-February-12"),
    pytest.param("The Syrian army captured Saraqib on 12 February.", "Saraqib",
                 date(2020, 2, 12), "explicit", id="12-February"),
    pytest.param("Government forces took control of Khan Shaykhun three days ago.",
                 "Khan Shaykhun", date(2020, 2, 14), "relative", id="three-days-ago"),
    pytest.param("HTS recaptured Saraqib on Sunday.", "Saraqib", date(2020, 2, 16), "relative",
                 id="on-Sunday"),
    pytest.param("Turkish-backed factions seized Tell Abyad yesterday.", "Tell Abyad",
                 date(2020, 2, 16), "relative", id="yesterday"),
    pytest.param("Government forces entered Saraqib.", "Saraqib", PUBLISHED, "published",
                 id="undated"),
])
def test_capture_dates(claims_of, text, place, day, basis):
    claim = _only(claims_of(text), place, "capture")
    assert (claim.event_date, claim.date_basis) == (day, basis)


def test_last_week_is_a_period_of_the_previous_week(claims_of):
    claim = _only(claims_of("The SDF retook Ain Issa last week."), "Ayn Issa", "capture")
    assert (claim.date_basis, claim.date_from, claim.date_to) == (
        "period", date(2020, 2, 10), date(2020, 2, 16))


def test_undated_capture_takes_the_day_the_article_is_telling_about(claims_of):
    claims = claims_of("On February 12, government forces captured Kafr Nabl. The Syrian army "
                       "then captured Ariha.")
    claim = _only(claims, "Ariha", "capture")
    assert (claim.event_date, claim.date_basis) == (date(2020, 2, 12), "narrative")


def test_present_tense_hold_takes_the_publication_date_not_the_narrative_day(claims_of):
    claims = claims_of("The Syrian army captured Saraqib on February 12. Kobani remains under "
                       "SDF control.")
    claim = _only(claims, "Kobani", "holds")
    assert (claim.event_date, claim.date_basis) == (PUBLISHED, "published")


def test_date_after_an_apposition_still_dates_the_capture(claims_of):
    claims = claims_of("The Syrian army captured Saraqib, a key town on the M5 highway, on "
                       "February 6.")
    assert _only(claims, "Saraqib", "capture").event_date == date(2020, 2, 6)


def test_weekday_with_explicit_date_after_the_town_dates_the_capture(claims_of):
    claims = claims_of("Government forces entered Saraqib on Monday, February 10.")
    assert _only(claims, "Saraqib", "capture").event_date == date(2020, 2, 10)


# -- reference points --------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    pytest.param("Clashes erupted west of Saraqib.", id="clashes-west-of"),
    pytest.param("Government troops advanced near Manbij.", id="advanced-near"),
    pytest.param("Government troops captured villages east of Aleppo.",
                 id="captured-villages-east-of"),
    pytest.param("Government forces took over positions near Saraqib.", id="positions-near"),
    pytest.param("Government forces captured several villages on the outskirts of Saraqib.",
                 id="outskirts"),
])
def test_reference_towns_are_not_captured(claims_of, text):
    claims = claims_of(text)
    assert not [c for c in claims if c.action in ("capture", "holds")], _summary(claims)


def test_villages_captured_in_a_province_do_not_capture_its_capital(claims_of):
    claims = claims_of("Government forces captured three villages in Idlib on Sunday.")
    assert not [c for c in claims if c.action == "capture"], _summary(claims)


# -- precision ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    pytest.param("Erdogan said an operation in Idlib was a matter of time.", id="erdogan-said"),
    pytest.param("Talks on Idlib failed.", id="talks-failed"),
    pytest.param("Turkey and Russia agreed on a ceasefire in Idlib.", id="ceasefire-agreed"),
])
def test_political_sentences_make_no_claims(claims_of, text):
    assert claims_of(text) == []
