"""frontline: geocode war reporting into dated control maps.

The pipeline, one module per stage::

    ingest -> extract -> geocode -> places -> (store, timeline, areas, ...) -> export / app

Import the stage you need, e.g. ``from geo.ingest import read_documents``.
"""

from __future__ import annotations

__version__ = "0.1.0"
