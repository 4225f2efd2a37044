from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TEST_DATA

from geo.errors import InputError
from geo.evaluate import evaluate, load_gold

GOLD = TEST_DATA / "seeds_gold.json"


@pytest.fixture(scope="module")
def report(gazetteer) -> dict:
    return evaluate(GOLD, gazetteer)["toponyms"]


def test_seed_toponym_recall_is_at_least_090(report) -> None:
    assert report["recall"] >= 0.9, report["misses"]


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
    assert claim_report["negated"] == "2/2"


def test_gold_places_without_coordinates_stay_unresolved(gazetteer) -> None:
    from geo.places import geocode_document

    articles = {a.article_id: a for a in load_gold(GOLD)}
    mentions = geocode_document(articles["001"].document, gazetteer)
    unresolved = {m.surface for m in mentions if m.place_id is None}
    assert unresolved == {"al-Mushairfeh", "Jehbel"}


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
