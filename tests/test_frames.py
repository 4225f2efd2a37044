"""Claims read from the grammatical structure of sentences (geo/frames.py, the lexicon
geo/data/lang/en.toml). Every sentence here was written for the test."""

from __future__ import annotations

import pytest


def _summary(claims) -> list[tuple]:
    return sorted((c.place_name, c.controller, c.action, c.negated) for c in claims)


def _control(claims) -> list[tuple]:
    return sorted((c.place_name, c.controller, c.action, c.negated) for c in claims
                  if c.action_class in ("change", "hold", "presence"))


def test_each_clause_keeps_its_own_side_and_place(claims_of) -> None:
    claims = claims_of("HTS captured the villages of Kafr Nabl and Hish, while government "
                       "troops repelled an attack on Saraqib.")
    assert ("Kafr Nabl", "HTS", "capture", False) in _summary(claims)
    assert ("Ḩīsh", "HTS", "capture", False) in _summary(claims)
    assert ("Saraqib", "GOV", "repelled", False) in _summary(claims)
    assert not [c for c in claims if c.place_name == "Saraqib" and c.action == "capture"]


@pytest.mark.parametrize(("text", "place", "controller"), [
    ("Saraqib fell to HTS on Thursday.", "Saraqib", "HTS"),
    ("Khan Shaykhun was liberated by the Syrian army on Tuesday.", "Khan Shaykhun", "GOV"),
    ("Turkish-backed forces took control of Tell Abyad.", "Tell Abyad", "TURKEY"),
    ("The SDF gained back control over most of the town of Ras al-Ain.", "Ras al-Ayn", "SDF"),
    ("The SNA overran Suluk on Monday.", "Suluk", "TURKEY"),
    ("The army wrested Kafr Nabl from HTS.", "Kafr Nabl", "GOV"),
    ("Syrian soldiers managed to capture Hish.", "Ḩīsh", "GOV"),
    ("Tell Abyad, which was captured by the SNA, is quiet.", "Tell Abyad", "TURKEY"),
])
def test_a_capture_is_read_in_any_voice(claims_of, text, place, controller) -> None:
    assert (place, controller, "capture", False) in _control(claims_of(text))


@pytest.mark.parametrize("text", [
    "The Syrian army will enter Saraqib within days.",
    "HTS tried to storm Saraqib overnight.",
    "HTS failed to capture Saraqib.",
    "Government forces are poised to enter Saraqib.",
    "HTS launched an attack to recapture Saraqib.",
    "If HTS takes Saraqib, the road is cut.",
    "A deal could see the Syrian army take Saraqib.",
    "Regime forces are on the verge of entering Saraqib.",
    "HTS did not capture Saraqib.",
])
def test_an_attempt_a_plan_or_a_condition_is_no_capture(claims_of, text) -> None:
    claims = [c for c in claims_of(text) if c.place_name == "Saraqib"]
    assert claims, "the statement is kept, negated"
    assert all(c.negated for c in claims if c.action in ("capture", "deployment")), \
        _summary(claims)


def test_what_a_side_managed_to_take_is_taken(claims_of) -> None:
    (claim,) = [c for c in claims_of("HTS managed to take Saraqib.") if c.action == "capture"]
    assert not claim.negated


@pytest.mark.parametrize(("text", "place", "controller"), [
    ("Shelling hit the SDF-held town of Manbij.", "Manbij", "SDF"),
    ("Manbij remains under SDF control.", "Manbij", "SDF"),
    ("Tell Tamr, held by the SDF, was shelled.", "Tell Tamr", "SDF"),
])
def test_who_holds_a_place(claims_of, text, place, controller) -> None:
    assert (place, controller, "holds", False) in _control(claims_of(text))


def test_a_place_that_came_under_a_sides_control_was_taken(claims_of) -> None:
    claims = claims_of("Saraqib came under the control of the Syrian army on Monday.")
    assert ("Saraqib", "GOV", "capture", False) in _control(claims)


@pytest.mark.parametrize("text", [
    "HTS captured hills near Saraqib.",
    "Government forces captured three villages in Idlib on Sunday.",
    "The SNA advanced towards Tell Tamr and took positions on its outskirts.",
])
def test_a_place_named_as_a_reference_is_not_taken(claims_of, text) -> None:
    assert not [c for c in claims_of(text) if c.action in ("capture", "holds")], \
        _summary(claims_of(text))


def test_an_entry_under_an_agreement_is_a_deployment(claims_of) -> None:
    claims = claims_of("The Syrian army entered Manbij under an agreement with the SDF.")
    assert ("Manbij", "GOV", "deployment", False) in _control(claims)
    assert not [c for c in claims if c.action == "capture"]


@pytest.mark.parametrize(("text", "leaving"), [
    ("The SNA captured Suluk. The SDF pulled out of Tell Tamr on Sunday.", "SDF"),
    ("The SNA drove the SDF out of Tell Tamr.", "SDF"),
])
def test_the_side_that_leaves_a_place(claims_of, text, leaving) -> None:
    (claim,) = [c for c in claims_of(text) if c.action == "withdrawal"]
    assert claim.place_name == "Tell Tamr" and claim.previous == leaving


def test_a_generic_name_is_the_side_the_article_names(claims_of) -> None:
    text = "HTS holds much of Idlib province. On Sunday the militants captured Hish."
    assert ("Ḩīsh", "HTS", "capture", False) in _control(claims_of(text))


def test_every_word_of_the_lexicon_has_a_known_action_and_roles() -> None:
    from geo.claims import ACTION_CLASSES
    from geo.frames import load_lexicon

    lexicon = load_lexicon()
    frames = [f for fs in lexicon.verbs.values() for f in fs] + list(lexicon.nouns.values())
    assert frames
    for frame in frames:
        assert frame.action in ACTION_CLASSES
        assert set(frame.roles.values()) <= {"agent", "previous", "place"}, frame
    assert {"held", "controlled"} <= lexicon.held
    assert lexicon.worth_parsing("The army overran the town.")
    assert not lexicon.worth_parsing("The weather was fine.")


def test_a_day_long_after_publication_is_page_furniture_and_the_next_day_is_news(
        claims_of) -> None:
    from datetime import date

    (claim,) = claims_of("Updated in: 10 August 2022 - The Syrian army captured Saraqib.",
                         published="2019-11-03")
    assert claim.event_date == date(2019, 11, 3) and not claim.date_error
    (claim,) = claims_of("By the early hours of December 21, the Syrian army captured Saraqib.",
                         published="2019-12-20")
    assert claim.event_date == date(2019, 12, 21) and not claim.date_error


@pytest.mark.parametrize("text", [
    "The SDF regained control on the 3 villages after days of fighting, and the villages are "
    "Babeela, Maar Shamshah and Kafr Nabl.",
    "The SDF managed to capture three towns, which were identified as Babeela, Maar Shamshah, "
    "and Kafr Nabl.",
])
def test_places_a_sentence_names_after_their_noun_are_its_objects(claims_of, text) -> None:
    taken = {c.place_name for c in claims_of(text) if c.action == "capture"
             and c.controller == "SDF"}
    assert {"Babila", "Maar Shamsheh", "Kafr Nabl"} <= taken, taken


def test_a_side_named_by_a_generic_word_inside_its_phrase(claims_of) -> None:
    text = ("The Syrian National Army fights the regime. Moderate opposition forces have "
            "reclaimed the village of Babeela.")
    (claim,) = claims_of(text)  # Babeela itself is no gazetteer place here: unresolved
    assert (claim.place_name, claim.controller, claim.action) == ("Babeela", "TURKEY", "capture")


def test_entering_villages_on_a_deployment_is_a_deployment(claims_of) -> None:
    text = ("The army started the deployment process from Tell Tamr and entered the villages "
            "of Amuda and Suluk.")
    control = _control(claims_of(text))
    assert ("Amuda", "GOV", "deployment", False) in control
    assert not [c for c in control if c[2] == "capture"]


@pytest.mark.parametrize(("text", "place", "holder"), [
    ("HTS fights on. Saraqib remains the last stronghold of HTS in the east.", "Saraqib", "HTS"),
    ("HTS fights on. The army is advancing on Kafr Nabl town – a major terrorist stronghold.",
     "Kafr Nabl", "HTS"),
    ("KAFR NABL IS IN HANDS OF SYRIAN ARMY", "Kafr Nabl", "GOV"),
    ("The town of Kobani is held by the SDF, and Manbij is controlled by SDF-aligned forces.",
     "Manbij", "SDF"),
])
def test_a_stronghold_or_the_hands_a_place_is_in_say_who_holds_it(claims_of, text, place,
                                                                   holder) -> None:
    assert (place, holder, "holds", False) in _control(claims_of(text)), \
        _summary(claims_of(text))


def test_a_generic_word_never_means_the_state(claims_of) -> None:
    text = ("Regime forces and the Syrian army shelled the area. HTS holds the south. "
            "Saraqib is a rebel-held town.")
    holds = [c for c in claims_of(text) if c.action == "holds" and c.place_name == "Saraqib"]
    assert [c.controller for c in holds] == ["HTS"]


@pytest.mark.parametrize(("text", "contested"), [
    ("Clashes broke out between the SDF and the SNA on Saturday night in Tell Tamr.", True),
    ("Fighting raged around Saraqib all day.", True),
    ("An air attack on Saraqib killed three people.", False),
])
def test_fighting_at_a_place_is_contested_and_fire_from_afar_is_not(claims_of, text,
                                                                    contested) -> None:
    found = [c for c in claims_of(text) if c.action == "contested"]
    assert bool(found) == contested, _summary(claims_of(text))
    assert all(c.controller is None for c in found)


@pytest.mark.parametrize(("text", "place", "side"), [
    ("Russian forces have been dispatched to Ain Issa.", "Ayn Issa", "RUSSIA"),
    ("The SDF carried out a security patrol in Manbij on Monday.", "Manbij", "SDF"),
    ("The SNA sent reinforcements to the town of Tell Abyad.", "Tell Abyad", "TURKEY"),
])
def test_forces_sent_to_or_patrolling_a_place_are_present_there(claims_of, text, place,
                                                                side) -> None:
    assert (place, side, "deployment", False) in _control(claims_of(text)), \
        _summary(claims_of(text))


def test_a_page_of_endless_statements_is_parsed_only_up_to_a_bound() -> None:
    from geo.claims import PARSE_SENTENCES, _parsed
    from geo.extract import sentence_spans

    body = "The SDF captured Suluk. " * (PARSE_SENTENCES + 100)
    sentences = sentence_spans(body)
    starts = [s for s, _ in sentences]  # a place in every sentence
    parsed = _parsed(body, sentences, [s + 17 for s in starts])
    assert len(parsed) == PARSE_SENTENCES
