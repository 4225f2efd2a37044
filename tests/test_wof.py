"""Who's On First: the shipped villages, and importing a repository checkout or its CSV."""

from __future__ import annotations

import csv
import os
import shutil
from dataclasses import asdict, replace
from pathlib import Path

import pytest
from conftest import TEST_DATA

from geo.cli import main
from geo.errors import InputError
from geo.gazetteer import load_gazetteer
from geo.theater import load_theater
from geo.wof import WOF_COLUMNS, read_wof_checkout, read_wof_csv, wof_kind, wof_place

SAMPLE = TEST_DATA / "wof_sample"


def test_a_checkout_is_read_with_every_spelling_and_its_geonames_id() -> None:
    records = {r.wof_id: r for r in read_wof_checkout(SAMPLE, ["SY"])}
    assert set(records) == {1310429531, 1327435755, 1226342801, 1108779089, 1276457637}
    sharakrak = records[1226342801]
    assert sharakrak.name == "Sharakrak" and sharakrak.gn_id == 164449
    assert "Chéraqraq" in sharakrak.variants  # the French Mandate spelling
    assert sharakrak.name_ara and not any("ش" in v for v in sharakrak.variants)
    assert records[1108779089].placetype == "county"
    assert read_wof_checkout(SAMPLE, ["TR"]) == []


def test_kinds_follow_the_geonames_feature_code() -> None:
    records = {r.name: r for r in read_wof_checkout(SAMPLE, ["SY"])}
    assert wof_kind(records["Tall Abyad"]) == "town"  # PPLA2, a district seat
    assert wof_kind(records["Sharakrak"]) == "village"  # PPL
    place = wof_place(records["Sharakrak"])
    assert place.place_id == "wof:1226342801" and place.geonameid == 164449
    assert place.source_url == "https://spelunker.whosonfirst.org/id/1226342801/"


@pytest.fixture
def bare_theater():
    """The theater without its shipped Who's On First files."""
    theater = load_theater()
    return replace(theater, files={k: v for k, v in theater.files.items()
                                   if k not in ("wof", "districts")})


def test_importing_a_checkout_makes_its_villages_known(tmp_path: Path, bare_theater,
                                                       capsys, monkeypatch) -> None:
    monkeypatch.setenv("FRONTLINE_DATA", str(tmp_path / "data"))
    before = load_gazetteer(bare_theater, wof_dir=tmp_path / "wof")
    assert not before.lookup("Chéraqraq")
    assert main(["gazetteer", "import", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "imported 5 Who's On First places" in out and "whosonfirst.org" in out
    imported = Path(out.split(" into ")[1].split(" (")[0])
    assert imported.is_file()
    after = load_gazetteer(bare_theater, wof_dir=imported.parent)
    (sharakrak,) = after.lookup("Chéraqraq")
    assert sharakrak.place_id == "wof:1226342801"
    assert after.lookup("Sharakrak") == (sharakrak,)


def test_importing_the_flat_csv_gives_the_same_places(tmp_path: Path, bare_theater,
                                                      monkeypatch) -> None:
    monkeypatch.setenv("FRONTLINE_DATA", str(tmp_path / "data"))
    records = read_wof_checkout(SAMPLE, ["SY"])
    path = tmp_path / "sy.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, WOF_COLUMNS)
        writer.writeheader()
        for record in records:
            row = asdict(record)
            writer.writerow({**{c: row.get(c, "") for c in WOF_COLUMNS},
                             "variants": "|".join(record.variants),
                             "gn_feature_code": record.feature_code,
                             "gn_id": record.gn_id or ""})
    assert sorted(r.wof_id for r in read_wof_csv(path)) == sorted(r.wof_id for r in records)
    assert main(["gazetteer", "import", str(path)]) == 0
    gazetteer = load_gazetteer(bare_theater)
    assert [p.place_id for p in gazetteer.lookup("Chéraqraq")] == ["wof:1226342801"]


def test_a_broken_record_is_named_with_the_fix(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(SAMPLE, checkout)
    broken = next((checkout / "data").rglob("*.geojson"))
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=broken.name):
        read_wof_checkout(checkout, ["SY"])
    with pytest.raises(InputError, match="no data/ folder"):
        read_wof_checkout(tmp_path, ["SY"])
    bad = tmp_path / "bad.csv"
    bad.write_text("wof_id,placetype,name,lat,lon\n12,locality,X,north,36\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2"):
        read_wof_csv(bad)


def test_the_shipped_villages_and_districts_are_in_the_gazetteer(gazetteer) -> None:
    districts = [p for p in gazetteer.places.values() if p.kind == "district"]
    assert len(districts) == 62 and all(p.is_area and p.geometry is not None for p in districts)
    (ras_al_ayn,) = gazetteer.lookup("Ras al-Ain district")
    assert ras_al_ayn.kind == "district" and ras_al_ayn.geometry.contains(
        ras_al_ayn.geometry.representative_point())
    assert not any(p.kind == "district" for p in gazetteer.lookup("Manbij"))  # the town
    villages = [p for p in gazetteer.places.values() if p.source == "wof"]
    assert len(villages) > 9000
    # A Who's On First record of a curated town adds its spellings to that town
    assert [p.place_id for p in gazetteer.lookup("Tall Abyad")] == ["syria:tell-abyad"]


def test_a_wrong_spelling_in_who_s_on_first_does_not_move_a_town(gazetteer) -> None:
    # Who's On First lists "Kobanî" among the names of Afrin: Kobani stays Kobani.
    assert "syria:afrin" not in {p.place_id for p in gazetteer.lookup("Kobani")}


def test_the_gazetteer_is_built_once_and_then_read_from_the_cache(tmp_path: Path,
                                                                   monkeypatch) -> None:
    monkeypatch.setenv("FRONTLINE_CACHE", str(tmp_path / "cache"))
    first = load_gazetteer()
    cached = list((tmp_path / "cache").glob("gazetteer-*.pickle"))
    assert len(cached) == 1
    second = load_gazetteer()
    assert len(second) == len(first) and second.index == first.index
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("name,alt_names,kind,lat,lon,admin1,source_url\nQasrawi,,village,"
                         "36.4,38.9,Raqqa,https://example.org/q\n", encoding="utf-8")
    changed = load_gazetteer(overrides_path=overrides)  # a changed input builds anew
    assert changed.lookup("Qasrawi") and not second.lookup("Qasrawi")
    assert len(list((tmp_path / "cache").glob("gazetteer-*.pickle"))) == 1  # the old one went


def test_the_gazetteer_is_the_same_on_every_run(tmp_path) -> None:
    """Built twice from scratch under different string hashing, the names and places agree
    (a district once took its name from whichever namesake a set gave first)."""
    import subprocess
    import sys

    script = ("import hashlib, json\n"
              "from geo.gazetteer import load_gazetteer\n"
              "g = load_gazetteer()\n"
              "data = [sorted((k, sorted(v)) for k, v in g.index.items()),\n"
              "        sorted((p.place_id, p.name, list(p.alt_names), p.lat, p.lon)\n"
              "               for p in g.places.values())]\n"
              "print(hashlib.sha256(json.dumps(data).encode()).hexdigest())\n")
    digests = set()
    for seed in ("1", "4"):  # hash seeds that once gave different gazetteers
        env = {**os.environ, "PYTHONHASHSEED": seed, "FRONTLINE_CACHE": str(tmp_path / seed)}
        run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                             text=True, check=True)
        digests.add(run.stdout.strip())
    assert len(digests) == 1
