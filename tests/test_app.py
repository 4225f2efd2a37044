"""The Streamlit app as its script runs: metrics, tables and messages (Streamlit's AppTest).

AppTest runs ``app.py`` in this process, so environment variables set before ``.run()``
apply. ``corpus_layers`` is cached per corpus folder name: every test that needs its own
articles gives them a folder of its own.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "app.py"
MANBIJ_ARTICLE = "Turkish-backed forces entered the town of Manbij on Monday.\n"


@pytest.fixture(scope="session")
def app_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One gazetteer cache for every run of the app in this session."""
    return tmp_path_factory.mktemp("frontline-app-cache")


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, app_cache: Path) -> None:
    """Run the app from the repository with a scratch cache and data folder."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("FRONTLINE_CACHE", str(app_cache))
    monkeypatch.setenv("FRONTLINE_DATA", str(tmp_path / "data"))
    for name in ("FRONTLINE_CORPUS", "FRONTLINE_OVERRIDES", "FRONTLINE_THEATER"):
        monkeypatch.delenv(name, raising=False)


def run_app() -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def table_with(app: AppTest, column: str) -> pd.DataFrame:
    """The table (st.dataframe) that has ``column``."""
    for frame in app.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column: "
                         f"{[list(f.value.columns) for f in app.dataframe]}")


@pytest.fixture
def seed_app(app_env: None) -> AppTest:
    """The app on its default corpus, the seed articles."""
    return run_app()


def test_app_opens_on_the_seed_articles_without_error(seed_app: AppTest) -> None:
    assert seed_app.title[0].value == "frontline"
    assert not seed_app.error
    assert "seeds" in seed_app.caption[0].value


def test_metrics_count_five_articles_and_three_unresolved_names(seed_app: AppTest) -> None:
    shown = metrics(seed_app)
    assert shown["Articles"] == "5"
    assert shown["Unresolved names"] == "3"


def test_unresolved_table_lists_names_not_in_the_gazetteer(seed_app: AppTest) -> None:
    unresolved = table_with(seed_app, "evidence")
    assert set(unresolved["name"]) == {"Jehbel", "al-Mushairfeh", "Sharakrak silos"}


def test_places_table_lists_seed_places(seed_app: AppTest) -> None:
    places = table_with(seed_app, "lat")
    assert {"Ayn Issa", "Ras al-Ayn"} <= set(places["name"])
    assert int(metrics(seed_app)["Places"]) == int((~places["kind"].isin(
        ["governorate", "corridor"])).sum())


def test_bad_file_is_reported_and_good_article_still_mapped(
        app_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    corpus = tmp_path / "mixed-corpus"
    corpus.mkdir()
    (corpus / "manbij.txt").write_text(MANBIJ_ARTICLE, encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01garbage\x00")
    monkeypatch.setenv("FRONTLINE_CORPUS", str(corpus))
    app = run_app()
    errors = [error.value for error in app.error]
    assert len(errors) == 1, errors
    assert "bad.txt" in errors[0] and "binary data" in errors[0]
    assert metrics(app)["Articles"] == "1"
    assert "Manbij" in set(table_with(app, "lat")["name"])


def test_missing_corpus_folder_is_reported(
        app_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    monkeypatch.setenv("FRONTLINE_CORPUS", str(missing))
    app = run_app()
    assert [error.value for error in app.error] == [
        f"{missing}: no such file or folder. Fix: check the path."]
    assert metrics(app)["Articles"] == "0"


def test_claims_table_shows_who_holds_what_with_evidence(seed_app: AppTest) -> None:
    claims = table_with(seed_app, "controller")
    ras = claims[(claims["place"] == "Ras al-Ayn") & (claims["action"] == "capture")]
    assert set(ras["controller"]) == {"TURKEY"}
    negated = claims[claims["flags"].str.contains("negated")]
    assert set(negated["place"]) == {"Ayn Issa"}
    assert any("remains under the SDF control" in e for e in claims["evidence"])
