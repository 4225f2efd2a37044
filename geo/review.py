"""The analyst's review loop: places the gazetteer does not know, and placing them.

`review_rows` lists every unresolved or approximate place of a `geo.layers.War` with its
evidence and best estimate. `accept` writes a place to the analyst overrides CSV (the
columns of ``places.csv`` plus who, when and why), after which the name resolves to that
exact point everywhere: in the layers on the next load (claims move to it, see
`geo.approximate.resolutions`) and in every new geocoding run.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import Point, shape

from geo import settings
from geo.errors import InputError
from geo.gazetteer import PLACES_COLUMNS
from geo.layers import War
from geo.models import PlaceKind
from geo.names import name_key, same_name
from geo.theater import Theater

OVERRIDE_COLUMNS = (*PLACES_COLUMNS, "added_by", "added_at", "note")
"""The overrides CSV: the columns of ``places.csv`` plus who added the row, when and why."""
POINT_KINDS = tuple(k for k in PlaceKind.__args__
                    if k not in ("governorate", "district", "corridor"))
BOUNDARY_SLACK_KM = 10.0
"""A placed point may lie this far outside the theater outline (border crossings)."""


def review_rows(war: War) -> list[dict[str, Any]]:
    """Every place of the store the gazetteer does not know: approximate ones first (with
    their estimate), then unresolved ones; with the articles and sentences naming them."""
    claims: dict[str, int] = {}
    for claim in war.claims:
        claims[claim["place_id"]] = claims.get(claim["place_id"], 0) + 1
    rows = []
    for place_id, item in war.unplaced.items():
        guess = war.estimates.get(place_id)
        rows.append({
            "name": item.name, "kind": item.kind,
            "status": "approximate" if guess is not None else "unresolved",
            "precision": guess.precision if guess is not None else None,
            "lat": guess.lat if guess is not None else None,
            "lon": guess.lon if guess is not None else None,
            "radius_km": guess.radius_km if guess is not None else None,
            "reason": guess.reason if guess is not None else "the articles say nothing "
                                                             "that places it",
            "claims": claims.get(place_id, 0), "named_as": "; ".join(item.surfaces),
            "files": "; ".join(item.files),
            "evidence": list(dict.fromkeys([*item.sentences, *(
                r.sentence for r in (guess.relations + guess.dropped if guess else ()))])),
            "place_id": place_id,
        })
    return sorted(rows, key=lambda r: (r["status"] != "approximate", r["name"].casefold()))


def find(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """The review row called ``name`` (any spelling variant: Jahbal finds Jehbel)."""
    for row in rows:
        if any(same_name(name, n) for n in (row["name"], *row["named_as"].split("; "))):
            return row
    if not rows:
        raise InputError("review accept", f"no unresolved or approximate place called {name!r}",
                         "the store has none to review: ingest articles first "
                         "(frontline ingest PATH)")
    raise InputError("review accept", f"no unresolved or approximate place called {name!r}",
                     f"use one of: {', '.join(r['name'] for r in rows)} (see 'frontline review')")


def _inside(theater: Theater, lon: float, lat: float) -> bool:
    data = json.loads(theater.path("boundary").read_text(encoding="utf-8"))
    outline = shapely.union_all([shape(f["geometry"]) for f in data["features"]])
    # Degrees to km near the theater: generous enough for a slack of a few km.
    return outline.buffer(BOUNDARY_SLACK_KM / 111.0).contains(Point(lon, lat))


def accept(row: dict[str, Any], theater: Theater, *, lat: float | None = None,
           lon: float | None = None, source_url: str = "", from_estimate: bool = False,
           kind: str | None = None, author: str = "", note: str = "",
           path: Path | None = None) -> dict[str, str]:
    """Write one place to the overrides CSV (replacing an earlier row of the same name).

    Parameters
    ----------
    row
        A `review_rows` row.
    lat, lon, source_url
        The coordinates and the page they were read from (required unless
        ``from_estimate``).
    from_estimate
        Take the estimate from the text as the point; its reason becomes the source.

    Returns
    -------
    dict
        The row written.
    """
    where = "review accept"
    if from_estimate:
        if row["lat"] is None:
            raise InputError(where, f"{row['name']!r} has no estimate from the text",
                             "give --lat, --lon and --source")
        lat, lon = row["lat"], row["lon"]
        source_url = source_url or (f"estimate from the text, within {row['radius_km']} km: "
                                    f"{row['reason']}")
    if lat is None or lon is None:
        raise InputError(where, "no coordinates", "give --lat and --lon, or --from-estimate")
    if not source_url.strip():
        raise InputError(where, "no source for the coordinates",
                         "give --source with the page the coordinates were read from")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not _inside(theater, lon, lat):
        raise InputError(where, f"lat {lat}, lon {lon} lies outside the {theater.name} "
                         "theater", "check the order (--lat is north, --lon east) and signs")
    kind = kind or (row["kind"] if row["kind"] in POINT_KINDS else "village")
    if kind not in POINT_KINDS:
        raise InputError(where, f"kind {kind!r}", f"use one of {', '.join(POINT_KINDS)}")
    path = path or settings.overrides_csv()
    names = [n for n in row["named_as"].split("; ") if n and n != row["name"]]
    written = {
        "name": row["name"], "alt_names": "|".join(names), "kind": kind,
        "lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "admin1": "", "source_url": source_url,
        "added_by": author, "added_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "note": note,
    }
    existing: list[dict[str, str]] = []
    if path.is_file():
        with path.open(encoding="utf-8-sig", newline="") as handle:
            existing = [r for r in csv.DictReader(handle)
                        if name_key(r.get("name") or "") != name_key(row["name"])]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(OVERRIDE_COLUMNS), extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows([*existing, written])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    tmp.replace(path)
    return written
