from __future__ import annotations

import json
from pathlib import Path

from conftest import TEST_DATA

from geo.agreement import agreement
from geo.cli import main

TEXT = ("Turkish forces captured Tal Abyad on Sunday. The SDF repelled an attack on "
        "Ain Issa. Clashes continued near Tell Tamr.")
TAL_ABYAD = {"surface": "Tal Abyad", "canonical": "Tell Abyad", "lat": 36.6975, "lon": 38.9567,
             "type": "town", "coord_source": "syria_places.csv: test row"}
AIN_ISSA = {"surface": "Ain Issa", "canonical": "Ayn Issa", "lat": 36.38528, "lon": 38.85944,
            "type": "town", "coord_source": "syria_places.csv: test row"}


def _claim(place: str, controller: str, action: str, evidence: str, **extra) -> dict:
    return {"place": place, "controller": controller, "previous": None, "action": action,
            "date": "2019-10-13", "hedged": False, "negated": False, "evidence": evidence,
            **extra}


CAPTURE = _claim("Tell Abyad", "TURKEY", "capture", "Turkish forces captured Tal Abyad on Sunday.")
REPELLED = _claim("Ayn Issa", "SDF", "repelled", "The SDF repelled an attack on Ain Issa.")


def _write(folder: Path, name: str, toponyms: list[dict], claims: list[dict]) -> Path:
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    path = folder / name
    path.write_text(json.dumps({"articles": [{"id": "a", "file": "a.txt",
                                              "published": "2019-10-14",
                                              "toponyms": toponyms, "claims": claims}]}),
                    encoding="utf-8")
    return path


def test_two_identical_readings_agree_fully() -> None:
    gold = TEST_DATA / "seeds_gold.json"
    report = agreement([gold], gold)
    assert report["articles"] == 5
    assert report["toponyms"]["f1"] == 1.0 and report["claims"]["f1"] == 1.0
    assert report["differences"] == []


def test_a_claim_only_one_reader_coded_lowers_claim_f1(tmp_path: Path) -> None:
    first = _write(tmp_path, "first.json", [TAL_ABYAD, AIN_ISSA], [CAPTURE, REPELLED])
    second = _write(tmp_path, "second.json", [TAL_ABYAD, AIN_ISSA], [CAPTURE])
    report = agreement([first], second)
    assert report["claims"] == {**report["claims"], "first": 2, "second": 1, "matched": 1,
                                "f1": round(2 / 3, 4)}
    assert report["differences"] == ["a: claim only in the first reading: Ayn Issa SDF repelled"]


def test_readers_agree_on_a_place_through_its_surface_whatever_they_call_it(
        tmp_path: Path) -> None:
    # The second reader took the Who's On First spelling as the canonical name.
    wof = {**TAL_ABYAD, "canonical": "Tall Abyad"}
    first = _write(tmp_path, "first.json", [TAL_ABYAD], [CAPTURE])
    second = _write(tmp_path, "second.json", [wof], [{**CAPTURE, "place": "Tall Abyad"}])
    assert agreement([first], second)["claims"]["f1"] == 1.0


def test_disagreements_on_side_negation_date_and_location_are_counted(tmp_path: Path) -> None:
    moved = {**AIN_ISSA, "lat": 36.0, "lon": 38.0, "coord_source": "another row"}
    first = _write(tmp_path, "first.json", [TAL_ABYAD, AIN_ISSA], [CAPTURE, REPELLED])
    second = _write(tmp_path, "second.json", [TAL_ABYAD, moved], [
        {**CAPTURE, "date": "2019-10-12"}, {**REPELLED, "controller": "TURKEY"}])
    report = agreement([first], second)
    assert report["toponyms"]["located_alike"] == 0.5
    assert report["claims"]["matched"] == 1
    assert report["claims"]["same_date"] == 0.0
    assert "a: 'ain issa' located differently" in report["differences"]


def test_agreement_command_prints_the_figures(tmp_path: Path, capsys) -> None:
    first = _write(tmp_path, "first.json", [TAL_ABYAD, AIN_ISSA], [CAPTURE, REPELLED])
    second = _write(tmp_path, "second.json", [TAL_ABYAD], [CAPTURE])
    assert main(["agreement", "--gold", str(first), "--second", str(second)]) == 0
    out = capsys.readouterr().out
    assert "claim F1                0.6667" in out
    assert "toponym 'ain issa' only in the first reading" in out
