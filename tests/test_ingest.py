from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import SEEDS

from geo.errors import InputError
from geo.ingest import IngestFailure, parse_date, read_documents


def _read(*paths: Path) -> tuple[list, list]:
    items = list(read_documents(paths))
    return ([i for i in items if not isinstance(i, IngestFailure)],
            [i for i in items if isinstance(i, IngestFailure)])


def test_seed_metadata_comes_from_the_manifest(seed_documents) -> None:
    doc = seed_documents["004"]
    assert doc.published == date(2019, 10, 20)
    assert doc.source == "SouthFront"
    assert doc.title.startswith("Turkish-Backed Militants Take Control Of Ras Al-Ayn")
    assert doc.meta_basis == "manifest"


def test_reader_comments_are_kept_apart_from_the_article(seed_documents) -> None:
    doc = seed_documents["000"]
    assert doc.comments.startswith("klove and light")
    assert "lafarge" not in doc.body.lower()  # only commenters talk about the cement plant
    assert "lafarge" in doc.comments.lower()
    assert "including the silos." in doc.body


def test_comment_threads_after_a_marker_are_not_article_text(seed_documents) -> None:
    doc = seed_documents["004"]
    assert "Afrin" not in doc.body and "Afrin" in doc.comments
    assert "Ghouta" not in doc.body
    assert doc.comments.startswith("More on this topic")


def test_site_furniture_is_dropped_but_the_article_is_whole(seed_documents) -> None:
    doc = seed_documents["001"]
    assert "Support SouthFront" not in doc.body
    assert "Support SouthFront" in doc.boilerplate
    assert doc.body.rstrip().endswith("It lays on the M4 highway that links al-Hasakah, Raqqa "
                                      "and Aleppo.")
    related = seed_documents["002"]
    assert "Related articles" in related.comments and "Prisoners" not in related.body


def test_an_article_with_short_headings_is_not_mistaken_for_comments() -> None:
    from geo.comments import split_comments

    text = ("Army advances near Saraqib\n\nGovernment forces entered Saraqib on Monday.\n\n"
            "Background\n\nThe town lies on the M5 highway.\n\nReactions\n\n"
            "Ankara condemned the advance.\n")
    split = split_comments(text)
    assert split.comments == ""
    assert "Ankara condemned the advance." in split.body


def test_share_buttons_above_the_article_are_not_a_comment_thread() -> None:
    from geo.comments import split_comments

    text = ("Rebels clash with Kurdish fighters\n\nTweet\nShare\nLink\nShare\nSend\nSend\n"
            "Damascus, Dec 12 : Rebels clashed with Kurdish fighters near the town of Ayn Issa "
            "on Friday, a monitor said.\n\nThe clashes went on overnight.\n")
    split = split_comments(text)
    assert split.comments == ""
    assert "clashed with Kurdish fighters near the town of Ayn Issa" in split.body


def test_a_thread_after_an_article_under_a_date_line_is_still_comments() -> None:
    from geo.comments import split_comments

    text = (" date 2020-02-23 Syrian Army\n\nMilitants attacked the defences of the army near "
            "the town of Tal Tamr on Saturday, without success.\n\nFairsFair\nGood news for "
            "the army.\n\nhuman\nTime to repel them.\n\nFairsFair\nAgreed, and soon.\n")
    split = split_comments(text)
    assert "near the town of Tal Tamr" in split.body
    assert split.comments.startswith("FairsFair") and "Time to repel" not in split.body


def test_document_id_is_a_content_hash(tmp_path: Path, seed_documents) -> None:
    copy = tmp_path / "renamed.txt"
    shutil.copy(SEEDS / "001_057fba380bfd3fe5.txt", copy)
    docs, failures = _read(copy)
    assert not failures
    assert docs[0].doc_id == seed_documents["001"].doc_id
    assert docs[0].published is None  # no manifest beside the copy


def test_markdown_front_matter_gives_the_metadata(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.write_text("---\ntitle: Clashes near Ain Issa\npublished: 2020-12-25\n"
                    "source: ANHA\nurl: https://example.org/a\n---\n"
                    "# Clashes near Ain Issa\n\nThe town of Ain Issa remains under the SDF "
                    "control.\n", encoding="utf-8")
    docs, failures = _read(path)
    assert not failures
    doc = docs[0]
    assert (doc.title, doc.published, doc.source, doc.meta_basis) == (
        "Clashes near Ain Issa", date(2020, 12, 25), "ANHA", "front matter")
    assert "title:" not in doc.body and "remains under the SDF control" in doc.body


def test_jsonl_reads_every_good_line_and_names_the_broken_one(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"text": "The town of Ain Issa remains under the SDF control.",
                    "published": "2020-12-25", "title": "Ain Issa", "source": "SF"}),
        '{"text": "unterminated',
        json.dumps({"title": "no text field"}),
        json.dumps({"text": "Turkish forces took over the border town of Ras al-Ayn.",
                    "published": "2019-10-20"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, failures = _read(path)
    assert [d.published for d in docs] == [date(2020, 12, 25), date(2019, 10, 20)]
    assert docs[0].body.startswith("Ain Issa\n\n")  # the title is part of what is analysed
    assert [f.path for f in failures] == [f"{path}:2", f"{path}:3"]
    assert "not valid JSON" in failures[0].message and "Fix:" in failures[0].message
    assert "'text'" in failures[1].message


def test_html_main_text_is_extracted_without_the_comments(tmp_path: Path) -> None:
    article = ("Turkish-backed militants bombarded the villages of al-Mushairfeh and Jehbel "
               "with heavy weapons. The shelling was reportedly accompanied by a ground attack "
               "on the village of Jehbel. Both villages are located in the northeastern "
               "countryside of Ain Issa, along the M4 international highway.")
    page = f"""<html><head><title>Militants Advance On Ain Issa</title>
    <meta property="article:published_time" content="2020-12-25"></head><body>
    <nav><a href="/">Home</a> <a href="/syria">Syria</a></nav>
    <article><h1>Militants Advance On Ain Issa</h1><p>{article}</p><p>{article}</p></article>
    <div id="comments" class="comments"><h3>Comments</h3>
    <div class="comment"><p>What about Afrin and Idlib?</p></div></div>
    <script>alert(1)</script></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    docs, failures = _read(path)
    assert not failures, failures
    doc = docs[0]
    assert "Jehbel" in doc.body and "Afrin" not in doc.body and "alert(" not in doc.body
    assert doc.title == "Militants Advance On Ain Issa"
    assert doc.published == date(2020, 12, 25)


def test_bad_files_are_reported_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Army enters Saraqib\n\nSyrian troops entered Saraqib.",
                                       encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02garbage\x00")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 in Homs".encode("latin-1"))
    (tmp_path / "notes.docx").write_bytes(b"PK")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    docs, failures = _read(tmp_path)
    assert [Path(d.path).name for d in docs] == ["good.txt"]
    messages = {Path(f.path).name: f.message for f in failures}
    assert set(messages) == {"binary.txt", "latin1.txt", "notes.docx", "empty.txt"}
    assert "binary data" in messages["binary.txt"]
    assert "UTF-8" in messages["latin1.txt"] and "re-save" in messages["latin1.txt"]
    assert "unknown file type '.docx'" in messages["notes.docx"]
    assert all("Fix:" in m for m in messages.values())


def test_a_bad_manifest_is_named_and_its_files_still_read(tmp_path: Path) -> None:
    (tmp_path / "manifest.csv").write_text("name,published\na.txt,2020-01-01\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Troops in Homs\n\nTroops entered Homs.", encoding="utf-8")
    docs, failures = _read(tmp_path)
    assert len(docs) == 1
    assert "manifest.csv" in failures[0].message and "'file' column" in failures[0].message


def test_an_unparseable_publication_date_names_the_field(tmp_path: Path) -> None:
    (tmp_path / "manifest.csv").write_text("file,published\na.txt,20th of May\n",
                                           encoding="utf-8")
    (tmp_path / "a.txt").write_text("Troops in Homs\n\nTroops entered Homs.", encoding="utf-8")
    docs, failures = _read(tmp_path)
    assert not docs
    assert "'published'" in failures[0].message and "YYYY-MM-DD" in failures[0].message


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("Clashes in Manbij\n\nFighting in Manbij.".encode("utf-16"))
    docs, failures = _read(path)
    assert not failures and "Manbij" in docs[0].body


@pytest.mark.parametrize(("value", "day"), [("2019-10-20", "2019-10-20"),
                                            ("2019-10-20T14:05:00+03:00", "2019-10-20"),
                                            ("2019-10-20 14:05", "2019-10-20")])
def test_dates_and_timestamps_are_read_as_their_day(value: str, day: str) -> None:
    assert parse_date(value, path="x", field="published").isoformat() == day


@pytest.mark.parametrize("value", ["2019-10-20x", "2019-10-201", "20/10/2019"])
def test_a_date_with_trailing_text_is_refused_not_cut(value: str) -> None:
    with pytest.raises(InputError, match=r"not a date\. Fix: write it as YYYY-MM-DD"):
        parse_date(value, path="x", field="published")
