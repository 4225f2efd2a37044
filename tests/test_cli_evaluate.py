from __future__ import annotations

import json

from conftest import TEST_DATA

from geo.cli import main


def test_evaluate_prints_recall_precision_and_accuracy(capsys) -> None:
    assert main(["evaluate", "--gold", str(TEST_DATA / "seeds_gold.json")]) == 0
    out = capsys.readouterr().out
    assert "toponym recall" in out and "accuracy @5 km" in out


def test_evaluate_json_is_machine_readable(capsys) -> None:
    assert main(["evaluate", "--gold", str(TEST_DATA / "seeds_gold.json"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["toponyms"]["articles"] == 5
    assert 0.0 <= report["toponyms"]["recall"] <= 1.0
