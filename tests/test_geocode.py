from __future__ import annotations

import pytest
from conftest import curated_row, document

from geo.places import geocode_document


def _resolved(text: str, gazetteer) -> list[tuple[str, str, str]]:
    """(surface, place name, kind) of every mention."""
    return [(m.surface, m.name, m.kind) for m in geocode_document(document(text), gazetteer)]


@pytest.mark.parametrize("text", [
    "Shelling hit villages in Idlib province.",
    "The offensive in the province of Idlib goes on.",
    "Militants attacked in the northern Idlib countryside.",
    "Clashes in Idlib Governorate.",
])
def test_province_wording_means_the_governorate_area(text: str, gazetteer) -> None:
    (mention,) = _resolved(text, gazetteer)
    assert mention[1:] == ("Idlib Governorate", "governorate")


@pytest.mark.parametrize("text", [
    "Troops reached the outskirts of Idlib.",
    "Drones struck the city of Idlib.",
    "Fighting raged west of Idlib.",
    "Shelling hit Idlib.",
])
def test_bare_or_city_wording_means_the_city(text: str, gazetteer) -> None:
    (mention,) = _resolved(text, gazetteer)
    assert mention[1:] == ("Idlib", "city")


def test_one_sense_per_article_when_only_the_province_is_marked(gazetteer) -> None:
    text = ("Turkey threatens an operation in the Syrian province of Idlib. Talks on Idlib "
            "failed. Ankara wants security in Idlib.")
    assert {m[2] for m in _resolved(text, gazetteer)} == {"governorate"}


def test_city_marks_keep_unmarked_mentions_on_the_city(gazetteer) -> None:
    text = ("ALEPPO – Troops advanced in the province of Aleppo. They took villages west of "
            "Aleppo. Life returns to Aleppo.")
    kinds = [m[2] for m in _resolved(text, gazetteer)]
    assert kinds == ["city", "governorate", "city", "city"]


def test_listed_places_share_their_type(gazetteer) -> None:
    text = "The highway links the governorates of al-Hasakah, Raqqa and Aleppo."
    assert [m[2] for m in _resolved(text, gazetteer)] == ["governorate"] * 3


def test_route_ends_are_cities(gazetteer) -> None:
    text = "Government control over the M-5 highway (Aleppo-Damascus) in the province of Aleppo."
    resolved = _resolved(text, gazetteer)
    assert resolved[:3] == [("M-5 highway", "M5", "corridor"), ("Aleppo", "Aleppo", "city"),
                            ("Damascus", "Damascus", "city")]


@pytest.mark.parametrize(("text", "wanted"), [
    ("The army secured the Aleppo-Damascus highway.",
     [("Aleppo-Damascus highway", "M5", "corridor")]),
    ("The army secured the key highway of Lattakia-Aleppo.",
     [("Lattakia-Aleppo", "M4", "corridor")]),
    ("The army secured the highway linking Damascus with Aleppo.",
     [("highway", "M5", "corridor"), ("Damascus", "Damascus", "city"),
      ("Aleppo", "Aleppo", "city")]),
    ("The road between Hama and Aleppo is open again.",
     [("road", "M5", "corridor"), ("Hama", "Hama", "city"), ("Aleppo", "Aleppo", "city")]),
    ("Clashes between Hama and Aleppo.", [("Hama", "Hama", "city"), ("Aleppo", "Aleppo", "city")]),
    ("The road between Manbij and Hama is open.",  # no corridor runs through both
     [("Manbij", "Manbij", "city"), ("Hama", "Hama", "city")]),
])
def test_a_road_named_by_two_towns_on_a_corridor_is_that_corridor(text, wanted, gazetteer):
    assert _resolved(text, gazetteer) == wanted


def test_same_name_goes_to_the_one_near_the_other_places(gazetteer) -> None:
    north = geocode_document(document("Clashes erupted in Suran, near Azaz and Mare', on "
                                      "Monday."), gazetteer)
    hama = geocode_document(document("Government forces shelled Suran near Morek and Hama."),
                            gazetteer)
    assert hama[0].lat < 35.5 and hama[0].place_id == "syria:suran"
    # Near Azaz and Mare' there are two villages called Suran (9 and 29 km from Mare'):
    # never the Suran of Hama; the near one, or both as the candidates of an ambiguous name.
    if north[0].place_id is None:
        assert north[0].method == "ambiguous"
        assert all(gazetteer[c].lat > 36.0 for c in north[0].candidates.split())
    else:
        assert north[0].lat > 36.5 and north[0].method == "gazetteer+context"
    assert north[0].place_id != hama[0].place_id


def test_without_context_the_curated_row_wins(gazetteer) -> None:
    (mention,) = geocode_document(document("Fighting was reported in Suran."), gazetteer)
    assert mention.place_id == "syria:suran"


def test_unknown_places_are_unresolved_never_guessed(gazetteer) -> None:
    mentions = geocode_document(document("The shelling accompanied a ground attack on the "
                                         "village of Jehbel."), gazetteer)
    (jehbel,) = mentions
    assert (jehbel.place_id, jehbel.lat, jehbel.lon) == (None, None, None)
    assert jehbel.kind == "village" and jehbel.method == "cue:village"
    assert jehbel.sentence.startswith("The shelling accompanied")


def test_seed_places_resolve_to_their_sourced_points(seed_documents, gazetteer) -> None:
    rows = {name: (float(curated_row(name)["lat"]), float(curated_row(name)["lon"]))
            for name in ("Anadan", "Haritan")}
    mentions = geocode_document(seed_documents["003"], gazetteer)
    by_surface = {m.surface: m for m in mentions}
    assert (by_surface["Anadan"].lat, by_surface["Anadan"].lon) == rows["Anadan"]
    assert (by_surface["Haritan"].lat, by_surface["Haritan"].lon) == rows["Haritan"]


# --- namesakes among ten thousand villages --------------------------------------------------

def _one(text: str, surface: str, gazetteer):
    return next(m for m in geocode_document(document(text), gazetteer) if m.surface == surface)


def test_a_spelling_the_gazetteer_lacks_is_placed_among_villages_near_the_others(gazetteer):
    # "Inqrati" is not a spelling of any record; Inqirat, 8 km from Saraqib, is.
    mention = _one("The army captured Inqrati, near Saraqib, on Sunday.", "Inqrati", gazetteer)
    assert mention.method == "gazetteer+spelling" and mention.name == "Inqirat"
    far = _one("The SNA captured Inqrati, near Tell Tamr.", "Inqrati", gazetteer)
    assert far.place_id is None  # no village of those consonants near Tell Tamr


def test_a_two_consonant_spelling_is_placed_only_right_beside_the_others(gazetteer):
    # Luf lies 7 km from Khan as Subul and 10.7 km from Saraqib: "Lawf" (l-f) is Luf only
    # within 10 km of a place the article names; many villages further off share l-f.
    near = _one("The army captured Khan al-Subul and liberated the village of Lawf.", "Lawf",
                gazetteer)
    assert near.method == "gazetteer+spelling" and near.name == "Luf"
    beyond = _one("Southeast of Saraqib, the army liberated the village of Lawf.", "Lawf",
                  gazetteer)
    assert beyond.place_id is None


def test_a_village_far_from_every_place_of_its_paragraph_is_not_trusted(gazetteer):
    # The only Arishah of the gazetteer lies 60 km from Tell Tamr.
    mention = _one("The SDF took back the village of Arisha north of Tell Tamr and Manbij.",
                   "Arisha", gazetteer)
    assert mention.place_id is None and mention.method == "far" and mention.candidates


def test_namesakes_the_text_does_not_tell_apart_stay_ambiguous_with_candidates(gazetteer):
    mention = _one("Clashes were reported in Mushayrifah.", "Mushayrifah", gazetteer)
    assert mention.place_id is None and mention.method == "ambiguous"
    assert len(mention.candidates.split()) > 1
    near = _one("Clashes were reported in Mushayrifah, near Ain Issa.", "Mushayrifah",
                gazetteer)
    assert near.place_id == "wof:1276762963"  # 4 km NE of Ayn Issa


def test_a_governorate_the_article_names_places_its_villages(gazetteer):
    idlib = _one("Turkey said government forces had left the town of Nairab in Idlib "
                 "province.", "Nairab", gazetteer)
    assert idlib.place_id is not None and gazetteer[idlib.place_id].admin1 == "Idlib"


def test_one_village_recorded_twice_is_no_ambiguity(gazetteer):
    # Who's On First keeps Safuhun and Sfawhun, 1.7 km apart: one village.
    mention = _one("The army shelled Safuhun, Kansafrah and Tarmala.", "Safuhun", gazetteer)
    assert mention.place_id is not None


def test_a_dateline_does_not_place_the_story(gazetteer):
    mentions = geocode_document(document(
        "DAMASCUS, Nov. 9 (Xinhua) -- Battles raged in the village of Tal Nasri near Tell "
        "Tamr."), gazetteer)
    assert mentions[0].surface == "DAMASCUS" and mentions[0].place_id == "syria:damascus"


def test_the_towns_of_a_province_make_its_bare_name_the_province(gazetteer):
    mentions = geocode_document(document(
        "The offensive in Idlib went on as the army entered Saraqib and Maarat al-Numan."),
        gazetteer)
    assert mentions[0].surface == "Idlib" and mentions[0].place_id == "admin1:SY-ID"
    city = geocode_document(document("Shells fell 30 km south of Idlib, in Maarat al-Numan."),
                            gazetteer)
    assert city[0].place_id == "syria:idlib"  # "south of" marks the city


def test_the_district_is_named_with_the_word(gazetteer):
    mentions = geocode_document(document(
        "Turkish forces took villages in the Ras al-Ain district and shelled Ras al-Ain."),
        gazetteer)
    assert [m.place_id for m in mentions] == ["district:1108779083", "syria:ras-al-ayn"]


def test_a_name_after_in_or_near_is_kept_only_where_the_gazetteer_places_it(gazetteer):
    # "Kafrsajna" is spelled Kafr Sajnah in the gazetteer, 10 km from Kafr Nabl.
    kept = geocode_document(document("The army shelled Kafr Nabl and positions in "
                                     "Kafrsajna on Monday."), gazetteer)
    assert [m.name for m in kept if m.surface == "Kafrsajna"] == ["Kafr Sajnah"]
    dropped = geocode_document(document("Talks on Kafr Nabl were held in Geneva and in "
                                        "Qasrawi."), gazetteer)
    assert [m.surface for m in dropped] == ["Kafr Nabl"]


def test_a_direction_phrase_chooses_among_namesakes(gazetteer):
    # 15 villages are called Mushayrifah: none lies north of Tell Tamr (all within 60 km lie
    # south), so the one meant is not in the gazetteer; near Ayn Issa one lies north-east.
    text = ("Al-Asadiyah is just south of the border crossing at Tel Abyad while Mushayrifah "
            "lies further to the east and is north of Tel Tamer.")
    north_of_tell_tamr = _one(text, "Mushayrifah", gazetteer)
    assert north_of_tell_tamr.place_id is None and north_of_tell_tamr.method == "direction"
    assert len(north_of_tell_tamr.candidates.split()) > 1
    # Buwaydah 24 km east-south-east of Tell Tamr, Al Buwaydah 26 km west-north-west.
    east = _one("The SDF took back the villages of Buwaydah, east of Tell Tamr.", "Buwaydah",
                gazetteer)
    west = _one("The SDF took back the villages of Buwaydah, west of Tell Tamr.", "Buwaydah",
                gazetteer)
    assert east.place_id == "wof:1309910129" and west.place_id == "wof:1242687475"
    # An Nayrab lies 8 km due west of Saraqib, another 51 km north-east: a namesake right
    # beside the place is meant whatever the compass says.
    nayrab = _one("Fighting in Saraqib and in Nayrab, situated to the north of Saraqib.",
                  "Nayrab", gazetteer)
    assert nayrab.place_id == "wof:1259763395"


def test_an_english_word_before_a_name_is_not_its_arabic_article(gazetteer):
    surfaces = [m.surface for m in geocode_document(document(
        "Refugees crossed at Tel Abyad and at Ras al-Ayn; an Idlib family stayed in Al Bab."),
        gazetteer)]
    assert surfaces == ["Tel Abyad", "Ras al-Ayn", "Idlib", "Al Bab"]


def test_a_city_the_text_calls_a_city_is_not_a_village_of_its_name(gazetteer):
    # A village Ra's al `Ayn lies near Kobani and Manbij; the border city is the town.
    text = ("The army entered Manbij and Kobani, while the SDF regained most of the border "
            "city of Ras al-Ain.")
    assert _one(text, "Ras al-Ain", gazetteer).place_id == "syria:ras-al-ayn"
    village = _one("Clashes near Manbij and Kobani reached the village of Ras al-Ain.",
                   "Ras al-Ain", gazetteer)
    assert village.place_id != "syria:ras-al-ayn"


def test_the_order_of_a_list_does_not_decide_which_places_guide_the_others(gazetteer):
    # Sharakrak (a lone village 100 km west) comes first, Tell Tamr (a town with far namesake
    # villages) last: the town guides, so Mushayrifah is not taken near Sharakrak.
    text = "The SNA captured the villages of Sharakrak, Mushayrifah and Dardarah near Tell Tamr."
    by_surface = {m.surface: m for m in geocode_document(document(text), gazetteer)}
    assert by_surface["Tell Tamr"].place_id == "syria:tell-tamr"
    assert by_surface["Sharakrak"].method == "far"
    assert by_surface["Mushayrifah"].place_id is None and by_surface["Mushayrifah"].candidates
    reordered = text.replace("Sharakrak, Mushayrifah and Dardarah",
                             "Dardarah, Mushayrifah and Sharakrak")
    again = {m.surface: m for m in geocode_document(document(reordered), gazetteer)}
    assert {k: (m.place_id, m.method) for k, m in again.items()} == \
        {k: (m.place_id, m.method) for k, m in by_surface.items()}


def test_a_spelling_beside_the_article_beats_an_exact_namesake_far_off(gazetteer):
    # "Qamhana" is the exact spelling of a Qumhanah 40 km from Hish; another Qumhanah, of the
    # same consonants, lies 10 km from Saraqib.
    text = "Clashes in Hish, Maarat al-Numan and Saraqib; the army entered the village of Qamhana."
    assert _one(text, "Qamhana", gazetteer).place_id == "wof:1276632481"


def test_a_village_named_like_an_english_word_is_found_where_the_text_marks_a_place(gazetteer):
    # "has" and "man" are common words, never matched in running text; Hassef (also
    # spelled Hass) lies 3 km from Kafr Nabl, Ma`an 4 km from Suran.
    hass = _one("Troops entered the villages of Hass and Kafr Nabl.", "Hass", gazetteer)
    assert hass.method == "gazetteer+spelling" and hass.name == "Hassef"
    maan = _one("The army entered the villages of Maan and Suran.", "Maan", gazetteer)
    assert maan.name == "Ma`an"  # not the city of Man abroad
    assert [m.surface for m in geocode_document(document(
        "The SDF has said the town of Kafr Nabl fell."), gazetteer)] == ["Kafr Nabl"]


def test_a_far_village_in_a_paragraph_without_places_is_judged_by_the_article(gazetteer):
    # The only Faysaliyah of the gazetteer lies 230 km from Tell Tamr; Shahil lies 8 km
    # from al-Busayrah, named beside it, far from Tell Tamr too.
    text = ("The villages are Daoudia, Rihanah and Faisaliah.\n\n"
            "The SDF patrolled the Al-Shuhail and Busairah areas.\n\n"
            "The SDF is trying to advance in the countryside of Tal Tamr.")
    far = _one(text, "Faisaliah", gazetteer)
    assert far.place_id is None and far.method == "far"
    agreeing = _one(text, "Al-Shuhail", gazetteer)
    assert agreeing.name == "Shahil"


def test_a_spelling_is_placed_beside_the_places_of_its_own_list(gazetteer):
    # Fatirah lies 17 km from Maarat al-Numan, beyond the 13 km a three-consonant spelling
    # may reach from the article's places, but 2 km from Safuhun, listed with it.
    text = "The army shelled Maarat al-Numan.\n\nFactions targeted locations in al-Ftera{}."
    alone = _one(text.format(""), "al-Ftera", gazetteer)
    assert alone.place_id is None
    listed = _one(text.format(" and Sfuhen"), "al-Ftera", gazetteer)
    assert listed.method == "gazetteer+spelling" and listed.name == "Fatirah"


def test_a_district_no_gazetteer_has_is_not_the_town_of_its_name(gazetteer):
    (mention,) = geocode_document(document("Troops entered the ‘Ayn ‘Issa District."), gazetteer)
    assert mention.place_id is None and mention.kind == "district"
    assert mention.candidates == "syria:ayn-issa"
    (known,) = geocode_document(document("Clashes in the Tell Abyad district."), gazetteer)
    assert known.kind == "district" and known.place_id is not None


def test_a_name_that_starts_with_abu_is_spelled_only_among_names_that_do(gazetteer):
    from geo.names import headed_loose_key, loose_key

    # Bir Sana lies beside Tell Abyad; its consonants are those of Abu Rasin once "Abu" is
    # folded away, but Abu is part of the name.
    assert loose_key("Abu Rasin") == loose_key("Bir Sana")
    assert headed_loose_key("Abu Rasin") == "abu rsn" and headed_loose_key("Bir Sana") is None
    mention = _one("Reinforcements were stationed in the Abu Rasin area and west of Tal Abyad.",
                   "Abu Rasin", gazetteer)
    assert mention.place_id is None
    # a head word with one consonant after it is spelled as a whole (Kafr Weid, Kafr `Uwayd)
    assert headed_loose_key("Kafr Weid") is None


def test_a_spelling_is_placed_by_its_own_paragraph_before_the_whole_article(gazetteer):
    # Ma`arr Shamarin lies 4 km from Maar Shamsheh; Ma‘arratmişrīn (also "Marshemarin")
    # lies near Idlib, named in another paragraph.
    text = ("Drones struck the city of Idlib.\n\n"
            "The army took the villages of Maar Shamsheh and Ma'ar Shimmareen.")
    mention = _one(text, "Ma'ar Shimmareen", gazetteer)
    assert mention.method == "gazetteer+spelling" and mention.name == "Ma`arr Shamarin"


@pytest.mark.parametrize("text", [
    "Turkey reached Ras al-Ain. Daesh cells woke in Qamishli and Hasaka and elsewhere.",
    "Turkey reached Ras al-Ain. The Syrian flag flies in the cities of Qamishli and Hasaka.",
])
def test_a_governorates_name_listed_with_a_city_is_its_city(text, gazetteer) -> None:
    mention = _one(text, "Hasaka", gazetteer)
    assert mention.kind == "city"


def test_a_name_listed_with_places_that_lie_together_is_the_namesake_among_them(gazetteer):
    # Ad Dana lies 5 km from Babila; the curated town of al-Dana lies 60 km north, and the
    # only Za`lanah of the gazetteer 70 km north-east, by Aleppo.
    listed = ("The army took control of Maar Shamsheh, Ma'ar Shoreen, al-Za'lanah, Babeela, "
              "al-Dana and al-Hamidiah.")
    dana = _one(listed, "al-Dana", gazetteer)
    assert dana.method == "gazetteer+list" and dana.name == "Ad Dana"
    assert _one(listed, "al-Za'lanah", gazetteer).place_id is None
    alone = ("The army took control of Maar Shamsheh, Ma'ar Shoreen, Babeela and al-Hamidiah. "
             "Rebels still hold the town of al-Dana.")
    assert _one(alone, "al-Dana", gazetteer).name == "Al-Dana"  # the town, outside the list


def test_a_post_is_placed_at_the_village_it_is_named_after_but_silos_are_not(gazetteer):
    # Tall at Tukan lies 13.5 km from Saraqib: beyond the reach of three consonants, within
    # that of "Tal" and three consonants.
    post = _one("Turkish forces left the Tal Al-Tawqan point east of Saraqeb.", "Tal Al-Tawqan",
                gazetteer)
    assert post.method == "gazetteer+spelling" and post.name == "Tall at Tukan"
    silos = _one("Militants attacked the Tal Al-Tawqan silos east of Saraqeb.",
                 "Tal Al-Tawqan silos", gazetteer)
    assert silos.place_id is None


def test_a_places_other_name_is_that_place_and_an_operations_name_is_none(gazetteer):
    alias = _one("The SDF retook Ras al-Ain, known locally as Qasrawi Kani, on Sunday.",
                 "Qasrawi Kani", gazetteer)
    assert alias.method == "alias" and alias.name == "Ras al-Ayn"
    named = [m.surface for m in geocode_document(document(
        "Turkey launched the offensive, known as Operation Qasrawi Spring, on Wednesday."),
        gazetteer)]
    assert named == []
