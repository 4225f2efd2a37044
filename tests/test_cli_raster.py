"""The raster commands: snapshot --tif, raster (one band per date), population."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine
from conftest import SEEDS

from geo.cli import main


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("raster") / "f.db"
    assert main(["ingest", str(SEEDS), "--db", str(path)]) == 0
    return path


def test_snapshot_tif_holds_the_controller_codes_of_the_date(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    assert main(["snapshot", "--date", "2020-12-25", "--out", str(out), "--tif",
                 "--resolution", "250", "--db", str(db)]) == 0
    with rasterio.open(out / "control.tif") as tif:
        codes = set(np.unique(tif.read(1)).tolist())
        tags = tif.tags()
        assert tif.res == (250.0, 250.0) and tif.nodata == 0
    assert tags["DATE"] == "2020-12-25"
    named = {int(k.split("_")[1]): v for k, v in tags.items() if k.startswith("CODE_")}
    assert {named[c] for c in codes - {0}} == {"GOV", "SDF", "TURKEY"}


def test_raster_writes_one_band_per_date(db: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "series.tif"
    assert main(["raster", "--out", str(path), "--db", str(db)]) == 0
    with rasterio.open(path) as tif:
        assert tif.count == 10
        assert tif.descriptions[0] == "2019-10-13" and tif.descriptions[-1] == "2020-12-25"
        first, last = tif.read(1), tif.read(tif.count)
    assert (first == 0).all() and (last > 0).any()
    weekly = tmp_path / "weekly.tif"
    assert main(["raster", "--from", "2020-12-01", "--to", "2020-12-31", "--step", "7d",
                 "--out", str(weekly), "--db", str(db)]) == 0
    with rasterio.open(weekly) as tif:
        assert tif.descriptions == ("2020-12-01", "2020-12-08", "2020-12-15", "2020-12-22",
                                    "2020-12-29")
    capsys.readouterr()
    assert main(["raster", "--step", "weekly", "--out", str(weekly), "--db", str(db)]) == 2
    assert "--step 'weekly'" in capsys.readouterr().err


def test_population_counts_people_per_control_area(db: Path, tmp_path: Path, capsys) -> None:
    # A synthetic population grid (test data, not a census): 10 people in every
    # 0.01-degree pixel of a box around Ayn Issa and al-Mushairfeh.
    path = tmp_path / "people.tif"
    west, north, size = 38.6, 36.6, 0.01
    with rasterio.open(path, "w", driver="GTiff", width=60, height=40, count=1,
                       dtype="float32", crs="EPSG:4326", nodata=-1.0,
                       transform=Affine(size, 0.0, west, 0.0, -size, north)) as tif:
        tif.write(np.full((40, 60), 10.0, dtype="float32"), 1)
    assert main(["population", str(path), "--date", "2020-12-25", "--format", "json",
                 "--db", str(db)]) == 0
    people = json.loads(capsys.readouterr().out)["people"]
    assert people["SDF"] > 0 and people["SDF"] % 10 == 0
    assert people["SDF"] + people.get("TURKEY", 0) + people["outside"] == 60 * 40 * 10
    assert main(["population", str(tmp_path / "missing.tif"), "--date", "2020-12-25",
                 "--db", str(db)]) == 2
    assert "missing.tif" in capsys.readouterr().err
