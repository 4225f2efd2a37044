from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import TEST_DATA

from geo.claims import Claim
from geo.errors import InputError
from geo.evaluate import date_right, evaluate, one_to_one, score_claims
from geo.gold import GoldClaim, load_gold
from geo.names import name_key

GOLD = TEST_DATA / "seeds_gold.json"


@pytest.fixture(scope="module")
def report(gazetteer) -> dict:
    return evaluate(GOLD, gazetteer)["toponyms"]


def test_seed_toponym_recall_is_at_least_090(report) -> None:
    assert report["recall"] >= 0.9, report["misses"]
    assert report["recall_5km"] >= 0.9, report["wrong"]


def test_seed_toponym_precision_is_at_least_090(report) -> None:
    assert report["precision"] >= 0.9, report["false_positives"]


def test_every_resolved_gold_place_is_within_5_km(report) -> None:
    assert report["wrong"] == []
    assert report["accuracy_5km"] == 1.0


def test_no_comment_only_place_is_reported_as_an_article_place(report) -> None:
    assert report["comment_leaks"] == []


@pytest.fixture(scope="module")
def claim_report(gazetteer) -> dict:
    return evaluate(GOLD, gazetteer)["claims"]


def test_seed_claim_precision_and_recall_are_at_least_085(claim_report) -> None:
    assert claim_report["recall"] >= 0.85, claim_report["misses"]
    assert claim_report["precision"] >= 0.85, claim_report["false_positives"]


def test_seed_claim_dates_match_at_least_90_percent(claim_report) -> None:
    assert claim_report["date_exact"] >= 0.9, claim_report["wrong_dates"]


def test_negated_gold_claims_come_out_negated(claim_report) -> None:
    assert claim_report["negated"] == {"gold": 2, "found": 2}
    assert claim_report["trap_hits"] == 0, claim_report["traps"]


def test_every_seed_gold_evidence_sentence_is_in_its_article(claim_report) -> None:
    assert claim_report["evidence_not_in_text"] == []


def test_gold_places_without_coordinates_stay_unresolved(gazetteer) -> None:
    from geo.places import geocode_document

    articles = {a.article_id: a for a in load_gold(GOLD)}
    mentions = geocode_document(articles["001"].document, gazetteer)
    unresolved = {m.surface for m in mentions if m.place_id is None}
    assert unresolved == {"Jehbel"}
    # al-Mushairfeh is the Who's On First village 4 km NE of Ayn Issa, as its gold says
    assert {m.place_id for m in mentions if m.surface == "al-Mushairfeh"} == {"wof:1276762963"}


def test_a_wrong_answer_is_counted_wrong(tmp_path: Path, gazetteer) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    article = next(a for a in gold["articles"] if a["id"] == "003")
    haritan = next(t for t in article["toponyms"] if t["surface"] == "Haritan")
    haritan["lat"], haritan["lon"] = 36.8503, 40.0706  # Ras al-Ayn's point: 300 km off
    for a in gold["articles"]:
        a["file"] = str((GOLD.parent / a["file"]).resolve())
    moved = tmp_path / "gold.json"
    moved.write_text(json.dumps(gold), encoding="utf-8")
    result = evaluate(moved, gazetteer)["toponyms"]
    assert result["accuracy_5km"] < 1.0
    assert any("Haritan" in w for w in result["wrong"])


def test_gold_file_with_a_missing_article_says_which(tmp_path: Path) -> None:
    bad = tmp_path / "gold.json"
    bad.write_text(json.dumps({"articles": [{"id": "x", "file": "nowhere.txt"}]}),
                   encoding="utf-8")
    with pytest.raises(InputError, match=r"nowhere\.txt"):
        load_gold(bad)


# --- the rules of claim scoring, on one-article gold files ---------------------------------

def _gold_file(tmp_path: Path, text: str, claims: list[dict], toponyms: list[dict] | None = None,
               published: str = "2020-02-20") -> Path:
    (tmp_path / "article.txt").write_text(text, encoding="utf-8")
    gold = {"articles": [{"id": "a", "file": "article.txt", "published": published,
                          "toponyms": toponyms or [], "claims": claims}]}
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    return path


def _claim(place: str, controller: str | None, action: str, evidence: str, **extra) -> dict:
    return {"place": place, "controller": controller, "previous": None, "action": action,
            "date": extra.pop("date", "2020-02-20"), "hedged": False,
            "negated": extra.pop("negated", False), "evidence": evidence, **extra}


VERGE = "The Syrian army is on the verge of entering Saraqib."


def test_a_negated_statement_read_as_a_capture_is_a_trap_hit(tmp_path: Path, gazetteer) -> None:
    # The article says the army has not entered Saraqib yet; a capture from this sentence
    # is the worst error, not a hit (the old scorer ignored negation and counted it found).
    articles = load_gold(_gold_file(tmp_path, VERGE, [
        _claim("Saraqib", "GOV", "capture", VERGE, negated=True, modality="future")]))
    as_fact = _extracted("Saraqib", "GOV", "capture", VERGE, 0)
    claims = score_claims(articles, {"a": [as_fact]}, gazetteer)
    assert claims["found"] == 0
    assert claims["trap_hits"] == 1
    assert claims["traps"][0]["trap"] == "negated statement made a fact"
    assert claims["precision"] == 0.0
    kept = score_claims(articles, {"a": [replace(as_fact, negated=True)]}, gazetteer)
    assert kept["trap_hits"] == 0 and kept["found"] == 1


def _extracted(place: str, controller: str, action: str, evidence: str, start: int, *,
               negated: bool = False, near: bool = False, day: date | None = date(2020, 2, 20)
               ) -> Claim:
    return Claim(doc_id="a", place_id=f"unresolved:{place}", place_name=place,
                 controller=controller, previous=None, action=action, event_date=day,
                 date_basis="explicit", date_text="", hedged=False, negated=negated,
                 near_place=near, confidence=1.0, evidence=evidence, start=start,
                 end=start + len(evidence))


NEAR = "Turkish forces captured hills near Ain Issa on Thursday."


def test_a_near_place_statement_read_as_control_of_the_place_is_a_trap_hit(
        tmp_path: Path, gazetteer) -> None:
    articles = load_gold(_gold_file(tmp_path, NEAR, [
        _claim("Ain Issa", "TURKEY", "capture", NEAR, near_place=True)]))
    as_control = _extracted("Ain Issa", "TURKEY", "capture", NEAR, 0)
    flagged = replace(as_control, near_place=True)
    wrong = score_claims(articles, {"a": [as_control]}, gazetteer)
    right = score_claims(articles, {"a": [flagged]}, gazetteer)
    assert wrong["trap_hits"] == 1
    assert wrong["traps"][0]["trap"] == "near-place statement made control of the place"
    assert right["trap_hits"] == 0 and right["near_place"] == {"gold": 1, "found": 1}
    assert right["precision"] == 1.0


TWO_CAPTURES = ("The Syrian army captured Saraqib on February 8. "
                "Saraqib had fallen to the army after a week of fighting.")


def test_one_extracted_claim_answers_one_gold_claim(tmp_path: Path, gazetteer) -> None:
    first, second = TWO_CAPTURES.split(". ")
    articles = load_gold(_gold_file(tmp_path, TWO_CAPTURES, [
        _claim("Saraqib", "GOV", "capture", first + ".", date="2020-02-08"),
        _claim("Saraqib", "GOV", "capture", second, date="2020-02-08")]))
    one = _extracted("Saraqib", "GOV", "capture", TWO_CAPTURES, 0, day=date(2020, 2, 8))
    claims = score_claims(articles, {"a": [one]}, gazetteer)
    assert claims["extracted"] == 1
    assert claims["found"] == 1 and claims["gold"] == 2  # not 2/2 from one claim
    assert claims["precision"] == 1.0


def test_a_claim_from_another_sentence_is_correct_but_not_a_hit(tmp_path: Path,
                                                                gazetteer) -> None:
    first, second = TWO_CAPTURES.split(". ")
    articles = load_gold(_gold_file(tmp_path, TWO_CAPTURES, [
        _claim("Saraqib", "GOV", "capture", second, date="2020-02-08")]))
    restated = _extracted("Saraqib", "GOV", "capture", first + ".", 0, day=date(2020, 2, 8))
    claims = score_claims(articles, {"a": [restated]}, gazetteer)
    assert claims["found"] == 0, "the evidence sentences do not overlap"
    assert claims["precision"] == 1.0, "a restatement of a gold fact is right"
    assert claims["misses"][0]["evidence"] == second


NLF = "The NLF captured Saraqib on Thursday."


def test_a_controller_in_the_accept_list_is_right(tmp_path: Path, gazetteer) -> None:
    gold = _gold_file(tmp_path, NLF, [_claim("Saraqib", "HTS", "capture", NLF,
                                             controller_accept=["REBELS"])])
    claims = evaluate(gold, gazetteer)["claims"]
    assert (claims["found"], claims["precision"]) == (1, 1.0)


def test_a_joint_holder_is_right(tmp_path: Path, gazetteer) -> None:
    text = "The Syrian army deployed in Tell Tamr on Thursday."
    gold = _gold_file(tmp_path, text, [_claim("Tell Tamr", "SDF", "deployment", text,
                                              joint_with=["GOV"])])
    claims = evaluate(gold, gazetteer)["claims"]
    assert (claims["found"], claims["precision"]) == (1, 1.0)


def test_a_place_is_matched_through_the_gold_toponyms(tmp_path: Path, gazetteer) -> None:
    # The annotator's canonical name is the Kurdish one; the article writes Tell Tamr.
    text = "Turkish forces captured Tell Tamr on Thursday."
    gold = _gold_file(tmp_path, text, [_claim("Girê Xurma", "TURKEY", "capture", text)],
                      toponyms=[{"surface": "Tell Tamr", "canonical": "Girê Xurma",
                                 "lat": None, "lon": None, "type": "town"}])
    claims = evaluate(gold, gazetteer)["claims"]
    assert (claims["found"], claims["precision"]) == (1, 1.0)


def test_a_place_is_matched_by_its_gold_point(tmp_path: Path, gazetteer) -> None:
    text = "Turkish forces captured Tell Tamr on Thursday."
    gold = _gold_file(tmp_path, text, [_claim("Tall Tamr", "TURKEY", "capture", text)],
                      toponyms=[{"surface": "Tell Tamr", "canonical": "Tall Tamr",
                                 "lat": 36.65556, "lon": 40.37079, "type": "town",
                                 "coord_source": "wof_sy_localities.csv: wof_id 1327435755"}])
    claims = evaluate(gold, gazetteer)["claims"]
    assert claims["found"] == 1


GROUP = ("Turkish-backed militants captured two of the villages of Tell Tamr, Ras al-Ayn and "
         "Ain Issa on Thursday.")


def test_claims_on_the_members_of_a_group_claim_are_not_false_positives(
        tmp_path: Path, gazetteer) -> None:
    gold = _gold_file(tmp_path, GROUP, [_claim(
        "Tell Tamr", "TURKEY", "capture", GROUP, group=["Tell Tamr", "Ras al-Ayn", "Ain Issa"])])
    claims = evaluate(gold, gazetteer)["claims"]
    assert claims["group_readings"], "the extractor claims members of the list"
    assert claims["false_positives"] == []
    assert claims["extracted"] == 0
    assert claims["group"] == {"gold": 1, "found": 1, "readings": len(claims["group_readings"])}
    assert claims["gold"] == 0, "a group claim is scored apart from recall"


def test_a_date_in_the_gold_range_or_the_alternative_day_is_right() -> None:
    gold = GoldClaim(place="Saraqib", controller="GOV", previous=None, action="capture",
                     evidence="x", date=date(2020, 2, 8), date_alt=date(2020, 2, 7))
    ranged = replace(gold, date=None, date_alt=None,
                     date_range=(date(2020, 2, 1), date(2020, 2, 7)))
    undated = replace(ranged, date_range=None)
    claim = _extracted("Saraqib", "GOV", "capture", "x", 0, day=date(2020, 2, 7))
    assert date_right(gold, claim) and date_right(ranged, claim)
    assert not date_right(gold, replace(claim, event_date=date(2020, 2, 9)))
    assert not date_right(undated, claim), "an undated gold claim wants no date"
    assert date_right(undated, replace(claim, event_date=None))


def test_the_matching_is_as_large_as_possible() -> None:
    # Gold 0 could take claim 0 or 1, gold 1 only claim 0: both must be answered.
    assert one_to_one({0: [0, 1], 1: [0]}) == {0: 1, 1: 0}


def test_an_annotation_with_an_unknown_faction_names_the_article_and_claim(
        tmp_path: Path, gazetteer) -> None:
    gold = _gold_file(tmp_path, NLF, [_claim("Saraqib", "AL-QAEDA", "capture", NLF)])
    with pytest.raises(InputError, match=r"article a, claim 0: controller is 'AL-QAEDA'"):
        evaluate(gold, gazetteer)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("action", "shelled", "action is 'shelled'"),
    ("date", "20 Feb 2020", "date is '20 Feb 2020'"),
    ("date_range", ["2020-02-09", "2020-02-01"], "date_range is"),
    ("evidence", "", "no evidence"),
])
def test_a_malformed_claim_is_refused_with_the_fix(tmp_path: Path, field: str, value: object,
                                                   message: str) -> None:
    claim = _claim("Saraqib", "GOV", "capture", NLF)
    claim[field] = value
    with pytest.raises(InputError, match=message):
        load_gold(_gold_file(tmp_path, NLF, [claim]), factions=frozenset({"GOV"}))


def test_the_readme_evaluation_table_shows_todays_figures(gazetteer) -> None:
    """The seeds / dev / test table of the README is what `frontline evaluate` gives now."""
    from conftest import REPO

    from geo.evaluate import summary_rows

    corpus = REPO / "corpus" / "syria"
    reports = [evaluate(path, gazetteer) for path in
               (GOLD, corpus / "gold_dev.json", corpus / "gold_test.json")]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("### Figures today")
    table = readme[start:readme.index("\n### ", start)]
    rows = {cells[0]: cells[1:] for cells in (
        [c.strip().strip("*") for c in line.strip("|").split("|")]
        for line in table.splitlines() if line.startswith("| "))}
    wanted = {"toponym recall @5 km": "toponym recall @5 km",
              "toponym precision": "toponym precision", "claim precision": "claim precision",
              "unknown settlements reported": "unknown settlements reported",
              "toponym FP per 100 articles": "toponym false positives per 100 articles",
              "claim recall": "claim recall", "TRAP HITS": "trap hits",
              "date exact (found claims)": "event date exact (among found claims)"}
    for label, readme_label in wanted.items():
        computed = [dict(summary_rows(report))[label] for report in reports]
        assert rows[readme_label] == computed, (readme_label, computed)


def test_a_village_no_gazetteer_has_counts_as_reported_only_when_a_mention_covers_it(
        tmp_path: Path, gazetteer) -> None:
    text = ("Turkish-backed factions captured the villages of Qarbishtuk and Zarqanuf near "
            "Tell Tamr. Elsewhere a shepherd was seen near Wadi Blorqinay.")
    unknown = [{"surface": name, "canonical": f"{name} (Tell Tamr)", "lat": None, "lon": None,
                "type": "village", "coord_source": "unverified"}
               for name in ("Qarbishtuk", "Zarqanuf", "Blorqinay")]
    gold = _gold_file(tmp_path, text, [], toponyms=unknown)
    toponyms = evaluate(gold, gazetteer)["toponyms"]
    # The two listed villages are reported; the name after "Wadi" that no rule reads is not.
    assert (toponyms["unknown_reported"], toponyms["unknown"]) == (2, 3)
    assert toponyms["misses"] == ["a: 'Blorqinay'"]
    # Tell Tamr is reported and is no gold toponym: one false positive in one article.
    assert toponyms["false_positives_per_100"] == 100.0


def test_a_town_named_on_its_own_is_judged_there_not_inside_the_road_named_after_it(
        tmp_path: Path, gazetteer) -> None:
    text = ("The army wants the Hama-Aleppo highway back. The Hama-Aleppo highway is closed, "
            "so travellers between Hama and Aleppo take a detour.")
    city = next(p for p in gazetteer.candidates(name_key("Hama")) if p.kind == "city")
    gold = _gold_file(tmp_path, text, [], toponyms=[
        {"surface": "Hama-Aleppo highway", "canonical": "M5", "lat": None, "lon": None,
         "type": "highway", "coord_source": "unverified"},
        {"surface": "Hama", "canonical": "Hama", "lat": city.lat, "lon": city.lon,
         "type": "city", "coord_source": "test: the gazetteer's point"}])
    toponyms = evaluate(gold, gazetteer)["toponyms"]
    assert "Hama" not in " ".join(toponyms["wrong"]), toponyms["wrong"]


def test_a_district_no_gazetteer_has_is_right_only_when_left_unresolved(gazetteer) -> None:
    from geo.evaluate import located
    from geo.gold import GoldToponym

    unknown = GoldToponym("‘Ayn ‘Issa District", "Ayn Issa district", "district")
    assert located(unknown, None, gazetteer, 5.0)
    assert not located(unknown, "syria:ayn-issa", gazetteer, 5.0)  # the town is not the area
    known = GoldToponym("Tal Abyad district", "Tell Abyad district", "district")
    assert not located(known, None, gazetteer, 5.0)  # the gazetteer has this one
    district = next(p for p in gazetteer.places.values() if p.name == "Tell Abyad district")
    assert located(known, district.place_id, gazetteer, 5.0)
