from __future__ import annotations

import pytest


@pytest.mark.parametrize(("text", "code"), [
    ("Turkish regime forces and their mercenaries", "TURKEY"),
    ("the so-called National Syrian Army", "TURKEY"),
    ("the Syrian National army", "TURKEY"),
    ("Turkish-backed militants", "TURKEY"),
    ("the Syrian army", "GOV"),
    ("troops of Bashar al-Assad", "GOV"),
    ("pro-Iranian militias", "GOV"),
    ("the Kurdish-led Syrian Democratic Forces", "SDF"),
    ("Kurdish fighters", "SDF"),
    ("Khayyat Tahrir al-Sham", "HTS"),
    ("Jebhat Fath al-Sham", "HTS"),
    ("the Russian Military Police", "RUSSIA"),
    ("Daesh", "ISIS"),
])
def test_aliases_name_their_faction(factions, text: str, code: str) -> None:
    (mention,) = factions.find(text)
    assert mention.code == code


def test_acronyms_match_only_in_capitals(factions) -> None:
    assert factions.find("It is what it is, said one of us.") == []
    assert [m.code for m in factions.find("IS fighters and US troops")] == ["ISIS", "US"]


def test_presence_only_and_allies_come_from_the_theater_file(factions) -> None:
    assert factions.by_code["RUSSIA"].presence_only
    assert not factions.hostile("GOV", "RUSSIA")
    assert factions.hostile("SDF", "TURKEY")
    assert not factions.hostile("SDF", "SDF")


def test_an_alias_inside_a_longer_word_is_not_matched_but_the_next_one_is(factions) -> None:
    found = factions.find("Governments-in-exile aside, the SAA and Hezbollah advanced.")
    assert [(m.text, m.code) for m in found] == [("SAA", "GOV"), ("Hezbollah", "GOV")]
