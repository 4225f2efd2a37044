"""frontline map: ``streamlit run app.py``. A thin shell over the ``geo`` package."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.claims import extract_claims
from geo.export import feature_collection
from geo.factions import Factions, load_factions
from geo.gazetteer import Gazetteer, load_gazetteer
from geo.mapview import build_deck, legend_html
from geo.places import geocode_corpus, places_frame
from geo.theater import load_theater

st.set_page_config(page_title="frontline", page_icon="🗺️", layout="wide")

CORPUS = os.environ.get("FRONTLINE_CORPUS", "seeds")


@st.cache_resource
def gazetteer() -> Gazetteer:
    """The offline gazetteer, loaded once per server."""
    return load_gazetteer()


@st.cache_resource
def factions() -> Factions:
    """The theater's factions."""
    return load_factions()


@st.cache_data(show_spinner="Reading the articles…")
def corpus_layers(corpus: str) -> dict:
    """Places and control claims of a corpus folder as plain data (cached per folder)."""
    places = geocode_corpus([Path(corpus)], gazetteer())
    frame = places_frame(places.resolved, gazetteer())
    claims = [
        {"date": c.event_date, "place": c.place_name, "controller": c.controller or "",
         "action": c.action,
         "flags": " ".join(f for f, on in (("hedged", c.hedged), ("negated", c.negated),
                                           ("near", c.near_place)) if on),
         "evidence": c.evidence, "file": Path(document.path).name, "source": document.url}
        for document, mentions in places.results
        for c in extract_claims(document, mentions, factions())
    ]
    unresolved = [{"name": r.name, "kind": r.kind, "named as": "; ".join(r.surfaces),
                   "files": "; ".join(dict.fromkeys(Path(o.path).name for o in r.occurrences)),
                   "evidence": r.occurrences[0].sentence} for r in places.unresolved]
    return {"frame": frame, "documents": len(places.results), "unresolved": unresolved,
            "claims": sorted(claims, key=lambda c: (str(c["date"]), c["place"])),
            "failures": [f.message for f in places.failures]}


data = corpus_layers(CORPUS)
frame = data["frame"]
theater = load_theater()

st.title("frontline")
st.caption(f"Places named in the articles of `{CORPUS}` ({theater.name} theater). "
           "Hover a place for the names used and the articles that name it.")
cols = st.columns(4)
cols[0].metric("Articles", data["documents"])
cols[1].metric("Places", int((~frame["kind"].isin(["governorate", "corridor"])).sum()))
cols[2].metric("Areas and corridors", int(frame["kind"].isin(["governorate", "corridor"]).sum()))
cols[3].metric("Unresolved names", len(data["unresolved"]))

if data["documents"] == 0 and not data["failures"]:
    st.warning(f"No articles in `{CORPUS}`. Put .txt, .md, .html or .jsonl files there, or set "
               "FRONTLINE_CORPUS to a folder that has some.")
for message in data["failures"]:
    st.error(message)

# st.pydeck_chart escapes tooltip values itself (see geo.mapview.build_deck).
st.pydeck_chart(build_deck(frame, theater, escape_tooltips=False), height=620)
st.markdown(legend_html(), unsafe_allow_html=True)

left, right = st.columns([3, 2])
with left:
    st.subheader("Places")
    table = pd.DataFrame(frame.drop(columns="geometry"))
    st.dataframe(table[["name", "kind", "lat", "lon", "surfaces", "files", "mentions",
                        "source_url"]], hide_index=True, width="stretch")
    st.download_button("Download places (GeoJSON)",
                       data=json.dumps(feature_collection(frame), ensure_ascii=False),
                       file_name="places.geojson", mime="application/geo+json")
with right:
    st.subheader("Unresolved names")
    st.caption("Named in the articles but not in any gazetteer: not placed on the map, never "
               "guessed. Add them to the overrides CSV with a source to place them.")
    st.dataframe(pd.DataFrame(data["unresolved"],
                              columns=["name", "kind", "named as", "files", "evidence"]),
                 hide_index=True, width="stretch")

st.subheader("Control claims")
st.caption("Who holds which place, since when, on what evidence. Negated claims (failed, "
           "prevented, refused) are listed but never change control; hedged ones are "
           "reported, not confirmed.")
st.dataframe(pd.DataFrame(data["claims"], columns=["date", "place", "controller", "action",
                                                   "flags", "evidence", "file", "source"]),
             hide_index=True, width="stretch")
