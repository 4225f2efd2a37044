"""The ``frontline`` command line: a thin shell over the pipeline modules.

Library code raises `geo.errors.FrontlineError`; only this module turns errors into
messages on stderr and exit codes (0 success, 1 some input failed, 2 unusable command).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from geo.errors import FrontlineError


def _gazetteer(args: argparse.Namespace):
    from geo.gazetteer import load_gazetteer

    return load_gazetteer(overrides_path=getattr(args, "overrides", None))


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    print(f"wrote {out}", file=sys.stderr)


def _table(rows: list[dict[str, object]], columns: Sequence[str], widths: dict[str, int]) -> str:
    def cell(value: object, width: int) -> str:
        text = "" if value is None else str(value)
        return (text if len(text) <= width else text[: width - 1] + "…").ljust(width)

    lines = ["  ".join(cell(c, widths.get(c, 12)) for c in columns).rstrip()]
    lines += ["  ".join(cell(r.get(c), widths.get(c, 12)) for c in columns).rstrip() for r in rows]
    return "\n".join(lines) + "\n"


def _csv(rows: list[dict[str, object]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def cmd_places(args: argparse.Namespace) -> int:
    """``frontline places PATH...``: the places the articles name."""
    from geo.export import feature_collection
    from geo.places import geocode_corpus, places_frame

    gazetteer = _gazetteer(args)
    corpus = geocode_corpus(args.paths, gazetteer)
    for failure in corpus.failures:
        print(f"error: {failure.message}", file=sys.stderr)
    if not corpus.results:
        print("error: no article could be read. Fix: pass .txt, .md, .html or .jsonl files or "
              "folders holding them.", file=sys.stderr)
        return 2
    results, failures = corpus.results, corpus.failures
    resolved, unresolved = corpus.resolved, corpus.unresolved
    records = unresolved if args.unresolved else resolved
    rows = [{
        "name": r.name, "kind": r.kind, "lat": r.lat, "lon": r.lon, "source": r.source,
        "source_url": r.source_url, "method": r.method, "surfaces": "; ".join(r.surfaces),
        "documents": "; ".join(r.documents),
        "files": "; ".join(dict.fromkeys(Path(o.path).name for o in r.occurrences)),
        "mentions": len(r.occurrences),
        "offsets": "; ".join(f"{o.doc_id}:{o.start}-{o.end}" for o in r.occurrences),
        "evidence": r.occurrences[0].sentence if r.occurrences else "",
    } for r in records]
    if args.format == "geojson":
        if args.unresolved:
            print("error: unresolved places have no coordinates, so no GeoJSON. Fix: use "
                  "--format table or csv with --unresolved.", file=sys.stderr)
            return 2
        text = json.dumps(feature_collection(places_frame(resolved, gazetteer)),
                          ensure_ascii=False, indent=1) + "\n"
    elif args.format == "csv":
        text = _csv(rows, list(rows[0]) if rows else ["name"])
    else:
        columns = ["name", "kind", "surfaces", "files", "mentions", "evidence"] if args.unresolved \
            else ["name", "kind", "lat", "lon", "source", "surfaces", "files", "mentions"]
        text = _table(rows, columns, {"name": 26, "kind": 11, "lat": 9, "lon": 9, "source": 9,
                                      "surfaces": 30, "files": 30, "mentions": 8,
                                      "evidence": 70})
    _emit(text, args.out)
    print(f"{len(results)} documents, {len(resolved)} places, {len(unresolved)} unresolved, "
          f"{len(failures)} errors", file=sys.stderr)
    return 1 if failures else 0


def cmd_gazetteer_import(args: argparse.Namespace) -> int:
    """``frontline gazetteer import FILE``: add a GeoNames country dump."""
    from geo.gazetteer import import_geonames_dump

    out, report = import_geonames_dump(args.file)
    for problem in report.problems:
        print(f"warning: {problem}", file=sys.stderr)
    print(f"imported {len(report.records)} places from {args.file} into {out} "
          f"({report.read} rows read, {report.skipped} outside the theater or feature classes, "
          f"{len(report.problems)} malformed)")
    return 0


def cmd_gazetteer_lookup(args: argparse.Namespace) -> int:
    """``frontline gazetteer lookup NAME``: what a name resolves to."""
    from geo.names import name_key

    gazetteer = _gazetteer(args)
    places = gazetteer.lookup(args.name)
    if not places:
        print(f"{args.name!r} (key {name_key(args.name)!r}) is not in the gazetteer. Fix: add it "
              "to the overrides CSV with a source_url.", file=sys.stderr)
        return 1
    for place in places:
        print(f"{place.place_id}\t{place.name}\t{place.kind}\t{place.lat}\t{place.lon}\t"
              f"{place.source}\t{place.source_url}")
    return 0


def _store(args: argparse.Namespace):
    from geo.store import Store

    return Store(args.db)


def cmd_ingest(args: argparse.Namespace) -> int:
    """``frontline ingest PATH...``: read articles into the store."""
    from geo.factions import load_factions
    from geo.pipeline import ingest

    gazetteer, factions = _gazetteer(args), load_factions()
    interactive = sys.stderr.isatty()

    def progress(done: int, total: int, path: str) -> None:
        line = f"[{done}/{total}] {Path(path.split(':')[0]).name}"
        if interactive:
            print(f"\r{line[:78]:<78}", end="", file=sys.stderr, flush=True)
        elif done % 100 == 0 or done == total:
            print(line, file=sys.stderr)

    with _store(args) as store:
        report = ingest(args.paths, store, gazetteer, factions, progress=progress)
        totals = store.counts()
    if interactive:
        print(file=sys.stderr)
    for failure in report.failures:
        print(f"error: {failure.message}", file=sys.stderr)
    for problem in report.date_errors:
        print(f"warning: {problem}", file=sys.stderr)
    print(f"documents: {report.documents} ({report.new} new, {report.unchanged} unchanged, "
          f"{report.replaced} replaced); places: {len(report.places)}; claims: {report.claims}; "
          f"unresolved: {len(report.unresolved)}; errors: {len(report.failures)}")
    print(f"store {args.db or 'data/frontline.db'}: {totals['documents']} documents, "
          f"{totals['claims']} claims")
    return 1 if report.failures else (2 if not report.documents else 0)


CLAIM_FIELDS = ("event_date", "place_name", "controller", "previous", "action", "date_basis",
                "hedged", "negated", "near_place", "confidence", "evidence", "path", "url",
                "place_id", "doc_id", "start", "end", "date_text", "date_from", "date_to",
                "modality", "date_error")


def cmd_claims(args: argparse.Namespace) -> int:
    """``frontline claims``: stored claims, filtered."""
    from geo.ingest import parse_date

    gazetteer = _gazetteer(args)
    date_from = parse_date(args.date_from or "", path="--from", field="--from")
    date_to = parse_date(args.date_to or "", path="--to", field="--to")
    if args.faction and args.faction not in _faction_codes():
        print(f"error: unknown faction {args.faction!r}. Fix: use one of "
              f"{', '.join(_faction_codes())}.", file=sys.stderr)
        return 2
    with _store(args) as store:
        rows = store.claims(faction=args.faction, date_from=date_from, date_to=date_to)
    if args.place:
        from geo.names import same_name

        rows = [r for r in rows if same_name(args.place, r["place_name"])
                or any(same_name(args.place, n) for n in _place_names(gazetteer, r["place_id"]))]
    if args.format == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=1, default=str) + "\n"
    elif args.format == "csv":
        text = _csv(rows, CLAIM_FIELDS)
    elif args.format == "geojson":
        features = []
        for row in rows:
            place = gazetteer.places.get(row["place_id"])
            if place is None:
                continue  # unresolved places have no coordinates
            point = [round(place.lon, 6), round(place.lat, 6)]
            features.append({"type": "Feature",
                             "geometry": {"type": "Point", "coordinates": point},
                             "properties": {k: row[k] for k in CLAIM_FIELDS}})
        skipped = len(rows) - len(features)
        if skipped:
            print(f"note: {skipped} claims about unresolved places have no coordinates and are "
                  "not in the GeoJSON (see --format csv)", file=sys.stderr)
        text = json.dumps({"type": "FeatureCollection", "features": features},
                          ensure_ascii=False, indent=1, default=str) + "\n"
    else:
        view = [{**r, "flags": " ".join(f for f in ("hedged", "negated", "near_place") if r[f]),
                 "file": Path(r["path"].split(":")[0]).name} for r in rows]
        text = _table(view, ["event_date", "place_name", "controller", "action", "flags",
                             "file", "evidence"],
                      {"event_date": 10, "place_name": 18, "controller": 10, "action": 10,
                       "flags": 14, "file": 26, "evidence": 80})
    _emit(text, args.out)
    print(f"{len(rows)} claims", file=sys.stderr)
    return 0


def _faction_codes() -> list[str]:
    from geo.factions import load_factions

    return [f.code for f in load_factions()]


def _place_names(gazetteer, place_id: str) -> tuple[str, ...]:
    place = gazetteer.places.get(place_id)
    return (place.name, *place.alt_names) if place else ()


def cmd_evaluate(args: argparse.Namespace) -> int:
    """``frontline evaluate --gold FILE``: score the pipeline against annotations."""
    from geo.evaluate import evaluate

    report = evaluate(args.gold, _gazetteer(args))
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return 0
    t = report["toponyms"]
    print(f"gold file        {report['gold']} ({t['articles']} articles)")
    print(f"toponym recall   {t['recall']}  ({t['found']}/{t['gold']})")
    print(f"toponym precision {t['precision']}  ({t['true_positive']}/{t['predicted']})")
    print(f"accuracy @5 km   {t['accuracy_5km']}")
    print(f"accuracy @161 km {t['accuracy_161km']}")
    for label in ("misses", "wrong", "false_positives", "comment_leaks"):
        for line in t[label]:
            print(f"  {label[:-1] if label.endswith('s') else label}: {line}")
    c = report["claims"]
    print(f"claim recall     {c['recall']}  ({c['found']}/{c['gold']})")
    print(f"claim precision  {c['precision']}  ({c['correct']}/{c['extracted']})")
    print(f"date exact match {c['date_exact']}")
    print(f"negated handled  {c['negated']}; hedged handled {c['hedged']}")
    for label, title in (("misses", "miss"), ("false_positives", "false positive"),
                         ("wrong_dates", "wrong date")):
        for line in c[label]:
            print(f"  claim {title}: {line}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``frontline`` command."""
    parser = argparse.ArgumentParser(
        prog="frontline", description="Geocode war reporting into dated control maps.")
    parser.add_argument("--overrides", type=Path, default=None,
                        help="analyst overrides CSV (default: data/overrides.csv)")
    sub = parser.add_subparsers(dest="command", required=True)

    places = sub.add_parser("places", help="list the places named in articles")
    places.add_argument("paths", nargs="+", type=Path, help="article files or folders")
    places.add_argument("--format", choices=("table", "csv", "geojson"), default="table")
    places.add_argument("--unresolved", action="store_true",
                        help="list the names the gazetteer could not resolve")
    places.add_argument("--out", type=Path, default=None, help="write to a file, not stdout")
    places.set_defaults(func=cmd_places)

    gazetteer = sub.add_parser("gazetteer", help="inspect or extend the gazetteer")
    gsub = gazetteer.add_subparsers(dest="gazetteer_command", required=True)
    gimport = gsub.add_parser("import", help="import a GeoNames country dump (19 columns)")
    gimport.add_argument("file", type=Path)
    gimport.set_defaults(func=cmd_gazetteer_import)
    lookup = gsub.add_parser("lookup", help="show the places a name resolves to")
    lookup.add_argument("name")
    lookup.set_defaults(func=cmd_gazetteer_lookup)

    ingest = sub.add_parser("ingest", help="read articles into the store")
    ingest.add_argument("paths", nargs="+", type=Path, help="article files or folders")
    ingest.add_argument("--db", type=Path, default=None,
                        help="store file (default: $FRONTLINE_DB or data/frontline.db)")
    ingest.set_defaults(func=cmd_ingest)

    claims = sub.add_parser("claims", help="list stored control claims")
    claims.add_argument("--place", help="a place name, any spelling")
    claims.add_argument("--faction", help="controller faction code (GOV, SDF, TURKEY, ...)")
    claims.add_argument("--from", dest="date_from", help="first event date, YYYY-MM-DD")
    claims.add_argument("--to", dest="date_to", help="last event date, YYYY-MM-DD")
    claims.add_argument("--format", choices=("table", "csv", "json", "geojson"),
                        default="table")
    claims.add_argument("--db", type=Path, default=None)
    claims.add_argument("--out", type=Path, default=None)
    claims.set_defaults(func=cmd_claims)

    evaluate = sub.add_parser("evaluate", help="score against a gold file")
    evaluate.add_argument("--gold", type=Path, required=True)
    evaluate.add_argument("--json", action="store_true", help="print the full JSON report")
    evaluate.set_defaults(func=cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except FrontlineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
