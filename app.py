"""frontline map: ``streamlit run app.py``. A thin shell over the ``geo`` package.

The store (``FRONTLINE_DB``, default ``data/frontline.db``) is what the map shows; an empty
store is first filled from ``FRONTLINE_CORPUS`` (default: ``seeds`` and the annotated corpus
``corpus/syria/articles``; several folders separated by ``:``).
"""

from __future__ import annotations

import gc
import os
from datetime import date
from pathlib import Path

import altair as alt
import pandas as pd
import pydeck as pdk
import streamlit as st

from geo import settings
from geo.errors import FrontlineError
from geo.export import snapshot_zip
from geo.factions import Factions, load_factions
from geo.gazetteer import Gazetteer, load_gazetteer
from geo.htmlmap import snapshot_html
from geo.layers import War, layers_on, load_war, summary
from geo.legend import figures_html
from geo.mapview import ONLINE_BASEMAP, WAR_LAYERS, build_war_deck, hex_colour
from geo.panels import (
    CLAIM_STATUSES,
    area_history,
    changes_between,
    claims_table,
    corridor_figures,
    faction_figures,
    place_history,
)
from geo.pipeline import ingest
from geo.review import accept, find, review_rows
from geo.safe_text import markdown_text
from geo.staticmap import png_bytes
from geo.store import Store, default_path
from geo.theater import load_theater
from geo.uploads import save_uploads
from geo.viewstate import (
    MODES,
    SPEEDS,
    View,
    parse_view,
    previous_step,
    step,
    timeline,
    view_query,
)

st.set_page_config(page_title="frontline", page_icon="🗺️", layout="wide")

CORPUS = settings.corpus_folders()
DB = str(default_path())
UPLOAD_TYPES = ["txt", "md", "html", "htm", "jsonl"]
PANELS = ["Changed hands", "Claims", "Corridors", "Control history", "Download"]  # under the map


def overrides_stamp() -> float:
    """When the analyst overrides CSV last changed (0 when there is none)."""
    path = settings.overrides_csv()
    return path.stat().st_mtime if path.is_file() else 0.0


@st.cache_resource(max_entries=2)
def gazetteer(overrides: float = 0.0) -> Gazetteer:
    """The offline gazetteer with the analyst's overrides (reloaded when they change)."""
    return load_gazetteer()


@st.cache_resource
def factions() -> Factions:
    """The theater's factions."""
    return load_factions()


def store_stamp(db: str) -> tuple:
    """What the store holds now (the cache key of everything read from it)."""
    with Store(db) as store:
        return store.stamp()


@st.cache_resource(max_entries=2)
def war(db: str, stamp: tuple, overrides: float) -> War:
    """Claims, baseline and overrides of the store; layers are cached per date inside."""
    gc.unfreeze()  # the War this one replaces becomes collectable again
    with Store(db) as store:
        loaded = load_war(store, gazetteer(overrides), factions(), load_theater())
    # Streamlit collects garbage after every run (runner.postScriptGC); over the modules and
    # the War that full collection took ~75 ms of each date change. They live as long as the
    # War does, so they are frozen out of it (collections then take < 1 ms).
    gc.collect()
    gc.freeze()
    return loaded


@st.cache_data(max_entries=256, show_spinner=False)
def date_tables(db: str, stamp: tuple, overrides: float, day: date, before: date | None
                ) -> dict[str, pd.DataFrame]:
    """The figures and tables of a date (pure functions of the store; cached per date)."""
    current = war(db, stamp, overrides)
    return {"factions": faction_figures(current, day, before),
            "corridors": corridor_figures(current, day),
            "changes": changes_between(current, before, day)}


@st.cache_resource(max_entries=32, show_spinner=False)
def war_deck(db: str, stamp: tuple, overrides: float, day: date, show: tuple[str, ...],
             before: date | None, place: tuple[float, float, float | None] | None,
             online: bool) -> pdk.Deck:
    """The map of a date (built once per date and view; st.pydeck_chart only reads it).
    Fewer entries than the tables: a map carries every tooltip, MBs on a big corpus."""
    current = war(db, stamp, overrides)
    lat, lon, zoom = place if place else (None, None, None)
    # st.pydeck_chart escapes tooltip values itself (see geo.mapview.build_deck).
    return build_war_deck(layers_on(current, day), current.theater, current.factions,
                          show=show, claims_since=before.isoformat() if before else None,
                          view=(pdk.ViewState(latitude=lat, longitude=lon, zoom=zoom or 8)
                                if place else None),
                          basemap=ONLINE_BASEMAP if online else None, escape_tooltips=False,
                          places_id=places_layer(day))


def places_layer(day: date) -> str:
    """The id of the places layer on ``day``'s map: one per date, so a click on one date's
    map is never carried to the place at the same position in another date's data."""
    return f"places {day.isoformat()}"


def run_ingest(paths: list[Path], slot, defaults: dict[str, str] | None = None) -> None:
    """Ingest files into the store with a progress bar in ``slot``; report what failed."""
    bar = slot.progress(0.0, text="Reading the articles…")

    def progress(done: int, total: int, path: str) -> None:
        bar.progress(min(1.0, done / max(total, 1)),
                     text=f"{done}/{total}: {Path(path.split(':')[0]).name}")

    with Store(DB) as store:
        report = ingest(paths, store, gazetteer(overrides_stamp()), factions(),
                        progress=progress,
                        defaults=defaults)
    bar.empty()
    st.session_state["ingest_report"] = (
        f"{report.documents} articles read ({report.new} new, {report.replaced} replaced, "
        f"{report.unchanged} unchanged), {report.claims} claims, "
        f"{len(report.unresolved)} unresolved names",
        [f.message for f in report.failures] + report.date_errors)


# ------------------------------------------------------------------ data
# One slot on every run, so the elements after it keep their place (and the map is never
# remounted) whether or not this run ingests.
slot = st.empty()
if store_stamp(DB)[0] == 0:
    folders = [folder for folder in CORPUS if folder.is_dir()]
    for missing in (folder for folder in CORPUS if folder not in folders):
        st.warning(f"`{missing}`: no such folder to read articles from. Fix: set "
                   "FRONTLINE_CORPUS to folders of articles (separated by `:`), or add "
                   "articles in the sidebar.")
    if folders:
        run_ingest(folders, slot)
stamp = store_stamp(DB)
WAR = war(DB, stamp, overrides_stamp())
theater = WAR.theater

st.title("frontline")
with st.sidebar:
    st.header("View")
    mode = st.radio("Steps", MODES, key="mode", horizontal=True,
                    format_func=lambda m: {"claims": "claim dates", "daily": "every day"}[m])
    speed = st.select_slider("Play speed", list(SPEEDS), value="normal", key="speed")
    steps = timeline(WAR.dates(), mode)
    if "view" not in st.session_state and steps:
        st.session_state["view"] = parse_view(st.query_params.to_dict(), steps)
    shown = st.multiselect("Layers", WAR_LAYERS, key="layers",
                           default=list(st.session_state["view"].layers) if steps else
                           list(WAR_LAYERS))
    online = st.checkbox("Tile basemap (needs internet)", key="basemap",
                         help="Off, the map draws offline on the theater outline.")
    st.header("Add articles")
    with st.form("upload", clear_on_submit=True):
        files = st.file_uploader("Articles (.txt, .md, .html, .jsonl)", type=UPLOAD_TYPES,
                                 accept_multiple_files=True)
        published = st.date_input("Publication date (for files that give none)", value=None)
        if st.form_submit_button("Ingest") and files:
            saved, refused = save_uploads([(f.name, f.getvalue()) for f in files])
            run_ingest(saved, st.empty(),
                       {"published": published.isoformat()} if published else None)
            if refused:
                st.session_state["ingest_report"] = (
                    st.session_state["ingest_report"][0],
                    refused + st.session_state["ingest_report"][1])
            st.rerun()
    if "ingest_report" in st.session_state:
        done, problems = st.session_state["ingest_report"]
        st.success(done)
        for problem in problems:  # may quote an article: shown as text, not as Markdown
            st.error(markdown_text(problem))
    st.caption(f"Store `{DB}`: {stamp[0]} articles, {stamp[2]} claims.")

if not steps:
    st.info(f"No dated claims yet. Add articles in the sidebar, or put some in "
            f"`{os.pathsep.join(map(str, CORPUS))}` and restart.")
    st.stop()


def _play(playing: bool) -> None:
    st.session_state["playing"] = playing
    if playing and st.session_state.get("_shown_day") == steps[-1]:
        st.session_state["_restart"] = True  # play again from the first date


playing = bool(st.session_state.get("playing"))


def _pick_day() -> date:
    """The date to show in this run: moved by the user, stepped by the player, or kept."""
    view: View = st.session_state["view"]
    day = view.day if view.day in steps else step(steps, min(view.day, steps[-1]), 0)
    if st.session_state.pop("_restart", False):
        return steps[0]
    shown = st.session_state.get("_shown_day")
    moved = st.session_state.get("day_slider")
    # While playing, a tick can arrive carrying the slider's value from before the app
    # moved it (the browser had not drawn the new one yet): that is not the user moving it.
    stale = st.session_state.get("playing") and moved == st.session_state.get("_shown_before")
    if moved is not None and moved in steps and moved != shown and not stale:
        return moved  # the user moved the slider
    if st.session_state.get("playing") and shown == day:
        return step(steps, day, 1)  # a tick of the player
    return day


@st.fragment(run_every=SPEEDS[speed] if playing else None)
def war_on_a_date() -> None:
    """The map, the date controls and everything that depends on the date (reruns alone)."""
    if bool(st.session_state.get("playing")) != playing:
        st.rerun()  # play/pause changes the fragment's timer: rerun the whole app
    day = _pick_day()
    if st.session_state.get("playing") and day == steps[-1]:
        st.session_state["playing"] = False  # the last date: stop after showing it
    back, play, forward, slider = st.columns([1, 1, 1, 9], vertical_alignment="bottom")
    if back.button("", icon=":material/chevron_left:", key="back", help="previous step",
                   width="stretch"):
        day = step(steps, day, -1)
    if forward.button("", icon=":material/chevron_right:", key="forward", help="next step",
                      width="stretch"):
        day = step(steps, day, 1)
    if st.session_state.get("playing"):
        play.button("", icon=":material/pause:", key="pause", on_click=_play,
                    args=(False,), width="stretch")
    else:
        play.button("", icon=":material/play_arrow:", key="play",
                    on_click=_play, args=(True,), width="stretch")
    st.session_state["day_slider"] = day
    day = slider.select_slider("Date", options=steps, key="day_slider",
                               format_func=date.isoformat)
    if day != st.session_state.get("_shown_day"):
        st.session_state["_shown_before"] = st.session_state.get("_shown_day")
    st.session_state["_shown_day"] = day
    view = st.session_state["view"]
    view = View(day=day, layers=tuple(n for n in WAR_LAYERS if n in shown), mode=mode,
                lat=view.lat, lon=view.lon, zoom=view.zoom)
    st.session_state["view"] = view
    st.query_params.from_dict(view_query(view))

    layers = layers_on(WAR, day)
    before = previous_step(steps, day)
    place = ((view.lat, view.lon, view.zoom) if view.lat is not None and view.lon is not None
             else None)
    deck = war_deck(DB, stamp, overrides_stamp(), day, view.layers, before, place, online)
    event = st.pydeck_chart(deck, height=600, key="map", on_select="rerun",
                            selection_mode="single-object")
    if theater.credit:
        st.caption(theater.credit)
    picked = (event.selection.get("objects", {}).get(places_layer(day)) or []
              if event else [])
    picked_id = picked[0].get("place_id") if picked else None
    if picked_id and picked_id != st.session_state.get("_picked"):  # a new click
        st.session_state["place"] = picked_id
        st.session_state["panel"] = "Control history"  # show what the click asked for
    st.session_state["_picked"] = picked_id

    tables = date_tables(DB, stamp, overrides_stamp(), day, before)
    st.subheader(f"{day.isoformat()}" + (f" (since {before.isoformat()})" if before else ""))
    st.markdown(figures_html(tables["factions"], WAR.factions, list(WAR.corridors["ref"]),
                             theater.fire_range_km), unsafe_allow_html=True)
    # Only the open panel runs and is sent: a date change redraws the map, the figures
    # and one panel, not every table.
    changes, claims, corridors, history, downloads = st.tabs(
        PANELS, key="panel", on_change="rerun")
    if changes.open:
        changes.dataframe(tables["changes"], hide_index=True, width="stretch",
                          column_config={"source": st.column_config.LinkColumn("source")})
    if claims.open:
        with claims:
            claims_panel(day)
    if corridors.open:
        corridors.dataframe(tables["corridors"], hide_index=True, width="stretch",
                            column_config={"share": st.column_config.ProgressColumn(
                                "share", format="percent", min_value=0.0, max_value=1.0)})
    if history.open:
        with history:
            history_panel(st.session_state.get("place"))
    if downloads.open:
        with downloads:
            downloads_panel(layers, day)


def claims_panel(day: date) -> None:
    """The claims up to ``day``, filterable by place, controller and status."""
    st.caption("Who holds which place, since when, on what evidence, up to the selected date. "
               "Negated claims (failed, prevented, refused) never change control; hedged ones are "
               "reported, not confirmed.")
    f1, f2, f3 = st.columns(3)
    place_filter = f1.text_input("Place (any spelling part)", key="claim_place")
    faction_filter = f2.multiselect("Controller", [f.code for f in WAR.factions],
                                    key="claim_factions")
    status_filter = f3.multiselect("Status", CLAIM_STATUSES, key="claim_statuses")
    st.dataframe(claims_table(WAR, day, place=place_filter,
                              factions=faction_filter, statuses=status_filter),
                 hide_index=True, width="stretch",
                 column_config={"source": st.column_config.LinkColumn("source")})


def history_panel(place_id: str | None) -> None:
    """The control history of the place last clicked on the map."""
    if not place_id:
        st.caption("Click a place on the map to see every piece of evidence on it.")
        return
    place = WAR.gazetteer.places.get(place_id)
    name = place.name if place else WAR.extra_places.get(place_id, (place_id,))[0]
    st.markdown(f"**Control history of {markdown_text(name)}** (click another place to "
                "change)")
    st.dataframe(place_history(WAR, place_id), hide_index=True, width="stretch",
                 column_config={"source": st.column_config.LinkColumn("source")})


def downloads_panel(layers: dict, day: date) -> None:
    """The date as GeoJSON layers (zip), an offline HTML map and a PNG map."""
    about = summary(WAR, layers, day)
    documents = [d["file"] for d in about["documents"]]
    d1, d2, d3 = st.columns(3)
    d1.download_button(
        "Download this date (GeoJSON layers, zip)", key="download_zip",
        data=lambda: snapshot_zip(layers, about),
        file_name=f"frontline-{day.isoformat()}.zip", mime="application/zip",
        on_click="ignore")
    d2.download_button(
        "Download this date as an offline HTML map", key="download_html",
        data=lambda: snapshot_html(layers, theater, WAR.factions, day, documents=documents),
        file_name=f"frontline-{day.isoformat()}.html", mime="text/html", on_click="ignore")
    d3.download_button(
        "Download this date as a PNG map", key="download_png",
        data=lambda: png_bytes(layers, theater, WAR.factions, day, documents=documents),
        file_name=f"frontline-{day.isoformat()}.png", mime="image/png", on_click="ignore")

war_on_a_date()

st.subheader("Area per faction over time (km²)")
history = area_history(WAR)
if len(history):
    # Control holds from one claim date to the next: a step line, never a slope.
    codes = [str(c) for c in history.columns]
    long = history.reset_index().melt(id_vars="date", var_name="faction", value_name="km²")
    st.altair_chart(
        alt.Chart(long, height=260).mark_line(interpolate="step-after").encode(
            x=alt.X("date:T", title=None), y=alt.Y("km²:Q"),
            color=alt.Color("faction:N", scale=alt.Scale(
                domain=codes, range=[hex_colour(WAR.factions, c) for c in codes])),
            tooltip=["date:T", "faction:N", "km²:Q"]),
        width="stretch")

st.subheader("Places to review")
st.caption("Named in the articles but in no gazetteer. Approximate ones are placed from what "
           "the articles say about them (precision 2: a point and an uncertainty radius; 3: a "
           "region only) and drawn hollow; unresolved ones are not on the map, never guessed. "
           "Adding coordinates with a source makes a place exact everywhere.")
rows = review_rows(WAR)
st.dataframe(pd.DataFrame(rows, columns=["name", "status", "kind", "precision", "lat", "lon",
                                         "radius_km", "claims", "reason", "named_as",
                                         "files"]),
             hide_index=True, width="stretch")
if rows:
    with st.form("place_it", clear_on_submit=True):
        st.markdown("**Add coordinates**")
        pick = st.selectbox("Place", [r["name"] for r in rows], key="review_name")
        c1, c2, c3 = st.columns(3)
        lat = c1.number_input("Latitude", value=None, format="%.6f", key="review_lat")
        lon = c2.number_input("Longitude", value=None, format="%.6f", key="review_lon")
        use_estimate = c3.checkbox("Use the estimate from the text", key="review_estimate")
        source = st.text_input("Source (the page the coordinates come from)",
                               key="review_source")
        author = st.text_input("Your name", key="review_author")
        if st.form_submit_button("Save to the overrides"):
            try:
                written = accept(find(rows, pick), theater, lat=lat, lon=lon,
                                 source_url=source, from_estimate=use_estimate, author=author)
            except FrontlineError as exc:
                st.error(str(exc))
            else:
                st.session_state["review_done"] = (
                    f"{written['name']} placed at {written['lat']}, {written['lon']}.")
                st.rerun()
if "review_done" in st.session_state:
    st.success(st.session_state.pop("review_done"))
