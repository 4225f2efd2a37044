"""An animation of the war: the static map (`geo.staticmap`) of each date as one frame.

Every frame shows the same extent (the whole theater, or the union of every date's data),
so the picture does not jump; each frame rings the claims made since the previous frame.
GIFs are written with Pillow, MP4s (H.264) with the ffmpeg that ``imageio-ffmpeg`` ships.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import imageio.v2 as imageio
import numpy as np
from PIL import Image
from pyproj import Transformer

from geo.layers import War, layers_on, summary
from geo.staticmap import Extent, map_extent, render_figure


def common_extent(war: War, days: Sequence[date], extent: str) -> str | Extent:
    """One extent for every frame: ``"theater"``, or the union of each date's data (degrees)."""
    if extent != "data":
        return extent
    boxes = np.array([map_extent(layers_on(war, day), war.theater, "data") for day in days])
    west, south = boxes[:, 0].min(), boxes[:, 1].min()
    east, north = boxes[:, 2].max(), boxes[:, 3].max()
    back = Transformer.from_crs(war.theater.metric_crs, "EPSG:4326", always_xy=True)
    lons, lats = back.transform([west, east, west, east], [south, south, north, north])
    return (min(lons), min(lats), max(lons), max(lats))


def frames(war: War, days: Sequence[date], *, width_px: int = 1200, extent: str = "theater",
           progress: Callable[[int, int], None] | None = None) -> list[np.ndarray]:
    """The RGB frames (height x width x 3, uint8), one per date."""
    box = common_extent(war, days, extent)
    out = []
    for index, day in enumerate(days):
        layers = layers_on(war, day)
        documents = [d["file"] for d in summary(war, layers, day)["documents"]]
        before = days[index - 1].isoformat() if index else None
        figure = render_figure(layers, war.theater, war.factions, day, documents=documents,
                               width_px=width_px, extent=box, claims_since=before)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=figure.dpi)
        out.append(np.asarray(Image.open(buffer).convert("RGB")))
        if progress:
            progress(index + 1, len(days))
    height = max(f.shape[0] for f in out)
    width = max(f.shape[1] for f in out)
    # Equal sizes for the encoders (even ones for H.264): pad with white at the bottom/right.
    height, width = height + height % 2, width + width % 2
    return [np.pad(f, ((0, height - f.shape[0]), (0, width - f.shape[1]), (0, 0)),
                   constant_values=255) for f in out]


def write_animation(war: War, days: Sequence[date], path: Path, *,
                    seconds_per_frame: float = 1.0, width_px: int = 1200,
                    extent: str = "theater",
                    progress: Callable[[int, int], None] | None = None) -> Path:
    """Write a ``.gif`` or ``.mp4`` of the map on ``days`` (atomically); returns the path."""
    if not days:
        raise ValueError("no dates to animate")
    if seconds_per_frame <= 0:
        raise ValueError("seconds per frame must be positive")
    images = frames(war, days, width_px=width_px, extent=extent, progress=progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    if path.suffix.lower() == ".gif":
        first, *rest = [Image.fromarray(f).quantize(colors=255, dither=Image.Dither.NONE)
                        for f in images]
        first.save(tmp, save_all=True, append_images=rest, loop=0,
                   duration=int(seconds_per_frame * 1000))
    else:
        with imageio.get_writer(tmp, format="FFMPEG", mode="I", fps=1.0 / seconds_per_frame,
                                codec="libx264", pixelformat="yuv420p",
                                macro_block_size=2) as writer:
            for image in images:
                writer.append_data(image)
    tmp.replace(path)
    return path
