"""Bad input in one batch: each bad item is refused once, with its file and its fix, and the
good items beside it are stored whole (``tests/data/bad/README.md`` lists the corpus)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import REPO, TEST_DATA

from geo.errors import FrontlineError
from geo.extract import MAX_EVIDENCE_CHARS, sentence_at
from geo.ingest import (
    MAX_ARTICLE_BYTES,
    MAX_ARTICLE_ENV,
    IngestFailure,
    clean_text,
    decode,
    read_documents,
    read_file,
)
from geo.models import Document
from geo.store import Store

BAD = TEST_DATA / "bad"
REPETITIONS = 10_000

GOOD = {
    "good_ain_issa.txt", "good_ras_al_ayn.md", "utf16_with_bom.txt", "arabic_rtl.txt",
    "control_characters.txt", "script_and_iframe.html", "feed_with_broken_lines.jsonl:1",
    "feed_with_broken_lines.jsonl:4", "feed_with_broken_lines.jsonl:10",
    "manifest_without_file_column/kurdish_fighters.txt", "manifest_with_bad_rows/short_row.txt",
    "tal_abyad_10000.txt", "huge_line.jsonl:1", "huge_line.jsonl:3",
}
"""Relative paths of what must be stored (a ``.jsonl`` line as ``file:line``)."""
REFUSED = {
    "empty.txt": "the file is empty (0 bytes)",
    "binary_image.txt": "binary data (looks like a PNG image)",
    "latin1_article.txt": "not UTF-8 (byte 0xEF at offset 181, line 3)",
    "date_yesterday_ish.md": "field 'published' is 'yesterday-ish', not a date",
    "date_in_future.md": "publication dates cannot be in the future",
    "report.pdf": "unknown file type '.pdf'",
    "notes.docx": "unknown file type '.docx'",
    "manifest_without_file_column/manifest.csv": "no 'file' column",
    "manifest_with_bad_rows/manifest.csv": "so long_row.txt is not read",
    "feed_with_broken_lines.jsonl:2": "not valid JSON",
    "feed_with_broken_lines.jsonl:3": "no string field 'text'",
    "feed_with_broken_lines.jsonl:5": "'20th of February', not a date",
    "feed_with_broken_lines.jsonl:6": "publication dates cannot be in the future",
    "feed_with_broken_lines.jsonl:7": "no string field 'text'",
    "feed_with_broken_lines.jsonl:9": "not UTF-8 (byte 0xEF",
    "big_article.txt": "the file is 50.0 MB, over the limit of 5.0 MB",
    "huge_line.jsonl:2": "the line is 5.7 MB, over the limit of 5.0 MB",
}
"""Each bad item (``file:line`` in a ``.jsonl``) and words of its one error line."""


def _generate_big_items(folder: Path) -> None:
    """The items too big to commit: a 50 MB article, a .jsonl with a 5.7 MB line between two
    short ones, and an article naming Tal Abyad 10,000 times."""
    paragraph = ("Tal Abyad witnessed heavy clashes. " * 30 + "\n\n").encode()
    with (folder / "big_article.txt").open("wb") as handle:
        handle.write(b"Clashes near Tal Abyad\n\n")
        for _ in range(50 * 1024 * 1024 // len(paragraph)):
            handle.write(paragraph)
    lines = [
        {"text": "Turkish troops have already massed inside Syria ready to act and more were "
                 "heading to the border area.", "published": "2020-02-19"},
        {"text": "Tal Abyad " * 600_000, "published": "2019-10-14"},
        {"text": "Turkey even purchased the Russian-made S-400 anti-aircraft system.",
         "published": "2020-02-19"},
    ]
    (folder / "huge_line.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines),
                                            encoding="utf-8")
    (folder / "tal_abyad_10000.txt").write_text(
        "---\npublished: 2019-10-14\n---\nTal Abyad, again and again\n\n"
        + "Tal Abyad " * REPETITIONS + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The committed bad-input folder (README aside) plus the generated items."""
    folder = tmp_path_factory.mktemp("bad") / "batch"
    shutil.copytree(BAD, folder, ignore=shutil.ignore_patterns("README.md"))
    _generate_big_items(folder)
    return folder.resolve()


def _ingest(folder: Path, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != MAX_ARTICLE_ENV}
    return subprocess.run([sys.executable, "-m", "geo", "ingest", str(folder), "--db", str(db)],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=300,
                          check=False)


@pytest.fixture(scope="module")
def batch(corpus: Path, tmp_path_factory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The whole corpus ingested once, through the command line, and the store it filled."""
    db = tmp_path_factory.mktemp("store") / "bad.db"
    return _ingest(corpus, db), db


def _errors(run: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith("error: ")]


def _naming(errors: list[str], folder: Path, item: str) -> list[str]:
    """The error lines about ``item``: its path, then ``:`` or ``,`` (``item:2`` is not
    ``item:20``)."""
    pattern = re.compile(re.escape(f"{folder}/{item}") + "[:,]")
    return [line for line in errors if pattern.search(line)]


def _relative(path: str, folder: Path) -> str:
    """A stored path relative to ``folder`` (``file.jsonl:3`` keeps its line)."""
    return path.removeprefix(f"{folder}/")


# ------------------------------------------------------------------ the batch


def test_a_batch_with_bad_items_exits_1_and_names_each_bad_item_once_with_its_fix(
        batch, corpus: Path) -> None:
    run, _ = batch
    assert run.returncode == 1, run.stderr
    errors = _errors(run)
    for item, words in REFUSED.items():
        lines = _naming(errors, corpus, item)
        assert len(lines) == 1, (item, lines)
        assert words in lines[0] and "Fix:" in lines[0], lines[0]
    assert len(errors) == len(REFUSED), errors  # no error about a good item
    assert f"documents: {len(GOOD)} ({len(GOOD)} new, 0 unchanged" in run.stdout
    assert f"errors: {len(REFUSED)}" in run.stdout


def test_the_good_items_are_stored_and_nothing_of_the_bad_ones(batch, corpus: Path) -> None:
    _, db = batch
    with Store(db) as store:
        stored = {_relative(d["path"], corpus) for d in store.documents()}
        orphans = {table: store.db.execute(
            f"SELECT COUNT(*) FROM {table} WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
        ).fetchone()[0] for table in ("mentions", "claims")}
    assert stored == GOOD
    assert orphans == {"mentions": 0, "claims": 0}


def _body(db: Path, corpus: Path, item: str) -> str:
    with Store(db) as store:
        row = store.db.execute("SELECT body, title FROM documents WHERE path = ?",
                               (str(corpus / item),)).fetchone()
    return f"{row['title']}\n{row['body']}"


def test_stored_text_holds_no_control_invisible_or_bidi_characters(batch, corpus: Path) -> None:
    _, db = batch
    with Store(db) as store:
        texts = [r[0] for r in store.db.execute(
            "SELECT title || body || comments || source || url FROM documents")]
    hidden = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b\u200e\u200f\u202a-\u202e"
                        "\u2060\u2066-\u2069\ufeff\ud800-\udfff]")
    assert [hidden.findall(t) for t in texts if hidden.search(t)] == []
    text = _body(db, corpus, "control_characters.txt")
    assert "settlement of Anadan, which was then liberated" in text
    assert "the city of Haritan." in text and "[31m" not in text
    assert "militants in the area" in text  # the colour code is gone, not left as "[31m"


def test_the_names_hidden_by_invisible_characters_are_found(batch, corpus: Path) -> None:
    _, db = batch
    with Store(db) as store:
        doc_id = store.db.execute("SELECT doc_id FROM documents WHERE path = ?",
                                  (str(corpus / "control_characters.txt"),)).fetchone()[0]
        surfaces = {m["surface"] for m in store.mentions(doc_id)}
    assert {"Anadan", "Haritan"} <= surfaces


def test_script_and_iframe_content_never_reaches_the_store(batch, corpus: Path) -> None:
    _, db = batch
    text = _body(db, corpus, "script_and_iframe.html")
    assert "including Anadan and the city of Haritan" in text
    assert "thirteen cities and villages west of Aleppo" in text
    for marker in ("SCRIPT_IN_HEAD", "SCRIPT_IN_ARTICLE", "SCRIPT_AT_END", "IFRAME_FALLBACK",
                   "IFRAME_SRCDOC", "document.write", "fetch(", "alert("):
        assert marker not in text


def test_arabic_and_utf16_articles_are_stored_and_their_places_resolved(batch,
                                                                        corpus: Path) -> None:
    _, db = batch
    arabic = _body(db, corpus, "arabic_rtl.txt")
    assert "على بلدة رأس العين الحدودية في ريف الحسكة الشمالي" in arabic
    with Store(db) as store:
        by_path = {d["path"]: d["doc_id"] for d in store.documents()}
        arabic_places = {m["place_id"] for m in store.mentions(by_path[str(corpus /
                                                                        "arabic_rtl.txt")])}
        utf16_places = {m["surface"] for m in store.mentions(by_path[str(corpus /
                                                                       "utf16_with_bom.txt")])}
    assert arabic_places == {"syria:ras-al-ayn", "syria:al-hasakah"}
    assert "Raqqa" in utf16_places


def test_a_json_line_with_a_lone_surrogate_is_stored_with_a_replacement_character(
        batch, corpus: Path) -> None:
    _, db = batch
    text = _body(db, corpus, "feed_with_broken_lines.jsonl:4")
    assert text.endswith("had withdrawn from Ras al-Ayn.\ufffd")


def test_the_10000_repetition_article_is_stored_with_every_mention(batch, corpus: Path) -> None:
    _, db = batch
    with Store(db) as store:
        doc_id = store.db.execute("SELECT doc_id FROM documents WHERE path = ?",
                                  (str(corpus / "tal_abyad_10000.txt"),)).fetchone()[0]
        mentions = store.mentions(doc_id)
    assert len(mentions) == REPETITIONS + 1  # and once in the title
    assert {m["place_id"] for m in mentions} == {"syria:tell-abyad"}
    # a page without full stops is one "sentence": each mention keeps only the words around it
    assert max(len(m["sentence"]) for m in mentions) <= MAX_EVIDENCE_CHARS + 4


def test_ingesting_the_same_batch_again_changes_nothing(batch, corpus: Path) -> None:
    first, db = batch
    with Store(db) as store:
        before = (store.counts(), store.documents())
    again = _ingest(corpus, db)
    assert again.returncode == 1
    assert f"documents: {len(GOOD)} (0 new, {len(GOOD)} unchanged, 0 replaced)" in again.stdout
    assert _errors(again) == _errors(first)
    with Store(db) as store:
        assert (store.counts(), store.documents()) == before


# ------------------------------------------------------------------ the size limit


def test_a_50_mb_file_is_refused_with_the_limit_and_the_fix(corpus: Path, monkeypatch) -> None:
    monkeypatch.delenv(MAX_ARTICLE_ENV, raising=False)
    [failure] = read_file(corpus / "big_article.txt")
    assert isinstance(failure, IngestFailure)
    assert failure.message == (
        f"{corpus / 'big_article.txt'}: the file is 50.0 MB, over the limit of 5.0 MB for one "
        "article. Fix: split it into one file per article, or raise the limit (now 5): ingest "
        "--max-article-mb N, or FRONTLINE_MAX_ARTICLE_MB")


def test_a_file_over_the_limit_is_refused_without_being_read(tmp_path: Path,
                                                             monkeypatch) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Troops entered Saraqib. " * 100, encoding="utf-8")

    def no_reading(self: Path, *args, **kwargs):
        raise AssertionError(f"{self} was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    [failure] = read_file(path, manifest={}, max_bytes=1000)
    assert "the file is 2400 bytes, over the limit of 1000 bytes" in failure.message


def test_the_limit_can_be_raised_with_an_environment_variable(tmp_path: Path,
                                                              monkeypatch) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Army enters Saraqib\n\n" + "Syrian troops entered Saraqib. " * 100,
                    encoding="utf-8")
    monkeypatch.setenv(MAX_ARTICLE_ENV, "0.002")  # 2097 bytes
    [refused] = read_documents([path])
    assert "over the limit of 2097 bytes" in refused.message
    assert "raise the limit (now 0.002)" in refused.message
    monkeypatch.setenv(MAX_ARTICLE_ENV, "1")
    [document] = read_documents([path])
    assert "Saraqib" in document.body
    assert MAX_ARTICLE_BYTES == 5 * 1024 * 1024


def test_the_cli_limit_holds_in_every_worker(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(4):
        (folder / f"{i}.txt").write_text(f"Report {i}\n\n" + "Syrian troops entered Saraqib. "
                                         * (20 + 100 * (i % 2)), encoding="utf-8")
    for workers in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "geo", "ingest", str(folder), "--db",
             str(tmp_path / f"{workers}.db"), "--max-article-mb", "0.002", "--workers", workers],
            capture_output=True, text=True, timeout=120)
        assert done.returncode == 1, done.stderr
        assert "documents: 2 (2 new" in done.stdout
        assert done.stderr.count("over the limit of 2097 bytes") == 2


def test_a_cli_limit_that_is_not_a_size_is_refused(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "geo", "ingest", str(tmp_path), "--db",
                           str(tmp_path / "f.db"), "--max-article-mb", "-1"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "--max-article-mb is -1. Fix" in done.stderr


@pytest.mark.parametrize("value", ["five", "0", "-3", "inf", "nan"])
def test_a_size_limit_that_is_not_a_size_says_what_to_set(tmp_path: Path, monkeypatch,
                                                          value: str) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Troops entered Homs.", encoding="utf-8")
    monkeypatch.setenv(MAX_ARTICLE_ENV, value)
    with pytest.raises(FrontlineError, match=r"FRONTLINE_MAX_ARTICLE_MB is .* Fix: set it to a "
                                             r"positive number"):
        list(read_documents([path]))


def test_in_a_jsonl_the_limit_holds_for_each_line_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    short = json.dumps({"text": "The town of Ain Issa remains under the SDF control."})
    long = json.dumps({"text": "Ain Issa " * 200})
    path.write_text("\n".join([short] * 30 + [long] + [short.replace("Ain Issa", "Manbij")])
                    + "\n", encoding="utf-8")
    assert path.stat().st_size > 1000
    items = list(read_file(path, manifest={}, max_bytes=1000))
    failures = [i for i in items if isinstance(i, IngestFailure)]
    assert len(items) == 32 and [f.path for f in failures] == [f"{path}:31"]
    assert f"the line is {len(long) + 1} bytes, over the limit of 1000 bytes" in \
        failures[0].message
    assert "keep one article per line" in failures[0].message
    assert "Manbij" in items[-1].body  # the line after the long one is read


def test_an_empty_jsonl_is_reported_not_passed_over(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text("\n  \n", encoding="utf-8")
    [failure] = read_file(path, manifest={})
    assert failure.message.startswith(f"{path}: no JSON lines (the file is empty or blank). Fix:")


# ------------------------------------------------------------------ dates, encodings, text


def test_a_publication_date_in_the_future_is_refused_and_today_is_not(tmp_path: Path) -> None:
    def read(published: date) -> Document | IngestFailure:
        path = tmp_path / "a.md"
        path.write_text(f"---\npublished: {published}\n---\nTroops entered Homs.\n",
                        encoding="utf-8")
        return next(read_documents([path]))

    later = date.today() + timedelta(days=3)
    refused = read(later)
    assert refused.message == (
        f"{tmp_path / 'a.md'}: the publication date {later} is in the future (today is "
        f"{date.today()}). Fix: publication dates cannot be in the future; fix the date")
    assert read(date.today()).published == date.today()


def test_a_latin1_file_is_refused_with_the_byte_offset_and_the_fix() -> None:
    data = "Troops entered Homs.\nCaf\xe9 in Homs".encode("latin-1")
    with pytest.raises(FrontlineError) as refusal:
        decode(data, path="a.txt")
    assert str(refusal.value).startswith("a.txt: not UTF-8 (byte 0xE9 at offset 24, line 2)")
    assert str(refusal.value).endswith("Fix: re-save the file as UTF-8 (in most editors: Save As, "
                                       "Encoding: UTF-8)")


@pytest.mark.parametrize(("data", "looks"), [
    (b"%PDF-1.4\n", "looks like a PDF document"), (b"PK\x03\x04word", "looks like a ZIP"),
    (b"text\x00\x00more", "a NUL byte at offset 4"),
])
def test_binary_data_is_named_for_what_it_looks_like(data: bytes, looks: str) -> None:
    with pytest.raises(FrontlineError, match=re.escape(f"binary data ({looks}")):
        decode(data, path="a.txt")


def test_broken_utf16_is_refused_not_crashed_on() -> None:
    with pytest.raises(FrontlineError, match="broken UTF-16"):
        decode(b"\xff\xfeA\x00\x00\xd8", path="a.txt")  # a lone high surrogate


def test_control_characters_become_spaces_and_terminal_codes_vanish() -> None:
    assert clean_text("Troops\x01entered\x1b[31m Homs\x7f\x85today.\x0b") == \
        "Troops entered Homs  today. "
    assert clean_text("line\r\nend\rnext\u2028last\ttab") == "line\nend\nnext\nlast\ttab"


def test_bidi_overrides_and_zero_width_characters_are_removed() -> None:
    assert clean_text("\u202eAnadan\u202c and Ana\u200bdan, Hari\u00adtan\u2066!\u2069\ufeff") \
        == "Anadan and Anadan, Haritan!"
    assert clean_text("Ras al-Ayn.\ud800") == "Ras al-Ayn.\ufffd"


def test_arabic_text_is_kept_letter_for_letter() -> None:
    arabic = "سيطر الجيش التركي على بلدة رأس العين الحدودية في ريف الحسكة الشمالي"
    assert clean_text(arabic) == arabic
    # zero-width non-joiners shape Persian and Kurdish words: kept between their letters
    assert clean_text("می\u200cخواهم") == "می\u200cخواهم"
    assert clean_text("Tal\u200c Abyad\u200d") == "Tal Abyad"


def test_a_manifest_row_with_a_stray_comma_refuses_its_file_only(tmp_path: Path) -> None:
    (tmp_path / "manifest.csv").write_text(
        "file,published,title\nok.txt,2020-02-19\nbad.txt,2020-02-19,Russia, Turkey\n",
        encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Troops in Homs\n\nTroops entered Homs.", encoding="utf-8")
    (tmp_path / "bad.txt").write_text("Troops in Hama\n\nTroops entered Hama.", encoding="utf-8")
    ok, bad = read_documents([tmp_path / "ok.txt", tmp_path / "bad.txt"])
    assert ok.published == date(2020, 2, 19)
    assert bad.path == str(tmp_path / "bad.txt")
    assert bad.message.startswith(f"{tmp_path / 'manifest.csv'}, line 3: the row of 'bad.txt' "
                                  "has 4 cells but the header has 3")


def test_a_run_on_sentence_gives_the_words_around_the_name_as_evidence() -> None:
    text = "Tal Abyad " * 5000 + "Saraqib " + "Tal Abyad " * 5000
    evidence = sentence_at(text, text.index("Saraqib"))
    assert "Saraqib" in evidence and len(evidence) <= MAX_EVIDENCE_CHARS + 4
    assert evidence.startswith("… ") and evidence.endswith(" …")  # where it was cut
