"""Articles uploaded through the app are kept on disk and ingested with a default date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from geo.factions import load_factions
from geo.pipeline import ingest
from geo.store import Store
from geo.uploads import safe_name, save_uploads

ARTICLE = "Turkish-backed forces entered the town of Manbij on Monday.\n"


def test_uploaded_names_cannot_leave_their_folder_or_carry_markup() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\temp\\a.txt") == "a.txt"
    assert "<" not in safe_name("<img src=x onerror=alert(1)>.txt")
    assert safe_name("...") == "article.txt"


def test_uploads_are_saved_and_unknown_types_refused(tmp_path: Path) -> None:
    saved, refused = save_uploads([("a.txt", b"x"), ("a.txt", b"y"), ("b.exe", b"z")],
                                  tmp_path / "up")
    assert [p.name for p in saved] == ["a.txt", "a-1.txt"]
    assert [p.read_bytes() for p in saved] == [b"x", b"y"]
    assert len(refused) == 1 and "b.exe" in refused[0] and "Fix:" in refused[0]


def test_the_upload_date_fills_in_for_articles_without_one(tmp_path: Path, gazetteer) -> None:
    saved, _ = save_uploads([("manbij.txt", ARTICLE.encode()),
                             ("dated.md", f"---\npublished: 2019-10-15\n---\n{ARTICLE}"
                              "The town is near the Euphrates.\n".encode())],
                            tmp_path / "up")
    with Store(tmp_path / "f.db") as store:
        report = ingest(saved, store, gazetteer, load_factions(),
                        defaults={"published": "2020-03-04"})
        published = {Path(d["path"]).name: d["published"] for d in store.documents()}
        claims = store.claims()
    assert report.new == 2 and not report.failures
    assert published == {"manbij.txt": "2020-03-04", "dated.md": "2019-10-15"}
    # "on Monday" is resolved against each article's own date.
    days = {Path(c["path"]).name: c["event_date"] for c in claims}
    assert days == {"manbij.txt": date(2020, 3, 2).isoformat(),
                    "dated.md": date(2019, 10, 14).isoformat()}
