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
from collections import Counter
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
    from geo.relative import estimates_for
    from geo.safe_text import escape_frame
    from geo.theater import load_theater

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
    guesses = estimates_for(results, gazetteer, load_theater())
    guess_of = {g.place_id: g for g in guesses}
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
    if args.unresolved:
        for row, record in zip(rows, records, strict=True):
            guess = guess_of.get(record.place_id)
            row["estimate"] = (f"~{guess.lat:.4f}, {guess.lon:.4f} within {guess.radius_km} km "
                               f"(precision {guess.precision}): {guess.reason}" if guess
                               else "not placed by the text")
    if args.format == "geojson":
        if args.unresolved:
            print("error: unresolved places have no coordinates, so no GeoJSON. Fix: use "
                  "--format table or csv with --unresolved.", file=sys.stderr)
            return 2
        frame = escape_frame(places_frame(resolved, gazetteer, guesses))
        text = json.dumps(feature_collection(frame), ensure_ascii=False, indent=1) + "\n"
    elif args.format == "csv":
        text = _csv(rows, list(rows[0]) if rows else ["name"])
    else:
        columns = ["name", "kind", "surfaces", "files", "estimate", "evidence"] \
            if args.unresolved \
            else ["name", "kind", "lat", "lon", "source", "surfaces", "files", "mentions"]
        text = _table(rows, columns, {"name": 26, "kind": 11, "lat": 9, "lon": 9, "source": 9,
                                      "surfaces": 30, "files": 30, "mentions": 8,
                                      "estimate": 60, "evidence": 70})
    _emit(text, args.out)
    print(f"{len(results)} documents, {len(resolved)} places, {len(unresolved)} unresolved, "
          f"{len(failures)} errors", file=sys.stderr)
    return 1 if failures else 0


def cmd_gazetteer_import(args: argparse.Namespace) -> int:
    """``frontline gazetteer import PATH``: add a GeoNames country dump, or Who's On First
    data (a repository checkout, or the flat CSV)."""
    from geo.gazetteer import import_geonames_dump, import_wof
    from geo.wof import is_wof_source

    if is_wof_source(args.file):
        out, records = import_wof(args.file)
        kinds = Counter(r.placetype for r in records)
        print(f"imported {len(records)} Who's On First places from {args.file} into {out} "
              f"({', '.join(f'{n} {kind}' for kind, n in sorted(kinds.items()))}). "
              "Data from Who's On First (https://whosonfirst.org/docs/licenses/).")
        return 0
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

    max_bytes = None
    if args.max_article_mb is not None:
        if not 0 < args.max_article_mb < float("inf"):
            raise FrontlineError(f"--max-article-mb is {args.max_article_mb:g}. Fix: give a "
                                 "positive size in megabytes, such as 20.")
        max_bytes = int(args.max_article_mb * 2**20)
    if args.geocoder_url and not args.geocoder:
        raise FrontlineError("--geocoder-url needs --geocoder. Fix: add --geocoder nominatim "
                             "or --geocoder photon.")
    geocoder = None
    if args.geocoder:
        from geo.online import OnlineGeocoder

        geocoder = OnlineGeocoder(args.geocoder, args.geocoder_url)
    try:
        with _store(args) as store:
            report = ingest(args.paths, store, gazetteer, factions, progress=progress,
                            max_bytes=max_bytes, workers=args.workers, dask=args.dask,
                            geocoder=geocoder)
            totals, where = store.counts(), store.path
    finally:
        if geocoder:
            geocoder.close()
    if interactive:
        print(file=sys.stderr)
    for failure in report.failures:
        print(f"error: {failure.message}", file=sys.stderr)
    for problem in report.date_errors:
        print(f"warning: {problem}", file=sys.stderr)
    print(f"documents: {report.documents} ({report.new} new, {report.unchanged} unchanged, "
          f"{report.replaced} replaced); places: {len(report.places)}; claims: {report.claims}; "
          f"unresolved: {len(report.unresolved)}; errors: {len(report.failures)}")
    for name, message in report.online_failed.items():
        print(f"warning: online lookup of {name!r} failed: {message}", file=sys.stderr)
    if geocoder:
        stats = geocoder.stats
        print(f"online ({args.geocoder}): {len(report.online_found)} found, "
              f"{len(report.online_not_found)} not found, {len(report.online_failed)} failed; "
              f"{stats.requests} requests, {stats.cache_hits} answered from the cache")
    print(f"store {where}: {totals['documents']} documents, "
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
    date_from = parse_date(args.date_from or "", path="command line", field="--from")
    date_to = parse_date(args.date_to or "", path="command line", field="--to")
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


def _war(args: argparse.Namespace):
    from geo.factions import load_factions
    from geo.layers import load_war
    from geo.theater import load_theater

    with _store(args) as store:
        return load_war(store, _gazetteer(args), load_factions(), load_theater())


def _date_arg(value: str | None, option: str):
    from geo.ingest import parse_date

    return parse_date(value or "", path="command line", field=option)


def cmd_snapshot(args: argparse.Namespace) -> int:
    """``frontline snapshot --date D --out DIR``: the layers of one date."""
    from geo.export import write_snapshot
    from geo.layers import layers_on, summary

    day = _date_arg(args.date, "--date")
    war = _war(args)
    layers = layers_on(war, day)
    about = summary(war, layers, day)
    files = write_snapshot(layers, about, args.out)
    documents = [d["file"] for d in about["documents"]]
    if args.html:
        from geo.htmlmap import write_html

        files.append(write_html(layers, war.theater, war.factions, day,
                                args.out / "map.html", documents=documents))
    if args.png:
        from geo.staticmap import render_png

        files.append(render_png(layers, war.theater, war.factions, day, args.out / "map.png",
                                documents=documents, width_px=args.width,
                                extent=args.extent))
    if args.tif:
        from geo.raster import write_control_tif

        files.append(write_control_tif(layers["areas"], war.factions, war.theater,
                                       args.out / "control.tif",
                                       resolution_m=args.resolution, day=day))
    print(f"snapshot of {day}: {len(layers['places'])} places, {len(layers['areas'])} areas, "
          f"{len(layers['frontlines'])} frontlines, {len(layers['claims'])} claims -> "
          f"{', '.join(f.name for f in files)} in {args.out}")
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    """``frontline changes --from D1 --to D2``: what changed between two dates."""
    from geo.changes import area_series, diff
    from geo.layers import layers_on

    war = _war(args)
    if args.series:
        rows = area_series(war.dates(), lambda d: layers_on(war, d)["areas"])
        if args.format == "json":
            print(json.dumps(rows, indent=1))
        else:
            sys.stdout.write(_table(rows, ["date", "controller", "area_km2"],
                                    {"date": 10, "controller": 10, "area_km2": 10}))
        return 0
    if not (args.date_from and args.date_to):
        print("error: --from and --to are needed (or --series). Fix: e.g. --from 2019-10-01 "
              "--to 2019-12-31", file=sys.stderr)
        return 2
    d1, d2 = _date_arg(args.date_from, "--from"), _date_arg(args.date_to, "--to")
    report = diff(layers_on(war, d1), layers_on(war, d2), war.theater)
    report = {"from": d1.isoformat(), "to": d2.isoformat(), **report}
    if args.format == "json":
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return 0
    print(f"changes from {d1} to {d2}")
    print("places that changed hands:" if report["changed_hands"] else
          "places that changed hands: none")
    for row in report["changed_hands"]:
        print(f"  {row['date']}  {row['name']}: {row['from'] or '-'} -> {row['to']} "
              f"({row['status']}) {row['evidence'][:90]}")
    print("area per faction (km2):")
    for code, figures in report["areas"].items():
        print(f"  {code:8} {figures['before_km2']:>10.2f} -> {figures['after_km2']:>10.2f} "
              f"({figures['change_km2']:+.2f})")
    shift = report["frontline_shift"]
    if report["first_reported"]:
        print("first reported (controller unknown before):")
    for row in report["first_reported"]:
        print(f"  {row['date']}  {row['name']}: {row['to']} ({row['status']})")
    print(f"frontline shift: mean {shift['mean_km']} km, max {shift['max_km']} km")
    for ref, holders in report.get("corridors", {}).items():
        print(f"corridor {ref} (km): " + ", ".join(
            f"{h} {f['before_km']:.1f} -> {f['after_km']:.1f}" for h, f in holders.items()
            if f["before_km"] or f["after_km"]))
    print(f"newly contested: {', '.join(report['contested']['new']) or 'none'}; "
          f"no longer contested: {', '.join(report['contested']['removed']) or 'none'}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``frontline export --out DIR``: every layer for every claim date."""
    from geo.export import export_layers
    from geo.layers import layers_on

    war = _war(args)
    dates = war.dates()
    if not dates:
        print("error: the store has no dated claims. Fix: run 'frontline ingest PATH' first.",
              file=sys.stderr)
        return 2
    per_date = {d.isoformat(): layers_on(war, d) for d in dates}
    files = export_layers(per_date, args.out, fmt=args.format)
    print(f"exported {len(dates)} dates ({dates[0]} .. {dates[-1]}): "
          f"{', '.join(f.name for f in files)} in {args.out}")
    return 0


CORRIDOR_ROW_COLUMNS = ["ref", "holder", "km", "share", "fire_exposed_km"]
CORRIDOR_SERIES_COLUMNS = ["date", "ref", "holder", "km", "fire_exposed_km"]


def _corridor_rows(table: list[dict]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for row in table:
        holders = {**row["held_km"], "unknown": row["unknown_km"]}
        for holder, km in holders.items():
            rows.append({"ref": row["ref"], "holder": holder, "km": km,
                         "share": f"{100.0 * km / row['length_km']:.1f}%"
                         if row["length_km"] else "",
                         "fire_exposed_km": row["fire_exposed_by_holder"].get(holder, 0.0)})
    return rows


def _corridor_text(day, table: list[dict]) -> str:
    widths = {"ref": 5, "holder": 9, "km": 9, "share": 7, "fire_exposed_km": 15}
    head = (f"corridors on {day} (fire range {table[0]['fire_range_km'] if table else '-'} km; "
            "km are geodesic, along the corridor line)\n")
    text = head + _table(_corridor_rows(table), CORRIDOR_ROW_COLUMNS, widths)
    lines = []
    for row in table:
        nearest = row["nearest_frontline_km"]
        lines.append(f"{row['ref']}: {row['length_km']} km, {row['fire_exposed_km']} km under "
                     "fire, nearest frontline "
                     + (f"{nearest} km" if nearest is not None else "none"))
        reported = row["reported"]
        if reported and reported["controller"]:
            lines.append(f"  reported in articles: {reported['controller']} since "
                         f"{reported['since']} ({reported['status']})")
        for claim in (reported or {}).get("claims", []):
            flags = " ".join(f for f in ("hedged" if claim["hedged"] else "",
                                         "negated" if claim["negated"] else "") if f)
            lines.append(f"  reported {claim['date']} {claim['action']} "
                         f"{claim['controller'] or '-'}{' (' + flags + ')' if flags else ''}: "
                         f"{claim['evidence'][:100]} [{claim['file']}]")
        lines.append(f"  line: {row['approximation']}")
    return text + "\n".join(lines) + "\n"


def cmd_corridors(args: argparse.Namespace) -> int:
    """``frontline corridors --date D`` / ``--series``: who holds the corridors."""
    from geo.corridors import corridor_series
    from geo.export import feature_collection
    from geo.layers import corridor_report, layers_on
    from geo.safe_text import escape_frame

    if not args.series and not args.date:
        print("error: --date or --series is needed. Fix: e.g. frontline corridors --date "
              "2020-02-17", file=sys.stderr)
        return 2
    war = _war(args)
    if args.series:
        d1 = _date_arg(args.date_from, "--from") if args.date_from else None
        d2 = _date_arg(args.date_to, "--to") if args.date_to else None
        days = [d for d in war.dates() if (d1 is None or d >= d1) and (d2 is None or d <= d2)]
        rows = corridor_series(days, lambda d: corridor_report(war, d))
        if args.format == "json":
            text = json.dumps(rows, indent=1) + "\n"
        elif args.format == "csv":
            text = _csv(rows, CORRIDOR_SERIES_COLUMNS)
        elif args.format == "table":
            text = _table(rows, CORRIDOR_SERIES_COLUMNS, {"date": 10, "ref": 5, "holder": 9,
                                                          "km": 9, "fire_exposed_km": 15})
        else:
            print("error: --series has no geojson form. Fix: use --format table, csv or json "
                  "(or --date D --format geojson for the segments of one date)",
                  file=sys.stderr)
            return 2
        _emit(text, args.out)
        return 0
    day = _date_arg(args.date, "--date")
    table = corridor_report(war, day)
    if args.format == "json":
        text = json.dumps({"date": day.isoformat(), "corridors": table}, indent=1,
                          ensure_ascii=False) + "\n"
    elif args.format == "csv":
        text = _csv(_corridor_rows(table), CORRIDOR_ROW_COLUMNS)
    elif args.format == "geojson":
        text = json.dumps(feature_collection(escape_frame(layers_on(war, day)["corridors"])),
                          ensure_ascii=False, indent=1) + "\n"
    else:
        text = _corridor_text(day, table)
    _emit(text, args.out)
    return 0


def cmd_corridors_build(args: argparse.Namespace) -> int:
    """``frontline corridors build``: corridor lines from the sourced waypoints."""
    from geo.corridor_lines import build_corridors, load_corridors
    from geo.theater import load_theater

    theater = load_theater()
    path = build_corridors(theater, source=args.source, out=args.out)
    if args.out is None:
        frame = load_corridors(theater)
        lengths = ", ".join(f"{r} {k} km" for r, k in zip(frame["ref"], frame["length_km"],
                                                          strict=True))
    else:
        lengths = "written"
    print(f"corridors: {lengths} -> {path}")
    return 0


def cmd_corridors_import(args: argparse.Namespace) -> int:
    """``frontline corridors import FILE --ref M4``: real road geometry for a corridor."""
    from geo.corridor_lines import import_corridor
    from geo.theater import load_theater

    where = {}
    for item in args.where or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            print(f"error: --where {item!r} is not KEY=VALUE. Fix: e.g. --where ref=M4",
                  file=sys.stderr)
            return 2
        where[key] = value
    report = import_corridor(args.file, args.ref, load_theater(), layer=args.layer,
                             where=where)
    print(f"{report['ref']}: {report['length_km_before']} km -> {report['length_km']} km from "
          f"{report['pieces']} pieces ({report['dropped']} duplicates dropped, "
          f"{report['gaps']} gaps bridged, largest {report['max_gap_km']} km); "
          f"{100 * report['waypoints_within_5km']:.0f}% of the old line within 5 km -> "
          f"{report['path']}")
    if report["waypoints_within_5km"] < 0.5:
        print(f"warning: most of the old {report['ref']} line is more than 5 km from "
              f"{args.file.name}: is it the right road? Fix: filter the file to the road "
              "(--where) or delete the imported line from the file above.", file=sys.stderr)
    return 0


REVIEW_COLUMNS = ["name", "status", "kind", "lat", "lon", "radius_km", "claims", "reason",
                  "files"]


def cmd_review(args: argparse.Namespace) -> int:
    """``frontline review``: places the gazetteer does not know, with evidence and estimate."""
    from geo.review import review_rows

    rows = review_rows(_war(args))
    if args.format == "json":
        _emit(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", args.out)
        return 0
    if not rows:
        print("nothing to review: every place named in the store is in the gazetteer")
        return 0
    lines = []
    for row in rows:
        where = (f"~{row['lat']:.4f}, {row['lon']:.4f} within {row['radius_km']} km "
                 f"(precision {row['precision']})" if row["lat"] is not None else "not placed")
        lines.append(f"{row['name']} [{row['kind']}, {row['status']}]: {where}; "
                     f"{row['claims']} claims; named as {row['named_as']} in {row['files']}")
        lines.append(f"  why: {row['reason']}")
        lines += [f"  evidence: {sentence}" for sentence in row["evidence"]]
    lines.append("place one: frontline review accept NAME --lat LAT --lon LON --source URL "
                 "(or --from-estimate)")
    _emit("\n".join(lines) + "\n", args.out)
    return 0


def cmd_review_accept(args: argparse.Namespace) -> int:
    """``frontline review accept NAME``: write a place to the overrides CSV."""
    from geo import settings
    from geo.review import accept, find, review_rows

    war = _war(args)
    row = find(review_rows(war), args.name)
    path = args.overrides or settings.overrides_csv()
    written = accept(row, war.theater, lat=args.lat, lon=args.lon, source_url=args.source or "",
                     from_estimate=args.from_estimate, kind=args.kind, author=args.author,
                     note=args.note, path=path)
    print(f"{written['name']} ({written['kind']}) at {written['lat']}, {written['lon']} "
          f"-> {path}; source: {written['source_url']}")
    print(f"its {row['claims']} claims now count at this point (exact, precision 1).")
    return 0


def _steps(war, date_from: str | None, date_to: str | None, step: str) -> list:
    """The dates from ``--from`` to ``--to``: every claim date, or every N days (``7d``)."""
    from datetime import timedelta

    dates = war.dates()
    if not dates:
        raise FrontlineError("the store has no dated claims. Fix: run 'frontline ingest "
                             "PATH' first.")
    first = _date_arg(date_from, "--from") if date_from else dates[0]
    last = _date_arg(date_to, "--to") if date_to else dates[-1]
    if last < first:
        raise FrontlineError(f"--to {last} is before --from {first}. Fix: swap them.")
    if step == "claims":
        picked = [d for d in dates if first <= d <= last]
        return picked or [first]
    if not step.endswith("d") or not step[:-1].isdigit() or int(step[:-1]) < 1:
        raise FrontlineError(f"--step {step!r} is not 'claims' or a number of days like "
                             "'1d' or '7d'. Fix: e.g. --step 7d")
    days = int(step[:-1])
    return [first + timedelta(days=i) for i in range(0, (last - first).days + 1, days)]


def cmd_raster(args: argparse.Namespace) -> int:
    """``frontline raster --from D1 --to D2 --out FILE.tif``: one band per date."""
    from geo.layers import layers_on
    from geo.raster import write_series_tif

    war = _war(args)
    days = _steps(war, args.date_from, args.date_to, args.step)
    frames = [(day, layers_on(war, day)["areas"]) for day in days]
    path = write_series_tif(frames, war.factions, war.theater, args.out,
                            resolution_m=args.resolution)
    print(f"{len(days)} bands ({days[0]} .. {days[-1]}), {args.resolution:g} m pixels -> {path}")
    return 0


def cmd_animate(args: argparse.Namespace) -> int:
    """``frontline animate --from D1 --to D2 --out FILE.gif|mp4``: the war, frame by frame."""
    from geo.animate import write_animation

    suffix = args.out.suffix.lower()
    if suffix not in (".gif", ".mp4"):
        print(f"error: {args.out}: unknown animation type {args.out.suffix!r}. Fix: end the "
              "file name with .gif or .mp4", file=sys.stderr)
        return 2
    war = _war(args)
    days = _steps(war, args.date_from, args.date_to, args.step)
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\rframe {done}/{total}", end="", file=sys.stderr, flush=True)
        seen.append(done)

    path = write_animation(war, days, args.out, seconds_per_frame=args.seconds,
                           width_px=args.width, extent=args.extent, progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"{len(days)} frames ({days[0]} .. {days[-1]}), {args.seconds:g} s each -> {path}")
    return 0


def cmd_population(args: argparse.Namespace) -> int:
    """``frontline population RASTER --date D``: people per faction's control area."""
    from geo.layers import layers_on
    from geo.raster import population

    war = _war(args)
    day = _date_arg(args.date, "--date")
    people = population(args.raster, layers_on(war, day)["areas"], war.theater)
    rows = [{"controller": code, "people": round(value)} for code, value in people.items()]
    if args.format == "json":
        print(json.dumps({"date": day.isoformat(), "raster": str(args.raster),
                          "people": {r["controller"]: r["people"] for r in rows}}, indent=1))
    else:
        print(f"people per control area on {day} (from {args.raster.name}):")
        sys.stdout.write(_table(rows, ["controller", "people"],
                                {"controller": 12, "people": 14}))
    return 0


def cmd_baseline_import(args: argparse.Namespace) -> int:
    """``frontline baseline import FILE --date D``: a known map as the starting state."""
    from geo.baseline import read_baseline
    from geo.factions import load_factions

    day = _date_arg(args.date, "--date")
    entries = read_baseline(args.file, day, gazetteer=_gazetteer(args),
                            factions=load_factions())
    with _store(args) as store:
        stored = store.replace_baseline(args.file.name, entries)
    points = sum(1 for e in entries if e["place_id"])
    print(f"baseline {args.file.name} of {day}: {stored} entries ({points} places, "
          f"{stored - points} areas)")
    return 0


def cmd_override(args: argparse.Namespace) -> int:
    """``frontline override PLACE --controller F --from D``: an analyst's correction."""
    from geo.factions import load_factions

    day = _date_arg(args.date_from, "--from")
    codes = [f.code for f in load_factions()]
    controller = None if args.controller.lower() == "none" else args.controller
    if controller is not None and controller not in codes:
        print(f"error: unknown faction {args.controller!r}. Fix: use one of {', '.join(codes)} "
              "or 'none'.", file=sys.stderr)
        return 2
    places = [p for p in _gazetteer(args).lookup(args.place) if not p.is_area] \
        or list(_gazetteer(args).lookup(args.place))
    if not places:
        print(f"error: {args.place!r} is not in the gazetteer. Fix: check the spelling with "
              "'frontline gazetteer lookup'.", file=sys.stderr)
        return 2
    with _store(args) as store:
        number = store.add_override(place_id=places[0].place_id, controller=controller,
                                    valid_from=day, note=args.note or "",
                                    author=args.author or "")
    print(f"override {number}: {places[0].name} held by {controller or 'nobody'} from {day}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """``frontline evaluate --gold FILE [--gold FILE ...]``: score against annotations."""
    from geo.evaluate import evaluate, format_report

    gazetteer = _gazetteer(args)
    reports = [evaluate(path, gazetteer, engine=args.claims_engine) for path in args.gold]
    if args.json:
        print(json.dumps(reports[0] if len(reports) == 1 else reports, indent=1,
                         ensure_ascii=False))
        return 0
    sys.stdout.write(format_report(reports, lists=not args.summary))
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    """``frontline agreement --gold FILE --second FILE``: how far two annotators agree."""
    from geo.agreement import agreement
    from geo.factions import load_factions
    from geo.ingest import clean_text

    codes = frozenset(f.code for f in load_factions())
    report = agreement(args.gold, args.second, factions=codes)
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return 0
    t, c = report["toponyms"], report["claims"]
    print(f"articles read by both   {report['articles']}")
    print(f"toponym F1              {t['f1']}  ({t['both']} shared; {t['first']} first, "
          f"{t['second']} second)")
    print(f"  located alike         {t['located_alike']}")
    print(f"claim F1                {c['f1']}  ({c['matched']} matched; {c['first']} first, "
          f"{c['second']} second)")
    for key in ("same_action", "same_date", "same_hedged", "same_near_place"):
        print(f"  {key.replace('_', ' '):<21} {c[key]}")
    for line in report["differences"]:
        print(clean_text(f"  {line}"))
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
    gimport = gsub.add_parser("import", help="import a GeoNames country dump (19 columns), or "
                                             "Who's On First data (a checkout or its CSV)")
    gimport.add_argument("file", type=Path)
    gimport.set_defaults(func=cmd_gazetteer_import)
    lookup = gsub.add_parser("lookup", help="show the places a name resolves to")
    lookup.add_argument("name")
    lookup.set_defaults(func=cmd_gazetteer_lookup)

    ingest = sub.add_parser("ingest", help="read articles into the store")
    ingest.add_argument("paths", nargs="+", type=Path, help="article files or folders")
    ingest.add_argument("--db", type=Path, default=None,
                        help="store file (default: $FRONTLINE_DB or data/frontline.db)")
    ingest.add_argument("--workers", type=int, default=1, metavar="N",
                        help="processes that read and analyse articles (default 1; 0: one "
                             "per core); the store is written by one process")
    ingest.add_argument("--max-article-mb", type=float, default=None, metavar="MB",
                        help="refuse larger article files and .jsonl lines (default: "
                             "$FRONTLINE_MAX_ARTICLE_MB or 5)")
    ingest.add_argument("--geocoder", choices=("nominatim", "photon"), default=None,
                        help="ask this online service for names the offline gazetteer lacks "
                             "(off by default; 1 request/s, answers cached in "
                             "data/geocoder_cache.sqlite)")
    ingest.add_argument("--geocoder-url", metavar="URL", default=None,
                        help="the service's address (default: the public one)")
    ingest.add_argument("--dask", metavar="ADDRESS", default=None,
                        help="analyse on a Dask cluster, e.g. tcp://127.0.0.1:8786 (its "
                             "workers must see the same files)")
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

    snap = sub.add_parser("snapshot", help="write the layers of one date to a folder")
    snap.add_argument("--date", required=True, help="YYYY-MM-DD")
    snap.add_argument("--out", type=Path, required=True)
    snap.add_argument("--html", action="store_true",
                      help="also map.html: a standalone interactive map that works offline")
    snap.add_argument("--png", action="store_true", help="also map.png: a map for reports")
    snap.add_argument("--width", type=int, default=1600, help="map.png width in pixels")
    snap.add_argument("--extent", choices=("theater", "data"), default="theater",
                      help="map.png shows the whole theater or zooms to the data")
    snap.add_argument("--tif", action="store_true",
                      help="also control.tif: a GeoTIFF of controller codes")
    snap.add_argument("--resolution", type=float, default=500.0,
                      help="GeoTIFF pixel size in metres (default 500)")
    snap.add_argument("--db", type=Path, default=None)
    snap.set_defaults(func=cmd_snapshot)

    changes = sub.add_parser("changes", help="what changed between two dates")
    changes.add_argument("--from", dest="date_from")
    changes.add_argument("--to", dest="date_to")
    changes.add_argument("--series", action="store_true",
                         help="area per faction for every date with a claim")
    changes.add_argument("--format", choices=("table", "json"), default="table")
    changes.add_argument("--db", type=Path, default=None)
    changes.set_defaults(func=cmd_changes)

    export = sub.add_parser("export", help="every layer for every claim date")
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--format", choices=("geojson", "gpkg", "parquet"), default="geojson")
    export.add_argument("--db", type=Path, default=None)
    export.set_defaults(func=cmd_export)

    corridors = sub.add_parser(
        "corridors", help="who holds the M4/M5 corridors, under fire, over time",
        description="Corridor km per holder and under fire on a date (--date), or for every "
                    "date (--series); 'build' and 'import' maintain the corridor lines.")
    corridors.add_argument("--date", help="YYYY-MM-DD")
    corridors.add_argument("--series", action="store_true", help="every date with a claim")
    corridors.add_argument("--from", dest="date_from", help="first date of --series")
    corridors.add_argument("--to", dest="date_to", help="last date of --series")
    corridors.add_argument("--format", choices=("table", "csv", "json", "geojson"),
                           default="table")
    corridors.add_argument("--db", type=Path, default=None)
    corridors.add_argument("--out", type=Path, default=None, help="write to a file")
    corridors.set_defaults(func=cmd_corridors)
    csub = corridors.add_subparsers(dest="corridors_command")
    cbuild = csub.add_parser("build", help="rebuild corridors.geojson from the waypoints CSV")
    cbuild.add_argument("--source", type=Path, default=None,
                        help="waypoints CSV (default: the theater's corridors.csv)")
    cbuild.add_argument("--out", type=Path, default=None,
                        help="GeoJSON to write (default: the theater's corridors.geojson)")
    cbuild.set_defaults(func=cmd_corridors_build)
    cimport = csub.add_parser("import", help="replace a corridor with road lines from a file")
    cimport.add_argument("file", type=Path, help="any vector file (GeoJSON, GPKG, SHP, ...)")
    cimport.add_argument("--ref", required=True, help="the corridor, e.g. M4")
    cimport.add_argument("--layer", default=None, help="layer of a multi-layer file")
    cimport.add_argument("--where", action="append", metavar="KEY=VALUE",
                         help="keep features whose property KEY equals VALUE (repeatable)")
    cimport.set_defaults(func=cmd_corridors_import)

    review = sub.add_parser("review", help="places no gazetteer knows: evidence, estimates")
    review.add_argument("--format", choices=("table", "json"), default="table")
    review.add_argument("--db", type=Path, default=None)
    review.add_argument("--out", type=Path, default=None)
    review.set_defaults(func=cmd_review)
    rsub = review.add_subparsers(dest="review_command")
    raccept = rsub.add_parser("accept", help="place one (writes the overrides CSV)")
    raccept.add_argument("name", help="the place, any spelling")
    raccept.add_argument("--lat", type=float, default=None)
    raccept.add_argument("--lon", type=float, default=None)
    raccept.add_argument("--source", default=None, help="the page the coordinates come from")
    raccept.add_argument("--from-estimate", action="store_true",
                         help="take the estimate from the text as the point")
    raccept.add_argument("--kind", default=None, help="village, town, facility, ...")
    raccept.add_argument("--author", default="", help="who places it")
    raccept.add_argument("--note", default="", help="why")
    raccept.add_argument("--db", type=Path, default=None)
    raccept.set_defaults(func=cmd_review_accept)

    raster = sub.add_parser("raster", help="a GeoTIFF with one band of control per date")
    raster.add_argument("--from", dest="date_from", help="first date (default: first claim)")
    raster.add_argument("--to", dest="date_to", help="last date (default: last claim)")
    raster.add_argument("--step", default="claims",
                        help="'claims' (every claim date, default) or days, e.g. 1d, 7d")
    raster.add_argument("--resolution", type=float, default=500.0, help="metres per pixel")
    raster.add_argument("--out", type=Path, required=True, help="the .tif to write")
    raster.add_argument("--db", type=Path, default=None)
    raster.set_defaults(func=cmd_raster)

    animate = sub.add_parser("animate", help="a GIF or MP4 of the map, date by date")
    animate.add_argument("--from", dest="date_from", help="first date (default: first claim)")
    animate.add_argument("--to", dest="date_to", help="last date (default: last claim)")
    animate.add_argument("--step", default="claims",
                         help="'claims' (every claim date, default) or days, e.g. 7d")
    animate.add_argument("--seconds", type=float, default=1.0, help="seconds per frame")
    animate.add_argument("--width", type=int, default=1200, help="frame width in pixels")
    animate.add_argument("--extent", choices=("theater", "data"), default="theater")
    animate.add_argument("--out", type=Path, required=True, help="FILE.gif or FILE.mp4")
    animate.add_argument("--db", type=Path, default=None)
    animate.set_defaults(func=cmd_animate)

    people = sub.add_parser("population", help="people per control area (population raster)")
    people.add_argument("raster", type=Path, help="a population GeoTIFF (e.g. WorldPop)")
    people.add_argument("--date", required=True, help="YYYY-MM-DD")
    people.add_argument("--format", choices=("table", "json"), default="table")
    people.add_argument("--db", type=Path, default=None)
    people.set_defaults(func=cmd_population)

    baseline = sub.add_parser("baseline", help="starting state from a known map")
    bsub = baseline.add_subparsers(dest="baseline_command", required=True)
    bimport = bsub.add_parser("import", help="import a GeoJSON/GeoPackage/CSV baseline")
    bimport.add_argument("file", type=Path)
    bimport.add_argument("--date", required=True, help="the date the baseline is true")
    bimport.add_argument("--db", type=Path, default=None)
    bimport.set_defaults(func=cmd_baseline_import)

    override = sub.add_parser("override", help="record who holds a place, overriding claims")
    override.add_argument("place")
    override.add_argument("--controller", required=True, help="faction code, or 'none'")
    override.add_argument("--from", dest="date_from", required=True)
    override.add_argument("--note", default="")
    override.add_argument("--author", default="")
    override.add_argument("--db", type=Path, default=None)
    override.set_defaults(func=cmd_override)

    evaluate = sub.add_parser("evaluate", help="score against gold files, side by side")
    evaluate.add_argument("--gold", type=Path, required=True, action="append",
                          help="a gold JSON file (docs/annotation.md); repeat to compare")
    evaluate.add_argument("--json", action="store_true", help="print the full JSON report")
    evaluate.add_argument("--summary", action="store_true",
                          help="only the figures, not the misses and false positives")
    evaluate.add_argument("--claims-engine", choices=("both", "patterns", "parse"),
                          default="both",
                          help="read claims by dependency frames and patterns (default), or "
                               "by one of them alone")
    evaluate.set_defaults(func=cmd_evaluate)

    agree = sub.add_parser("agreement", help="how far two annotators of the same articles agree")
    agree.add_argument("--gold", type=Path, required=True, action="append",
                       help="the first reader's gold file(s)")
    agree.add_argument("--second", type=Path, required=True,
                       help="the second reader's gold file (a sample of the same articles)")
    agree.add_argument("--json", action="store_true", help="print the full JSON report")
    agree.set_defaults(func=cmd_agreement)
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
