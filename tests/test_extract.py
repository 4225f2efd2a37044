from __future__ import annotations

import pytest

from geo.extract import find_toponyms, sentence_at


def _names(text: str, gazetteer) -> list[tuple[str, bool]]:
    """(surface, has gazetteer candidates) for every span."""
    return [(s.surface, bool(s.candidates)) for s in find_toponyms(text, gazetteer)]


def test_seed_article_names_are_found_with_their_spellings(seed_documents, gazetteer) -> None:
    spans = find_toponyms(seed_documents["000"].body, gazetteer)
    surfaces = {s.surface for s in spans}
    assert {"Ain Issa", "Ein-Issa", "Raqqa", "al-Hasakah", "Aleppo", "Sharakrak silos"} <= surfaces
    assert any(s.surface.startswith("M4") for s in spans)


def test_places_missing_from_the_gazetteer_come_from_cue_phrases(gazetteer) -> None:
    text = ("Turkish-backed militants bombarded the villages of al-Mushairfeh and Jehbel with "
            "heavy weapons. The village of al-Mushairfeh was allegedly taken by the Syrian "
            "National army.")
    spans = find_toponyms(text, gazetteer)
    unknown = [(s.surface, s.kind_hint) for s in spans if not s.candidates]
    assert unknown == [("al-Mushairfeh", "village"), ("Jehbel", "village"),
                       ("al-Mushairfeh", "village")]


def test_facility_cue_keeps_the_facility_noun(gazetteer) -> None:
    spans = find_toponyms("Militants captured the Sharakrak silos in a rapid attack.", gazetteer)
    assert [(s.surface, s.kind_hint, s.candidates) for s in spans] == [
        ("Sharakrak silos", "facility", ())]


def test_capitalised_common_words_are_not_towns(gazetteer) -> None:
    text = ("Most analysts expect Operation Peace Spring to go on. The Police said in March "
            "that Turkey and Russia met in Sochi, Ankara and Moscow. The Military Police "
            "patrolled.")
    assert _names(text, gazetteer) == []


def test_organisation_names_do_not_leak_places(gazetteer) -> None:
    text = ("Militants of Jebhat Fath al-Sham held the area, according to the Syrian Arab News "
            "Agency (SANA).")
    assert _names(text, gazetteer) == []


def test_geonames_villages_need_place_context(gazetteer) -> None:
    assert _names("Qasim Soleimani visited the front.", gazetteer) == []
    assert _names("Government troops reached Qasim on Monday.", gazetteer) == [("Qasim", True)]


def test_theater_names_match_without_context(gazetteer) -> None:
    assert _names("Manbij and Kobani were quiet.", gazetteer) == [("Manbij", True),
                                                                  ("Kobani", True)]


def test_lowercase_words_are_not_names(gazetteer) -> None:
    assert _names("the raqqa of the text and manbij written in lowercase", gazetteer) == []


def test_arabic_script_names_inside_english_text(gazetteer) -> None:
    spans = find_toponyms("Protesters in منبج rallied.", gazetteer)
    assert [s.surface for s in spans] == ["منبج"]
    assert any(c.endswith("manbij") for c in spans[0].candidates)


def test_longest_name_wins(gazetteer) -> None:
    spans = find_toponyms("Convoys left Tell Tamr for Tell Abyad.", gazetteer)
    assert [s.surface for s in spans] == ["Tell Tamr", "Tell Abyad"]


def test_punctuation_breaks_names(gazetteer) -> None:
    spans = find_toponyms("It links al-Hasakah, Raqqa and Aleppo.", gazetteer)
    assert [s.surface for s in spans] == ["al-Hasakah", "Raqqa", "Aleppo"]


def test_highways_in_any_spelling(gazetteer) -> None:
    spans = find_toponyms("along the M-4 highway and the M5 road", gazetteer)
    assert [(s.surface, s.candidates) for s in spans] == [
        ("M-4 highway", ("corridor:M4",)), ("M5", ("corridor:M5",))]


def test_evidence_sentence_is_the_one_holding_the_name() -> None:
    text = "First sentence here. Troops entered Saraqib on Monday. Third one."
    assert sentence_at(text, text.index("Saraqib")) == "Troops entered Saraqib on Monday."


def test_place_names_that_are_also_given_names_need_context(gazetteer) -> None:
    assert _names("Derek Johnson wrote a reply.", gazetteer) == []
    assert _names("Turkish jets struck Derek on Sunday.", gazetteer) == [("Derek", True)]


def test_unknown_names_with_short_folded_heads_are_kept(gazetteer) -> None:
    spans = find_toponyms("Shells hit the villages of Umm Shaifa and Tal Nar.", gazetteer)
    assert [(s.surface, s.candidates) for s in spans] == [("Umm Shaifa", ()), ("Tal Nar", ())]


# --- the village gazetteer's precision guards and cue phrases --------------------------------

def _surfaces(text: str, gazetteer) -> list[str]:
    return [s.surface for s in find_toponyms(text, gazetteer)]


def test_a_persons_name_is_no_village(gazetteer) -> None:
    # Bashar and Sheikh Hasan are Who's On First villages, and names of people first.
    text = ("President Bashar al-Assad met General Ismet Sheikh Hasan. Troops later entered "
            "the village of Sheikh Hasan.")
    assert _surfaces(text, gazetteer) == ["Sheikh Hasan"]


def test_a_surname_after_a_given_name_is_no_town(gazetteer) -> None:
    assert _surfaces("General Mazloum Kobani said the front was quiet.", gazetteer) == []


def test_a_foreign_capital_is_never_a_village(gazetteer) -> None:
    # Anqarah is a village in Hasakah whose records also spell it Ankara.
    assert _surfaces("Officials in Ankara said the talks went on.", gazetteer) == []
    assert _surfaces("They met in the Black Sea resort town of Sochi.", gazetteer) == []


def test_month_abbreviations_of_a_dateline_are_no_places(gazetteer) -> None:
    assert _surfaces("DAMASCUS, Nov. 9 (Xinhua) -- Battles went on.", gazetteer) == ["DAMASCUS"]


def test_a_list_carries_its_place_context_to_every_name(gazetteer) -> None:
    # Each of these villages alone would need a word like "in" before it.
    names = _surfaces("The army liberated Joubas, Mardikh and Tarmala on Monday.", gazetteer)
    assert {"Joubas", "Mardikh", "Tarmala"} <= set(names)
    assert _surfaces("Mardikh said nothing.", gazetteer) == []


def test_a_mountain_is_one_place_not_the_village_inside_its_name(gazetteer) -> None:
    spans = find_toponyms("Troops advanced in Jabal al-Zawiya and on Zawiyah Mountain.",
                          gazetteer)
    assert [(s.surface, s.kind_hint, s.candidates) for s in spans] == [
        ("Jabal al-Zawiya", "region", ()), ("Zawiyah Mountain", "region", ())]


def test_areas_posts_and_fields_are_named_places(gazetteer) -> None:
    text = ("Patrols entered the Qasrawi area. Turkey left the Tal Zuhur observation post. "
            "A convoy reached the Conoco field.")
    spans = find_toponyms(text, gazetteer)
    assert [(s.surface, s.kind_hint) for s in spans] == [
        ("Qasrawi", "region"), ("Tal Zuhur", "facility"), ("Conoco field", "facility")]


def test_what_a_force_takes_is_a_place(gazetteer) -> None:
    text = "The army captured Qasrawi, Tal Zuhur and Umm Zarzur from the militants."
    assert _surfaces(text, gazetteer) == ["Qasrawi", "Tal Zuhur", "Umm Zarzur"]
    assert _surfaces("The army captured Turkish positions.", gazetteer) == []


def test_a_place_phrase_after_a_foreign_adjective_is_abroad(gazetteer) -> None:
    assert _surfaces("Shells fell on the Turkish border town of Qasrawi.", gazetteer) == []


def test_a_name_a_cue_lists_outright_may_be_a_common_word(gazetteer) -> None:
    text = "The SDF said the villages are Qasrawi, Al-Said and Umm Zarzur."
    assert _surfaces(text, gazetteer) == ["Qasrawi", "Al-Said", "Umm Zarzur"]


def test_cue_phrases_tried_only_before_their_cue_word_find_what_a_full_scan_finds() -> None:
    from conftest import REPO

    from geo.extract import _CUES, _matches

    texts = [path.read_text(encoding="utf-8")
             for path in sorted((REPO / "corpus" / "syria" / "articles").glob("*.txt"))]
    texts.append("Abboush, Al-Said, Al-Suwaida, Daoudia, Kanbher, Rihanah and Um Shu'ayfah "
                 "villages fell; the Tal Nar village and the Sheikh Jort area were shelled.")
    windowed = [rule for rule in _CUES if rule.ends is not None]
    assert windowed
    for text in texts:
        for rule in windowed:
            assert [m.span() for m in _matches(rule, text)] == \
                [m.span() for m in rule.pattern.finditer(text)]


@pytest.mark.parametrize(("text", "places"), [
    ("The Manbij Military Council said the SDF still holds Manbij.", ["Manbij"]),
    ("Citing the Lebanese broadcaster al-Mayadeen, the paper said the army entered Manbij.",
     ["Manbij"]),
    ("The Arabic-language al-Mayadeen news channel said the army entered Saraqib.", ["Saraqib"]),
    ("Damascus loyalists seized the villages of Deir Sharqi and Deir Gharbi.",
     ["Deir Sharqi", "Deir Gharbi"]),
    ("The Deir ez-Zor Military Council fought in al-Mayadeen.", ["al-Mayadeen"]),
])
def test_a_place_name_inside_an_organisation_name_is_no_place(text, places, gazetteer) -> None:
    assert [s.surface for s in find_toponyms(text, gazetteer)] == places


@pytest.mark.parametrize(("text", "surface"), [
    ("Al-Asadiyah is south of the border while Mushayrifah lies further to the east.",
     "Mushayrifah"),
    ("The patrol set off from Tarnbah and reached Ain Hor in its western countryside.",
     "Ain Hor"),
    ("Russian jets took off from the Hmeimim base on Sunday.", "Hmeimim base"),
    ("Shells fell on the Abu al-Duhur military base.", "Abu al-Duhur military base"),
    ("Israeli jets flew over the Golan Heights.", "Golan Heights"),
])
def test_what_lies_somewhere_is_reached_or_is_a_base_is_a_place(text, surface,
                                                              gazetteer) -> None:
    assert surface in [s.surface for s in find_toponyms(text, gazetteer)]


def test_what_a_force_recaptured_or_retook_is_a_gazetteer_place(gazetteer) -> None:
    for verb in ("recaptured", "retook", "regained"):
        (span,) = find_toponyms(f"The SDF {verb} Mushayrifah on Sunday.", gazetteer)
        assert span.surface == "Mushayrifah" and len(span.candidates) > 1


@pytest.mark.parametrize(("text", "surface"), [
    ("Posts were shelled around an area known as the “cow farm” on Monday.", "cow farm"),
    ("The village, known as Umm al-Kaif, fell on Sunday.", "Umm al-Kaif"),
    ("Rebels took a hill called Tal Qasrawi near Saraqib.", "Tal Qasrawi"),
])
def test_what_an_area_is_known_as_is_a_place_in_any_case(text, surface, gazetteer) -> None:
    assert surface in [s.surface for s in find_toponyms(text, gazetteer)]


def test_a_person_known_by_a_name_is_no_place(gazetteer) -> None:
    assert _surfaces("A commander known as Abu Qasrawi was killed.", gazetteer) == []


def test_a_country_is_never_a_place_a_cue_names(gazetteer) -> None:
    assert _surfaces("Talks were held in Astana city of Kazakhstan in 2017.", gazetteer) == []


def test_a_name_that_starts_with_tal_or_khirbet_is_a_place_of_its_own(gazetteer) -> None:
    spans = find_toponyms("Clashes are concentrated in the area of Tal Halab and of "
                          "Khirbet Qasrawi, near Umm al-Kayf.", gazetteer)
    assert [(s.surface, bool(s.candidates)) for s in spans] == [
        ("Tal Halab", False), ("Khirbet Qasrawi", False), ("Umm al-Kayf", False)]
    # Halab alone is Aleppo; inside "Tal Halab" it is not
    assert _surfaces("Der Spiegel reported from Halab.", gazetteer) == ["Halab"]


def test_both_names_of_a_village_written_with_brackets_are_places(gazetteer) -> None:
    text = "The fighting took place just north of Timar (Umm al-Kayf) village."
    assert _surfaces(text, gazetteer) == ["Timar", "Umm al-Kayf"]


@pytest.mark.parametrize(("text", "surfaces"), [
    ("The army could set free Shir Qasrawi, Hourta and Kokaba al-Tawilah regions.",
     ["Shir Qasrawi", "Hourta", "Kokaba al-Tawilah"]),
    ("The army took three towns, which were identified as Khirbat Qasrawi, Al-Hadithah, "
     "and Fa’loul.", ["Khirbat Qasrawi", "Al-Hadithah", "Fa’loul"]),
    ("The army regained control of the towns of “Dadekh” and “Kafr Qasrawi”.",
     ["Dadekh", "Kafr Qasrawi"]),
    ("A new push began at the Abu Qasrawi axis.", ["Abu Qasrawi"]),
    ("Clashes went on at Kabina Hill and on the Shahshabou heights.",
     ["Kabina Hill", "Shahshabou heights"]),
])
def test_names_in_lists_axes_hills_and_quotes_are_places(text, surfaces, gazetteer) -> None:
    found = [s.surface for s in find_toponyms(text, gazetteer)]
    assert all(s in found for s in surfaces), found


def test_a_list_goes_on_past_an_item_in_lower_case(gazetteer) -> None:
    text = ("Opposition forces have reclaimed Al-Halluba, Kukfin, Kafr avid, Sfuhan and "
            "Fattara villages. The army set free Shir Maqar, Qazal square and Hourta regions. "
            "The army captured nearby Jabla and Ma’ar Tamatar.")
    found = [s.surface for s in find_toponyms(text, gazetteer)]
    for name in ("Al-Halluba", "Kukfin", "Kafr avid", "Shir Maqar", "Qazal square",
                 "Ma’ar Tamatar"):
        assert name in found, found
    assert _surfaces("Tell me where the road is.", gazetteer) == []


def test_a_village_named_like_a_town_abroad_is_kept_where_a_cue_lists_it(gazetteer) -> None:
    # Shulin is a village of Jabal al-Zawiya and a town of 180,000 in Taiwan
    text = "The army set free Jaran, Rasha, Shoulin and Kokaba al-Tawilah regions."
    assert "Shoulin" in _surfaces(text, gazetteer)
