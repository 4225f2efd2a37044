from __future__ import annotations

import json
from pathlib import Path

from conftest import TEST_DATA

from geo.cli import main

SEEDS_GOLD = str(TEST_DATA / "seeds_gold.json")


def test_evaluate_prints_recall_precision_and_trap_hits(capsys) -> None:
    assert main(["evaluate", "--gold", SEEDS_GOLD]) == 0
    out = capsys.readouterr().out
    for label in ("toponym recall @5 km", "toponym precision", "claim precision",
                  "claim recall", "change P / R", "date exact", "TRAP HITS"):
        assert label in out


def test_evaluate_json_is_machine_readable(capsys) -> None:
    assert main(["evaluate", "--gold", SEEDS_GOLD, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["toponyms"]["articles"] == 5
    assert 0.0 <= report["toponyms"]["recall"] <= 1.0
    assert set(report["claims"]["by_class"]) == {"change", "hold", "contested", "presence"}


def test_two_gold_files_are_scored_side_by_side(tmp_path: Path, capsys) -> None:
    text = "The Syrian army is on the verge of entering Saraqib."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    gold = tmp_path / "verge.json"
    gold.write_text(json.dumps({"articles": [{"id": "v", "file": "a.txt",
                                              "published": "2020-02-20", "claims": [{
        "place": "Saraqib", "controller": "GOV", "previous": "HTS", "action": "capture",
        "date": None, "hedged": False, "negated": True, "evidence": text}]}]}),
        encoding="utf-8")
    # the patterns alone read the plan as a capture; the default (parse frames first) does not
    assert main(["evaluate", "--gold", SEEDS_GOLD, "--gold", str(gold),
                 "--claims-engine", "patterns"]) == 0
    out = capsys.readouterr().out
    header, *rows = out.splitlines()
    assert header.split() == ["seeds_gold", "verge"]
    traps = next(r for r in rows if r.startswith("TRAP HITS"))
    assert traps.split()[-2:] == ["0", "1"]
    assert "TRAP: v: Saraqib GOV capture" in out and text in out
    assert main(["evaluate", "--gold", SEEDS_GOLD, "--gold", str(gold)]) == 0
    traps = next(r for r in capsys.readouterr().out.splitlines() if r.startswith("TRAP HITS"))
    assert traps.split()[-2:] == ["0", "0"]

    assert main(["evaluate", "--gold", str(gold), "--summary"]) == 0
    assert "TRAP:" not in capsys.readouterr().out


def test_a_broken_gold_file_exits_2_naming_it(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "gold.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["evaluate", "--gold", str(bad)]) == 2
    assert "gold.json" in capsys.readouterr().err
