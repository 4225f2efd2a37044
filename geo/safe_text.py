"""Article text is untrusted: how it leaves the program so that nothing renders it as markup.

- `escape_text` / `escape_frame`: the text properties of exported features (GeoJSON,
  GeoPackage, GeoParquet of ``frontline export`` and ``frontline snapshot``, the app's
  snapshot zip) are HTML-escaped for text content: ``&``, ``<`` and ``>`` become entities.
  Web viewers paste properties into HTML (Leaflet popups, QGIS HTML map tips) and then show
  the text, never markup. Property names, numbers, flags and geometries are unchanged.
- `web_link`: only ``http`` and ``https`` URLs become clickable links; anything else an
  article gives as its URL (``javascript:``, ``data:``) is not offered as a link.
- `markdown_text`: text that quotes an article, shown through a Markdown renderer (the app's
  messages), is backslash-escaped so it stays text.

Escaping happens once, on the copy that is written: the layers themselves keep the plain
text, so the map (whose tooltips escape on their own, `geo.mapview`) never shows ``&amp;``.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import geopandas as gpd
import pandas as pd

WEB_SCHEMES = frozenset({"http", "https"})
"""URL schemes offered as links."""


def escape_text(value: str) -> str:
    """``value`` as HTML text content: ``&``, ``<`` and ``>`` as entities (quotes kept)."""
    return html.escape(value, quote=False)


def escape_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of ``frame`` with every string property escaped (`escape_text`).

    Parameters
    ----------
    frame
        A layer; it is not changed.

    Returns
    -------
    GeoDataFrame
        Same columns, dtypes, CRS and geometries; string values escaped, other values
        (numbers, booleans, missing values) as they were.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, gpd.array.GeometryDtype):
            continue
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            out[column] = values.map(lambda v: escape_text(v) if isinstance(v, str) else v,
                                     na_action="ignore").astype(values.dtype)
    return out


def web_link(url: object) -> str:
    """``url`` when it is an ``http``/``https`` URL with a host, else ``""`` (not a link)."""
    text = "" if url is None or url != url else str(url).strip()  # None and NaN
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return ""
    return text if parts.scheme.lower() in WEB_SCHEMES and parts.netloc else ""


_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()#!|<>~$")


def markdown_text(value: object) -> str:
    """``value`` for a Markdown renderer (Streamlit's ``st.markdown``, ``st.error``) as
    literal text: the marks of links, images, HTML, code, emphasis, formulas, tables and
    colour directives are backslash-escaped, so article text can make none of them."""
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in str(value))
