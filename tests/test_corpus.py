"""The annotated corpus (corpus/syria): its manifest, its split and its gold answers."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO

from geo.gold import GOLD_ACTIONS, load_gold
from geo.ingest import IngestFailure, read_documents

CORPUS = REPO / "corpus" / "syria"
ARTICLES = CORPUS / "articles"
GOLD = {"dev": CORPUS / "gold_dev.json", "test": CORPUS / "gold_test.json"}
CODES = frozenset({"GOV", "SDF", "TURKEY", "HTS", "REBELS", "ISIS", "RUSSIA", "US"})


@pytest.fixture(scope="module")
def manifest() -> list[dict[str, str]]:
    with open(ARTICLES / "manifest.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def gold() -> dict[str, list]:
    return {split: load_gold(path, factions=CODES) for split, path in GOLD.items()}


def test_every_article_is_in_the_manifest_with_its_source_and_date(manifest) -> None:
    files = {p.name for p in ARTICLES.iterdir() if p.name != "manifest.csv"}
    assert files == {row["file"] for row in manifest}
    for row in manifest:
        assert row["url"].startswith(("http://", "https://")), row["file"]
        assert row["source"] and row["outlet"] and row["published_basis"], row["file"]
        assert date(2019, 10, 1) <= date.fromisoformat(row["published"]) <= date(2021, 3, 31)
        assert row["theatre"] in ("north-east", "north-west")
        assert row["split"] in ("dev", "test")


def test_the_corpus_is_60_articles_or_more_from_10_outlets_none_over_a_quarter(
        manifest) -> None:
    outlets = Counter(row["outlet"] for row in manifest)
    assert len(manifest) >= 60
    assert len(outlets) >= 10
    assert max(outlets.values()) <= len(manifest) / 4, outlets.most_common(3)
    assert set(Counter(row["theatre"] for row in manifest)) == {"north-east", "north-west"}


def test_every_article_reads_without_error(manifest) -> None:
    read = list(read_documents([ARTICLES]))
    assert [r.message for r in read if isinstance(r, IngestFailure)] == []
    assert len(read) == len(manifest)
    assert all(r.published for r in read)


def test_the_split_is_about_two_thirds_dev_and_the_gold_follows_it(manifest, gold) -> None:
    by_split = {split: {row["file"] for row in manifest if row["split"] == split}
                for split in GOLD}
    assert 0.25 <= len(by_split["test"]) / len(manifest) <= 0.40
    for split, articles in gold.items():
        assert {Path(a.file).name for a in articles} == by_split[split], split
        assert len({a.article_id for a in articles}) == len(articles)


def test_there_are_at_least_250_gold_claims_of_every_action(gold) -> None:
    claims = [c for articles in gold.values() for a in articles for c in a.claims]
    assert len(claims) >= 250
    assert set(Counter(c.action for c in claims)) == set(GOLD_ACTIONS)


def test_every_evidence_sentence_and_surface_is_in_its_article(gold) -> None:
    for articles in gold.values():
        for article in articles:
            text = Path(ARTICLES / Path(article.file).name).read_text(encoding="utf-8")
            for toponym in article.toponyms:
                assert toponym.surface.casefold() in text.casefold(), (article.article_id,
                                                                       toponym.surface)
            for claim in article.claims:
                assert " ".join(claim.evidence.split()) in " ".join(text.split()), (
                    article.article_id, claim.evidence)


def test_every_claim_place_is_a_toponym_of_its_article(gold) -> None:
    for articles in gold.values():
        for article in articles:
            canonical = {t.canonical for t in article.toponyms}
            for claim in article.claims:
                assert {claim.place, *claim.group} <= canonical, (article.article_id,
                                                                  claim.place)


def test_gold_coordinates_come_from_a_sourced_gazetteer_row(gold) -> None:
    for articles in gold.values():
        for article in articles:
            for toponym in article.toponyms:
                if toponym.lat is not None:
                    assert toponym.coord_source.startswith(
                        ("syria_places.csv: ", "wof_sy_localities.csv: wof_id ")), (
                        article.article_id, toponym.surface, toponym.coord_source)
                    assert 32.0 <= toponym.lat <= 37.5 and 35.5 <= toponym.lon <= 42.5


def test_the_second_reading_covers_ten_articles_or_more_of_both_theatres(manifest) -> None:
    second = load_gold(CORPUS / "second_reader.json", factions=CODES)
    theatre = {row["file"]: row["theatre"] for row in manifest}
    assert len(second) >= 10
    assert {theatre[Path(a.file).name] for a in second} == {"north-east", "north-west"}
