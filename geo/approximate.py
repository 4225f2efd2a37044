"""Places no gazetteer knows, placed from what the articles say about them.

For every unresolved name in the store (`geo.store.Store.documents_with_unresolved`), the
relations its articles state ("near Ain Issa", "along the M4", "in the Raqqa countryside")
are read by `geo.relative.relations_for` and combined across articles by
`geo.relative.estimate` into one approximate place: a point, an uncertainty radius and a
precision code (ACLED-style: 1 gazetteer point, 2 approximate, 3 region only).

A name the analyst has since placed (an override row, `frontline review accept`) is exact
from then on: its claims move to the override place (`resolutions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from geo.gazetteer import Gazetteer
from geo.names import same_name, slug
from geo.relative import Estimate, Relation, estimate, relations_for
from geo.store import Store
from geo.theater import Theater

PRECISION_EXACT, PRECISION_APPROXIMATE, PRECISION_REGION = 1, 2, 3
"""Precision codes (modelled on ACLED's geo-precision)."""


@dataclass(frozen=True)
class Unplaced:
    """An unresolved name of the store and where it is named."""

    place_id: str
    name: str
    kind: str
    surfaces: tuple[str, ...]
    files: tuple[str, ...]
    sentences: tuple[str, ...]


def _collect(store: Store, gazetteer: Gazetteer, theater: Theater
             ) -> tuple[dict[str, Unplaced], dict[str, list[Relation]], dict[str, str]]:
    """The unresolved names of the store, the relations their articles state, and the ids
    of spelling variants ("unresolved:jahbal" -> "unresolved:jehbel"): one place per name,
    whatever the article's spelling (`geo.names.same_name`)."""
    named: dict[str, dict] = {}
    aliases: dict[str, str] = {}
    relations: dict[str, list[Relation]] = {}

    def canonical(place_id: str, name: str) -> str:
        if place_id in aliases:
            return aliases[place_id]
        for other, entry in named.items():
            if same_name(name, entry["name"]):
                aliases[place_id] = other
                return other
        aliases[place_id] = place_id
        return place_id

    for document, mentions in store.documents_with_unresolved():
        for mention in mentions:
            if mention.place_id:
                continue
            own = f"unresolved:{slug(mention.surface)}"  # as geo.claims names it
            place_id = canonical(own, mention.name)
            entry = named.setdefault(place_id, {"name": mention.name, "kind": mention.kind,
                                                "surfaces": {}, "files": {}, "sentences": {}})
            entry["surfaces"][mention.surface] = None
            entry["files"][Path(document.path.split(":")[0]).name] = None
            entry["sentences"][mention.sentence] = None
        for place_id, found in relations_for(document, mentions, gazetteer, theater).items():
            relations.setdefault(aliases.get(place_id, place_id), []).extend(found)
    unplaced = {pid: Unplaced(pid, e["name"], e["kind"], tuple(e["surfaces"]),
                              tuple(e["files"]), tuple(e["sentences"]))
                for pid, e in named.items()}
    return unplaced, relations, {a: c for a, c in aliases.items() if a != c}


def estimates(store: Store, gazetteer: Gazetteer, theater: Theater
              ) -> tuple[dict[str, Unplaced], dict[str, Estimate], dict[str, str]]:
    """Every unresolved name of the store, the estimate of those the text places, and the
    ids of spelling variants to merge into them (claims use the spelling of their article).
    """
    unplaced, relations, aliases = _collect(store, gazetteer, theater)
    found = {}
    for place_id, item in unplaced.items():
        guess = estimate(place_id, item.name, item.kind, relations.get(place_id, []), theater)
        if guess is not None:
            found[place_id] = guess
    return unplaced, found, aliases


def resolutions(unplaced: dict[str, Unplaced], gazetteer: Gazetteer) -> dict[str, str]:
    """Unresolved ids the analyst has placed since: ``unresolved:<slug>`` -> override id."""
    out = {}
    for place_id, item in unplaced.items():
        for name in (item.name, *item.surfaces):
            placed = [p for p in gazetteer.lookup(name) if p.source == "override"]
            if placed:
                out[place_id] = placed[0].place_id
                break
    return out
