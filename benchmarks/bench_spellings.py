"""How well the spelling rules fold the transliterations of one place, and how often they
fold two different nearby places together.

Uses the Who's On First localities of the theater (``geo/data/<theater>/wof_localities.csv``,
or ``--csv``): every record lists the Latin spellings of one place (its name and the
``variants`` column: GeoNames, French Mandate, English, German ... forms).

- **Variant pairs**: every pair of names of one record. *Same key*: the two fold to the
  same name key (`geo.names.name_key`), so a text spelling one finds a record known under
  the other. *Found*: the pair has the same key or the same consonant skeleton of at least
  four letters (`geo.names.same_name`, the looser test used to merge unknown names).
  *Spelling pairs* are the pairs that spell one name (`spelling_pair`), leaving out other
  names of the place (Kobani / Ayn al-Arab), which no rule of spelling can join.
- **Collisions**: pairs of *different* records within ``--km`` of each other (default 10 km)
  that share a name key, against the pairs that already share a name before folding
  (several villages called "Tall Abyad" side by side are not the rules' doing).

Usage
-----
::

    .venv/bin/python benchmarks/bench_spellings.py              # figures as a table
    .venv/bin/python benchmarks/bench_spellings.py --json       # one JSON line
    .venv/bin/python benchmarks/bench_spellings.py --examples 20  # pairs the rules still miss
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from collections import defaultdict
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

from geo.names import name_key, same_name
from geo.theater import load_theater


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def records(path: Path) -> list[dict]:
    """The localities of a WOF CSV: id, point and Latin spellings."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["placetype"] == "locality"]
    return [{"id": r["wof_id"], "point": (float(r["lat"]), float(r["lon"])),
             "names": list(dict.fromkeys([r["name"], *[v for v in r["variants"].split("|") if v]]))}
            for r in rows]


def _plain(name: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", name)
    return "".join(c for c in text if c.isalpha() or c == " ").lower()


def spelling_pair(a: str, b: str) -> bool:
    """Two spellings of one name (not two names of one place, such as Kobani and Ayn
    al-Arab): their plain letters agree by at least 60 % (`difflib.SequenceMatcher`)."""
    return SequenceMatcher(None, _plain(a), _plain(b)).ratio() >= 0.6


def variant_pairs(places: list[dict]) -> dict[str, object]:
    counts = {"pairs": 0, "same_key": 0, "found": 0, "spelling_pairs": 0,
              "spelling_same_key": 0, "spelling_found": 0}
    missed: list[tuple[str, str]] = []
    for place in places:
        for a, b in combinations(place["names"], 2):
            spelling = spelling_pair(a, b)
            same = name_key(a) == name_key(b)
            found = same or same_name(a, b)
            counts["pairs"] += 1
            counts["same_key"] += same
            counts["found"] += found
            counts["spelling_pairs"] += spelling
            counts["spelling_same_key"] += spelling and same
            counts["spelling_found"] += spelling and found
            if spelling and not same:
                missed.append((a, b))
    return {**counts, "missed": missed}


def collisions(places: list[dict], km: float) -> dict[str, int]:
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, place in enumerate(places):
        cells[(int(place["point"][0] * 10), int(place["point"][1] * 10))].append(i)
    keys = [{name_key(n) for n in place["names"]} - {""} for place in places]
    raw = [{n.casefold() for n in place["names"]} for place in places]
    near = folded = alike = 0
    for (row, col), members in cells.items():
        around = [j for dr in (-1, 0, 1) for dc in (-1, 0, 1)
                  for j in cells.get((row + dr, col + dc), ())]
        for i in members:
            for j in around:
                if j <= i or _km(places[i]["point"], places[j]["point"]) > km:
                    continue
                near += 1
                if keys[i] & keys[j]:
                    folded += 1
                    alike += bool(raw[i] & raw[j])
    return {"near_pairs": near, "share_a_key": folded, "already_share_a_name": alike,
            "made_by_folding": folded - alike}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=None, help="a WOF localities CSV")
    parser.add_argument("--km", type=float, default=10.0, help="'nearby' for collisions")
    parser.add_argument("--examples", type=int, default=0, help="print N missed pairs")
    parser.add_argument("--json", action="store_true", help="only the JSON line")
    args = parser.parse_args(argv)
    path = args.csv or load_theater().path("wof")
    start = time.perf_counter()
    places = records(path)
    pairs = variant_pairs(places)
    clashes = collisions(places, args.km)
    def share(part: str, whole: str) -> float:
        return round(pairs[part] / pairs[whole], 4) if pairs[whole] else 0.0

    result = {"localities": len(places), "variant_pairs": pairs["pairs"],
              "same_key_share": share("same_key", "pairs"), "found_share": share("found", "pairs"),
              "spelling_pairs": pairs["spelling_pairs"],
              "spelling_same_key_share": share("spelling_same_key", "spelling_pairs"),
              "spelling_found_share": share("spelling_found", "spelling_pairs"),
              "km": args.km, **clashes, "seconds": round(time.perf_counter() - start, 2)}
    if not args.json:
        print(f"localities                  {result['localities']:,}")
        print(f"variant pairs (all)         {result['variant_pairs']:,}: same key "
              f"{result['same_key_share']:.1%}, same key or skeleton {result['found_share']:.1%}")
        print(f"spelling pairs              {result['spelling_pairs']:,}: same key "
              f"{result['spelling_same_key_share']:.1%}, same key or skeleton "
              f"{result['spelling_found_share']:.1%}")
        print(f"different places within {args.km:g} km: {result['near_pairs']:,} pairs")
        print(f"  sharing a name key        {result['share_a_key']:,}")
        print(f"  of which already the same name  {result['already_share_a_name']:,}")
        print(f"  made alike by the folding {result['made_by_folding']:,}")
        for a, b in pairs["missed"][:args.examples]:
            print(f"  missed: {a!r} / {b!r}  ({name_key(a)!r} / {name_key(b)!r})")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
