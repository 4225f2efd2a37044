"""From documents to the place layers: one record per place across the whole corpus.

`geocode_document` runs recognition and resolution on one document; `collect_places` folds
the mentions of many documents into `PlaceRecord` rows (resolved places and unresolved
names), and `places_frame` turns them into a GeoDataFrame: points for towns and villages,
polygons for governorates (the area layer), lines for corridors.

Unresolved names that are spelling variants of one another (``same_name``) are one record,
so "Jehbel" in two reports is one unresolved place with both reports as evidence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
from shapely.geometry import Point

from geo.extract import find_toponyms
from geo.gazetteer import Gazetteer
from geo.geocode import resolve
from geo.ingest import IngestFailure, read_documents
from geo.models import Document, Mention
from geo.names import same_name, slug

if TYPE_CHECKING:
    from geo.relative import Estimate


@dataclass(frozen=True)
class Occurrence:
    """Where a place is named: document, character span in its body, and the sentence."""

    doc_id: str
    path: str
    start: int
    end: int
    surface: str
    sentence: str


@dataclass(frozen=True)
class PlaceRecord:
    """A place (or an unresolved name) with every occurrence in the corpus."""

    place_id: str
    name: str
    kind: str
    lat: float | None
    lon: float | None
    source: str
    source_url: str
    admin1: str
    method: str
    occurrences: tuple[Occurrence, ...]

    @property
    def resolved(self) -> bool:
        """True when the name was tied to a gazetteer place with coordinates."""
        return self.lat is not None

    @property
    def surfaces(self) -> tuple[str, ...]:
        """Distinct spellings seen in the text, most frequent first."""
        return tuple(s for s, _ in Counter(o.surface for o in self.occurrences).most_common())

    @property
    def documents(self) -> tuple[str, ...]:
        """Ids of the documents that name the place, in first-seen order."""
        return tuple(dict.fromkeys(o.doc_id for o in self.occurrences))


def geocode_document(document: Document, gazetteer: Gazetteer) -> list[Mention]:
    """Recognise and resolve the place names of one document's body."""
    return resolve(document, find_toponyms(document.body, gazetteer), gazetteer)


@dataclass(frozen=True)
class CorpusPlaces:
    """Everything the place layers need from a corpus, and what could not be read."""

    results: list[tuple[Document, list[Mention]]]
    resolved: list[PlaceRecord]
    unresolved: list[PlaceRecord]
    failures: list[IngestFailure]


def geocode_corpus(paths: Iterable[Path | str], gazetteer: Gazetteer) -> CorpusPlaces:
    """Read, recognise and resolve every article under ``paths``.

    Unreadable files are collected in ``failures``; they never stop the batch.
    """
    results, failures = [], []
    for item in read_documents(paths):
        if isinstance(item, IngestFailure):
            failures.append(item)
        else:
            results.append((item, geocode_document(item, gazetteer)))
    resolved, unresolved = collect_places(results, gazetteer)
    return CorpusPlaces(results, resolved, unresolved, failures)


def _occurrence(document: Document, mention: Mention) -> Occurrence:
    return Occurrence(document.doc_id, document.path, mention.start, mention.end,
                      mention.surface, mention.sentence)


def collect_places(results: Iterable[tuple[Document, list[Mention]]], gazetteer: Gazetteer
                   ) -> tuple[list[PlaceRecord], list[PlaceRecord]]:
    """Fold per-document mentions into resolved place records and unresolved names.

    Returns
    -------
    resolved, unresolved
        Both sorted by name.
    """
    by_place: dict[str, list[tuple[Occurrence, Mention]]] = {}
    unknown: list[tuple[str, list[tuple[Occurrence, Mention]]]] = []
    for document, mentions in results:
        for mention in mentions:
            item = (_occurrence(document, mention), mention)
            if mention.place_id is not None:
                by_place.setdefault(mention.place_id, []).append(item)
                continue
            for name, items in unknown:
                if same_name(name, mention.surface):
                    items.append(item)
                    break
            else:
                unknown.append((mention.surface, [item]))

    resolved = []
    for place_id, items in by_place.items():
        place = gazetteer[place_id]
        methods = Counter(m.method for _, m in items)
        resolved.append(PlaceRecord(
            place_id=place_id, name=place.name, kind=place.kind, lat=place.lat, lon=place.lon,
            source=place.source, source_url=place.source_url, admin1=place.admin1,
            method=methods.most_common(1)[0][0], occurrences=tuple(o for o, _ in items)))
    unresolved = []
    for _, items in unknown:
        surfaces = Counter(o.surface for o, _ in items)
        name = max(surfaces, key=lambda s: (surfaces[s], len(s)))
        kinds = Counter(m.kind for _, m in items if m.kind != "unknown")
        unresolved.append(PlaceRecord(
            place_id=f"unresolved:{slug(name)}", name=name,
            kind=kinds.most_common(1)[0][0] if kinds else "unknown", lat=None, lon=None,
            source="", source_url="", admin1="", method=items[0][1].method,
            occurrences=tuple(o for o, _ in items)))
    return sorted(resolved, key=lambda r: r.name), sorted(unresolved, key=lambda r: r.name)


def places_frame(records: Iterable[PlaceRecord], gazetteer: Gazetteer,
                 estimates: Iterable[Estimate] = ()) -> gpd.GeoDataFrame:
    """GeoDataFrame (EPSG:4326) of resolved places, one row each, and of the unresolved
    places the text locates (`geo.relative.estimates_for`).

    Columns: place_id, name, kind, lat, lon, source, source_url, admin1, method,
    surfaces (``; ``-joined), documents (ids), files, mentions, offsets
    (``doc:start-end`` list), precision (1 gazetteer point or line, 2 approximate from the
    text, 3 region only), uncertainty_km, location_note and geometry (Point, or the
    governorate Polygon / corridor line).
    """
    rows = []
    for record in records:
        if not record.resolved:
            continue
        place = gazetteer[record.place_id]
        geometry = place.geometry if place.geometry is not None else Point(record.lon, record.lat)
        rows.append({
            "place_id": record.place_id, "name": record.name, "kind": record.kind,
            "lat": record.lat, "lon": record.lon, "source": record.source,
            "source_url": record.source_url, "admin1": record.admin1, "method": record.method,
            "surfaces": "; ".join(record.surfaces), "documents": "; ".join(record.documents),
            "files": "; ".join(dict.fromkeys(o.path for o in record.occurrences)),
            "mentions": len(record.occurrences),
            "offsets": "; ".join(f"{o.doc_id}:{o.start}-{o.end}" for o in record.occurrences),
            "precision": 3 if place.is_area else 1, "uncertainty_km": 0.0, "location_note": "",
            "geometry": geometry,
        })
    for guess in estimates:
        sources = dict.fromkeys(r.path for r in (*guess.relations,))
        rows.append({
            "place_id": guess.place_id, "name": guess.name, "kind": guess.kind,
            "lat": guess.lat, "lon": guess.lon, "source": "text", "source_url": "",
            "admin1": "", "method": "relative", "surfaces": guess.name,
            "documents": "; ".join(dict.fromkeys(r.doc_id for r in guess.relations)),
            "files": "; ".join(sources), "mentions": len(guess.relations), "offsets": "",
            "precision": guess.precision, "uncertainty_km": guess.radius_km,
            "location_note": guess.reason, "geometry": Point(guess.lon, guess.lat),
        })
    columns = ["place_id", "name", "kind", "lat", "lon", "source", "source_url", "admin1",
               "method", "surfaces", "documents", "files", "mentions", "offsets", "precision",
               "uncertainty_km", "location_note", "geometry"]
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs="EPSG:4326")
