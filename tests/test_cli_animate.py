"""Snapshot images and animations from the command line: map.png, GIF and MP4."""

from __future__ import annotations

from pathlib import Path

import imageio.v2 as imageio
import pytest
from conftest import SEEDS
from PIL import Image

from geo.cli import main


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("animate") / "f.db"
    assert main(["ingest", str(SEEDS), "--db", str(path)]) == 0
    return path


def test_snapshot_png_is_a_1600_px_map_of_the_date(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    assert main(["snapshot", "--date", "2020-12-25", "--out", str(out), "--png", "--db",
                 str(db)]) == 0
    with Image.open(out / "map.png") as image:
        assert image.width == 1600
        assert "2020-12-25" in image.info.get("Title", "")


def test_animate_writes_one_gif_frame_per_claim_date(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "war.gif"
    assert main(["animate", "--from", "2020-02-01", "--out", str(path), "--width", "600",
                 "--seconds", "0.5", "--db", str(db)]) == 0
    with Image.open(path) as gif:
        assert gif.n_frames == 5  # the claim dates 2020-02-10, 02-16, 12-18, 12-24, 12-25
        assert gif.info["duration"] == 500 and gif.width == 600


def test_animate_writes_an_mp4_with_a_frame_per_step(db: Path, tmp_path: Path,
                                                    capsys) -> None:
    path = tmp_path / "war.mp4"
    assert main(["animate", "--from", "2020-12-01", "--to", "2020-12-29", "--step", "7d",
                 "--out", str(path), "--width", "400", "--extent", "data", "--db",
                 str(db)]) == 0
    with imageio.get_reader(path, format="FFMPEG") as video:
        frames = sum(1 for _ in video)
    assert frames == 5
    assert main(["animate", "--out", str(tmp_path / "war.avi"), "--db", str(db)]) == 2
    assert "end the file name with .gif or .mp4" in capsys.readouterr().err


def test_the_app_download_png_is_the_same_map(db: Path) -> None:
    import io
    from datetime import date

    from geo.factions import load_factions
    from geo.gazetteer import load_gazetteer
    from geo.layers import layers_on, load_war
    from geo.staticmap import png_bytes
    from geo.store import Store
    from geo.theater import load_theater

    with Store(db) as store:
        war = load_war(store, load_gazetteer(), load_factions(), load_theater())
    data = png_bytes(layers_on(war, date(2020, 12, 25)), war.theater, war.factions,
                     date(2020, 12, 25), documents=["a.txt"])
    with Image.open(io.BytesIO(data)) as image:
        assert image.width == 1600 and "2020-12-25" in image.info["Title"]
