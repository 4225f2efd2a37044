"""Claims on the seed articles, checked against the gold answers sentence by sentence."""

from __future__ import annotations

from datetime import date

from conftest import document

from geo.claims import extract_claims
from geo.places import geocode_document


def _claims(doc, gazetteer, factions):
    return extract_claims(doc, geocode_document(doc, gazetteer), factions)


def _find(claims, place: str, action: str):
    return [c for c in claims if c.place_name == place and c.action == action]


def test_facility_reference_gets_the_capture_three_days_before(seed_documents, gazetteer,
                                                                factions) -> None:
    claims = _claims(seed_documents["000"], gazetteer, factions)
    (capture,) = _find(claims, "Sharakrak silos", "capture")
    assert capture.controller == "TURKEY"
    assert capture.event_date == date(2019, 11, 17) and capture.date_text == "three days ago"
    assert capture.evidence.startswith("Militants of the Turkish-backed Syrian National Army")


def test_attack_to_recapture_is_contested_and_leaves_the_holder(seed_documents, gazetteer,
                                                                 factions) -> None:
    claims = _claims(seed_documents["000"], gazetteer, factions)
    (contested,) = _find(claims, "Sharakrak silos", "contested")
    assert contested.controller == "TURKEY" and contested.event_date == date(2019, 11, 20)
    assert not _find(claims, "Sharakrak silos", "capture")[0].negated
    assert all(c.controller != "SDF" for c in claims)  # the SDF attack took nothing


def test_passive_voice_with_hedge(seed_documents, gazetteer, factions) -> None:
    claims = _claims(seed_documents["001"], gazetteer, factions)
    (taken,) = _find(claims, "Mushayrifah", "capture")  # al-Mushairfeh, a village in WOF
    assert (taken.controller, taken.hedged, taken.negated) == ("TURKEY", True, False)
    assert taken.event_date == date(2020, 12, 24) and taken.date_basis == "narrative"


def test_repelled_attack_binds_to_the_village_attacked_before(seed_documents, gazetteer,
                                                               factions) -> None:
    claims = _claims(seed_documents["001"], gazetteer, factions)
    (repelled,) = _find(claims, "Jehbel", "repelled")
    assert repelled.controller == "SDF" and repelled.hedged


def test_negated_and_prevented_changes_are_kept_but_flagged(seed_documents, gazetteer,
                                                            factions) -> None:
    claims = _claims(seed_documents["001"], gazetteer, factions)
    (handover,) = _find(claims, "Ayn Issa", "handover")
    assert (handover.controller, handover.negated, handover.hedged) == ("GOV", True, True)
    (capture,) = _find(claims, "Ayn Issa", "capture")
    assert (capture.controller, capture.negated, capture.modality) == ("TURKEY", True,
                                                                        "prevented")


def test_present_tense_hold_takes_the_publication_date(seed_documents, gazetteer,
                                                       factions) -> None:
    claims = _claims(seed_documents["001"], gazetteer, factions)
    (holds,) = _find(claims, "Ayn Issa", "holds")
    assert holds.controller == "SDF"
    assert (holds.event_date, holds.date_basis) == (date(2020, 12, 25), "published")


def test_deployment_in_the_outskirts_is_near_the_town(seed_documents, gazetteer,
                                                      factions) -> None:
    claims = _claims(seed_documents["001"], gazetteer, factions)
    near = [c for c in _find(claims, "Ayn Issa", "deployment") if c.near_place]
    assert [(c.controller, c.event_date) for c in near] == [("RUSSIA", date(2020, 12, 24))]


def test_withdrawal_hands_the_place_to_the_other_side(seed_documents, gazetteer,
                                                      factions) -> None:
    claims = _claims(seed_documents["003"], gazetteer, factions)
    withdrawals = {c.place_name: c for c in claims if c.action == "withdrawal"}
    assert set(withdrawals) == {"Anadan", "Haritan"}
    assert {c.controller for c in withdrawals.values()} == {"GOV"}
    (liberated,) = _find(claims, "Anadan", "capture")
    assert liberated.event_date == date(2020, 2, 16)  # "On Sunday", published Monday 17th


def test_corridor_control_last_week(seed_documents, gazetteer, factions) -> None:
    claims = _claims(seed_documents["003"], gazetteer, factions)
    (m5,) = _find(claims, "M5", "capture")
    assert m5.controller == "GOV" and m5.place_id == "corridor:M5"
    assert (m5.date_from, m5.date_to) == (date(2020, 2, 10), date(2020, 2, 16))


def test_political_article_makes_no_claims(seed_documents, gazetteer, factions) -> None:
    assert _claims(seed_documents["002"], gazetteer, factions) == []


def test_claims_never_come_from_comments(seed_documents, gazetteer, factions) -> None:
    doc = seed_documents["004"]
    claims = _claims(doc, gazetteer, factions)
    assert {c.place_name for c in claims} == {"Ras al-Ayn"}  # comments name Afrin, Idlib, ...
    body = " ".join(doc.body.split())
    assert all(c.evidence in body for c in claims)


def test_a_reference_point_is_not_captured(gazetteer, factions) -> None:
    doc = document("Assad has liberated over the past 24 hours thirteen cities and villages "
                   "west of Aleppo.")
    assert _claims(doc, gazetteer, factions) == []


def test_every_claim_has_a_controller_unless_contested_or_a_location(seed_documents, gazetteer,
                                                                     factions) -> None:
    # "along" (a place lies on a corridor) says where, not who holds: it has no controller
    for doc in seed_documents.values():
        for claim in _claims(doc, gazetteer, factions):
            assert claim.controller is not None or claim.action in ("contested", "along"), claim


def test_a_document_without_a_publication_date_gives_undated_claims(gazetteer,
                                                                    factions) -> None:
    from geo.ingest import make_document

    doc = make_document(text="Army advance\n\nThe Syrian army captured Saraqib.", path="x",
                        meta={}, basis="test")
    (claim,) = _claims(doc, gazetteer, factions)
    assert (claim.event_date, claim.date_basis, claim.controller) == (None, "undated", "GOV")
