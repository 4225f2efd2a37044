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
