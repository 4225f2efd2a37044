"""The Streamlit app as its script runs: widgets, state and tables (Streamlit's AppTest).

AppTest runs ``app.py`` in this process, so environment variables set before ``.run()``
apply. Every test gets its own data folder, hence its own store, which the app fills from
``FRONTLINE_CORPUS`` (here the seed articles) on its first run.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from figures_support import figure_rows
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "app.py"
MANBIJ_ARTICLE = "Turkish-backed forces entered the town of Manbij on Monday.\n"
SEED_DATES = [date(2019, 10, 13), date(2019, 10, 20), date(2019, 11, 17), date(2019, 11, 19),
              date(2019, 11, 20), date(2020, 2, 10), date(2020, 2, 16), date(2020, 12, 18),
              date(2020, 12, 24), date(2020, 12, 25)]


@pytest.fixture(scope="session")
def app_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One gazetteer cache for every run of the app in this session."""
    return tmp_path_factory.mktemp("frontline-app-cache")


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, app_cache: Path) -> None:
    """Run the app from the repository with a scratch cache and data folder (a new store),
    filled from the seed articles."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("FRONTLINE_CACHE", str(app_cache))
    monkeypatch.setenv("FRONTLINE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("FRONTLINE_CORPUS", "seeds")
    for name in ("FRONTLINE_OVERRIDES", "FRONTLINE_THEATER", "FRONTLINE_DB"):
        monkeypatch.delenv(name, raising=False)


def run_app(query: dict[str, str] | None = None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=90)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def figures(app: AppTest) -> dict[str, list[str]]:
    """Faction label (without its code) -> its cells: area, places, km of M4 and M5."""
    block = next(m.value for m in app.markdown if "data-faction" in m.value)
    rows = figure_rows(block).rows.values()
    return {label.rsplit(" (", 1)[0]: cells for label, *cells in rows}


def factions_shown(app: AppTest) -> set[str]:
    """The factions with figures on the shown date."""
    return set(figures(app))


def open_panel(app: AppTest, name: str) -> AppTest:
    """Open one of the tabs under the map (what a click on the tab does), and rerun."""
    app.session_state["panel"] = name
    return app.run()


def date_slider(app: AppTest):
    """The date slider (its key changes whenever the app sets the date itself)."""
    return next(s for s in app.select_slider if s.label == "Date")


def shown_day(app: AppTest) -> date:
    return date_slider(app).value


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


def test_app_opens_on_the_last_seed_date_without_error(seed_app: AppTest) -> None:
    assert seed_app.title[0].value == "frontline"
    assert not seed_app.error
    assert shown_day(seed_app) == date(2020, 12, 25)
    assert "5 articles" in " ".join(c.value for c in seed_app.sidebar.caption)
    assert factions_shown(seed_app) == {"Syrian government", "SDF (Kurdish-led)",
                                      "Turkey and Turkish-backed factions"}


def test_date_slider_steps_through_the_claim_dates(seed_app: AppTest) -> None:
    slider = date_slider(seed_app)
    assert [date.fromisoformat(o) for o in slider.options] == SEED_DATES
    slider.set_value(date(2019, 10, 20)).run()
    assert shown_day(seed_app) == date(2019, 10, 20)
    assert factions_shown(seed_app) == {"Turkey and Turkish-backed factions"}
    assert seed_app.query_params["date"] == "2019-10-20"


def test_back_and_forward_buttons_move_one_date(seed_app: AppTest) -> None:
    seed_app.button(key="back").click().run()
    assert shown_day(seed_app) == date(2020, 12, 24)
    seed_app.button(key="back").click().run()
    seed_app.button(key="forward").click().run()
    assert shown_day(seed_app) == date(2020, 12, 24)
    seed_app.button(key="forward").click().run()
    seed_app.button(key="forward").click().run()
    assert shown_day(seed_app) == date(2020, 12, 25)  # stops at the last date


def test_area_change_since_the_previous_date_is_shown(seed_app: AppTest) -> None:
    date_slider(seed_app).set_value(date(2020, 2, 16)).run()
    area, places, *_ = figures(seed_app)["Syrian government"]
    assert "(+" in area and places == "2 (+2)"  # Anadan and Haritan were taken that day
    changes = table_with(seed_app, "from")
    assert {"Anadan", "Haritan"} <= set(changes["place"])


def test_play_advances_the_date_and_pause_stops(seed_app: AppTest) -> None:
    date_slider(seed_app).set_value(date(2019, 11, 17)).run()
    seed_app.button(key="play").click().run()
    assert seed_app.session_state["playing"] is True
    assert shown_day(seed_app) == date(2019, 11, 19)
    assert [b.key for b in seed_app.button if b.key in ("play", "pause")] == ["pause"]
    seed_app.button(key="pause").click().run()
    assert seed_app.session_state["playing"] is False
    stopped = shown_day(seed_app)
    seed_app.run()
    assert shown_day(seed_app) == stopped


def test_play_on_the_last_date_starts_again_from_the_first(seed_app: AppTest) -> None:
    seed_app.button(key="play").click().run()
    assert shown_day(seed_app) in SEED_DATES[:2]


def test_daily_mode_steps_every_day(seed_app: AppTest) -> None:
    seed_app.radio(key="mode").set_value("daily").run()
    options = date_slider(seed_app).options
    assert len(options) == (SEED_DATES[-1] - SEED_DATES[0]).days + 1
    date_slider(seed_app).set_value(date(2020, 6, 1)).run()
    assert shown_day(seed_app) == date(2020, 6, 1)
    assert seed_app.query_params["mode"] == "daily"


def test_a_shared_url_opens_its_date_and_layers(app_env: None) -> None:
    app = run_app({"date": "2019-11-18", "layers": "areas,places", "mode": "claims"})
    assert shown_day(app) == date(2019, 11, 17)  # the claim date on or before the one asked
    assert app.multiselect(key="layers").value == ["areas", "places"]
    assert app.query_params["layers"] == "areas,places"


def test_a_broken_url_falls_back_to_the_default_view(app_env: None) -> None:
    app = run_app({"date": "not-a-date", "layers": "<script>", "zoom": "x"})
    assert shown_day(app) == date(2020, 12, 25)
    assert app.multiselect(key="layers").value == []


def test_claims_table_filters_by_place_faction_and_status(seed_app: AppTest) -> None:
    open_panel(seed_app, "Claims")
    claims = table_with(seed_app, "confidence")
    assert {"Ras al-Ayn", "Ayn Issa"} <= set(claims["place"])
    seed_app.text_input(key="claim_place").input("ain issa").run()
    assert set(table_with(seed_app, "confidence")["place"]) == {"Ayn Issa"}
    seed_app.multiselect(key="claim_statuses").set_value(["negated"]).run()
    negated = table_with(seed_app, "confidence")
    assert set(negated["status"]) == {"negated"} and len(negated) >= 1
    seed_app.text_input(key="claim_place").input("").run()
    seed_app.multiselect(key="claim_statuses").set_value([]).run()
    seed_app.multiselect(key="claim_factions").set_value(["TURKEY"]).run()
    assert set(table_with(seed_app, "confidence")["controller"]) == {"TURKEY"}


def test_claims_table_lists_only_claims_up_to_the_date(seed_app: AppTest) -> None:
    open_panel(seed_app, "Claims")
    date_slider(seed_app).set_value(date(2019, 10, 20)).run()  # the panel stays open
    claims = table_with(seed_app, "confidence")
    assert all(d <= "2019-10-20" for d in claims["date"])
    assert "remains under the SDF control" not in " ".join(claims["evidence"])


def test_only_the_open_panel_under_the_map_is_computed(seed_app: AppTest) -> None:
    assert [tab.label for tab in seed_app.tabs] == ["Changed hands", "Claims", "Corridors",
                                                    "Control history", "Download"]

    def columns() -> set[str]:
        return {c for frame in seed_app.dataframe for c in frame.value.columns}

    assert "from" in columns() and "confidence" not in columns()  # changed hands: default
    assert not seed_app.get("download_button")
    open_panel(seed_app, "Claims")
    assert "confidence" in columns() and "from" not in columns()
    open_panel(seed_app, "Download")
    assert len(seed_app.get("download_button")) == 3
    assert "confidence" not in columns()


def test_corridor_table_shows_km_per_holder(seed_app: AppTest) -> None:
    corridors = table_with(open_panel(seed_app, "Corridors"), "under fire km")
    m4 = corridors[corridors["corridor"] == "M4"].set_index("holder")
    assert m4.loc["SDF", "km"] > 5 and m4.loc["unknown", "km"] > 500


def test_clicked_place_shows_its_control_history(seed_app: AppTest) -> None:
    seed_app.session_state["place"] = "syria:ayn-issa"  # what a click on the map stores
    open_panel(seed_app, "Control history")
    assert any("Control history of Ayn Issa" in m.value for m in seed_app.markdown)
    history = table_with(seed_app, "holder after")
    assert "SDF" in set(history["holder after"])
    assert list(history["date"]) == sorted(history["date"])


def test_review_table_lists_the_places_no_gazetteer_knows(seed_app: AppTest) -> None:
    review = table_with(seed_app, "radius_km")
    assert set(review["name"]) == {"Jehbel", "Sharakrak silos"}
    assert set(review["status"]) == {"approximate"}


def test_adding_coordinates_from_the_estimate_places_it_exactly(seed_app: AppTest) -> None:
    seed_app.selectbox(key="review_name").set_value("Jehbel")
    seed_app.checkbox(key="review_estimate").check()
    seed_app.text_input(key="review_author").input("analyst A")
    seed_app.button(key="FormSubmitter:place_it-Save to the overrides").click().run()
    assert not seed_app.exception, [e.value for e in seed_app.exception]
    assert any("Jehbel placed at" in s.value for s in seed_app.success)
    assert "Jehbel" not in set(table_with(seed_app, "radius_km")["name"])


def test_bad_file_is_reported_and_the_good_article_still_mapped(
        app_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    corpus = tmp_path / "mixed-corpus"
    corpus.mkdir()
    monday = date(2019, 10, 14)
    (corpus / "manbij.md").write_text(f"---\npublished: {monday + timedelta(days=1)}\n---\n"
                                      + MANBIJ_ARTICLE, encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01garbage\x00")
    monkeypatch.setenv("FRONTLINE_CORPUS", str(corpus))
    app = run_app()
    errors = [error.value for error in app.error]
    assert len(errors) == 1 and "bad.txt" in errors[0] and "binary data" in errors[0], errors
    assert shown_day(app) == monday
    assert factions_shown(app) == {"Turkey and Turkish-backed factions"}


def test_missing_corpus_folder_is_reported(
        app_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    monkeypatch.setenv("FRONTLINE_CORPUS", str(missing))
    app = run_app()
    assert any(str(missing) in w.value and "FRONTLINE_CORPUS" in w.value for w in app.warning)
    assert any("No dated claims yet" in i.value for i in app.info)


def test_a_new_user_sees_the_seeds_and_the_corpus(
        app_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # FRONTLINE_CORPUS unset: the default is the seed articles and corpus/syria/articles.
    monkeypatch.delenv("FRONTLINE_CORPUS")
    manifests = [REPO / "seeds" / "manifest.csv", REPO / "corpus" / "syria" / "articles" /
                 "manifest.csv"]
    articles = sum(len(m.read_text(encoding="utf-8").strip().splitlines()) - 1
                   for m in manifests)
    app = run_app()
    assert any(f": {articles} articles," in c.value for c in app.caption), \
        [c.value for c in app.caption]
    assert not app.error, [e.value for e in app.error]
    assert len(factions_shown(app)) >= 2


def test_several_corpus_folders_are_read_and_a_missing_one_named(
        app_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "not-here"
    monkeypatch.setenv("FRONTLINE_CORPUS", f"seeds:{missing}")
    app = run_app()
    assert any(str(missing) in w.value for w in app.warning)
    assert any(": 5 articles," in c.value for c in app.caption)
