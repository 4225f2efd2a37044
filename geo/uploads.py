"""Articles uploaded through the app: kept on disk, then ingested like any other file."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from geo import settings
from geo.ingest import SUPPORTED

_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_name(name: str) -> str:
    """A file name that stays inside its folder and shows nothing but word characters."""
    stem = Path(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", stem).strip(" .") or "article.txt"
    return cleaned[:120]


def save_uploads(files: list[tuple[str, bytes]], folder: Path | None = None
                 ) -> tuple[list[Path], list[str]]:
    """Write uploaded files to a new folder under ``data/uploads``.

    Returns
    -------
    saved, refused
        The files written, and one message per file of a type frontline cannot read.
    """
    folder = folder or settings.data_dir() / "uploads" / datetime.now(UTC).strftime(
        "%Y%m%dT%H%M%S%fZ")
    saved, refused = [], []
    for name, data in files:
        target = folder / safe_name(name)
        if target.suffix.lower() not in SUPPORTED:
            refused.append(f"{safe_name(name)}: unknown file type {target.suffix!r}. Fix: "
                           f"upload one of {', '.join(sorted(SUPPORTED))}.")
            continue
        folder.mkdir(parents=True, exist_ok=True)
        counter = 1
        while target.exists():
            target = folder / f"{Path(safe_name(name)).stem}-{counter}{target.suffix}"
            counter += 1
        target.write_bytes(data)
        saved.append(target)
    return saved, refused
